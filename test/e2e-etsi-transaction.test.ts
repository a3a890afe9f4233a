import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ControllerRegistration } from '../src/controller/controller-registration.js';
import { ControllerServer } from '../src/controller/controller-server.js';
import { EdgeController } from '../src/controller/edge-controller.js';
import { RpcRouterInstaller } from '../src/controller/router-installer-rpc.js';
import { AppContextManager } from '../src/mec/app-context-manager.js';
import { DevAppValidator } from '../src/mec/dev-app-openapi.test-support.js';
import { EtsiBalancedLogic } from '../src/mec/etsi-balanced-logic.js';
import { EtsiEdgeClient } from '../src/mec/etsi-edge-client.js';
import type { SentRequest } from '../src/mec/http-json-client.js';
import { LcmProxyRpcClient } from '../src/mec/lcm-proxy-rpc.js';
import { LcmProxyService } from '../src/mec/lcm-proxy-service.js';
import { startComputerServer } from '../src/platform/computer-server.js';

type Computer = Awaited<ReturnType<typeof startComputerServer>>;

/** Proxy, etsi-balanced controller (real gRPC both ways) and two computers offering clambda0. */
async function system(periodMs: number) {
  const service = await LcmProxyService.start({ apiRoot: 'http://127.0.0.1:0', grpcEndpoint: '127.0.0.1:0' });
  const rpc = new LcmProxyRpcClient(service.rpc!.endpoint);
  const logic = new EtsiBalancedLogic(rpc, periodMs);
  const installer = new RpcRouterInstaller();
  const controller = new EdgeController({ installer, hooks: logic });
  const controllerServer = await ControllerServer.start('127.0.0.1:0', [controller]);
  const computers: Computer[] = [];
  const registrations: ControllerRegistration[] = [];
  for (let i = 0; i < 2; i++) {
    const computer = await startComputerServer({
      serverEndpoint: '127.0.0.1:0',
      utilizationEndpoint: '127.0.0.1:0',
      conf: 'type=raspberry,num-containers=1,num-workers=2',
    });
    computers.push(computer);
    const registration = new ControllerRegistration(controllerServer.endpoint, {
      computer: {
        edgeServerEndpoint: computer.endpoint,
        containers: [{ name: 'c0', processor: 'arm', lambda: 'clambda0', numWorkers: 2 }],
      },
    });
    registrations.push(registration);
    await registration.announced;
    await logic.idle();
  }
  return {
    service,
    rpc,
    logic,
    computers,
    registrations,
    stop: async () => {
      await logic.close();
      for (const r of registrations) await r.unregister().catch(() => undefined);
      for (const c of computers) await c.stop();
      await controllerServer.stop();
      installer.close();
      rpc.close();
      await service.stop();
    },
  };
}

/** Resolves when the manager is told a new end-point. */
function nextChange(manager: AppContextManager): Promise<string> {
  return new Promise((resolve) => {
    const off = manager.onChange((_id, endpoint) => {
      off();
      resolve(endpoint);
    });
  });
}

describe('ETSI MEC end to end', () => {
  let validator: DevAppValidator;
  before(async () => {
    validator = await DevAppValidator.load();
  });

  /** Checks every request a manager sends against the ETSI document. */
  function checked(root: string): (sent: SentRequest) => void {
    const base = new URL(`${root}/dev_app/v1`).pathname;
    return (sent) => {
      const url = new URL(sent.url);
      validator.request({
        method: sent.method,
        path: url.pathname.slice(base.length),
        headers: sent.headers,
        body: sent.body,
      });
    };
  }

  test('TestEtsiTransaction.test_endtoend: the client follows the controller when its computer goes', async () => {
    const s = await system(3_600_000);
    const [c1, c2] = s.computers as [Computer, Computer];
    const manager = new AppContextManager({
      apiRoot: s.service.http.apiRoot,
      observe: checked(s.service.http.apiRoot),
    });
    const client = new EtsiEdgeClient(manager);
    let closed = false;
    try {
      assert.deepEqual(
        (await manager.appList()).map((a) => a.appName),
        ['clambda0'],
      );
      assert.deepEqual(await s.rpc.table(), [{ client: '', appName: 'clambda0', server: c1.endpoint }]);
      assert.equal(await s.rpc.numContexts(), 0);

      let res = await client.runLambda({ name: 'clambda0', input: 'hello' });
      assert.equal(res.retcode, 'OK');
      assert.equal(client.endpointOf('clambda0'), c1.endpoint);
      assert.equal(await s.rpc.numContexts(), 1);

      const changed = nextChange(manager);
      await s.registrations[0]!.unregister();
      assert.equal(await changed, c2.endpoint);
      assert.deepEqual(await s.rpc.table(), [{ client: '', appName: 'clambda0', server: c2.endpoint }]);
      assert.deepEqual(
        (await manager.appList()).map((a) => a.appName),
        ['clambda0'],
      );
      res = await client.runLambda({ name: 'clambda0', input: 'hello' });
      assert.equal(res.retcode, 'OK');
      assert.equal(client.endpointOf('clambda0'), c2.endpoint);

      await s.registrations[1]!.unregister();
      await s.logic.idle();
      assert.deepEqual(await s.rpc.table(), []);
      client.close();
      await manager.close();
      closed = true;
      assert.equal(await s.rpc.numContexts(), 0);
      assert.deepEqual(s.service.proxy.apps(), []);
      await assert.rejects(client.runLambda({ name: 'nothing' }), {
        message: 'UE application nothing not found in the LCM proxy',
      });
    } finally {
      if (!closed) {
        client.close();
        await manager.close();
      }
      await s.stop();
    }
  });

  test('a context the MEC system deletes is replaced at the next call, refused while the lambda is gone', async () => {
    const s = await system(3_600_000);
    const manager = new AppContextManager({ apiRoot: s.service.http.apiRoot });
    const client = new EtsiEdgeClient(manager);
    try {
      assert.equal((await client.runLambda({ name: 'clambda0', input: 'x' })).retcode, 'OK');
      const deleted = nextChange(manager);
      await s.service.proxy.delLambda('clambda0');
      assert.equal(await deleted, '');
      assert.equal(manager.size(), 0);
      await assert.rejects(client.runLambda({ name: 'clambda0', input: 'x' }), {
        message: 'UE application clambda0 not found in the LCM proxy',
      });
      s.service.proxy.addLambda('clambda0');
      assert.equal((await client.runLambda({ name: 'clambda0', input: 'x' })).retcode, 'OK');
      assert.equal(manager.size(), 1);
      assert.equal(await s.rpc.numContexts(), 1);
    } finally {
      client.close();
      await manager.close();
      await s.stop();
    }
  });

  test('the balanced controller moves a busy client to the other computer: no request lost', async () => {
    const s = await system(100);
    const root = s.service.http.apiRoot;
    const mover = new AppContextManager({ apiRoot: root, localAddress: '127.0.0.1', observe: checked(root) });
    const client = new EtsiEdgeClient(mover);
    const others = [0, 1].map(
      () => new AppContextManager({ apiRoot: root, localAddress: '127.0.0.2', observe: checked(root) }),
    );
    const responders: string[] = [];
    let failures = 0;
    let sent = 0;
    let stop = false;
    try {
      const first = await client.runLambda({ name: 'clambda0', input: 'x' });
      assert.equal(first.retcode, 'OK');
      // The loop runs while the controller re-balances.
      const loop = (async () => {
        while (!stop) {
          sent++;
          try {
            const res = await client.runLambda({ name: 'clambda0', input: 'x' });
            if (res.retcode === 'OK') responders.push(client.endpointOf('clambda0'));
            else failures++;
          } catch {
            failures++;
          }
        }
      })();
      // Wait for the optimization to pin this client's address to a computer, and the client to follow.
      let start = '';
      while (start === '' || client.endpointOf('clambda0') !== start) {
        await new Promise((r) => setTimeout(r, 20));
        start = (await s.rpc.table()).find((t) => t.client === '127.0.0.1')?.server ?? '';
      }
      const mark = responders.length;
      // Two contexts from another address: the busier group takes the first computer, this client the other.
      const moved = nextChange(mover);
      for (const m of others) {
        const app = (await m.appList())[0]!;
        await m.createContext(app);
      }
      const target = await moved;
      assert.notEqual(target, start);
      const after = responders.length;
      while (responders.length < after + 5) await new Promise((r) => setTimeout(r, 20));
      stop = true;
      await loop;
      assert.equal(failures, 0);
      assert.equal(responders.length, sent);
      // Each call went to one computer then the other, never back.
      const since = responders.slice(mark);
      const switchAt = since.indexOf(target);
      assert.ok(switchAt >= 0);
      assert.ok(since.slice(0, switchAt).every((e) => e === start));
      assert.ok(since.slice(switchAt).every((e) => e === target));
      assert.deepEqual((await s.rpc.contexts()).map((c) => `${c.address} ${c.edgeRouter}`).sort(), [
        `127.0.0.1 ${target}`,
        `127.0.0.2 ${start}`,
        `127.0.0.2 ${start}`,
      ]);
    } finally {
      stop = true;
      client.close();
      await mover.close();
      for (const m of others) await m.close();
      await s.stop();
    }
  });
});
