import { startLambdaServer, type LambdaServer } from './edge-server.js';
import type { LambdaRequest } from './messages.js';
import { errorResponse } from './responses.js';

/** A real lambda server for tests that echoes each input after a delay, recording what it was sent. */
export interface SlowEchoServer {
  server: LambdaServer;
  /** Every request received, in order. */
  seen: LambdaRequest[];
  /** The most requests it had in progress at once. */
  peak: () => number;
}

/** Starts a {@link SlowEchoServer} on a free loopback port, answering OK (hops + 1) after `delayMs`. */
export async function startSlowEchoServer(delayMs = 30): Promise<SlowEchoServer> {
  let inFlight = 0;
  let peak = 0;
  const seen: LambdaRequest[] = [];
  const server = await startLambdaServer('127.0.0.1:0', async (req) => {
    seen.push(req);
    peak = Math.max(peak, ++inFlight);
    await new Promise((res) => setTimeout(res, delayMs));
    inFlight--;
    return { ...errorResponse('OK', req.hops + 1), output: req.input };
  });
  return { server, seen, peak: () => peak };
}
