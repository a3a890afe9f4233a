import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setLogSink } from '../support/logger.js';
import { Random } from '../support/random.js';
import { ControllerStateFile } from './controller-state.js';
import { EdgeController } from './edge-controller.js';
import { LoggingRouterInstaller, makeContainers } from './fake-router-installer.test-support.js';
import { homeRouterAddress, type HierObjective } from './installer-hier-home.js';
import { HierInstallerLogic, type HierInstallerOptions } from './installer-hier.js';
import type { InstallerContext } from './installer-logic.js';
import { NodeTopology } from './node-topology.js';
import type { KnownComputer, RouterEndpoints } from './registry-entries.js';

let restoreLog: () => void;
const dir = mkdtempSync(join(tmpdir(), 'soe-hier-'));
before(() => {
  restoreLog = setLogSink(() => {});
});
after(() => {
  restoreLog();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The original test's topology (min-max and min-avg give the same homes):
 *
 *   host0
 *        \
 *         +- host2 -- host3 -- host4
 *        /
 *   host1
 */
const TOPOLOGY_FILE = join(dir, 'toremove_dist.txt');
writeFileSync(
  TOPOLOGY_FILE,
  'host0 0 2 1 2 3\n' + 'host1 2 0 1 2 3\n' + 'host2 1 1 0 1 2\n' + 'host3 2 2 1 0 1\n' + 'host4 3 3 2 1 0\n',
);

function makeTopology(): NodeTopology {
  return NodeTopology.load(TOPOLOGY_FILE);
}

/** A generator whose uniform draws are always `value`: picks among routers sharing an address deterministically. */
class FixedRandom extends Random {
  constructor(private readonly value: number) {
    super(1);
  }

  override uniform(): number {
    return this.value;
  }
}

/** A hier controller over a logging installer with the test topology and an objective. */
function trivialHier(objective: HierObjective = 'min-max', random: Random = new FixedRandom(0)) {
  const installer = new LoggingRouterInstaller();
  const installerOptions: HierInstallerOptions = {
    topologyFile: TOPOLOGY_FILE,
    hierObjective: objective,
    random,
  };
  const controller = new EdgeController({ installer, installerType: 'hier', installerOptions });
  return { controller, installer };
}

/** A bare registry for driving a {@link HierInstallerLogic} directly, before its topology or objective is set. */
function bareRegistry() {
  const installer = new LoggingRouterInstaller();
  const computers: KnownComputer[] = [];
  const routers: RouterEndpoints[] = [];
  const context: InstallerContext = {
    installer,
    computers: () => computers,
    routers: () => [...routers],
    dropRouter: (router) => {
      const i = routers.findIndex((r) => r.lambdaEndpoint === router.lambdaEndpoint);
      if (i >= 0) routers.splice(i, 1);
    },
  };
  return { context, installer, computers, routers };
}

/**
 * The original `testRegular`, services:
 * host0: computers at ports 10000 (lambda0, lambda1) and 10001 (lambda0); host1: computer at 10000
 * (lambda1); host2: router at 6473/6474; host4: computer at 10000 (lambda0, lambda1), routers at
 * 6473/6474 and 16473/16474. `draw` is the uniform draw picking among the two routers of host4.
 *
 * Quirk Q7 is fixed: the REMOVE at a computer's home router goes to the home router's
 * forwarding-table end-point (`del host2:6474 host0:10000 …`), where the original test expects its
 * lambda end-point (`del host2:6473 host0:10000 …`).
 */
async function testRegular(objective: HierObjective, draw: number): Promise<void> {
  const { controller, installer } = trivialHier(objective, new FixedRandom(draw));

  await controller.announceRouter('host2:6473', 'host2:6474');
  assert.equal(installer.takeLog(), 'flush host2:6474\n');

  await controller.announceRouter('host4:6473', 'host4:6474');
  assert.equal(installer.takeLog(), 'flush host2:6474\n' + 'flush host4:6474\n');

  await controller.announceRouter('host4:16473', 'host4:16474');
  assert.equal(installer.takeLog(), 'flush host2:6474\n' + 'flush host4:16474\n' + 'flush host4:6474\n');

  await controller.announceComputer('host0:10000', makeContainers(2, 0));
  assert.equal(
    installer.takeLog(),
    'host2:6474: lambda0,host0:10000,1,F lambda1,host0:10000,1,F\n' +
      'host4:6474: lambda0,host2:6473,1, lambda1,host2:6473,1,\n' +
      'host4:16474: lambda0,host2:6473,1, lambda1,host2:6473,1,\n',
  );

  await controller.announceComputer('host0:10001', makeContainers(1, 0));
  assert.equal(installer.takeLog(), 'host2:6474: lambda0,host0:10001,1,F\n');

  await controller.announceComputer('host1:10000', makeContainers(1, 1));
  assert.equal(installer.takeLog(), 'host2:6474: lambda1,host1:10000,1,F\n');

  // Two routers at host4: the draw picks the first announced (6473) or the second (16473).
  await controller.announceComputer('host4:10000', makeContainers(2, 0));
  assert.equal(
    installer.takeLog(),
    draw < 0.5
      ? 'host4:6474: lambda0,host4:10000,1,F lambda1,host4:10000,1,F\n' +
          'host2:6474: lambda0,host4:6473,1, lambda1,host4:6473,1,\n' +
          'host4:16474: lambda0,host4:6473,1, lambda1,host4:6473,1,\n'
      : 'host4:16474: lambda0,host4:10000,1,F lambda1,host4:10000,1,F\n' +
          'host2:6474: lambda0,host4:16473,1, lambda1,host4:16473,1,\n' +
          'host4:6474: lambda0,host4:16473,1, lambda1,host4:16473,1,\n',
  );

  // A forwarding table server disconnects: at the next command it is dropped and every table is
  // flushed and re-created from scratch.
  installer.disconnected = 'host4:16474';
  await controller.announceComputer('host0:10002', makeContainers(1, 2));
  assert.equal(
    installer.takeLog(),
    'host2:6474: lambda2,host0:10002,1,F\n' +
      'host4:6474: lambda2,host2:6473,1,\n' +
      'flush host2:6474\n' +
      'flush host4:6474\n' +
      'host2:6474: lambda0,host0:10000,1,F lambda1,host0:10000,1,F\n' +
      'host4:6474: lambda0,host2:6473,1, lambda1,host2:6473,1,\n' +
      'host2:6474: lambda0,host0:10001,1,F\n' +
      'host2:6474: lambda2,host0:10002,1,F\n' +
      'host4:6474: lambda2,host2:6473,1,\n' +
      'host2:6474: lambda1,host1:10000,1,F\n' +
      'host4:6474: lambda0,host4:10000,1,F lambda1,host4:10000,1,F\n' +
      'host2:6474: lambda0,host4:6473,1, lambda1,host4:6473,1,\n',
  );

  // A new router: again a full reset of every table.
  await controller.announceRouter('host1:6473', 'host1:6474');
  assert.equal(
    installer.takeLog(),
    'flush host1:6474\n' +
      'flush host2:6474\n' +
      'flush host4:6474\n' +
      'host2:6474: lambda0,host0:10000,1,F lambda1,host0:10000,1,F\n' +
      'host4:6474: lambda0,host2:6473,1, lambda1,host2:6473,1,\n' +
      'host1:6474: lambda0,host2:6473,1, lambda1,host2:6473,1,\n' +
      'host2:6474: lambda0,host0:10001,1,F\n' +
      'host2:6474: lambda2,host0:10002,1,F\n' +
      'host4:6474: lambda2,host2:6473,1,\n' +
      'host1:6474: lambda2,host2:6473,1,\n' +
      'host1:6474: lambda1,host1:10000,1,F\n' +
      'host2:6474: lambda1,host1:6473,1,\n' +
      'host4:6474: lambda1,host1:6473,1,\n' +
      'host4:6474: lambda0,host4:10000,1,F lambda1,host4:10000,1,F\n' +
      'host2:6474: lambda0,host4:6473,1, lambda1,host4:6473,1,\n' +
      'host1:6474: lambda0,host4:6473,1, lambda1,host4:6473,1,\n',
  );

  // The computers go away one at a time (home REMOVEs on the forwarding end-point: Q7 fixed).
  await controller.removeComputer('host0:10000');
  assert.equal(
    installer.takeLog(),
    'del host2:6474 host0:10000 lambda0\n' +
      'del host2:6474 host0:10000 lambda1\n' +
      'del host1:6474 host2:6473 lambda1\n' +
      'del host4:6474 host2:6473 lambda1\n',
  );

  await controller.removeComputer('host0:10001');
  assert.equal(
    installer.takeLog(),
    'del host2:6474 host0:10001 lambda0\n' +
      'del host1:6474 host2:6473 lambda0\n' +
      'del host4:6474 host2:6473 lambda0\n',
  );

  await controller.removeComputer('host0:10002');
  assert.equal(
    installer.takeLog(),
    'del host2:6474 host0:10002 lambda2\n' +
      'del host1:6474 host2:6473 lambda2\n' +
      'del host4:6474 host2:6473 lambda2\n',
  );

  await controller.removeComputer('host1:10000');
  assert.equal(
    installer.takeLog(),
    'del host1:6474 host1:10000 lambda1\n' +
      'del host2:6474 host1:6473 lambda1\n' +
      'del host4:6474 host1:6473 lambda1\n',
  );

  await controller.removeComputer('host4:10000');
  assert.equal(
    installer.takeLog(),
    'del host4:6474 host4:10000 lambda0\n' +
      'del host1:6474 host4:6473 lambda0\n' +
      'del host2:6474 host4:6473 lambda0\n' +
      'del host4:6474 host4:10000 lambda1\n' +
      'del host1:6474 host4:6473 lambda1\n' +
      'del host2:6474 host4:6473 lambda1\n',
  );
}

describe('hier installer (spec §6.4, Test/testedgecontrollerhier.cpp)', () => {
  test('test_ctor', () => {
    assert.doesNotThrow(() => new HierInstallerLogic(bareRegistry().context));
    assert.doesNotThrow(() => trivialHier());
  });

  test('test_dup_topology', () => {
    const logic = new HierInstallerLogic(bareRegistry().context);
    assert.doesNotThrow(() => logic.loadTopology(makeTopology()));
    assert.throws(() => logic.loadTopology(makeTopology()), {
      message: 'Topology already loaded, cannot be changed afterwards',
    });
  });

  test('test_dup_objective', () => {
    const logic = new HierInstallerLogic(bareRegistry().context);
    assert.doesNotThrow(() => logic.objective('min-max'));
    assert.throws(() => logic.objective('min-max'), {
      message: 'Objective already set, cannot be changed afterwards',
    });
  });

  test('test_cannot_announce_computer_without_topology', async () => {
    const { context, installer, computers, routers } = bareRegistry();
    const logic = new HierInstallerLogic(context, { hierObjective: 'min-max' });
    routers.push({ lambdaEndpoint: 'host3:6473', forwardingEndpoint: 'host3:6474' });
    await logic.routerAdded(routers[0]!);
    computers.push({ endpoint: 'host0:6473', containers: makeContainers(1) });
    await assert.rejects(logic.computerAdded('host0:6473', makeContainers(1)), {
      message: 'Topology has not been loaded',
    });
    logic.loadTopology(makeTopology());
    await logic.computerAdded('host0:6473', makeContainers(1));
    assert.equal(installer.takeLog(), 'flush host3:6474\n' + 'host3:6474: lambda0,host0:6473,1,F\n');

    // The same through a controller given no topology file.
    const controller = new EdgeController({
      installer,
      installerType: 'hier',
      installerOptions: { hierObjective: 'min-max' },
    });
    await controller.announceRouter('host3:6473', 'host3:6474');
    await assert.rejects(controller.announceComputer('host0:6473', makeContainers(1)), {
      message: 'Topology has not been loaded',
    });
  });

  test('test_cannot_announce_computer_without_objective', async () => {
    const { context, installer, computers, routers } = bareRegistry();
    const logic = new HierInstallerLogic(context);
    logic.loadTopology(makeTopology());
    routers.push({ lambdaEndpoint: 'host3:6473', forwardingEndpoint: 'host3:6474' });
    await logic.routerAdded(routers[0]!);
    computers.push({ endpoint: 'host0:6473', containers: makeContainers(1) });
    await assert.rejects(logic.computerAdded('host0:6473', makeContainers(1)), {
      message: 'Objective not set',
    });
    logic.objective('min-max');
    await logic.computerAdded('host0:6473', makeContainers(1));
    assert.equal(installer.takeLog(), 'flush host3:6474\n' + 'host3:6474: lambda0,host0:6473,1,F\n');
  });

  test('test_unknown_address', async () => {
    {
      const { controller } = trivialHier();
      await controller.announceRouter('host3:6473', 'host3:6474');
      await assert.rejects(controller.announceComputer('host666:6473', makeContainers(1)), {
        message: "Invalid or unknown node 'host666'",
      });
    }
    {
      const { controller } = trivialHier();
      await controller.announceComputer('host0:6473', makeContainers(1));
      await assert.rejects(controller.announceRouter('host666:6473', 'host666:6474'), {
        message: "Invalid or unknown node 'host666'",
      });
      // Beyond the original: the refused router is forgotten, so later announces keep working.
      assert.deepEqual(controller.routers(), []);
    }
  });

  test('test_regular_minmax', async () => {
    await testRegular('min-max', 0);
    await testRegular('min-max', 0.99);
  });

  test('test_regular_minavg', async () => {
    await testRegular('min-avg', 0);
    await testRegular('min-avg', 0.99);
  });

  test('test_all_routers_down', async () => {
    const { controller, installer } = trivialHier();
    // Two routers per node.
    for (const host of ['host0', 'host1', 'host2', 'host3', 'host4']) {
      await controller.announceRouter(`${host}:6473`, `${host}:6474`);
      await controller.announceRouter(`${host}:16473`, `${host}:16474`);
    }
    await controller.announceComputer('host0:10000', makeContainers(1, 0));
    installer.takeLog();

    // Every router unreachable: announcing a computer drops them all and does nothing.
    installer.disconnected = '*';
    await controller.announceComputer('host0:10001', makeContainers(1, 0));
    assert.equal(installer.takeLog(), '');
    assert.equal(
      controller.print(),
      'computer host0:10000\n' +
        'cont0: processor cpu0, lambda lambda0, #workers 2\n' +
        'computer host0:10001\n' +
        'cont0: processor cpu0, lambda lambda0, #workers 2\n',
    );
  });

  test('test_computer_changes_lambdas', async () => {
    const { controller, installer } = trivialHier();
    await controller.announceRouter('host0:6473', 'host0:6474');
    await controller.announceRouter('host4:6473', 'host4:6474');
    await controller.announceComputer('host0:10000', makeContainers(1, 0));
    assert.equal(
      installer.takeLog(),
      'flush host0:6474\n' +
        'flush host0:6474\n' +
        'flush host4:6474\n' +
        'host0:6474: lambda0,host0:10000,1,F\n' +
        'host4:6474: lambda0,host0:6473,1,\n',
    );

    // Another lambda on that computer; the home REMOVE goes to host0:6474 (the original: host0:6473, Q7).
    await controller.announceComputer('host0:10000', makeContainers(1, 1));
    assert.equal(
      installer.takeLog(),
      'del host0:6474 host0:10000 lambda0\n' +
        'del host4:6474 host0:6473 lambda0\n' +
        'host0:6474: lambda1,host0:10000,1,F\n' +
        'host4:6474: lambda1,host0:6473,1,\n',
    );
  });
});

describe('hier installer, beyond the original tests', () => {
  test('min-max and min-avg choose different homes when max and sum disagree', () => {
    const topology = NodeTopology.parse(
      'a 0 10 10 2\n' + 'b 10 0 1 4\n' + 'c 10 1 0 6\n' + 'pc 2 4 6 0\n',
      'inline',
    );
    assert.equal(homeRouterAddress(topology, 'min-max', ['a', 'b', 'c'], 'pc'), 'a');
    assert.equal(homeRouterAddress(topology, 'min-avg', ['c', 'b', 'a'], 'pc'), 'b');
    assert.equal(homeRouterAddress(topology, 'min-max', [], 'pc'), undefined);
  });

  test('ties go to the first address in sorted order; the choice follows the router addresses', async () => {
    const { controller, installer } = trivialHier();
    // host2 is at distance 1 from both host1 and host0, announced in this order.
    await controller.announceRouter('host1:6473', 'host1:6474');
    await controller.announceRouter('host0:6473', 'host0:6474');
    installer.takeLog();
    await controller.announceComputer('host2:10000', makeContainers(1));
    assert.equal(
      installer.takeLog(),
      'host0:6474: lambda0,host2:10000,1,F\n' + 'host1:6474: lambda0,host0:6473,1,\n',
    );
    // A router at host2 itself: the cached choice is dropped and host2 becomes the home.
    await controller.announceRouter('host2:6473', 'host2:6474');
    assert.equal(
      installer.takeLog(),
      'flush host0:6474\n' +
        'flush host1:6474\n' +
        'flush host2:6474\n' +
        'host2:6474: lambda0,host2:10000,1,F\n' +
        'host1:6474: lambda0,host2:6473,1,\n' +
        'host0:6474: lambda0,host2:6473,1,\n',
    );
  });

  test('a router failing a REMOVE is dropped and the tables are rebuilt', async () => {
    const { controller, installer } = trivialHier();
    await controller.announceRouter('host2:6473', 'host2:6474');
    await controller.announceRouter('host4:6473', 'host4:6474');
    await controller.announceComputer('host0:10000', makeContainers(1));
    await controller.announceComputer('host4:10000', makeContainers(1));
    installer.takeLog();
    installer.disconnected = 'host4:6474';
    await controller.removeComputer('host0:10000');
    assert.equal(
      installer.takeLog(),
      'del host2:6474 host0:10000 lambda0\n' + 'flush host2:6474\n' + 'host2:6474: lambda0,host4:10000,1,F\n',
    );
    assert.deepEqual(controller.routers(), [
      { lambdaEndpoint: 'host2:6473', forwardingEndpoint: 'host2:6474' },
    ]);
  });

  test('a router re-announced with another forwarding end-point resets the tables on the new one', async () => {
    const { controller, installer } = trivialHier();
    await controller.announceRouter('host2:6473', 'host2:6474');
    await controller.announceComputer('host0:10000', makeContainers(1));
    installer.takeLog();
    await controller.announceRouter('host2:6473', 'host2:7474');
    assert.equal(installer.takeLog(), 'flush host2:7474\n' + 'host2:7474: lambda0,host0:10000,1,F\n');
  });

  test('a router announced again with the same end-points (restarted, empty) gets its own routes, the others nothing', async () => {
    const { controller, installer } = trivialHier();
    await controller.announceRouter('host2:6473', 'host2:6474');
    await controller.announceRouter('host4:6473', 'host4:6474');
    await controller.announceComputer('host0:10000', makeContainers(2));
    await controller.announceComputer('host4:10000', makeContainers(1));
    installer.takeLog();
    await controller.announceRouter('host2:6473', 'host2:6474');
    assert.equal(
      installer.takeLog(),
      'host2:6474: lambda0,host0:10000,1,F lambda1,host0:10000,1,F lambda0,host4:6473,1,\n',
    );
    await controller.announceRouter('host4:6473', 'host4:6474');
    assert.equal(
      installer.takeLog(),
      'host4:6474: lambda0,host2:6473,1, lambda1,host2:6473,1, lambda0,host4:10000,1,F\n',
    );
    // A router that fails meanwhile is dropped, and the others rebuilt without it.
    installer.disconnected = 'host2:6474';
    await controller.announceRouter('host2:6473', 'host2:6474');
    assert.equal(
      installer.takeLog(),
      'flush host4:6474\n' +
        'host4:6474: lambda0,host0:10000,1,F lambda1,host0:10000,1,F\n' +
        'host4:6474: lambda0,host4:10000,1,F\n',
    );
    assert.deepEqual(controller.routers(), [
      { lambdaEndpoint: 'host4:6473', forwardingEndpoint: 'host4:6474' },
    ]);
  });

  test('a restored controller flushes and reprograms every router', async () => {
    const stateFile = new ControllerStateFile(join(dir, 'state.json'));
    const installer = new LoggingRouterInstaller();
    const installerOptions: HierInstallerOptions = { topologyFile: TOPOLOGY_FILE, hierObjective: 'min-avg' };
    const controller = new EdgeController({ installer, installerType: 'hier', installerOptions, stateFile });
    await controller.restore();
    await controller.announceRouter('host2:6473', 'host2:6474');
    await controller.announceRouter('host4:6473', 'host4:6474');
    await controller.announceComputer('host0:10000', makeContainers(1));
    installer.takeLog();
    const restored = new EdgeController({ installer, installerType: 'hier', installerOptions, stateFile });
    await restored.restore();
    assert.equal(
      installer.takeLog(),
      'flush host2:6474\n' +
        'flush host4:6474\n' +
        'host2:6474: lambda0,host0:10000,1,F\n' +
        'host4:6474: lambda0,host2:6473,1,\n',
    );
  });

  test('the options are checked when the controller is created', () => {
    const installer = new LoggingRouterInstaller();
    const missing = join(dir, 'missing.txt');
    assert.throws(
      () =>
        new EdgeController({ installer, installerType: 'hier', installerOptions: { topologyFile: missing } }),
      { message: `Invalid or non-existing topology file '${missing}'` },
    );
    assert.throws(
      () =>
        new EdgeController({
          installer,
          installerType: 'hier',
          installerOptions: { topologyFile: TOPOLOGY_FILE, hierObjective: 'min-sum' },
        }),
      { message: 'Invalid hierarchical controller objective: min-sum' },
    );
  });

  test('--topology-randomized draws the distances from the injected generator', async () => {
    const run = async (seed: number) => {
      const installer = new LoggingRouterInstaller();
      const installerOptions: HierInstallerOptions = {
        topologyFile: TOPOLOGY_FILE,
        topologyRandomized: true,
        hierObjective: 'min-max',
        random: new Random(seed),
      };
      const controller = new EdgeController({ installer, installerType: 'hier', installerOptions });
      for (const host of ['host0', 'host1', 'host2', 'host3', 'host4']) {
        await controller.announceRouter(`${host}:6473`, `${host}:6474`);
      }
      installer.takeLog();
      for (const host of ['host0', 'host1', 'host2', 'host3', 'host4']) {
        await controller.announceComputer(`${host}:10000`, makeContainers(1));
      }
      return installer.takeLog();
    };
    assert.equal(await run(42), await run(42));
  });
});
