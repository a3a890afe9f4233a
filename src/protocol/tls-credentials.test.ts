import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { opensslMissing, TestCertificates } from './test-certificates.test-support.js';
import { loadTlsCredentials, MUTUAL_VARIABLE } from './tls-credentials.js';

const skip = await opensslMissing();

describe('loading the TLS material from the environment (spec §0.6)', { skip }, () => {
  let certs: TestCertificates;
  const file = (name: string): Buffer => readFileSync(join(certs.dir, name));

  before(async () => {
    certs = await TestCertificates.create();
    await writeFile(join(certs.dir, 'empty.crt'), 'not a certificate\n');
  });
  after(() => certs.remove());

  test('the default names in $CERT_DIR: the CA, the server pair and the client pair, mutual', () => {
    assert.deepEqual(loadTlsCredentials({ serve: true, call: true }, certs.env()), {
      ca: file('ca.crt'),
      mutual: true,
      server: { cert: file('server.crt'), key: file('server.key') },
      client: { cert: file('client.crt'), key: file('client.key') },
    });
  });

  test('without CERT_DIR the files are read from the working directory', () => {
    const tls = loadTlsCredentials({ serve: false, call: true }, {}, certs.dir);
    assert.deepEqual(tls.ca, file('ca.crt'));
    assert.deepEqual(tls.client, { cert: file('client.crt'), key: file('client.key') });
  });

  test('CA_CRT, SERVER_CRT, SERVER_KEY, CLIENT_CRT and CLIENT_KEY rename the files', () => {
    const tls = loadTlsCredentials(
      { serve: true, call: true },
      certs.env({
        CA_CRT: 'rogue-ca.crt',
        SERVER_CRT: 'client.crt',
        SERVER_KEY: 'client.key',
        CLIENT_CRT: 'rogue.crt',
        CLIENT_KEY: join(certs.dir, 'rogue.key'),
      }),
    );
    assert.deepEqual(tls, {
      ca: file('rogue-ca.crt'),
      mutual: true,
      server: { cert: file('client.crt'), key: file('client.key') },
      client: { cert: file('rogue.crt'), key: file('rogue.key') },
    });
  });

  test('only what the roles need is read: a pure client needs no server pair', () => {
    const tls = loadTlsCredentials({ serve: false, call: true }, certs.env({ SERVER_CRT: 'missing.crt' }));
    assert.equal(tls.server, undefined);
    const server = loadTlsCredentials({ serve: true, call: false }, certs.env({ CLIENT_CRT: 'missing.crt' }));
    assert.equal(server.client, undefined);
  });

  test(`${MUTUAL_VARIABLE}=0 is server-only TLS: no client pair is needed or sent`, () => {
    const tls = loadTlsCredentials(
      { serve: true, call: true },
      certs.env({ [MUTUAL_VARIABLE]: '0', CLIENT_CRT: 'missing.crt' }),
    );
    assert.equal(tls.mutual, false);
    assert.equal(tls.client, undefined);
    assert.equal(
      loadTlsCredentials({ serve: true, call: true }, certs.env({ [MUTUAL_VARIABLE]: '1' })).mutual,
      true,
    );
    assert.throws(
      () => loadTlsCredentials({ serve: true, call: true }, certs.env({ [MUTUAL_VARIABLE]: 'yes' })),
      {
        message: `${MUTUAL_VARIABLE} must be 1 (mutual TLS) or 0 (server-only TLS), not 'yes'`,
      },
    );
  });

  test('a missing file is named with its variable', () => {
    assert.throws(
      () => loadTlsCredentials({ serve: true, call: false }, certs.env({ SERVER_KEY: 'nope.key' })),
      {
        message: `Cannot read SERVER_KEY ${join(certs.dir, 'nope.key')} (ENOENT): set CERT_DIR to the folder of the certificates or SERVER_KEY to the file`,
      },
    );
    assert.throws(() => loadTlsCredentials({ serve: false, call: true }, {}, join(certs.dir, 'nowhere')), {
      message: `Cannot read CA_CRT ${join(certs.dir, 'nowhere', 'ca.crt')} (ENOENT): set CERT_DIR to the folder of the certificates or CA_CRT to the file`,
    });
  });

  test('a file that is not PEM, or a key that is not the certificate’s, is refused naming both', () => {
    assert.throws(
      () => loadTlsCredentials({ serve: false, call: true }, certs.env({ CA_CRT: 'empty.crt' })),
      {
        message: `CA_CRT ${join(certs.dir, 'empty.crt')} is not a PEM file`,
      },
    );
    assert.throws(
      () => loadTlsCredentials({ serve: false, call: true }, certs.env({ CLIENT_KEY: 'server.key' })),
      (err: Error) => {
        assert.ok(
          err.message.startsWith(
            `CLIENT_CRT ${join(certs.dir, 'client.crt')} and CLIENT_KEY ${join(certs.dir, 'server.key')} are not a certificate and its key: `,
          ),
          err.message,
        );
        return true;
      },
    );
  });
});
