import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DevAppValidator } from './dev-app-openapi.test-support.js';
import { CANNOT_CREATE_CONTEXT } from './problem-details.js';
import { CallbackServer, rest, startProxy, type Answer } from './lcm-proxy-test-env.test-support.js';

/** A valid GS MEC 016 v2.2.1 AppContext create request. */
function appContext(
  devAppId: string,
  extra: Record<string, unknown> = {},
  info: Record<string, unknown> = {},
) {
  return {
    associateDevAppId: devAppId,
    appInfo: {
      appName: 'clambda0',
      appProvider: 'OpenLambdaMec',
      appDVersion: '1.0',
      userAppInstanceInfo: [{}],
      ...info,
    },
    ...extra,
  };
}

describe('GS MEC 016 v2.2.1 device application interface at /dev_app/v1/', () => {
  let env: Awaited<ReturnType<typeof startProxy>>;
  let callbacks: CallbackServer;
  let validator: DevAppValidator;
  let base: string;

  /**
   * Sends a request and checks the answer against the ETSI document; the request too unless it is
   * meant to be invalid (`valid` false).
   */
  async function call(method: string, path: string, body?: unknown, valid = true): Promise<Answer> {
    const url = new URL(`${base}${path}`);
    if (valid) {
      const query: Record<string, string | string[]> = {};
      for (const k of new Set(url.searchParams.keys())) {
        const values = url.searchParams.getAll(k);
        query[k] = values.length === 1 ? values[0]! : values;
      }
      validator.request({
        method,
        path: url.pathname.slice(new URL(base).pathname.length),
        query,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body,
      });
    }
    const answer = await rest(method, url.href, body);
    validator.response(
      method,
      url.pathname.slice(new URL(base).pathname.length),
      answer.status,
      answer.contentType,
      answer.text,
    );
    return answer;
  }

  /** Asserts RFC 7807 problem details with this status and detail. */
  function assertProblem(a: Answer, status: number, detail: string): void {
    assert.equal(a.status, status, a.text);
    assert.equal(a.contentType, 'application/problem+json');
    const titles: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' };
    assert.deepEqual(a.json, { type: 'about:blank', title: titles[status], status, detail });
  }

  before(async () => {
    validator = await DevAppValidator.load();
    env = await startProxy({ callbackTimeoutMs: 300 });
    callbacks = await CallbackServer.start();
    base = `${env.root}/dev_app/v1`;
    await env.rpc.addLambda('clambda0');
    await env.rpc.addLambda('lambda1');
  });
  after(async () => {
    await env.stop();
    await callbacks.stop();
  });

  test('app_list and its query filters', async () => {
    const listed = (a: Answer): string[] =>
      (a.json as { appList: { appInfo: { appName: string } }[] }).appList.map((x) => x.appInfo.appName);
    const a = await call('GET', '/app_list');
    assert.equal(a.status, 200);
    assert.deepEqual((a.json as { appList: unknown[] }).appList[0], {
      appInfo: {
        appDId: 'clambda0+OpenLambdaMec+1.0',
        appName: 'clambda0',
        appProvider: 'OpenLambdaMec',
        appSoftVersion: '1.0',
        appDVersion: '1.0',
        appDescription: '',
        appCharcs: { memory: 0, storage: 0, latency: 0, bandwidth: 0, serviceCont: 0 },
      },
    });
    assert.deepEqual(listed(a), ['clambda0', 'lambda1']);
    assert.deepEqual(listed(await call('GET', '/app_list?appName=lambda1')), ['lambda1']);
    assert.deepEqual(listed(await call('GET', '/app_list?appName=lambda1&appName=clambda0')), [
      'clambda0',
      'lambda1',
    ]);
    assert.deepEqual(listed(await call('GET', '/app_list?appProvider=someone')), []);
    assert.deepEqual(listed(await call('GET', '/app_list?appSoftVersion=1.0&serviceCont=0')), [
      'clambda0',
      'lambda1',
    ]);
    assert.deepEqual(listed(await call('GET', '/app_list?serviceCont=1')), []);
    assert.deepEqual(listed(await call('GET', '/app_list?vendorId=acme')), []);
    assertProblem(
      await call('GET', `/app_list?appName=${'n'.repeat(33)}`, undefined, false),
      400,
      'Query parameter appName is longer than 32 characters',
    );
    assertProblem(
      await call('GET', '/app_list?serviceCont=2', undefined, false),
      400,
      'Query parameter serviceCont must be 0 or 1',
    );
  });

  test('app_contexts: create (201 with Location), update, delete; 403 without association', async () => {
    assertProblem(await call('POST', '/app_contexts', appContext('dev-1')), 403, CANNOT_CREATE_CONTEXT);
    await env.rpc.associateAddress('', 'clambda0', '127.0.0.1:10000');
    const a = await call('POST', '/app_contexts', appContext('dev-1', { callbackReference: callbacks.url }));
    assert.equal(a.status, 201);
    const body = a.json as { contextId: string };
    assert.match(body.contextId, /^[0-9a-f]{32}$/);
    assert.equal(a.location, `${base}/app_contexts/${body.contextId}`);
    assert.deepEqual(body, {
      associateDevAppId: 'dev-1',
      callbackReference: callbacks.url,
      contextId: body.contextId,
      appInfo: {
        appName: 'clambda0',
        appProvider: 'OpenLambdaMec',
        appDVersion: '1.0',
        appDId: 'clambda0+OpenLambdaMec+1.0',
        userAppInstanceInfo: [{ appInstanceId: '127.0.0.1:10000', referenceURI: 'grpc://127.0.0.1:10000' }],
      },
    });

    // The end-point changes: the device gets an ApplicationContextUpdateNotification.
    await env.rpc.associateAddress('', 'clambda0', '127.0.0.1:10001');
    assert.equal(callbacks.received.length, 1);
    validator.notification(callbacks.received[0]);
    assert.deepEqual(callbacks.received[0], {
      notificationType: 'ApplicationContextUpdateNotification',
      contextId: body.contextId,
      userAppInstanceInfo: [{ appInstanceId: '127.0.0.1:10001', referenceURI: 'grpc://127.0.0.1:10001' }],
    });

    const path = `/app_contexts/${body.contextId}`;
    assert.equal((await call('PUT', path, appContext('dev-1', { contextId: body.contextId }))).status, 204);
    assertProblem(
      await call('PUT', '/app_contexts/0123', appContext('dev-1')),
      404,
      'Unknown application context 0123',
    );
    assertProblem(
      await call('PUT', path, appContext('dev-2')),
      403,
      'associateDevAppId differs from the one of the application context',
    );
    assertProblem(
      await call('PUT', path, appContext('dev-1', { contextId: 'other' })),
      400,
      'contextId of the body differs from the one of the URI',
    );
    // The callback reference was removed by the PUT: a change is not notified any more.
    await env.rpc.associateAddress('', 'clambda0', '127.0.0.1:10000');
    assert.equal(callbacks.received.length, 1);

    assert.equal((await call('DELETE', path)).status, 204);
    assertProblem(await call('DELETE', path), 404, `Unknown application context ${body.contextId}`);
    assert.equal(await env.rpc.numContexts(), 0);
    await env.rpc.removeAddress('', 'clambda0');
  });

  test('an application leaving the list deletes its contexts: ApplicationContextDeleteNotification', async () => {
    await env.rpc.addLambda('leaving');
    await env.rpc.associateAddress('', 'leaving', '127.0.0.1:10003');
    const a = await call(
      'POST',
      '/app_contexts',
      appContext('dev-9', { callbackReference: callbacks.url }, { appName: 'leaving' }),
    );
    assert.equal(a.status, 201);
    const { contextId } = a.json as { contextId: string };
    const before = callbacks.received.length;
    await env.rpc.delLambda('leaving');
    assert.equal(callbacks.received.length, before + 1);
    const notification = callbacks.received[before];
    validator.notification(notification);
    assert.deepEqual(notification, { notificationType: 'ApplicationContextDeleteNotification', contextId });
    assertProblem(
      await call('DELETE', `/app_contexts/${contextId}`),
      404,
      `Unknown application context ${contextId}`,
    );
    assert.equal(await env.rpc.numContexts(), 0);
    await env.rpc.removeAddress('', 'leaving');
  });

  test('app_contexts: application by appDId, unknown ones, package sources', async () => {
    await env.rpc.associateAddress('', 'lambda1', '127.0.0.1:10002');
    const a = await call(
      'POST',
      '/app_contexts',
      appContext('dev-3', {}, { appName: 'lambda1', appDId: 'lambda1+OpenLambdaMec+1.0' }),
    );
    assert.equal(a.status, 201);
    assert.equal(
      (await call('DELETE', `/app_contexts/${(a.json as { contextId: string }).contextId}`)).status,
      204,
    );
    assertProblem(
      await call('POST', '/app_contexts', appContext('dev-3', {}, { appName: 'lambda1', appDId: 'other' })),
      403,
      CANNOT_CREATE_CONTEXT,
    );
    assertProblem(
      await call(
        'POST',
        '/app_contexts',
        appContext('dev-3', {}, { appName: 'new', appPackageSource: 'http://pkg/x' }),
      ),
      403,
      'On-boarding of application packages is not supported by this MEC system',
    );
    await env.rpc.removeAddress('', 'lambda1');
  });

  test('bad input gets RFC 7807 problem details naming the field', async () => {
    const cases: [unknown, string][] = [
      ['{"associateDevAppId":', 'Malformed JSON: '],
      ['"x"', 'AppContext must be a JSON object'],
      [{ appInfo: {} }, 'Missing associateDevAppId'],
      [appContext('d'.repeat(33)), 'associateDevAppId is longer than 32 characters'],
      [appContext('d', { callbackReference: 'not a uri' }), 'callbackReference is not an absolute URI'],
      [
        appContext('d', { appLocationUpdates: true, appAutoInstantiation: true }),
        'appLocationUpdates and appAutoInstantiation cannot both be true',
      ],
      [appContext('d', { contextId: 'abc' }), 'contextId must not be given in a create request'],
      [{ associateDevAppId: 'd' }, 'Missing appInfo'],
      [appContext('d', {}, { appName: 'n'.repeat(33) }), 'appInfo.appName is longer than 32 characters'],
      [
        appContext('d', {}, { appDescription: 'n'.repeat(129) }),
        'appInfo.appDescription is longer than 128 characters',
      ],
      [appContext('d', {}, { appDVersion: undefined }), 'Missing appInfo.appDVersion'],
      [
        appContext('d', {}, { userAppInstanceInfo: [] }),
        'appInfo.userAppInstanceInfo must be an array of at least one item',
      ],
      [appContext('d', {}, { appProvider: 5 }), 'appInfo.appProvider must be a string'],
    ];
    for (const [body, detail] of cases) {
      const a = await call('POST', '/app_contexts', body, false);
      assert.equal(a.status, 400, detail);
      assert.ok((a.json as { detail: string }).detail.startsWith(detail), `${a.text} should say ${detail}`);
    }
    const huge = appContext('d', { callbackReference: `http://x/${'a'.repeat(70_000)}` });
    assertProblem(
      await call('POST', '/app_contexts', huge, false),
      400,
      'Request body larger than 65536 bytes',
    );
    assertProblem(
      await call('GET', '/app_contexts', undefined, false).catch(() => rest('GET', `${base}/app_contexts`)),
      404,
      'Resource not found',
    );
    const unknown = await rest('GET', `${base}/nothing`);
    assertProblem(unknown, 404, 'Resource not found');
  });

  test('obtain_app_loc_availability: listed applications have no location constraints', async () => {
    const request = {
      associateDevAppId: 'dev-9',
      appInfo: { appName: 'clambda0', appProvider: 'OpenLambdaMec', appDVersion: '1.0' },
    };
    const a = await call('POST', '/obtain_app_loc_availability', request);
    assert.equal(a.status, 200);
    assert.deepEqual(a.json, { ...request, appInfo: { ...request.appInfo, availableLocations: [] } });
    assertProblem(
      await call('POST', '/obtain_app_loc_availability', {
        ...request,
        appInfo: { ...request.appInfo, appName: 'none' },
      }),
      403,
      'Application none of OpenLambdaMec is not available',
    );
    assertProblem(
      await call('POST', '/obtain_app_loc_availability', { appInfo: request.appInfo }, false),
      400,
      'Missing associateDevAppId',
    );
  });
});
