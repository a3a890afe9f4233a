/**
 * A lean gRPC server in a process of its own, so that a test can measure its memory under attack: serves
 * RunLambda as an echo, with the GrpcServerLimits given as JSON in the first argument, prints its endpoint on a
 * line, and exits when its standard input closes (the test ended, or died).
 */
import { GrpcUnaryServer } from './grpc-unary-server.js';
import type { GrpcServerLimits } from './limits.js';
import { echoLambda, RUN_LAMBDA } from './raw-peer.test-support.js';

const limits = JSON.parse(process.argv[2] ?? '{}') as Partial<GrpcServerLimits>;
const server = await GrpcUnaryServer.start('127.0.0.1:0', { [RUN_LAMBDA]: echoLambda }, limits);
process.stdout.write(`${server.endpoint}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
