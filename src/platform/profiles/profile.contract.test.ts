import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { compose, jsonExample, profileTypes } from '../composer.js';
import { Computer } from '../computer.js';

const dir = mkdtempSync(join(tmpdir(), 'soe-profiles-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const descriptionPath = join(dir, 'example.json');
writeFileSync(descriptionPath, jsonExample());

/** A `--conf` of each built-in profile with its required keys; other registered profiles get `type=<name>`. */
const EXAMPLE_CONFS = new Map([['file', `type=file,path=${descriptionPath}`]]);

/** Runs `body` with a fresh computer (no utilization sampling), closed afterwards. */
function withComputer(body: (computer: Computer) => void): void {
  const computer = new Computer('contract-computer', 0);
  try {
    body(computer);
  } finally {
    computer.close();
  }
}

for (const name of profileTypes()) {
  describe(`Profile contract: ${name}`, () => {
    test('fills an empty computer with processors and containers, each on one of its processors', () => {
      withComputer((computer) => {
        compose(computer, EXAMPLE_CONFS.get(name) ?? `type=${name}`);
        const processors = computer.processorList().map((p) => p.name);
        const containers = computer.containerList();
        assert.ok(processors.length > 0, 'no processor');
        assert.ok(containers.length > 0, 'no container');
        for (const c of containers) assert.ok(processors.includes(c.processor.name), c.name);
      });
    });
  });
}

describe('Profile registry', () => {
  test("Object.prototype's keys are unknown types, and the computer stays empty", () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      withComputer((computer) => {
        assert.throws(() => compose(computer, `type=${name}`), {
          message: `Invalid type: ${name}, possible values: file, intel-server, raspberry`,
        });
        assert.deepEqual(computer.processorList(), []);
      });
    }
  });
});
