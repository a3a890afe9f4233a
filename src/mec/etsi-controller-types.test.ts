import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LoggingRouterInstaller, makeContainers } from '../controller/fake-router-installer.test-support.js';
import { controllerTypes } from '../controller/controller-types.js';
import { EdgeController } from '../controller/edge-controller.js';
import { setupEtsiControllerTypes } from './etsi-controller-types.js';
import { EtsiBalancedLogic } from './etsi-balanced-logic.js';
import type { EtsiFileLogic } from './etsi-file-logic.js';
import { rest, startProxy } from './lcm-proxy-test-env.test-support.js';
import { parseStaticAssociations } from './static-associations.js';

setupEtsiControllerTypes(controllerTypes);
const dir = mkdtempSync(join(tmpdir(), 'soe-etsi-'));
const OPTIONS = {
  file: '',
  etsiApiRoot: 'http://127.0.0.1:0',
  balancedEndpoint: '',
  balancedPeriod: 5,
  version: '9.9',
};

test('the etsi types are registered beside plain', () => {
  assert.throws(() => controllerTypes.get('mesh'), {
    message: "Invalid type 'mesh', choose one in: etsi-balanced,etsi-file,plain",
  });
});

describe('etsi-file', () => {
  test('the file: triples, * for any client; empty or partial files are errors', async () => {
    assert.deepEqual(parseStaticAssociations('* clambda0 h:1\n10.0.0.1 clambda0  h:2\n', 'f'), [
      { client: '', appName: 'clambda0', server: 'h:1' },
      { client: '10.0.0.1', appName: 'clambda0', server: 'h:2' },
    ]);
    assert.throws(() => parseStaticAssociations(' \n', 'f'), {
      message: 'Empty ETSI UE application LCM proxy configuration file: f',
    });
    assert.throws(() => parseStaticAssociations('* clambda0', 'f'), {
      message:
        'Invalid ETSI UE application LCM proxy configuration file f: 2 words, expected triples <client address | *> <appName> <endpoint>',
    });
    await assert.rejects(controllerTypes.get('etsi-file').start(OPTIONS), {
      message: 'Empty ETSI UE application LCM proxy configuration file name (--file)',
    });
  });

  test('TestEdgeControllerEtsi: the app list follows the lambdas (0 → 1 → 3 → 1 → 0)', async () => {
    const file = join(dir, 'etsi.txt');
    writeFileSync(file, '* lambda0 127.0.0.1:10000\n');
    const run = await controllerTypes.get('etsi-file').start({ ...OPTIONS, file });
    const root = (run.hooks as EtsiFileLogic).service.http.apiRoot;
    try {
      const controller = new EdgeController({ installer: new LoggingRouterInstaller(), hooks: run.hooks });
      const names = async (): Promise<string[]> => {
        const a = await rest('GET', `${root}/mx2/v1/app_list`);
        return (
          a.json as {
            ApplicationList: { appInfo: { appName: string; appProvider: string; appSoftVersion: string }[] };
          }
        ).ApplicationList.appInfo.map((i) => `${i.appName}/${i.appProvider}/${i.appSoftVersion}`);
      };
      assert.deepEqual(await names(), []);
      await controller.announceComputer('host0:6473', makeContainers(1));
      assert.deepEqual(await names(), ['lambda0/ServerlessOnEdge/9.9']);
      await controller.announceComputer('host1:6473', makeContainers(3));
      assert.equal((await names()).length, 3);
      await controller.removeComputer('host1:6473');
      assert.deepEqual(await names(), ['lambda0/ServerlessOnEdge/9.9']);
      // A device gets the static association of the file.
      const created = await rest('POST', `${root}/mx2/v1/app_contexts`, {
        associateUeAppId: 'u',
        appInfo: { appName: 'lambda0', appProvider: 'ServerlessOnEdge', appSoftVersion: '9.9' },
      });
      assert.equal(
        (created.json as { appInfo: { referenceURI: string } }).appInfo.referenceURI,
        '127.0.0.1:10000',
      );
      await controller.removeComputer('host0:6473');
      assert.deepEqual(await names(), []);
    } finally {
      await run.close();
    }
  });
});

describe('etsi-balanced against a real proxy', () => {
  let env: Awaited<ReturnType<typeof startProxy>>;
  after(async () => env?.stop());

  test('defaults follow the computers; the periodic optimization spreads the contexts', async () => {
    env = await startProxy();
    await assert.rejects(controllerTypes.get('etsi-balanced').start(OPTIONS), {
      message: 'Empty end-point of the remote ETSI UE application LCM proxy (--balanced-endpoint)',
    });
    // A period long enough never to fire in the test: optimize() is called by hand.
    const logic = new EtsiBalancedLogic(env.rpc, 3_600_000);
    try {
      const controller = new EdgeController({ installer: new LoggingRouterInstaller(), hooks: logic });
      await controller.announceComputer('b:1', makeContainers(1));
      await controller.announceComputer('a:1', makeContainers(1));
      await logic.idle();
      assert.deepEqual(await env.rpc.table(), [{ client: '', appName: 'lambda0', server: 'b:1' }]);
      const apps = await rest('GET', `${env.root}/mx2/v1/app_list`);
      assert.equal(
        (apps.json as { ApplicationList: { appInfo: unknown[] } }).ApplicationList.appInfo.length,
        1,
      );

      // Three contexts from this address, all on b:1; the optimization keeps them together on a:1 (first, both empty).
      for (const id of ['u1', 'u2', 'u3']) {
        const a = await rest('POST', `${env.root}/mx2/v1/app_contexts`, {
          associateUeAppId: id,
          appInfo: { appName: 'lambda0', appProvider: 'OpenLambdaMec', appSoftVersion: '1.0' },
        });
        assert.equal(a.status, 201);
      }
      await logic.optimize();
      assert.deepEqual(await env.rpc.table(), [
        { client: '', appName: 'lambda0', server: 'b:1' },
        { client: '127.0.0.1', appName: 'lambda0', server: 'a:1' },
      ]);
      assert.deepEqual(
        (await env.rpc.contexts()).map((c) => c.edgeRouter),
        ['a:1', 'a:1', 'a:1'],
      );
      // The default computer goes: the first remaining one takes over; the optimization moves the contexts.
      await controller.removeComputer('a:1');
      await logic.idle();
      await logic.optimize();
      assert.deepEqual(await env.rpc.table(), [
        { client: '', appName: 'lambda0', server: 'b:1' },
        { client: '127.0.0.1', appName: 'lambda0', server: 'b:1' },
      ]);
      await controller.removeComputer('b:1');
      await logic.idle();
      assert.deepEqual(await env.rpc.table(), [{ client: '127.0.0.1', appName: 'lambda0', server: 'b:1' }]);
      const empty = await rest('GET', `${env.root}/mx2/v1/app_list`);
      assert.deepEqual(
        (empty.json as { ApplicationList: { appInfo: unknown[] } }).ApplicationList.appInfo,
        [],
      );
    } finally {
      await logic.close();
    }
  });
});
