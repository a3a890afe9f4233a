import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimeseriesError } from '../errors.js';
import { hashPassword, tokenHash } from './password-hash.js';
import { UserDirectory } from './user-directory.js';
import { parseUsersFile } from './users-file.js';

async function directory(options?: ConstructorParameters<typeof UserDirectory>[1]): Promise<UserDirectory> {
  const text =
    `root admin password ${await hashPassword('r00t')}\n` +
    `ann user password ${await hashPassword('pw ann')}\n` +
    `ann user token ${tokenHash('soe_ann')}\n` +
    `ci admin token ${tokenHash('soe_ci')}\n`;
  return new UserDirectory(parseUsersFile(text, 'users'), options);
}

test('passwords and tokens identify their users with their roles; anything else does not', async () => {
  const users = await directory();
  assert.equal(users.size, 3);
  assert.deepEqual(await users.checkPassword('root', 'r00t'), { name: 'root', admin: true });
  assert.deepEqual(await users.checkPassword('ann', 'pw ann'), { name: 'ann', admin: false });
  assert.equal(await users.checkPassword('ann', 'r00t'), undefined);
  assert.equal(await users.checkPassword('nobody', 'r00t'), undefined);
  assert.equal(await users.checkPassword('ci', ''), undefined, 'a user with tokens only has no password');
  assert.deepEqual(users.checkToken('soe_ann'), { name: 'ann', admin: false });
  assert.deepEqual(users.checkToken('soe_ci'), { name: 'ci', admin: true });
  assert.equal(users.checkToken('soe_nope'), undefined);
});

test('password checks beyond the running and waiting bound get 503; a remembered password skips them', async () => {
  const users = await directory({ maxConcurrentChecks: 1, maxWaitingChecks: 1 });
  assert.deepEqual(await users.checkPassword('root', 'r00t'), { name: 'root', admin: true });
  const running = users.checkPassword('ann', 'wrong 1');
  const waiting = users.checkPassword('ann', 'wrong 2');
  await assert.rejects(users.checkPassword('ann', 'wrong 3'), (e: unknown) => {
    assert.ok(e instanceof TimeseriesError);
    assert.equal(e.status, 503);
    assert.equal(e.description, 'Too many password checks in progress: try again later');
    return true;
  });
  assert.deepEqual(await users.checkPassword('root', 'r00t'), { name: 'root', admin: true }, 'remembered');
  assert.equal(await running, undefined);
  assert.equal(await waiting, undefined);
});

test('at most cacheSize accepted passwords are remembered, the least recently used forgotten', async () => {
  const users = await directory({ maxConcurrentChecks: 1, maxWaitingChecks: 0, cacheSize: 1 });
  await users.checkPassword('root', 'r00t');
  await users.checkPassword('ann', 'pw ann');
  const busy = users.checkPassword('ann', 'wrong');
  assert.deepEqual(await users.checkPassword('ann', 'pw ann'), { name: 'ann', admin: false });
  await assert.rejects(users.checkPassword('root', 'r00t'), { status: 503 });
  await busy;
});
