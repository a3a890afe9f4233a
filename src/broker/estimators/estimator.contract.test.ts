import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { codec } from '../../protocol/codec.js';
import { startLambdaServer, type LambdaServer } from '../../protocol/edge-server.js';
import type { LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import { errorResponse } from '../../protocol/responses.js';
import type { PtimeEstimator } from './estimator.js';
import { createEstimator, defaultEstimatorConf, estimatorNames } from './index.js';
import { compareNames } from '../policies/selection-policy.js';

const dir = mkdtempSync(join(tmpdir(), 'soe-estimators-'));

/** A request for `name` with an input of `size` bytes, every other field at its default. */
function request(name: string, size = 10): LambdaRequest {
  const c = codec('uiiit.rpc.LambdaRequest');
  return c.decode(c.encode({ name, input: 'x'.repeat(size) }));
}

/** An OK reply with a processing time (ms) and a load1. */
function reply(ptime: number, load1 = 10): LambdaResponse {
  return { ...errorResponse('OK', 1), ptime, load1 };
}

/**
 * Two fake computers answering every request (dry or not) OK with a processing time (ms) set per
 * endpoint; `first` and `second` are their endpoints in the name order the dispatcher hands to estimators.
 */
const servers: LambdaServer[] = [];
let first: string;
let second: string;
const ptimes = new Map<string, number>();

before(async () => {
  for (let i = 0; i < 2; i++) {
    const server: LambdaServer = await startLambdaServer('127.0.0.1:0', () =>
      reply(ptimes.get(server.endpoint) ?? 0),
    );
    servers.push(server);
  }
  [first, second] = servers.map((s) => s.endpoint).sort(compareNames) as [string, string];
});
after(async () => {
  await Promise.all(servers.map((s) => s.stop(0)));
});

let files = 0;

/** An estimator of a registered type with its default conf, writing its output (if any) to a fresh file. */
function make(name: string): { estimator: PtimeEstimator; output: string } {
  const output = join(dir, `out-${files++}.dat`);
  const conf = defaultEstimatorConf(name)!.replace(/output=[^,]*/, `output=${output}`);
  return { estimator: createEstimator(conf), output };
}

for (const name of estimatorNames()) {
  describe(`PtimeEstimator contract: ${name}`, () => {
    test('is built from its default conf; a missing key is reported with that conf', () => {
      const conf = defaultEstimatorConf(name)!;
      const { estimator } = make(name);
      assert.equal(estimator.type, name);
      estimator.close();
      const keys = conf.split(',').slice(1);
      for (const missing of keys) {
        const partial = conf
          .split(',')
          .filter((kv) => kv !== missing)
          .join(',');
        assert.throws(
          () => createEstimator(partial),
          (err: unknown) =>
            err instanceof Error &&
            err.message === `Invalid configuration for type '${name}', use something like: ${conf}`,
        );
      }
    });

    test('a single destination is always chosen', async () => {
      const { estimator } = make(name);
      try {
        estimator.added('f', first);
        ptimes.set(first, 7);
        for (let i = 0; i < 3; i++) {
          const req = request('f');
          assert.equal(await estimator.choose(req, [first]), first);
          estimator.success(req, first, reply(7), 0.01);
        }
      } finally {
        estimator.close();
      }
    });

    test('with nothing to tell them apart, the first destination in order wins', async () => {
      const { estimator } = make(name);
      try {
        for (const d of [first, second]) {
          estimator.added('f', d);
          ptimes.set(d, 5);
        }
        assert.equal(await estimator.choose(request('f'), [first, second]), first);
      } finally {
        estimator.close();
      }
    });

    test('learns that the second destination is faster (network and processing) and picks it', async () => {
      const { estimator, output } = make(name);
      try {
        ptimes.set(first, 50);
        ptimes.set(second, 5);
        for (const d of [first, second]) estimator.added('f', d);
        for (let i = 0; i < 5; i++) {
          const req = request('f');
          await estimator.choose(req, [first, second]);
          estimator.success(req, first, reply(50), 0.05 + 0.02);
          estimator.success(req, second, reply(5), 0.005 + 0.002);
        }
        for (let i = 0; i < 3; i++)
          assert.equal(await estimator.choose(request('f'), [first, second]), second);
        if (defaultEstimatorConf(name)!.includes('output=')) {
          const lines = readFileSync(output, 'utf8').trimEnd().split('\n');
          assert.equal(lines.length, 10);
          for (const l of lines) assert.match(l, /^\S+ f 127\.0\.0\.1:\d+ 10( \S+)+$/);
        }
      } finally {
        estimator.close();
      }
    });

    test('a removed pair is forgotten: its successes are ignored and the others are still chosen', async () => {
      const { estimator } = make(name);
      try {
        ptimes.set(first, 50);
        ptimes.set(second, 5);
        for (const d of [first, second]) estimator.added('f', d);
        estimator.removed('f', second);
        const req = request('f');
        estimator.success(req, second, reply(5), 0.007);
        assert.equal(await estimator.choose(req, [first]), first);
        estimator.removed('f', first);
        estimator.removed('f', first);
        estimator.success(req, first, reply(50), 0.07);
        estimator.removed('unknown', first);
      } finally {
        estimator.close();
      }
    });
  });
}

describe('PtimeEstimator registry', () => {
  test("Object.prototype's keys are unknown estimator types", () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      assert.throws(() => createEstimator(`type=${name}`), {
        message: `Invalid processing time estimator type: ${name}`,
      });
      assert.equal(defaultEstimatorConf(name), undefined);
    }
  });
});
