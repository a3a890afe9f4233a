/**
 * What the Edge dashboard reads: the controller's REST view (`soe controller --rest-endpoint`, at the URL
 * of the page's `controller` parameter) and the edge telemetry on the timeseries service that served
 * the GUI (the data contract of src/telemetry/contract.ts).
 */
import type { TopologyView } from '../../src/controller/topology-view.js';
import type { ForwardingTablesView } from '../../src/controller/router-tables.js';
import {
  EDGE_LIVE_GRANULARITY,
  parseEdgeMetricName,
  type EdgeResourceType,
} from '../../src/telemetry/contract.js';
import { ApiError, call } from './api.js';

/** Reads one path of the controller's REST view. */
async function controllerGet<T>(base: string, path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(path, base), { headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new Error(`cannot reach the controller at ${base}: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  const body = (await response.json().catch(() => undefined)) as { error?: unknown } | undefined;
  if (!response.ok) {
    const error = typeof body?.error === 'string' ? body.error : `${response.status} ${response.statusText}`;
    throw new Error(`controller at ${base}: ${error}`);
  }
  return body as T;
}

/** The controller's computers, routers and lambdas (`GET /v1/topology`). */
export function fetchTopology(base: string): Promise<TopologyView> {
  return controllerGet<TopologyView>(base, '/v1/topology');
}

/** Every router's forwarding tables (`GET /v1/forwarding-tables`). */
export function fetchForwardingTables(base: string): Promise<ForwardingTablesView> {
  return controllerGet<ForwardingTablesView>(base, '/v1/forwarding-tables');
}

/** One edge series: epoch seconds and values, oldest first. */
export interface EdgeSeries {
  /** The component's endpoint (its resource's `endpoint` attribute). */
  endpoint: string;
  /** The metric name (`load1`, `weight@clambda0@127.0.0.1:10000`). */
  metric: string;
  /** Its figure and keys ({@link parseEdgeMetricName}). */
  figure: string;
  keys: string[];
  times: number[];
  values: number[];
}

/** An edge resource as listed (the attributes the dashboard uses). */
interface EdgeResource {
  id: string;
  endpoint: string;
  /** Metric ids by name. */
  metrics: Record<string, string>;
}

type Point = [string, number, number];

/** Which aggregation to read a metric with, by its figure and keys; undefined: not wanted. */
export type MetricPick = (figure: string, keys: string[]) => 'mean' | 'sum' | 'last' | undefined;

/** The most series one {@link fetchEdgeSeries} reads. */
const MAX_SERIES = 300;

/**
 * The series of the metrics `pick` wants on every resource of `type`, at the live granularity from
 * `sinceSeconds` ago: one listing of the resources, then one `/v1/aggregates` call over the metric ids
 * (none when no resource has such a metric yet, nor when the type does not exist yet), sorted by endpoint
 * then metric name.
 */
export async function fetchEdgeSeries(
  type: EdgeResourceType,
  pick: MetricPick,
  sinceSeconds: number,
): Promise<EdgeSeries[]> {
  let resources: EdgeResource[];
  try {
    resources = await call<EdgeResource[]>('GET', `/v1/resource/${type}`);
  } catch (e) {
    // No component of this type has reported yet: its resource type does not exist.
    if (e instanceof ApiError && e.status === 404) return [];
    throw e;
  }
  const wanted: { id: string; aggregation: string; series: Omit<EdgeSeries, 'times' | 'values'> }[] = [];
  for (const resource of resources) {
    for (const [metric, id] of Object.entries(resource.metrics ?? {})) {
      const { figure, keys } = parseEdgeMetricName(metric);
      const aggregation = pick(figure, keys);
      if (aggregation === undefined || wanted.length >= MAX_SERIES) continue;
      wanted.push({ id, aggregation, series: { endpoint: resource.endpoint, metric, figure, keys } });
    }
  }
  if (wanted.length === 0) return [];
  const start = new Date(Date.now() - sinceSeconds * 1000).toISOString();
  const query = new URLSearchParams({ granularity: String(EDGE_LIVE_GRANULARITY), start });
  const body = await call<{ measures: Record<string, Record<string, Point[]>> }>(
    'POST',
    `/v1/aggregates?${query.toString()}`,
    { operations: `(metric ${wanted.map((w) => `(${w.id} ${w.aggregation})`).join(' ')})` },
  );
  return wanted
    .map((w) => {
      const points = body.measures[w.id]?.[w.aggregation] ?? [];
      return {
        ...w.series,
        times: points.map((p) => Date.parse(p[0]) / 1000),
        values: points.map((p) => p[2]),
      };
    })
    .sort((a, b) => compare(a.endpoint, b.endpoint) || compare(a.metric, b.metric));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
