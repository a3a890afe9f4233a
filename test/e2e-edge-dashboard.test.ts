/**
 * The Edge dashboard end to end in Debian's Chromium (playwright-core): a `soe up` deployment of this build
 * (timeseries service serving this build's GUI, a controller with its REST view, two computers, a router,
 * telemetry to the timeseries service and a steady client load) runs in child processes; the browser checks
 * the topology, a chart that updates, the forwarding table against `forwardingtableclient`'s dump, and
 * that a computer killed with SIGKILL disappears and its traffic moves to the other one. Every wait is on a
 * condition (generous guards only against hangs). Screenshots go to test-artifacts/edge-*.png, or to the
 * folder SOE_SCREENSHOTS names (`SOE_SCREENSHOTS=docs/screenshots` refreshes the documentation's). The GUI
 * must be built into this build's web/ folder (`vite build --outDir ../<build>/web`). Skipped only when
 * /usr/bin/chromium is missing outside CI.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { COMPONENT_COMMANDS } from '../src/cli/component-commands.js';
import type { TopologyView } from '../src/controller/topology-view.js';
import { Deployment } from '../src/deploy/deployment.js';
import { loadTopology } from '../src/deploy/topology.js';
import { defaultUiRoot } from '../src/timeseries/api/routes-ui.js';
import { freeEndpoint } from './support/ports.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = join(ROOT, process.env.SOE_SCREENSHOTS ?? 'test-artifacts');
const SOE = fileURLToPath(new URL('./support/soe-of-this-build.js', import.meta.url));

const skip =
  !existsSync(CHROMIUM) && process.env.CI !== 'true'
    ? `Debian's Chromium (${CHROMIUM}) is missing: apt-get install chromium (CI installs it)`
    : false;

/** A table row as the dashboard shows it and as forwardingtableclient prints it: lambda, weight, destination, final. */
type Row = [string, string, string, boolean];

/** Parses `forwardingtableclient`'s dump (`Table#<i>`, then rows, the lambda blank on a group's later rows). */
function parseDump(dump: string): Row[][] {
  const tables: Row[][] = [];
  let lambda = '';
  for (const line of dump.split('\n')) {
    if (line === '') continue;
    if (/^Table#\d+$/.test(line)) {
      tables.push([]);
      continue;
    }
    const m = /^(\S*)\s*\[(\S+)\s*\] (\S+)( \(F\))?$/.exec(line);
    assert.ok(m !== null && tables.length > 0, `a dump row: ${line}`);
    if (m[1] !== '') lambda = m[1]!;
    tables[tables.length - 1]!.push([lambda, m[2]!, m[3]!, m[4] !== undefined]);
  }
  return tables;
}

/** The rows of every forwarding table the page shows (one router). */
function pageTables(page: Page): Promise<Row[][]> {
  return page.$$eval('[data-testid="forwarding-table"]', (tables) =>
    tables.map((t) =>
      [...t.querySelectorAll('tbody tr')]
        .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''))
        .filter((cells) => cells.length === 4)
        .map(([lambda, weight, destination, final]): Row => [
          lambda!,
          weight!,
          destination!,
          final === '(F)',
        ]),
    ),
  );
}

/** Waits until `condition` holds, checking every 200 ms; fails after `seconds` (a hang guard) saying `what`. */
async function until(what: string, condition: () => Promise<boolean>, seconds = 60): Promise<number> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > seconds * 1000) assert.fail(`${what}: not after ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return (performance.now() - started) / 1000;
}

/** Saves a screenshot of an element (or the page) into {@link SCREENSHOTS}. */
async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, name);
  if (selector === undefined) await page.screenshot({ path });
  else await page.locator(selector).first().screenshot({ path });
}

describe('Edge dashboard in Chromium', { skip, timeout: 300_000 }, () => {
  let dir: string;
  let deployment: Deployment;
  let browser: Browser;
  let page: Page;
  let restUrl: string;
  const pageErrors: string[] = [];

  before(async () => {
    assert.ok(
      existsSync(join(defaultUiRoot(), 'index.html')),
      `the GUI is not built into ${defaultUiRoot()}: vite build --outDir there`,
    );
    dir = mkdtempSync(join(tmpdir(), 'soe-edge-dashboard-'));
    const timeseries = await freeEndpoint();
    const router = await freeEndpoint();
    const file = join(dir, 'topology.yaml');
    writeFileSync(
      file,
      `timeseries:\n  listen: ${timeseries}\n  auth: none\ntelemetry:\n  interval: 1\n` +
        `controller:\n  server-endpoint: ${await freeEndpoint()}\n  state-file: ''\n` +
        `  rest-endpoint: ${await freeEndpoint()}\n  rest-allowed-origin: http://${timeseries}\n` +
        'computers:\n' +
        `  - server-endpoint: 127.0.0.1:0\n    utilization-endpoint: 127.0.0.1:0\n` +
        `  - server-endpoint: 127.0.0.1:0\n    utilization-endpoint: 127.0.0.1:0\n` +
        // Weights every 2 s (not at every reply): the page and a dump taken then can agree.
        `routers:\n  - server-endpoint: ${router}\n    configuration-endpoint: 127.0.0.1:0\n` +
        `    table-conf: type=random\n    optimizer-conf: type=trivial,period=2,stat=mean\n` +
        `clients:\n  - lambda: clambda0\n    server-endpoints: ${router}\n    inter-request-time: 0.1\n` +
        `    output-file: ''\n`,
    );
    mkdirSync(join(dir, 'logs'));
    deployment = await Deployment.start(loadTopology(file, COMPONENT_COMMANDS), {
      executable: SOE,
      logDir: join(dir, 'logs'),
    });
    void deployment.runClients();
    restUrl = deployment.components.find((r) => r.component.role === 'controller')!.restUrl!;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await deployment?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** The controller's topology, from its REST view. */
  async function topology(): Promise<TopologyView> {
    return (await (await fetch(`${restUrl}/v1/topology`)).json()) as TopologyView;
  }

  test('the dashboard shows the deployment: controller, broker, both computers and their lambda', async () => {
    const url = deployment.dashboardUrl;
    assert.ok(url !== undefined && url.endsWith(`/ui/#/edge?controller=${restUrl}`), url);
    await page.goto(url);
    await page.waitForSelector('[data-testid="edge-computer"]', { state: 'attached' });
    const view = await topology();
    await until(
      'both computers shown',
      async () => (await page.locator('[data-testid="edge-computer"]').count()) === 2,
    );
    const shown = await page.$$eval('[data-testid="edge-computer"]', (gs) =>
      gs.map((g) => g.getAttribute('data-endpoint')),
    );
    assert.deepEqual(
      shown,
      view.computers.map((c) => c.endpoint),
    );
    assert.deepEqual(
      await page.$$eval('[data-testid="edge-broker"]', (gs) =>
        gs.map((g) => g.getAttribute('data-endpoint')),
      ),
      view.routers.map((r) => r.lambdaEndpoint),
    );
    assert.equal(await page.locator('[data-testid="edge-reach"]').count(), 2);
    assert.deepEqual(
      await page.locator('[data-testid="edge-lambda"]').allTextContents(),
      view.computers.flatMap((c) => c.lambdas.map((l) => `λ ${l}`)),
    );
    assert.ok(view.computers.every((c) => c.lambdas.includes('clambda0')));
    assert.equal(await page.locator('[data-testid="edge-controller"]').count(), 1);
    await screenshot(page, 'edge-topology.png', '[data-testid="edge-topology"]');
  });

  test("the forwarding tables match forwardingtableclient's dump", async () => {
    const forwarding = (await topology()).routers[0]!.forwardingEndpoint;
    const dump = async (): Promise<string> =>
      (
        await promisify(execFile)(process.execPath, [
          SOE,
          'forwarding-table',
          '--server-endpoint',
          forwarding,
        ])
      ).stdout;
    let last = '';
    await until('the page shows the dump', async () => {
      last = await dump();
      return JSON.stringify(await pageTables(page)) === JSON.stringify(parseDump(last));
    });
    const tables = parseDump(last);
    assert.equal(tables.length, 2, last);
    const computers = (await topology()).computers.map((c) => [c.endpoint, true]);
    assert.deepEqual(
      tables.map((rows) => rows.filter((r) => r[0] === 'clambda0').map((r) => [r[2], r[3]])),
      [computers, computers],
      last,
    );
    await screenshot(page, 'edge-forwarding-tables.png', '[data-testid="forwarding-tables"]');
  });

  test('the charts update every second', async () => {
    const chart = page.locator('[data-testid="chart-load"]');
    await until('load points', async () => Number(await chart.getAttribute('data-points')) > 2);
    const first = Number(await chart.getAttribute('data-last'));
    await until('a newer load point', async () => Number(await chart.getAttribute('data-last')) > first);
    await until(
      'requests per destination',
      async () =>
        Number(await page.locator('[data-testid="chart-destinations"]').getAttribute('data-points')) > 2,
    );
    await screenshot(page, 'edge-charts.png', '.edge-grid');
  });

  test('a killed computer disappears and its traffic moves to the other computer', async (t) => {
    const before = await topology();
    assert.equal(before.computers.length, 2);
    const victim = deployment.components.find((r) => r.component.name === 'computers[1]')!;
    const killed = victim.listening.split(',')[0]!;
    const survivor = before.computers.map((c) => c.endpoint).find((e) => e !== killed)!;
    assert.ok(
      before.computers.some((c) => c.endpoint === killed),
      `${killed} in ${JSON.stringify(before)}`,
    );
    const rate = async (destination: string): Promise<number> => {
      const row = page.locator(`[data-testid="traffic-row"][data-destination="${destination}"]`);
      return (await row.count()) === 0 ? 0 : Number(await row.first().getAttribute('data-rate'));
    };
    await until(
      'traffic to both computers',
      async () => (await rate(killed)) > 0 && (await rate(survivor)) > 0,
    );
    victim.child.kill('SIGKILL');
    const gone = await until(
      'the killed computer leaves the topology',
      async () =>
        (await page.locator(`[data-testid="edge-computer"][data-endpoint="${killed}"]`).count()) === 0,
    );
    const moved = await until(
      'its traffic moves to the other computer',
      async () => (await rate(killed)) === 0 && (await rate(survivor)) > 0,
    );
    t.diagnostic(
      `gone from the topology ${gone.toFixed(1)} s after the kill, traffic moved ${moved.toFixed(1)} s later`,
    );
    assert.equal(await page.locator('[data-testid="edge-computer"]').count(), 1);
    assert.ok(!(await page.locator('[data-testid="forwarding-tables"]').innerText()).includes(killed));
    await page.evaluate(() => scrollTo(0, 0));
    await screenshot(page, 'edge-failover.png');
    assert.deepEqual(pageErrors, []);
  });
});
