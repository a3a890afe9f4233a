import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CANNOT_CREATE_CONTEXT } from './problem-details.js';
import { CallbackServer, rest, startProxy } from './lcm-proxy-test-env.test-support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A Mx2 AppContext request for a lambda of the north-bound interface. */
function contextRequest(ueAppId: string, lambda = 'clambda0', extra: Record<string, unknown> = {}): unknown {
  return {
    associateUeAppId: ueAppId,
    appInfo: { appName: lambda, appProvider: 'OpenLambdaMec', appSoftVersion: '1.0' },
    ...extra,
  };
}

describe('Mx2 REST API (spec §9.1)', () => {
  let env: Awaited<ReturnType<typeof startProxy>>;
  let callbacks: CallbackServer;
  let mx2: string;

  before(async () => {
    env = await startProxy({ callbackTimeoutMs: 300 });
    callbacks = await CallbackServer.start();
    mx2 = `${env.root}/mx2/v1`;
  });
  after(async () => {
    await env.stop();
    await callbacks.stop();
  });

  test('app_list: empty, then the lambdas sorted by name+provider+version', async () => {
    let a = await rest('GET', `${mx2}/app_list`);
    assert.equal(a.status, 200);
    assert.equal(a.text, '{"ApplicationList":{"appInfo":[]}}');
    await env.rpc.addLambda('lambdaB');
    await env.rpc.addLambda('clambda0');
    a = await rest('GET', `${mx2}/app_list`);
    const charcs = { memory: 0, storage: 0, latency: 0, bandwidth: 0, serviceCont: 0 };
    assert.deepEqual(a.json, {
      ApplicationList: {
        appInfo: [
          { appName: 'clambda0', appProvider: 'OpenLambdaMec', appSoftVersion: '1.0', appCharcs: charcs },
          { appName: 'lambdaB', appProvider: 'OpenLambdaMec', appSoftVersion: '1.0', appCharcs: charcs },
        ],
      },
    });
    await env.rpc.delLambda('lambdaB');
    a = await rest('GET', `${mx2}/app_list`);
    assert.equal((a.json as { ApplicationList: { appInfo: unknown[] } }).ApplicationList.appInfo.length, 1);
  });

  test('app_contexts: 403 without association or for another version, 201 once associated', async () => {
    let a = await rest('POST', `${mx2}/app_contexts`, contextRequest('ue-1'));
    assert.equal(a.status, 403);
    assert.deepEqual(a.json, { status: 403, detail: CANNOT_CREATE_CONTEXT });
    await env.rpc.associateAddress('', 'clambda0', '127.0.0.1:10000');
    const other = contextRequest('ue-1');
    (other as { appInfo: Record<string, string> }).appInfo.appSoftVersion = '2.0';
    a = await rest('POST', `${mx2}/app_contexts`, other);
    assert.equal(a.status, 403);

    a = await rest(
      'POST',
      `${mx2}/app_contexts`,
      contextRequest('ue-1', 'clambda0', { callbackReference: 'x' }),
    );
    assert.equal(a.status, 201);
    const body = a.json as { contextId: string };
    assert.match(body.contextId, UUID);
    assert.deepEqual(body, {
      contextId: body.contextId,
      associateUeAppId: 'ue-1',
      callbackReference: 'x',
      appInfo: {
        appName: 'clambda0',
        appProvider: 'OpenLambdaMec',
        appSoftVersion: '1.0',
        referenceURI: '127.0.0.1:10000',
      },
    });
    assert.equal(await env.rpc.numContexts(), 1);
    assert.deepEqual(await env.rpc.contexts(), [
      { address: '127.0.0.1', appName: 'clambda0', edgeRouter: '127.0.0.1:10000' },
    ]);

    // The same device cannot hold two contexts.
    a = await rest('POST', `${mx2}/app_contexts`, contextRequest('ue-1'));
    assert.equal(a.status, 403);

    // PUT updates the callback of the context found by associateUeAppId; unknown ones get 403.
    a = await rest('PUT', `${mx2}/app_contexts/whatever`, contextRequest('nobody'));
    assert.deepEqual(
      [a.status, a.json],
      [403, { status: 403, detail: 'Unknown or invalid UE application context' }],
    );
    a = await rest(
      'PUT',
      `${mx2}/app_contexts/${body.contextId}`,
      contextRequest('ue-1', 'clambda0', { callbackReference: 'y' }),
    );
    assert.equal(a.status, 204);
    assert.equal(a.text, '');

    a = await rest('DELETE', `${mx2}/app_contexts/no-such-context`);
    assert.deepEqual([a.status, a.json], [403, { status: 403, detail: 'Unknown UE application context' }]);
    a = await rest('DELETE', `${mx2}/app_contexts/${body.contextId}`);
    assert.equal(a.status, 204);
    assert.equal(await env.rpc.numContexts(), 0);
    await env.rpc.removeAddress('', 'clambda0');
  });

  test('associations: a client address first, then the any-client one', async () => {
    await env.rpc.associateAddress('', 'clambda0', 'any:1');
    await env.rpc.associateAddress('127.0.0.1', 'clambda0', 'mine:1');
    await env.rpc.associateAddress('10.0.0.1', 'clambda0', 'other:1');
    assert.deepEqual(await env.rpc.table(), [
      { client: '', appName: 'clambda0', server: 'any:1' },
      { client: '10.0.0.1', appName: 'clambda0', server: 'other:1' },
      { client: '127.0.0.1', appName: 'clambda0', server: 'mine:1' },
    ]);
    const a = await rest('POST', `${mx2}/app_contexts`, contextRequest('ue-2'));
    assert.equal((a.json as { appInfo: { referenceURI: string } }).appInfo.referenceURI, 'mine:1');
    await rest('DELETE', `${mx2}/app_contexts/${(a.json as { contextId: string }).contextId}`);
    for (const client of ['', '127.0.0.1', '10.0.0.1']) await env.rpc.removeAddress(client, 'clambda0');
    assert.deepEqual(await env.rpc.table(), []);
  });

  test('notifications: 204 keeps the context, 500 or no answer in time purges it', async () => {
    await env.rpc.associateAddress('', 'clambda0', 'first:1');
    const a = await rest(
      'POST',
      `${mx2}/app_contexts`,
      contextRequest('ue-3', 'clambda0', { callbackReference: callbacks.url }),
    );
    assert.equal(a.status, 201);
    await env.rpc.associateAddress('', 'clambda0', 'second:1');
    assert.deepEqual(callbacks.received, [{ referenceURI: 'second:1' }]);
    assert.equal(await env.rpc.numContexts(), 1);

    // The same association again: nothing changes, nothing is sent.
    await env.rpc.associateAddress('', 'clambda0', 'second:1');
    // An association of another client leaves this one's end-point as it is.
    await env.rpc.associateAddress('10.1.1.1', 'clambda0', 'third:1');
    assert.equal(callbacks.received.length, 1);

    // Removing the last matching association: the end-point becomes empty, nothing is sent.
    await env.rpc.removeAddress('', 'clambda0');
    assert.deepEqual(await env.rpc.contexts(), [
      { address: '127.0.0.1', appName: 'clambda0', edgeRouter: '' },
    ]);
    assert.equal(callbacks.received.length, 1);

    callbacks.mode = 500;
    await env.rpc.associateAddress('', 'clambda0', 'fourth:1');
    assert.equal(callbacks.received.length, 2);
    assert.equal(await env.rpc.numContexts(), 0);

    callbacks.mode = 'silent';
    const b = await rest(
      'POST',
      `${mx2}/app_contexts`,
      contextRequest('ue-4', 'clambda0', { callbackReference: callbacks.url }),
    );
    assert.equal(b.status, 201);
    await env.rpc.associateAddress('', 'clambda0', 'fifth:1');
    assert.equal(await env.rpc.numContexts(), 0);
    callbacks.mode = 204;
    await env.rpc.removeAddress('', 'clambda0');
    await env.rpc.removeAddress('10.1.1.1', 'clambda0');
  });

  test('bad input: malformed JSON, missing fields, over-long names, over-large bodies, unknown routes', async () => {
    const cases: [unknown, string][] = [
      ['{"associateUeAppId": ', 'Malformed JSON: '],
      ['', 'Empty request body: a JSON object is required'],
      ['[1]', 'AppContext must be a JSON object'],
      [{ appInfo: {} }, 'Invalid AppContext: Missing associateUeAppId'],
      [{ associateUeAppId: 'u' }, 'Invalid AppContext: missing appInfo'],
      [
        { associateUeAppId: 'u', appInfo: { appProvider: 'p' } },
        'Invalid AppContext: Missing appInfo.appName',
      ],
      [{ associateUeAppId: 7, appInfo: {} }, 'Invalid AppContext: associateUeAppId must be a string'],
      [
        contextRequest('u', 'x'.repeat(33)),
        'Invalid AppContext: appInfo.appName is longer than 32 characters',
      ],
      [
        { ...(contextRequest('u') as object), callbackReference: 'c'.repeat(70_000) },
        'Request body larger than 65536 bytes',
      ],
    ];
    for (const [body, detail] of cases) {
      const a = await rest('POST', `${mx2}/app_contexts`, body);
      assert.equal(a.status, 400, detail);
      const json = a.json as { status: number; detail: string };
      assert.equal(json.status, 400);
      assert.ok(json.detail.startsWith(detail), `${json.detail} should start with ${detail}`);
    }
    for (const [method, path] of [
      ['GET', '/mx2/v1/app_lists'],
      ['POST', '/mx2/v1/app_list'],
      ['GET', '/nowhere'],
    ]) {
      const a = await rest(method!, `${env.root}${path}`);
      assert.deepEqual(
        [a.status, a.json],
        [404, { ProblemDetails: { status: 404, detail: 'Resource not found' } }],
      );
    }
    // The server is still up.
    assert.equal((await rest('GET', `${mx2}/app_list`)).status, 200);
  });
});
