/**
 * How archive policy rules pick the policy of a metric created without one: rules in Gnocchi's order
 * (`metric_pattern` in reverse alphabetical order), the first whose glob matches the metric name wins, so
 * `disk.io.*` beats `disk.*` beats `*`.
 */
import type { ArchivePolicyRule } from '../model.js';
import type { TimeseriesStore } from '../store.js';
import { fnmatch } from './fnmatch.js';

/** Rules in Gnocchi's order: `metric_pattern` descending. */
export function sortRules(rules: readonly ArchivePolicyRule[]): ArchivePolicyRule[] {
  return [...rules].sort((a, b) =>
    a.metric_pattern < b.metric_pattern ? 1 : a.metric_pattern > b.metric_pattern ? -1 : 0,
  );
}

/** The archive policy name picked by the rules for a metric name (null matches as ''), or undefined. */
export async function policyForMetricName(
  store: Pick<TimeseriesStore, 'listRules'>,
  name: string | null,
): Promise<string | undefined> {
  const rules = sortRules(await store.listRules());
  return rules.find((r) => fnmatch(name ?? '', r.metric_pattern))?.archive_policy_name;
}
