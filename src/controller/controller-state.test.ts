import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setLogSink } from '../support/logger.js';
import { ControllerStateFile, defaultStateFile, type ControllerState } from './controller-state.js';
import { EdgeController } from './edge-controller.js';
import { LoggingRouterInstaller, makeContainers } from './fake-router-installer.test-support.js';

let dir: string;
let logLines: string[] = [];
let restoreLog: () => void;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soe-controller-state-'));
  restoreLog = setLogSink((line) => logLines.push(line));
});
after(() => {
  restoreLog();
  fs.rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
/** A fresh state file path in the test folder. */
function freshPath(): string {
  return path.join(dir, `state-${++counter}.json`);
}

const STATE: ControllerState = {
  computers: [
    { endpoint: 'host0:6473', containers: makeContainers(2) },
    { endpoint: 'host1:6473', containers: makeContainers(1, 3) },
  ],
  routers: [
    { lambdaEndpoint: 'host3:6473', forwardingEndpoint: 'host3:6474' },
    { lambdaEndpoint: 'host2:6473', forwardingEndpoint: 'host2:6474' },
  ],
};

function controllerWith(file: string, installer = new LoggingRouterInstaller()) {
  return {
    installer,
    controller: new EdgeController({ installer, stateFile: new ControllerStateFile(file) }),
  };
}

describe('ControllerStateFile', () => {
  test('a saved state loads back identical; a missing file loads as undefined', () => {
    const file = new ControllerStateFile(freshPath());
    assert.equal(file.load(), undefined);
    file.save(STATE);
    assert.deepEqual(file.load(), STATE);
    const json = JSON.parse(fs.readFileSync(file.path, 'utf8')) as Record<string, unknown>;
    assert.equal(json.format, 'soe-edgecontroller-state');
    assert.equal(json.version, 1);
  });

  test('saving replaces the file by a rename: a reader of the old file sees it whole, no temporary is left', () => {
    const file = new ControllerStateFile(freshPath());
    file.save(STATE);
    const before = fs.readFileSync(file.path, 'utf8');
    const oldInode = fs.statSync(file.path).ino;
    const fd = fs.openSync(file.path, 'r');
    try {
      file.save({ computers: [], routers: [] });
      assert.notEqual(fs.statSync(file.path).ino, oldInode, 'a new file took the old one’s name');
      assert.equal(fs.readFileSync(fd, 'utf8'), before, 'the old content is intact');
    } finally {
      fs.closeSync(fd);
    }
    assert.deepEqual(file.load(), { computers: [], routers: [] });
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  test('a file that cannot be written fails naming it and leaves nothing behind', () => {
    const target = path.join(dir, 'no-such-folder', 'state.json');
    const file = new ControllerStateFile(target);
    assert.throws(() => file.save(STATE), {
      message: new RegExp(`^Cannot save the controller state to '${target}': `),
    });
    assert.equal(fs.existsSync(path.dirname(target)), false);
  });

  test('the default file is edgecontroller-state.json in the user state folder, never the working directory', () => {
    assert.equal(defaultStateFile({ XDG_STATE_HOME: '/x/state' }), '/x/state/soe/edgecontroller-state.json');
    assert.equal(
      defaultStateFile({ HOME: os.homedir() }),
      path.join(os.homedir(), '.local/state/soe/edgecontroller-state.json'),
    );
  });

  test('with createFolder the first save creates the missing folders', () => {
    const target = path.join(dir, 'xdg-state', 'soe', 'state.json');
    const file = new ControllerStateFile(target, { createFolder: true });
    file.save(STATE);
    assert.deepEqual(file.load(), STATE);
  });

  test('a corrupt file fails naming the file and the problem', () => {
    const cases: [string, RegExp][] = [
      ['', /Unexpected end of JSON input/],
      ['{"format": "soe-edgecontroller-state", "version": 1, "comp', /JSON/],
      ['[]', /the content is not an object/],
      ['{"format": "other", "version": 1, "computers": [], "routers": []}', /format is not/],
      ['{"format": "soe-edgecontroller-state", "version": 2, "computers": [], "routers": []}', /version 2/],
      ['{"format": "soe-edgecontroller-state", "version": 1, "routers": []}', /computers is not an array/],
      [
        '{"format": "soe-edgecontroller-state", "version": 1, "computers": [{"endpoint": "", "containers": []}], "routers": []}',
        /computers\[0\]\.endpoint is empty/,
      ],
      [
        '{"format": "soe-edgecontroller-state", "version": 1, "computers": [{"endpoint": "h:1", "containers": [{"name": "c", "processor": "p", "lambda": "l", "numWorkers": -1}]}], "routers": []}',
        /computers\[0\]\.containers\[0\]\.numWorkers is not a non-negative integer/,
      ],
      [
        '{"format": "soe-edgecontroller-state", "version": 1, "computers": [], "routers": [{"lambdaEndpoint": "h:1"}]}',
        /routers\[0\]\.forwardingEndpoint is not a string/,
      ],
      [
        '{"format": "soe-edgecontroller-state", "version": 1, "computers": [{"endpoint": "h:1", "containers": []}, {"endpoint": "h:1", "containers": []}], "routers": []}',
        /computer h:1 is listed twice/,
      ],
      [
        '{"format": "soe-edgecontroller-state", "version": 1, "computers": [{"endpoint": "h:1", "containers": [], "managementEndpoint": "h:0"}], "routers": []}',
        /computers\[0\]\.managementEndpoint has port "0", not in 1\.\.65535: "h:0"/,
      ],
    ];
    for (const [content, problem] of cases) {
      const p = freshPath();
      fs.writeFileSync(p, content);
      const file = new ControllerStateFile(p);
      assert.throws(
        () => file.load(),
        (err: Error) => {
          assert.ok(err.message.startsWith(`Corrupt controller state file '${p}': `), err.message);
          assert.match(err.message, problem);
          return true;
        },
      );
    }
  });
});

describe('EdgeController with a state file', () => {
  test('every change is saved at once: announces, removals, dropped routers', async () => {
    const p = freshPath();
    const { controller, installer } = controllerWith(p);
    const saved = (): ControllerState | undefined => new ControllerStateFile(p).load();
    await controller.restore();
    assert.deepEqual(saved(), { computers: [], routers: [] }, 'a first start writes an empty state');

    await controller.announceRouter('host3:6473', 'host3:6474');
    await controller.announceRouter('host2:6473', 'host2:6474');
    assert.deepEqual(saved()?.routers, STATE.routers);
    await controller.announceComputer('host1:6473', makeContainers(1, 3));
    await controller.announceComputer('host0:6473', makeContainers(2));
    assert.deepEqual(saved(), STATE);

    await controller.removeComputer('host1:6473');
    assert.deepEqual(saved()?.computers, [{ endpoint: 'host0:6473', containers: makeContainers(2) }]);

    installer.disconnected = 'host3:6474';
    await controller.announceComputer('host1:6473', makeContainers(1));
    assert.deepEqual(saved()?.routers, [{ lambdaEndpoint: 'host2:6473', forwardingEndpoint: 'host2:6474' }]);
    assert.deepEqual(saved(), controller.snapshot());
  });

  test("a js computer's management end-point is saved and restored; a change of it alone is saved", async () => {
    const p = freshPath();
    const first = controllerWith(p).controller;
    await first.restore();
    await first.announceComputer('host0:6473', makeContainers(1), '127.0.0.1:10080');
    await first.announceComputer('host1:6473', makeContainers(1));
    const saved = () => new ControllerStateFile(p).load()!.computers;
    assert.deepEqual(
      saved().map((c) => c.managementEndpoint),
      ['127.0.0.1:10080', undefined],
    );
    await first.announceComputer('host0:6473', makeContainers(1), '127.0.0.1:10081');
    assert.equal(saved()[0]!.managementEndpoint, '127.0.0.1:10081');

    const restarted = controllerWith(p).controller;
    await restarted.restore();
    assert.equal(restarted.managementEndpointOf('host0:6473'), '127.0.0.1:10081');
    assert.equal(restarted.managementEndpointOf('host1:6473'), '');
  });

  test('a restarted controller flushes and reprograms every known router, in announce order', async () => {
    const p = freshPath();
    new ControllerStateFile(p).save(STATE);
    const lambdas: string[] = [];
    const installer = new LoggingRouterInstaller();
    const controller = new EdgeController({
      installer,
      stateFile: new ControllerStateFile(p),
      hooks: { lambdaAdded: (l) => lambdas.push(l) },
    });
    const restored = await controller.restore();
    assert.deepEqual(restored, STATE);
    const routes = 'lambda0,host0:6473,1,F lambda1,host0:6473,1,F lambda3,host1:6473,1,F\n';
    assert.equal(
      installer.takeLog(),
      `flush host3:6474\nhost3:6474: ${routes}flush host2:6474\nhost2:6474: ${routes}`,
    );
    assert.deepEqual(controller.snapshot(), STATE);
    assert.deepEqual(
      lambdas,
      ['lambda0', 'lambda1', 'lambda3'],
      'the lambda hooks fire for restored computers',
    );

    // Nothing is forgotten: a new computer goes to both routers, an identical re-announce is a no-op.
    await controller.announceComputer('host0:6473', makeContainers(2));
    assert.equal(installer.takeLog(), '');
    await controller.announceComputer('host4:6473', makeContainers(1));
    assert.equal(
      installer.takeLog(),
      'host3:6474: lambda0,host4:6473,1,F\nhost2:6474: lambda0,host4:6473,1,F\n',
    );
  });

  test('a router unreachable at restart is dropped, and the saved state forgets it', async () => {
    const p = freshPath();
    new ControllerStateFile(p).save(STATE);
    const installer = new LoggingRouterInstaller();
    installer.disconnected = 'host3:6474';
    const { controller } = controllerWith(p, installer);
    await controller.restore();
    assert.equal(
      installer.log,
      'flush host2:6474\nhost2:6474: lambda0,host0:6473,1,F lambda1,host0:6473,1,F lambda3,host1:6473,1,F\n',
    );
    assert.deepEqual(new ControllerStateFile(p).load()?.routers, [
      { lambdaEndpoint: 'host2:6473', forwardingEndpoint: 'host2:6474' },
    ]);
  });

  test('routers but no computers: a restart only flushes', async () => {
    const p = freshPath();
    new ControllerStateFile(p).save({ computers: [], routers: STATE.routers });
    const { controller, installer } = controllerWith(p);
    await controller.restore();
    assert.equal(installer.log, 'flush host3:6474\nflush host2:6474\n');
  });

  test('a corrupt state file makes the restore fail, naming the file', async () => {
    const p = freshPath();
    fs.writeFileSync(p, '{ corrupt');
    const { controller } = controllerWith(p);
    await assert.rejects(controller.restore(), {
      message: new RegExp(`^Corrupt controller state file '${p}': `),
    });
  });

  test('an unwritable state file fails at start; later save failures are logged and routing goes on', async () => {
    const unwritable = controllerWith(path.join(dir, 'missing', 'state.json')).controller;
    await assert.rejects(unwritable.restore(), { message: /^Cannot save the controller state to/ });

    const sub = fs.mkdtempSync(path.join(dir, 'vanishing-'));
    const { controller, installer } = controllerWith(path.join(sub, 'state.json'));
    await controller.restore();
    await controller.announceRouter('host1:6473', 'host1:6474');
    fs.rmSync(sub, { recursive: true });
    logLines = [];
    await controller.announceComputer('host0:6473', makeContainers(1));
    assert.equal(installer.log, 'host1:6474: lambda0,host0:6473,1,F\n');
    assert.ok(
      logLines.some((l) => l.startsWith('E') && l.includes('Cannot save the controller state to')),
      logLines.join(''),
    );
  });

  test('without a state file nothing is written and restore does nothing', async () => {
    const installer = new LoggingRouterInstaller();
    const controller = new EdgeController({ installer });
    assert.equal(await controller.restore(), undefined);
    await controller.announceRouter('host1:6473', 'host1:6474');
    assert.equal(installer.log, '');
  });
});
