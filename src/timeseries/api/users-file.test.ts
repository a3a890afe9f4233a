import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenHash } from './password-hash.js';
import { checkUserName, parseUsersFile, usersFileLine } from './users-file.js';

const HASH = `scrypt$16384$8$1$${'A'.repeat(22)}$${'B'.repeat(43)}`;
const TOKEN = tokenHash('t1');

test('a users file: comments, blank lines, a password and tokens per user, roles', () => {
  const users = parseUsersFile(
    [
      '# soe timeseries users',
      '',
      usersFileLine('alice', 'admin', 'password', HASH),
      `  bob   user  token  ${TOKEN}  `,
      `bob user password ${HASH}`,
      `bob user token ${tokenHash('t2')}\r`,
    ].join('\n'),
    'users.txt',
  );
  assert.deepEqual([...users.keys()], ['alice', 'bob']);
  assert.equal(users.get('alice')?.role, 'admin');
  assert.equal(users.get('alice')?.password?.N, 16384);
  assert.deepEqual(users.get('alice')?.tokens, []);
  assert.equal(users.get('bob')?.role, 'user');
  assert.deepEqual(users.get('bob')?.tokens, [TOKEN, tokenHash('t2')]);
  assert.equal(usersFileLine('alice', 'admin', 'password', HASH), `alice admin password ${HASH}`);
});

test('mistakes in a users file name the file and line', () => {
  const cases: [string, string][] = [
    ['alice admin password', 'expected NAME ROLE KIND HASH (KIND password or token)'],
    [`alice root password ${HASH}`, "role 'root' is neither admin nor user"],
    [`alice admin secret ${HASH}`, "kind 'secret' is neither password nor token"],
    [`al:ice admin password ${HASH}`, "user name 'al:ice' holds a blank, a colon or a control character"],
    [`alice admin password scrypt$1$2`, 'a password hash is scrypt$N$r$p$SALT$KEY'],
    ['alice admin token sha256$00', 'a token hash is sha256$ and 64 lower-case hexadecimal digits'],
  ];
  for (const [line, reason] of cases) {
    assert.throws(
      () => parseUsersFile(`# users\n${line}\n`, 'u.txt'),
      { message: `u.txt line 2: ${reason}` },
      line,
    );
  }
  assert.throws(() => parseUsersFile(`a admin password ${HASH}\na user token ${TOKEN}`, 'u.txt'), {
    message: "u.txt line 2: user 'a' is admin on an earlier line",
  });
  assert.throws(() => parseUsersFile(`a admin password ${HASH}\na admin password ${HASH}`, 'u.txt'), {
    message: "u.txt line 2: user 'a' has a password on an earlier line",
  });
  assert.throws(() => parseUsersFile(`a admin token ${TOKEN}\nb user token ${TOKEN}`, 'u.txt'), {
    message: 'u.txt line 2: this token is already on an earlier line',
  });
});

test('user names: 1 to 255 characters, no blank, colon or control character', () => {
  checkUserName('x'.repeat(255));
  checkUserName('ops@example.org');
  assert.throws(() => checkUserName(''), { message: 'a user name cannot be empty' });
  assert.throws(() => checkUserName('x'.repeat(256)), { message: 'a user name has at most 255 characters' });
  assert.throws(() => checkUserName('a\u0000b'), {
    message: "user name 'a\u0000b' holds a blank, a colon or a control character",
  });
});
