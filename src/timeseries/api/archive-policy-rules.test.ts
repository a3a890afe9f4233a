import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ArchivePolicyRule } from '../model.js';
import { policyForMetricName, sortRules } from './archive-policy-rules.js';

const rule = (name: string, metric_pattern: string, archive_policy_name: string): ArchivePolicyRule => ({
  name,
  metric_pattern,
  archive_policy_name,
});

const RULES = [rule('all', '*', 'low'), rule('disk', 'disk.*', 'medium'), rule('io', 'disk.io.*', 'high')];
const store = { listRules: async (): Promise<ArchivePolicyRule[]> => RULES };

test('rules sort by metric_pattern descending, without changing their input', () => {
  assert.deepEqual(
    sortRules(RULES).map((r) => r.metric_pattern),
    ['disk.io.*', 'disk.*', '*'],
  );
  assert.deepEqual(
    RULES.map((r) => r.name),
    ['all', 'disk', 'io'],
  );
});

test('the most specific matching pattern picks the policy; a null name matches as the empty name', async () => {
  assert.equal(await policyForMetricName(store, 'disk.io.read'), 'high');
  assert.equal(await policyForMetricName(store, 'disk.usage'), 'medium');
  assert.equal(await policyForMetricName(store, 'cpu'), 'low');
  assert.equal(await policyForMetricName(store, null), 'low');
  assert.equal(
    await policyForMetricName({ listRules: async () => [RULES[1] as ArchivePolicyRule] }, 'cpu'),
    undefined,
  );
});
