/**
 * The Edge dashboard (`#/edge?controller=<URL>`): refreshed every second from the controller's REST view
 * (topology, forwarding tables) and the edge telemetry on the timeseries service (load, weights,
 * latencies, request and error rates), each part showing its own error without stopping the others.
 */
import { useEffect, useState } from 'preact/hooks';
import type { TopologyView } from '../../src/controller/topology-view.js';
import type { ForwardingTablesView } from '../../src/controller/router-tables.js';
import { EdgeTopology } from './EdgeTopology.js';
import {
  fetchEdgeSeries,
  fetchForwardingTables,
  fetchTopology,
  type EdgeSeries,
  type MetricPick,
} from './edge-api.js';
import { ForwardingTables } from './ForwardingTables.js';
import { formatLive, LiveChart, type LiveLine } from './LiveChart.js';
import { formatHash } from './route.js';

/** Props of {@link EdgePage}. */
export interface EdgePageProps {
  /** The controller's REST view URL, if the page has one. */
  controller: string | undefined;
  /** Reports a timeseries API error (sign-in on 401), returning the text to show. */
  onApiError: (e: unknown) => string;
}

/** Seconds of history on the charts. */
const WINDOW = 60;
/** Refresh period, ms. */
const PERIOD_MS = 1000;
/** Seconds the traffic table averages over. */
const RECENT = 3;

/** Computers: load, requests and errors. */
const COMPUTER_PICK: MetricPick = (figure, keys) =>
  figure === 'load1'
    ? 'mean'
    : (figure === 'requests' || figure === 'errors') && keys.length === 0
      ? 'sum'
      : undefined;

/** Routers and dispatchers: per destination weight (estimate), latency, requests, errors; their totals. */
const BROKER_PICK: MetricPick = (figure, keys) => {
  if ((figure === 'weight' || figure === 'estimate') && keys.length === 2) return 'last';
  if (figure === 'latency' && keys.length === 2) return 'mean';
  if ((figure === 'requests' || figure === 'errors') && (keys.length === 2 || keys.length === 0))
    return 'sum';
  return undefined;
};

/** Clients: requests and errors. */
const CLIENT_PICK: MetricPick = (figure, keys) =>
  (figure === 'requests' || figure === 'errors') && keys.length === 0 ? 'sum' : undefined;

/** A part of the page: its data or why it is missing. */
type Part<T> = { value: T } | { error: string } | undefined;

interface EdgeData {
  topology: Part<TopologyView>;
  tables: Part<ForwardingTablesView>;
  computers: Part<EdgeSeries[]>;
  brokers: Part<EdgeSeries[]>;
  clients: Part<EdgeSeries[]>;
  /** When this refresh ended (ms). */
  at: number;
}

async function settle<T>(promise: Promise<T>, describe: (e: unknown) => string): Promise<Part<T>> {
  try {
    return { value: await promise };
  } catch (e) {
    return { error: describe(e) };
  }
}

/** Everything the page shows, fetched in parallel. */
async function refresh(controller: string, onApiError: (e: unknown) => string): Promise<EdgeData> {
  const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
  const [topology, tables, computers, routers, dispatchers, clients] = await Promise.all([
    settle(fetchTopology(controller), message),
    settle(fetchForwardingTables(controller), message),
    settle(fetchEdgeSeries('edge-computer', COMPUTER_PICK, WINDOW), onApiError),
    settle(fetchEdgeSeries('edge-router', BROKER_PICK, WINDOW), onApiError),
    settle(fetchEdgeSeries('edge-dispatcher', BROKER_PICK, WINDOW), onApiError),
    settle(fetchEdgeSeries('edge-client', CLIENT_PICK, WINDOW), onApiError),
  ]);
  const brokers: Part<EdgeSeries[]> =
    routers !== undefined && 'value' in routers && dispatchers !== undefined && 'value' in dispatchers
      ? { value: [...routers.value, ...dispatchers.value] }
      : routers;
  return { topology, tables, computers, brokers, clients, at: Date.now() };
}

/** The series of a part (none if it failed). */
function seriesOf(part: Part<EdgeSeries[]>): EdgeSeries[] {
  return part !== undefined && 'value' in part ? part.value : [];
}

/** One line summing the series point by point (same timestamps added). */
function sumLine(label: string, series: readonly EdgeSeries[]): LiveLine | undefined {
  if (series.length === 0) return undefined;
  const sums = new Map<number, number>();
  for (const s of series) s.times.forEach((t, i) => sums.set(t, (sums.get(t) ?? 0) + (s.values[i] ?? 0)));
  const times = [...sums.keys()].sort((a, b) => a - b);
  return { label, times, values: times.map((t) => sums.get(t)!) };
}

/** A per-destination line's label: `lambda → destination`, with the broker when there are several. */
function destinationLabel(s: EdgeSeries, manyBrokers: boolean): string {
  const [lambda = '', destination = ''] = s.keys;
  return `${lambda} → ${destination}${manyBrokers ? ` at ${s.endpoint}` : ''}`;
}

/** The latest value of a series, if any. */
function latest(s: EdgeSeries | undefined): number | undefined {
  return s === undefined || s.values.length === 0 ? undefined : s.values[s.values.length - 1];
}

/** Values of a series in the last `seconds` before `now` (ms). */
function recent(s: EdgeSeries | undefined, now: number, seconds: number): number[] {
  if (s === undefined) return [];
  const from = now / 1000 - seconds;
  return s.values.filter((_, i) => s.times[i]! > from);
}

/** Renders the part's error, or nothing. */
function PartError({ what, part }: { what: string; part: Part<unknown> }) {
  if (part === undefined || !('error' in part)) return null;
  return (
    <div class="card message error" data-testid="edge-error">
      {what}: {part.error}
    </div>
  );
}

/** Asks for the controller's REST view URL. */
function ControllerForm() {
  const [url, setUrl] = useState('http://127.0.0.1:6476');
  return (
    <form
      class="card"
      data-testid="edge-controller-form"
      onSubmit={(e) => {
        e.preventDefault();
        location.hash = formatHash({ page: 'edge', controller: url.trim() });
      }}
    >
      <h2>Edge dashboard</h2>
      <p>
        The dashboard reads the controller's REST view: run the controller with{' '}
        <code>--rest-endpoint HOST:PORT --rest-allowed-origin {location.origin}</code> (<code>npm start</code>{' '}
        does) and give its URL.
      </p>
      <label class="control">
        <span class="control-label">Controller REST view</span>
        <input type="url" value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
      </label>{' '}
      <button type="submit" class="primary">
        Open
      </button>
    </form>
  );
}

/** Renders the dashboard. */
export function EdgePage({ controller, onApiError }: EdgePageProps) {
  const [data, setData] = useState<EdgeData | null>(null);

  useEffect(() => {
    if (controller === undefined) return undefined;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async (): Promise<void> => {
      const started = Date.now();
      const next = await refresh(controller, onApiError);
      if (!live) return;
      setData(next);
      timer = setTimeout(() => void tick(), Math.max(0, PERIOD_MS - (Date.now() - started)));
    };
    setData(null);
    void tick();
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [controller]);

  if (controller === undefined) return <ControllerForm />;
  if (data === null) {
    return (
      <div class="card message" data-testid="loading">
        Reading the controller at {controller}…
      </div>
    );
  }

  const computers = seriesOf(data.computers);
  const brokers = seriesOf(data.brokers);
  const clients = seriesOf(data.clients);
  const brokerCount = new Set(brokers.map((s) => s.endpoint)).size;
  const many = brokerCount > 1;
  // Per destination, only the lambdas with traffic (all of them while none has any).
  const busy = new Set(
    brokers
      .filter((s) => s.figure === 'requests' && s.keys.length === 2)
      .map((s) => `${s.endpoint}@${s.keys[0]}`),
  );
  const perDestination = (figure: string): EdgeSeries[] =>
    brokers.filter(
      (s) =>
        s.figure === figure &&
        s.keys.length === 2 &&
        (busy.size === 0 || busy.has(`${s.endpoint}@${s.keys[0]}`)),
    );
  const loads = new Map<string, number>();
  for (const s of computers) {
    const v = latest(s);
    if (s.figure === 'load1' && v !== undefined) loads.set(s.endpoint, v);
  }
  const totals = (series: EdgeSeries[], figure: string): EdgeSeries[] =>
    series.filter((s) => s.figure === figure && s.keys.length === 0);
  const rates = [
    sumLine('brokers: requests/s', totals(brokers, 'requests')),
    sumLine('brokers: errors/s', totals(brokers, 'errors')),
    sumLine('clients: requests/s', totals(clients, 'requests')),
    sumLine('clients: errors/s', totals(clients, 'errors')),
  ].filter((l): l is LiveLine => l !== undefined);
  const line = (s: EdgeSeries, label: string): LiveLine => ({ label, times: s.times, values: s.values });

  const topology = data.topology !== undefined && 'value' in data.topology ? data.topology.value : undefined;
  const known = new Set([
    ...(topology?.computers.map((c) => c.endpoint) ?? []),
    ...(topology?.routers.map((r) => r.lambdaEndpoint) ?? []),
  ]);
  const traffic = perDestination('requests').map((s) => {
    const find = (figure: string) =>
      brokers.find(
        (b) => b.endpoint === s.endpoint && b.figure === figure && b.keys.join('@') === s.keys.join('@'),
      );
    const latencies = recent(find('latency'), data.at, RECENT);
    return {
      broker: s.endpoint,
      lambda: s.keys[0] ?? '',
      destination: s.keys[1] ?? '',
      rate: recent(s, data.at, RECENT).reduce((a, b) => a + b, 0) / RECENT,
      latency: latencies.length === 0 ? undefined : latencies.reduce((a, b) => a + b, 0) / latencies.length,
      weight: latest(find('weight') ?? find('estimate')),
    };
  });

  return (
    <div class="edge" data-testid="edge-page" data-refreshed={data.at}>
      <PartError what="Controller topology" part={data.topology} />
      <PartError what="Forwarding tables" part={data.tables} />
      <PartError what="Computer telemetry" part={data.computers} />
      <PartError what="Broker telemetry" part={data.brokers} />
      <PartError what="Client telemetry" part={data.clients} />
      {data.topology !== undefined && 'value' in data.topology && (
        <EdgeTopology controller={controller} topology={data.topology.value} loads={loads} />
      )}
      <div class="card" data-testid="edge-traffic">
        <h2>Traffic by destination (last {RECENT} s)</h2>
        <table class="edge-table">
          <thead>
            <tr>
              <th>broker</th>
              <th>lambda</th>
              <th>destination</th>
              <th>requests/s</th>
              <th>latency (s)</th>
              <th>weight</th>
            </tr>
          </thead>
          <tbody>
            {traffic.map((t) => (
              <tr
                key={`${t.broker}\n${t.lambda}\n${t.destination}`}
                data-testid="traffic-row"
                data-destination={t.destination}
                data-rate={t.rate}
              >
                <td>{t.broker}</td>
                <td>{t.lambda}</td>
                <td>
                  {t.destination}
                  {topology !== undefined && !known.has(t.destination) && <span class="muted"> (gone)</span>}
                </td>
                <td class="num">{formatLive(t.rate)}</td>
                <td class="num">{t.latency === undefined ? '–' : formatLive(t.latency)}</td>
                <td class="num">{t.weight === undefined ? '–' : formatLive(t.weight)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {traffic.length === 0 && <p class="muted">No broker telemetry yet.</p>}
      </div>
      <div class="grid edge-grid">
        <LiveChart
          title="Requests and errors"
          unit="per second"
          lines={rates}
          windowSeconds={WINDOW}
          testId="chart-rates"
        />
        <LiveChart
          title="Load per computer (load1)"
          unit="load"
          lines={computers.filter((s) => s.figure === 'load1').map((s) => line(s, s.endpoint))}
          windowSeconds={WINDOW}
          testId="chart-load"
        />
        <LiveChart
          title="Weight per destination"
          unit="weight"
          lines={[...perDestination('weight'), ...perDestination('estimate')].map((s) =>
            line(s, destinationLabel(s, many)),
          )}
          windowSeconds={WINDOW}
          testId="chart-weights"
        />
        <LiveChart
          title="Latency per destination"
          unit="seconds"
          lines={perDestination('latency').map((s) => line(s, destinationLabel(s, many)))}
          windowSeconds={WINDOW}
          testId="chart-latency"
        />
        <LiveChart
          title="Requests per destination"
          unit="per second"
          lines={perDestination('requests').map((s) => line(s, destinationLabel(s, many)))}
          windowSeconds={WINDOW}
          testId="chart-destinations"
        />
      </div>
      {data.tables !== undefined && 'value' in data.tables && (
        <ForwardingTables routers={data.tables.value.routers} />
      )}
    </div>
  );
}
