import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setLogSink } from '../support/logger.js';
import { EdgeController } from './edge-controller.js';
import { LoggingRouterInstaller, makeContainers } from './fake-router-installer.test-support.js';

let restoreLog: () => void;
before(() => {
  restoreLog = setLogSink(() => {});
});
after(() => restoreLog());

/**
 * A flat controller over a logging installer, with hooks recording the lambdas and the computers'
 * lambda lists as the original test's TrivialEdgeControllerFlat does.
 */
function trivialFlat() {
  const installer = new LoggingRouterInstaller();
  const lambdas = new Set<string>();
  const computers = new Map<string, string[]>();
  const state = { delComputerError: false };
  const controller = new EdgeController({
    installer,
    installerType: 'flat',
    hooks: {
      lambdaAdded: (l) => lambdas.add(l),
      lambdaRemoved: (l) => lambdas.delete(l),
      computerAdded: (endpoint, list) => computers.set(endpoint, [...list]),
      computerRemoved: (endpoint, list) => {
        state.delComputerError = false;
        const known = computers.get(endpoint);
        if (known === undefined) {
          state.delComputerError = true;
          return;
        }
        if (known.join(' ') !== list.join(' ')) state.delComputerError = true;
        computers.delete(endpoint);
      },
    },
  });
  return { controller, installer, lambdas, computers, state };
}

describe('flat installer (spec §6.3, Test/testedgecontrollerflat.cpp)', () => {
  test('test_ctor', () => {
    assert.doesNotThrow(() => trivialFlat());
    assert.throws(
      () => new EdgeController({ installer: new LoggingRouterInstaller(), installerType: 'mesh' }),
      { message: "Invalid installer type 'mesh', choose one in: flat,hier" },
    );
  });

  test('test_add_computers_then_routers', async () => {
    const { controller, installer, lambdas } = trivialFlat();
    assert.equal(lambdas.size, 0);

    await controller.announceComputer('host0:6473', makeContainers(2));
    await controller.announceComputer('host1:6473', makeContainers(2));
    await controller.announceComputer('host2:6473', makeContainers(1));
    assert.equal(installer.log, '');
    assert.deepEqual(lambdas, new Set(['lambda0', 'lambda1']));

    await controller.announceRouter('host3:6473', 'host3:6474');
    const first =
      'host3:6474: lambda0,host0:6473,1,F lambda1,host0:6473,1,F ' +
      'lambda0,host1:6473,1,F lambda1,host1:6473,1,F ' +
      'lambda0,host2:6473,1,F\n';
    assert.equal(installer.log, first);

    await controller.announceComputer('host4:6473', makeContainers(1));
    assert.equal(installer.log, first + 'host3:6474: lambda0,host4:6473,1,F\n');
  });

  test('test_add_routers_then_computers', async () => {
    const { controller, installer, lambdas } = trivialFlat();

    await controller.announceRouter('host3:6473', 'host3:6474');
    assert.equal(installer.log, '');
    assert.equal(lambdas.size, 0);

    await controller.announceComputer('host0:6473', makeContainers(2));
    await controller.announceComputer('host1:6473', makeContainers(2));
    await controller.announceComputer('host2:6473', makeContainers(1));
    const computers =
      'host3:6474: lambda0,host0:6473,1,F lambda1,host0:6473,1,F\n' +
      'host3:6474: lambda0,host1:6473,1,F lambda1,host1:6473,1,F\n' +
      'host3:6474: lambda0,host2:6473,1,F\n';
    assert.equal(installer.log, computers);
    assert.deepEqual(lambdas, new Set(['lambda0', 'lambda1']));

    await controller.announceRouter('host4:6473', 'host4:6474');
    assert.equal(
      installer.log,
      computers +
        'host4:6474: lambda0,host0:6473,1,F lambda1,host0:6473,1,F lambda0,host1:6473,1,F ' +
        'lambda1,host1:6473,1,F lambda0,host2:6473,1,F\n',
    );
  });

  test('test_add_duplicates', async () => {
    const { controller, installer, lambdas } = trivialFlat();

    await controller.announceRouter('host1:6473', 'host1:6474');

    await controller.announceComputer('host0:6473', makeContainers(1));
    assert.equal(installer.log, 'host1:6474: lambda0,host0:6473,1,F\n');
    assert.deepEqual(lambdas, new Set(['lambda0']));

    // Identical re-announce: nothing.
    await controller.announceComputer('host0:6473', makeContainers(1));
    assert.equal(installer.log, 'host1:6474: lambda0,host0:6473,1,F\n');
    assert.deepEqual(lambdas, new Set(['lambda0']));

    // Other containers: removed, then added again.
    installer.takeLog();
    await controller.announceComputer('host0:6473', makeContainers(2));
    assert.equal(
      installer.takeLog(),
      'del host1:6474 host0:6473 lambda0\n' + 'host1:6474: lambda0,host0:6473,1,F lambda1,host0:6473,1,F\n',
    );
    assert.deepEqual(lambdas, new Set(['lambda0', 'lambda1']));

    // Identical router re-announce (a restart: its tables are empty): every route again. The original
    // did nothing, so a restarted router stayed empty until a computer changed.
    await controller.announceRouter('host1:6473', 'host1:6474');
    assert.equal(installer.takeLog(), 'host1:6474: lambda0,host0:6473,1,F lambda1,host0:6473,1,F\n');

    // Same lambda end-point, new forwarding end-point: everything to the new one.
    await controller.announceRouter('host1:6473', 'host1:6475');
    assert.equal(installer.takeLog(), 'host1:6475: lambda0,host0:6473,1,F lambda1,host0:6473,1,F\n');

    // New lambda end-point, same forwarding end-point: replaced, everything again.
    await controller.announceRouter('host1:6476', 'host1:6475');
    assert.equal(installer.takeLog(), 'host1:6475: lambda0,host0:6473,1,F lambda1,host0:6473,1,F\n');
    assert.deepEqual(controller.routers(), [
      { lambdaEndpoint: 'host1:6476', forwardingEndpoint: 'host1:6475' },
    ]);
  });

  test('test_automatic_remove_routers', async () => {
    const { controller, installer, lambdas } = trivialFlat();

    await controller.announceRouter('host1:6473', 'host1:6474');
    await controller.announceRouter('host2:6473', 'host2:6474');
    assert.equal(installer.log, '');

    await controller.announceComputer('host3:6473', makeContainers(2));
    assert.equal(
      installer.takeLog(),
      'host1:6474: lambda0,host3:6473,1,F lambda1,host3:6473,1,F\n' +
        'host2:6474: lambda0,host3:6473,1,F lambda1,host3:6473,1,F\n',
    );
    assert.deepEqual(lambdas, new Set(['lambda0', 'lambda1']));

    // The second router disconnects: dropped at the first failed command.
    installer.disconnected = 'host2:6474';
    await controller.announceComputer('host3:6473', makeContainers(1, 0));
    assert.equal(
      installer.takeLog(),
      'del host1:6474 host3:6473 lambda0 lambda1\n' + 'host1:6474: lambda0,host3:6473,1,F\n',
    );
    assert.deepEqual(lambdas, new Set(['lambda0']));
    assert.deepEqual(controller.routers(), [
      { lambdaEndpoint: 'host1:6473', forwardingEndpoint: 'host1:6474' },
    ]);

    // Again: the dropped router is no longer contacted.
    await controller.announceComputer('host3:6473', makeContainers(1, 1));
    assert.equal(
      installer.takeLog(),
      'del host1:6474 host3:6473 lambda0\n' + 'host1:6474: lambda1,host3:6473,1,F\n',
    );
    assert.deepEqual(lambdas, new Set(['lambda1']));
  });

  test('test_automatic_remove_computer', async () => {
    const { controller, installer, lambdas } = trivialFlat();

    await controller.announceRouter('host1:6473', 'host1:6474');
    await controller.announceRouter('host2:6473', 'host2:6474');
    assert.equal(installer.log, '');

    await controller.announceComputer('host3:6473', makeContainers(1));
    await controller.announceComputer('host4:6473', makeContainers(1));
    assert.equal(
      installer.takeLog(),
      'host1:6474: lambda0,host3:6473,1,F\n' +
        'host2:6474: lambda0,host3:6473,1,F\n' +
        'host1:6474: lambda0,host4:6473,1,F\n' +
        'host2:6474: lambda0,host4:6473,1,F\n',
    );
    assert.deepEqual(lambdas, new Set(['lambda0']));

    await controller.removeComputer('host4:6473');
    assert.equal(
      installer.takeLog(),
      'del host1:6474 host4:6473 lambda0\n' + 'del host2:6474 host4:6473 lambda0\n',
    );
    assert.deepEqual(lambdas, new Set(['lambda0']));
  });

  test('test_lambdas', async () => {
    const { controller, lambdas, computers, state } = trivialFlat();
    assert.equal(lambdas.size, 0);
    const check = (expectedLambdas: string[], expectedComputers: Record<string, string[]>): void => {
      assert.deepEqual(lambdas, new Set(expectedLambdas));
      assert.deepEqual(Object.fromEntries(computers), expectedComputers);
      assert.equal(state.delComputerError, false);
    };

    // New host, new lambda.
    await controller.announceComputer('host0:6473', makeContainers(1));
    check(['lambda0'], { 'host0:6473': ['lambda0'] });

    // New host, same lambda.
    await controller.announceComputer('host1:6473', makeContainers(1));
    check(['lambda0'], { 'host0:6473': ['lambda0'], 'host1:6473': ['lambda0'] });

    // Same host, same lambda.
    await controller.announceComputer('host1:6473', makeContainers(1));
    check(['lambda0'], { 'host0:6473': ['lambda0'], 'host1:6473': ['lambda0'] });

    // Same host, new lambda.
    await controller.announceComputer('host1:6473', makeContainers(2));
    check(['lambda0', 'lambda1'], { 'host0:6473': ['lambda0'], 'host1:6473': ['lambda0', 'lambda1'] });

    // New host, new lambda.
    await controller.announceComputer('host2:6473', makeContainers(3));
    const all = {
      'host0:6473': ['lambda0'],
      'host1:6473': ['lambda0', 'lambda1'],
      'host2:6473': ['lambda0', 'lambda1', 'lambda2'],
    };
    check(['lambda0', 'lambda1', 'lambda2'], all);
    assert.deepEqual(controller.lambdas(), ['lambda0', 'lambda1', 'lambda2']);
    assert.deepEqual(controller.computersOf('lambda1'), ['host1:6473', 'host2:6473']);

    // Remove a host, no lambda gone.
    await controller.removeComputer('host0:6473');
    check(['lambda0', 'lambda1', 'lambda2'], {
      'host1:6473': ['lambda0', 'lambda1'],
      'host2:6473': ['lambda0', 'lambda1', 'lambda2'],
    });

    // Remove a host, a lambda gone.
    await controller.removeComputer('host2:6473');
    check(['lambda0', 'lambda1'], { 'host1:6473': ['lambda0', 'lambda1'] });

    // Remove the last host, every lambda gone.
    await controller.removeComputer('host1:6473');
    check([], {});
    assert.deepEqual(controller.lambdas(), []);
  });
});

describe('flat installer, beyond the original tests', () => {
  test('a new router that cannot be programmed is dropped; with no routes it is kept', async () => {
    const { controller, installer } = trivialFlat();
    installer.disconnected = 'host1:6474';
    await controller.announceRouter('host1:6473', 'host1:6474');
    assert.equal(controller.routers().length, 1, 'nothing sent, nothing failed');
    await controller.announceComputer('host0:6473', makeContainers(1));
    assert.deepEqual(controller.routers(), []);
    await controller.announceRouter('host2:6473', 'host2:6474');
    installer.disconnected = 'host3:6474';
    await controller.announceRouter('host3:6473', 'host3:6474');
    assert.deepEqual(controller.routers(), [
      { lambdaEndpoint: 'host2:6473', forwardingEndpoint: 'host2:6474' },
    ]);
    assert.equal(installer.takeLog(), 'host2:6474: lambda0,host0:6473,1,F\n');
  });

  test('every router down: all dropped, the computers stay', async () => {
    const { controller, installer } = trivialFlat();
    await controller.announceRouter('host1:6473', 'host1:6474');
    await controller.announceRouter('host2:6473', 'host2:6474');
    installer.disconnected = '*';
    await controller.announceComputer('host0:10000', makeContainers(2));
    assert.deepEqual(controller.routers(), []);
    assert.equal(
      controller.print(),
      'computer host0:10000\n' +
        'cont0: processor cpu0, lambda lambda0, #workers 2\n' +
        'cont0: processor cpu0, lambda lambda1, #workers 2\n',
    );
  });

  test('removing an unknown computer changes nothing and sends nothing', async () => {
    const { controller, installer } = trivialFlat();
    await controller.announceRouter('host1:6473', 'host1:6474');
    await controller.removeComputer('host9:6473');
    assert.equal(installer.log, '');
    assert.equal(controller.routers().length, 1);
  });

  test('computers are kept in byte-wise end-point order (as std::map) whatever the announce order', async () => {
    const { controller, installer } = trivialFlat();
    await controller.announceComputer('host2:6473', makeContainers(1));
    await controller.announceComputer('host10:6473', makeContainers(1, 1));
    await controller.announceComputer('host1:6473', makeContainers(1, 2));
    await controller.announceRouter('r:6473', 'r:6474');
    // '0' sorts before ':', so host10:… comes before host1:….
    assert.equal(
      installer.log,
      'r:6474: lambda1,host10:6473,1,F lambda2,host1:6473,1,F lambda0,host2:6473,1,F\n',
    );
  });
});
