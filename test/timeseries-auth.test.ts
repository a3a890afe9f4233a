// `soe timeseries` authentication end to end (issue 13, finding 8): non-loopback listening refused without
// real credentials unless --allow-insecure-listen, `user add` / `token add` writing the users file, and a
// server under --auth users checking passwords and tokens, Host and Origin.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

const SOE = fileURLToPath(new URL('./support/soe-of-this-build.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'soe-ts-auth-'));

interface Soe {
  /** Resolves with the exit status and output. */
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Waits for a line of standard error. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  stop(): void;
}

/** Runs `soe timeseries …` of this build, writing `input` to its standard input. */
function soe(args: string[], input = ''): Soe {
  const child = spawn(process.execPath, [SOE, 'timeseries', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    waiters.forEach((w) => w());
  });
  child.stdin.end(input);
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      waiters.forEach((w) => w());
      resolve({ code, stdout, stderr });
    }),
  );
  return {
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = pattern.exec(stderr);
          if (m !== null) {
            waiters.delete(check);
            resolve(m);
          } else if (child.exitCode !== null) {
            waiters.delete(check);
            reject(new Error(`no ${String(pattern)}: it exited; stderr:\n${stderr}`));
          }
        };
        waiters.add(check);
        check();
      }),
    stop: () => child.kill('SIGTERM'),
  };
}

const ERROR_LINE = /^E\d{4} [^\]]+ timeseries\] Exception caught: (.*)\n$/;

function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

describe('listening beyond loopback', () => {
  for (const [listen, auth] of [
    [':0', 'basic'],
    ['0.0.0.0:0', 'none'],
    ['[::]:0', 'basic'],
    ['192.0.2.1:8041', 'none'],
  ] as const) {
    test(`--listen ${listen} --auth ${auth} is refused, naming the options`, async () => {
      const r = await soe(['serve', '--listen', listen, '--auth', auth, '--data-dir', join(dir, 'none')])
        .exited;
      assert.equal(r.code, 1);
      const why =
        auth === 'none'
          ? 'every caller is admin'
          : 'the password is not checked, anyone who sends the user name admin is admin';
      const where = listen.startsWith('192') ? 'an address other than loopback' : 'every interface';
      assert.equal(
        ERROR_LINE.exec(r.stderr)?.[1],
        `--listen ${listen} is ${where}, and with --auth ${auth} ${why}: use --auth users with ` +
          '--users-file, listen on loopback (127.0.0.1:PORT), or give --allow-insecure-listen on a trusted network',
      );
    });
  }

  test('--allow-insecure-listen starts it with a warning', async () => {
    const server = soe([
      'serve',
      '--listen',
      '0.0.0.0:0',
      '--auth',
      'none',
      '--allow-insecure-listen',
      '--data-dir',
      join(dir, 'insecure'),
    ]);
    try {
      await server.waitFor(
        /W\d{4} [^\]]+ timeseries\] --allow-insecure-listen: --listen 0\.0\.0\.0:0 with --auth none, anyone who reaches it can be admin\n/,
      );
      const [, port] = await server.waitFor(/timeseries service listening on http:\/\/0\.0\.0\.0:(\d+),/);
      assert.equal((await fetch(`http://127.0.0.1:${port}/v1/status`)).status, 200);
    } finally {
      server.stop();
      await server.exited;
    }
  });

  test('--auth users needs --users-file, and --users-file needs --auth users', async () => {
    const a = await soe(['serve', '--auth', 'users', '--data-dir', join(dir, 'none')]).exited;
    assert.equal(ERROR_LINE.exec(a.stderr)?.[1], '--auth users needs --users-file');
    const b = await soe(['serve', '--users-file', join(dir, 'u'), '--data-dir', join(dir, 'none')]).exited;
    assert.equal(
      ERROR_LINE.exec(b.stderr)?.[1],
      '--users-file is read only with --auth users (not --auth basic)',
    );
  });
});

describe('--auth users with a users file made by user add and token add', () => {
  const usersFile = join(dir, 'users');

  test('user add prints the line of a user, its password read from standard input', async () => {
    const r = await soe(['user', 'add', 'root', '--admin'], 'r00t pw\n').exited;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^root admin password scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}\n$/);
    const empty = await soe(['user', 'add', 'root'], '\n').exited;
    assert.equal(
      ERROR_LINE.exec(empty.stderr)?.[1],
      'No password on standard input: write it as the first line',
    );
  });

  test('user add --users-file appends, token add appends a hash and prints the token', async () => {
    writeFileSync(usersFile, '# users of the test', { mode: 0o600 });
    assert.equal(
      (await soe(['user', 'add', 'root', '--admin', '--users-file', usersFile], 'r00t pw').exited).code,
      0,
    );
    const ann = await soe(['user', 'add', 'ann', '--users-file', usersFile], 'ann pw\r\nignored\n').exited;
    assert.equal(ann.stdout, '');
    const again = await soe(['user', 'add', 'ann', '--users-file', usersFile], 'other').exited;
    assert.equal(
      ERROR_LINE.exec(again.stderr)?.[1],
      `User 'ann' already has a password in ${usersFile}: remove its line to change it`,
    );
    const role = await soe(['token', 'add', 'ann', '--admin', '--users-file', usersFile]).exited;
    assert.equal(ERROR_LINE.exec(role.stderr)?.[1], `User 'ann' is user in ${usersFile}: leave out --admin`);
    const token = await soe(['token', 'add', 'ann', '--users-file', usersFile]).exited;
    assert.match(token.stdout, /^soe_[\w-]{43}\n$/);
    writeFileSync(join(dir, 'token'), token.stdout.trim());
    const lines = readFileSync(usersFile, 'utf8').split('\n');
    assert.deepEqual(
      lines.map((l) => (l.startsWith('#') ? l : l.split(' ').slice(0, 3).join(' '))),
      ['# users of the test', 'root admin password', 'ann user password', 'ann user token', ''],
    );
    assert.equal(lines[3]?.includes(token.stdout.trim()), false, 'only its hash is stored');
    const noFile = await soe(['token', 'add', 'ann']).exited;
    assert.equal(
      ERROR_LINE.exec(noFile.stderr)?.[1],
      'token add needs --users-file: the token’s hash is written there, the token printed once',
    );
    const fresh = join(dir, 'fresh-users');
    await soe(['token', 'add', 'ci', '--users-file', fresh]).exited;
    assert.equal(statSync(fresh).mode & 0o777, 0o600, 'a new users file is readable by its owner only');
  });

  test('the server checks passwords and tokens, Host and Origin', async () => {
    const server = soe([
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--auth',
      'users',
      '--users-file',
      usersFile,
      '--data-dir',
      join(dir, 'users-data'),
    ]);
    try {
      const [, url] = await server.waitFor(/timeseries service listening on (http:\/\/\S+?),/);
      const get = (path: string, headers: Record<string, string>) =>
        fetch(`${url}${path}`, { headers: { accept: 'application/json', ...headers } });
      assert.equal((await get('/v1/status', { authorization: basicAuth('root', 'r00t pw') })).status, 200);
      assert.equal((await get('/v1/metric', { authorization: basicAuth('ann', 'ann pw') })).status, 200);
      const wrong = await get('/v1/metric', { authorization: basicAuth('ann', 'ann pw ') });
      assert.equal(wrong.status, 401);
      assert.equal(
        wrong.headers.get('www-authenticate'),
        'Basic realm="soe-timeseries", charset="UTF-8", Bearer realm="soe-timeseries"',
      );
      const token = readFileSync(join(dir, 'token'), 'utf8');
      assert.equal((await get('/v1/metric', { authorization: `Bearer ${token}` })).status, 200);
      assert.equal((await get('/v1/status', { authorization: `Bearer ${token}` })).status, 403);
      const rebound = await new Promise<number | undefined>((resolve, reject) =>
        request(`${url}/v1/metric`, {
          headers: {
            accept: 'application/json',
            authorization: basicAuth('ann', 'ann pw'),
            host: 'evil.example',
          },
        })
          .on('response', (res) => {
            res.resume();
            resolve(res.statusCode);
          })
          .on('error', reject)
          .end(),
      );
      assert.equal(rebound, 403, 'a page of a rebound name');
      const crossSite = await fetch(`${url}/v1/metric`, {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          authorization: basicAuth('ann', 'ann pw'),
          origin: 'http://evil.example',
        },
        body: JSON.stringify({ name: 'x', archive_policy_name: 'low' }),
      });
      assert.equal(crossSite.status, 403);
    } finally {
      server.stop();
      await server.exited;
    }
  });
});
