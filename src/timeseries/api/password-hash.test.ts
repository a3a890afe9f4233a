import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  hashPassword,
  newToken,
  parsePasswordHash,
  parseTokenHash,
  tokenHash,
  verifyPassword,
} from './password-hash.js';

test('a password hash is scrypt$16384$8$1$SALT$KEY with a salt of its own, and verifies only its password', async () => {
  const first = await hashPassword('s3cret pass');
  const second = await hashPassword('s3cret pass');
  assert.match(first, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.notEqual(first, second, 'a fresh salt each time');
  const parsed = parsePasswordHash(first);
  assert.equal(await verifyPassword('s3cret pass', parsed), true);
  assert.equal(await verifyPassword('s3cret pas', parsed), false);
  assert.equal(await verifyPassword('', parsed), false);
});

test('a known scrypt vector (RFC 7914 §12, N=1024 r=8 p=16) verifies', async () => {
  const salt = Buffer.from('NaCl').toString('base64url');
  const key = Buffer.from(
    'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640',
    'hex',
  ).toString('base64url');
  // The salt is shorter than the 8 bytes parsePasswordHash asks for, so the hash is built by hand.
  const hash = { N: 1024, r: 8, p: 16, salt: Buffer.from('NaCl'), key: Buffer.from(key, 'base64url') };
  assert.equal(await verifyPassword('password', hash), true);
  assert.throws(() => parsePasswordHash(`scrypt$1024$8$16$${salt}$${key}`), {
    message: 'the salt is shorter than 8 bytes',
  });
});

test('malformed password hashes are refused saying what is wrong', () => {
  const salt = 'A'.repeat(22);
  const key = 'A'.repeat(43);
  const cases: [string, string][] = [
    ['bcrypt$x', 'a password hash is scrypt$N$r$p$SALT$KEY'],
    [`scrypt$1000$8$1$${salt}$${key}`, 'scrypt N must be a power of two from 1024 to 1048576'],
    [`scrypt$2097152$8$1$${salt}$${key}`, 'scrypt N must be an integer from 1 to 1048576'],
    [`scrypt$16384$0$1$${salt}$${key}`, 'scrypt r must be an integer from 1 to 32'],
    [`scrypt$16384$8$x$${salt}$${key}`, 'scrypt p must be an integer from 1 to 16'],
    [`scrypt$1048576$32$1$${salt}$${key}`, 'scrypt N × r × p needs more than 256 MiB'],
    [`scrypt$16384$8$1$a+b$${key}`, 'the salt is not base64url'],
  ];
  for (const [text, message] of cases) assert.throws(() => parsePasswordHash(text), { message }, text);
});

test('a token is soe_ and 256 random bits; its stored form is its SHA-256', () => {
  const token = newToken();
  assert.match(token, /^soe_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(newToken(), token);
  assert.equal(tokenHash('abc'), 'sha256$ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(parseTokenHash(tokenHash(token)), tokenHash(token));
  assert.throws(() => parseTokenHash('sha256$ABC'), {
    message: 'a token hash is sha256$ and 64 lower-case hexadecimal digits',
  });
});
