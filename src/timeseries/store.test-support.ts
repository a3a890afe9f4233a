/** TEST SUPPORT ONLY: the archive policy, time and metrics the store tests share. */
import type { ArchivePolicy, Metric } from './model.js';

/** 2024-01-01T00:00:00Z, in seconds: where the tests' measures start. */
export const T0 = Date.UTC(2024, 0, 1) / 1000;

/** Policy `p`: sum and count per minute, 1,000 points. */
export const MINUTE_POLICY: ArchivePolicy = {
  name: 'p',
  back_window: 0,
  aggregation_methods: ['sum', 'count'],
  definition: [{ granularity: 60, points: 1000, timespan: 60000 }],
};

/** A metric `id` of policy `policy` created by admin, no name, unit nor resource unless `extra` says. */
export function testMetric(id: string, policy: string, extra: Partial<Metric> = {}): Metric {
  return {
    id,
    name: null,
    unit: null,
    creator: 'admin',
    created_by_user_id: 'admin',
    created_by_project_id: '',
    resource_id: null,
    archive_policy_name: policy,
    ...extra,
  };
}
