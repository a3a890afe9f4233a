import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setLogSink } from '../support/logger.js';
import { Random } from '../support/random.js';
import { controllerSnapshot } from './controller-snapshot.js';
import { EdgeController } from './edge-controller.js';
import { LoggingRouterInstaller, makeContainers } from './fake-router-installer.test-support.js';
import type { HierInstallerOptions } from './installer-hier.js';

let restoreLog: () => void;
const dir = mkdtempSync(join(tmpdir(), 'soe-snapshot-'));
before(() => {
  restoreLog = setLogSink(() => {});
});
after(() => {
  restoreLog();
  rmSync(dir, { recursive: true, force: true });
});

describe('controller snapshot', () => {
  test('flat: every router reaches every computer directly; lambdas list their computers', async () => {
    const controller = new EdgeController({ installer: new LoggingRouterInstaller(), installerType: 'flat' });
    assert.deepEqual(controllerSnapshot(controller), {
      installerType: 'flat',
      computers: [],
      routers: [],
      lambdas: [],
    });
    await controller.announceComputer('host1:6473', makeContainers(1));
    await controller.announceComputer('host0:6473', [...makeContainers(2), ...makeContainers(1, 1)]);
    await controller.announceRouter('host9:6473', 'host9:6474');
    const snapshot = controllerSnapshot(controller);
    const container = (lambda: string) => ({ name: 'cont0', processor: 'cpu0', lambda, numWorkers: 2 });
    assert.deepEqual(snapshot, {
      installerType: 'flat',
      computers: [
        {
          endpoint: 'host0:6473',
          lambdas: ['lambda0', 'lambda1'],
          containers: [container('lambda0'), container('lambda1'), container('lambda1')],
        },
        { endpoint: 'host1:6473', lambdas: ['lambda0'], containers: [container('lambda0')] },
      ],
      routers: [
        {
          lambdaEndpoint: 'host9:6473',
          forwardingEndpoint: 'host9:6474',
          reaches: [
            { computer: 'host0:6473', lambdas: ['lambda0', 'lambda1'], via: null },
            { computer: 'host1:6473', lambdas: ['lambda0'], via: null },
          ],
        },
      ],
      lambdas: [
        { lambda: 'lambda0', computers: ['host0:6473', 'host1:6473'] },
        { lambda: 'lambda1', computers: ['host0:6473'] },
      ],
    });

    // A copy: later changes do not show in it.
    await controller.removeComputer('host0:6473');
    assert.equal(snapshot.computers.length, 2);
    assert.deepEqual(
      controllerSnapshot(controller).routers[0]!.reaches.map((r) => r.computer),
      ['host1:6473'],
    );
    assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), snapshot);
  });

  test('hier: the home router reaches its computers directly, the others through it', async () => {
    const topologyFile = join(dir, 'dist.txt');
    writeFileSync(topologyFile, 'host0 0 1 3\nhost1 1 0 3\nhost2 3 3 0\n');
    const installerOptions: HierInstallerOptions = {
      topologyFile,
      hierObjective: 'min-max',
      random: new Random(1),
    };
    const controller = new EdgeController({
      installer: new LoggingRouterInstaller(),
      installerType: 'hier',
      installerOptions,
    });
    await controller.announceRouter('host1:6473', 'host1:6474');
    await controller.announceRouter('host2:6473', 'host2:6474');
    await controller.announceComputer('host0:10000', makeContainers(2));
    await controller.announceComputer('host2:10000', makeContainers(1));
    const snapshot = controllerSnapshot(controller);
    assert.equal(snapshot.installerType, 'hier');
    assert.deepEqual(
      snapshot.routers.map((r) => [r.lambdaEndpoint, r.reaches]),
      [
        [
          'host1:6473',
          [
            { computer: 'host0:10000', lambdas: ['lambda0', 'lambda1'], via: null },
            { computer: 'host2:10000', lambdas: ['lambda0'], via: 'host2:6473' },
          ],
        ],
        [
          'host2:6473',
          [
            { computer: 'host0:10000', lambdas: ['lambda0', 'lambda1'], via: 'host1:6473' },
            { computer: 'host2:10000', lambdas: ['lambda0'], via: null },
          ],
        ],
      ],
    );
  });
});
