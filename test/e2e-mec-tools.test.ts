import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

const SOE = fileURLToPath(new URL('./support/soe-of-this-build.js', import.meta.url));

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

  test('the help of the client lists its commands', async () => {
    const r = await soe(['mec', 'proxy-client', '--help']);
    assert.equal(r.code, 0);
    assert.match(
      r.stdout,
      /^Usage: soe mec proxy-client \[options\]\nCommand-line utility to query a static UE/,
    );
    assert.match(r.stdout, /- associate C A S: associates the address of the edge client C/);
  });
});
