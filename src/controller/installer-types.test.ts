import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setLogSink } from '../support/logger.js';
import { EdgeController } from './edge-controller.js';
import { LoggingRouterInstaller } from './fake-router-installer.test-support.js';
import { installerTypeNames } from './installer-types.js';

let restoreLog: () => void;
before(() => {
  restoreLog = setLogSink(() => {});
});
after(() => restoreLog());

test('the built-in installer types, sorted as the original lists them', () => {
  assert.equal(installerTypeNames(), 'flat,hier');
});

test("Object.prototype's keys are unknown installer types", () => {
  for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
    assert.throws(
      () => new EdgeController({ installer: new LoggingRouterInstaller(), installerType: name }),
      { message: `Invalid installer type '${name}', choose one in: flat,hier` },
    );
  }
});
