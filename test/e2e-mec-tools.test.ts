import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { LcmProxyRpcClient } from '../src/mec/lcm-proxy-rpc.js';
import { startComputerServer, startTypedComputerServer } from '../src/platform/computer-server.js';
import '../src/platform/computer-types.js';

const SOE = fileURLToPath(new URL('./support/soe-of-this-build.js', import.meta.url));
const FACES = fileURLToPath(new URL('../../data/faces/', import.meta.url));

/** Runs `soe <args>` of this build with `input` on standard input; resolves with its exit and output. */
function soe(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SOE, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('ueapplcmproxy, ueapplcmproxyclient and etsimeccli', () => {
  let proxy: ReturnType<typeof spawn>;
  let grpc = '';
  let root = '';

  before(async () => {
    proxy = spawn(process.execPath, [
      SOE,
      'mec',
      'proxy',
      '--server-endpoint',
      '127.0.0.1:0',
      '--etsi-api-root',
      'http://127.0.0.1:0',
    ]);
    let err = '';
    await new Promise<void>((resolve, reject) => {
      proxy.stderr!.setEncoding('utf8').on('data', (d: string) => {
        err += d;
        const r = /REST API at (\S+)/.exec(err);
        const g = /ueapplcmproxy listening on (\S+)/.exec(err);
        if (r && g) {
          root = r[1]!;
          grpc = g[1]!;
          resolve();
        }
      });
      proxy.on('close', () => reject(new Error(`the proxy exited: ${err}`)));
    });
  });
  after(() => {
    proxy.kill('SIGINT');
  });

  test('the line-oriented client drives the proxy and answers each command', async () => {
    const script = [
      'add-lambda clambda0',
      'add-lambda lambda1',
      'del-lambda lambda1',
      'associate * clambda0 127.0.0.1:10000',
      'associate 10.0.0.1 clambda0 127.0.0.1:10001',
      '',
      'table',
      'num-contexts',
      'contexts',
      'associate * clambda0',
      'bogus',
      'remove 10.0.0.1 clambda0',
      'table',
      'quit',
      'num-contexts',
    ].join('\n');
    const r = await soe(['mec', 'proxy-client', '--server-endpoint', grpc], script);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'OK\nOK\nOK\nOK\nOK\n' +
        '* clambda0 127.0.0.1:10000\n10.0.0.1 clambda0 127.0.0.1:10001\n' +
        '0\n' +
        'Invalid command\nInvalid command\nOK\n' +
        '* clambda0 127.0.0.1:10000\n',
    );
  });

  test('etsimeccli --command app_list prints the applications', async () => {
    let r = await soe(['mec', 'cli', '--etsi-api-root', root]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'clambda0, OpenLambdaMec, 1.0\n');
    r = await soe(['mec-cli', '--etsi-api-root', root, '--mattermost-output']);
    assert.equal(
      r.stdout,
      ' | appName  | appProvider | appSoftVersion |\n | -------- | ----------- | -------------- |\n' +
        ' | clambda0 | OpenLambdaMec | 1.0 | \n',
    );
    r = await soe(['mec', 'cli', '--etsi-api-root', root, '--command', 'app_lis']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Exception caught: Unknown command: app_lis\n/);
  });

  test('etsimeccli --mattermost-proxy answers slash commands until stopped', async () => {
    const child = spawn(process.execPath, [
      SOE,
      'mec-cli',
      '--etsi-api-root',
      root,
      '--mattermost-proxy',
      'http://127.0.0.1:0/slash',
      '--mattermost-token',
      'tok',
    ]);
    let err = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        err += d;
        const m = /Mattermost slash-command proxy listening at (\S+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      child.on('close', () => reject(new Error(`etsimeccli exited: ${err}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=tok&text=app_list&command=%2Fetsi',
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      response_type: 'in_channel',
      text:
        ' | appName  | appProvider | appSoftVersion |\n | -------- | ----------- | -------------- |\n' +
        ' | clambda0 | OpenLambdaMec | 1.0 | \n',
    });
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.match(err, /SIGINT received, shutting down/);
  });

  test('the help of the client lists its commands', async () => {
    const r = await soe(['mec', 'proxy-client', '--help']);
    assert.equal(r.code, 0);
    assert.match(
      r.stdout,
      /^Usage: soe mec proxy-client \[options\]\nCommand-line utility to query a static UE/,
    );
    assert.match(r.stdout, /- associate C A S: associates the address of the edge client C/);
  });

  test('edgeclient --etsi-api-root finds its computer through the proxy and deletes its context at exit', async () => {
    const computer = await startComputerServer({
      serverEndpoint: '127.0.0.1:0',
      utilizationEndpoint: '127.0.0.1:0',
      conf: 'type=raspberry,num-containers=1,num-workers=1',
    });
    const rpc = new LcmProxyRpcClient(grpc);
    try {
      await rpc.associateAddress('', 'clambda0', computer.endpoint);
      const r = await soe(['client', '--etsi-api-root', root, '--max-requests', '3', '--sizes', '20']);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 3);
      // A computer called directly leaves the responder empty, as in the original's test.
      for (const line of lines) assert.match(line, /^\S+ \S+ \S+  clambda0 1$/);
      assert.equal(await rpc.numContexts(), 0);
      const missing = await soe([
        'client',
        '--etsi-api-root',
        root,
        '--lambda',
        'nope',
        '--max-requests',
        '1',
      ]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /UE application nope not found in the LCM proxy/);
    } finally {
      rpc.close();
      await computer.stop();
    }
  });

  test('facerecclient --etsi-api-root finds the facerec computer through the proxy and deletes its contexts at exit', async () => {
    const computer = await startTypedComputerServer({
      type: 'facerec',
      serverEndpoint: '127.0.0.1:0',
      utilizationEndpoint: '',
      samplePeriod: 0,
      settings: { 'num-threads': '1' },
    });
    const rpc = new LcmProxyRpcClient(grpc);
    try {
      for (const lambda of ['facerec0', 'eyerec0']) {
        await rpc.addLambda(lambda);
        await rpc.associateAddress('', lambda, computer.endpoint);
      }
      const r = await soe([
        'facerec-client',
        '--etsi-api-root',
        root,
        '--image',
        `${FACES}kpa_bar55_2.jpg`,
        '--eyes',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^elapsed \d+(\.\d+)? ms, load \d+, detected 5 faces and 1 eyes\n$/);
      assert.equal(await rpc.numContexts(), 0);
    } finally {
      for (const lambda of ['facerec0', 'eyerec0'])
        await rpc.removeAddress('', lambda).catch(() => undefined);
      rpc.close();
      await computer.stop();
    }
  });
});
