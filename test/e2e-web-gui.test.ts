/**
 * The web GUI end to end in Debian's Chromium (driven by playwright-core): our timeseries server runs in
 * this process on port 0 over an embedded store in a temporary directory, the COVID producer loads the real
 * data until UNTIL plus SYNTHETIC seeded days, and the browser checks the map, the values against the CSV,
 * the navigation to a region page, the synthetic marking, no sign-in without auth, the basic-auth sign-in
 * with its hint and the users-auth sign-in with a password checked. Screenshots go to test-artifacts/. Skipped only when /usr/bin/chromium is missing outside CI.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { produceCovid } from '../src/covid/producer.js';
import { hashPassword } from '../src/timeseries/api/password-hash.js';
import { defaultUiRoot } from '../src/timeseries/api/routes-ui.js';
import { startTimeseriesServer, type RunningTimeseriesServer } from '../src/timeseries/api/serve.js';
import { UserDirectory } from '../src/timeseries/api/user-directory.js';
import { parseUsersFile } from '../src/timeseries/api/users-file.js';
import type { TimeseriesStore } from '../src/timeseries/store.js';
import { openStore } from '../src/timeseries/store-drivers.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts');
const UNTIL = '2020-12-31';
const SYNTHETIC = 5;
const CHOSEN = '2020-11-13';
const SLIDER_DAY = '2020-04-01';
const FIRST_DAY = '2020-02-24';

const skip =
  !existsSync(CHROMIUM) && process.env.CI !== 'true'
    ? `Debian's Chromium (${CHROMIUM}) is missing: apt-get install chromium (CI installs it)`
    : false;

/** The shipped regional CSV, read independently of the producer: a value of an area on a day. */
function csvValue(codiceRegione: number, day: string, field: string): number {
  const text = gunzipSync(readFileSync(join(ROOT, 'data/covid19-italy/dpc-covid19-ita-regioni.csv.gz')))
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  const [header = '', ...rows] = text.split('\n');
  const columns = header.split(',');
  const at = (name: string): number => {
    const i = columns.indexOf(name);
    assert.ok(i >= 0 && i < columns.indexOf('note'), `column ${name} before the free-text notes`);
    return i;
  };
  const [date, code, value] = [at('data'), at('codice_regione'), at(field)];
  for (const row of rows) {
    const cells = row.split(',');
    if (cells[date]?.startsWith(day) === true && Number(cells[code]) === codiceRegione)
      return Number(cells[value]);
  }
  throw new Error(`no CSV row for area ${codiceRegione} on ${day}`);
}

/** `YYYY-MM-DD` plus `n` days. */
function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

const en = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A served store with COVID data loaded by the producer. */
interface Served {
  dir: string;
  store: TimeseriesStore;
  server: RunningTimeseriesServer;
  close(): Promise<void>;
}

async function serveCovid(until: string, days: number): Promise<Served> {
  const dir = await mkdtemp(join(tmpdir(), 'web-gui-'));
  const store = await openStore(dir);
  const server = await startTimeseriesServer({ listen: '127.0.0.1:0', store, auth: 'none' });
  await produceCovid({ endpoint: server.url, until, days, seed: 3 });
  return {
    dir,
    store,
    server,
    close: async () => {
      await server.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
}

/** Waits until the map shows values (the field's series arrived). */
async function mapReady(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="map-area-lombardy"]:not([data-value=""])');
}

describe('web GUI in Chromium', { skip, timeout: 300_000 }, () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    assert.ok(
      existsSync(join(defaultUiRoot(), 'index.html')),
      'the GUI is not built: run npm run build (or npm run build:web)',
    );
    served = await serveCovid(UNTIL, SYNTHETIC);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.route(
      (url) => !url.href.startsWith(served.server.url),
      (route) => route.abort(),
    );
  });
  after(async () => {
    await browser?.close();
    await served?.close();
  });

  test('/ sends a browser to /ui/ and still gives JSON clients the version list', async () => {
    const html = await fetch(`${served.server.url}/`, {
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
      redirect: 'manual',
    });
    assert.equal(html.status, 302);
    assert.equal(html.headers.get('location'), '/ui/');
    const json = await fetch(`${served.server.url}/`, { headers: { accept: 'application/json' } });
    assert.equal(json.status, 200);
    assert.deepEqual(await json.json(), {
      build: '4.4.2',
      versions: [
        {
          status: 'CURRENT',
          links: [{ rel: 'self', href: `${served.server.url}/v1/` }],
          id: 'v1.0',
          updated: '2015-03-19',
        },
      ],
    });
    await page.goto(`${served.server.url}/`);
    assert.equal(new URL(page.url()).pathname, '/ui/');
    await mapReady(page);
  });

  test('a server without auth opens straight on the map: no sign-in form, no user', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const first = await fresh.newPage();
      await first.goto(`${served.server.url}/ui/`);
      await mapReady(first);
      assert.equal(await first.locator('[data-testid="sign-in"]').count(), 0);
      assert.equal(await first.locator('.topbar .user').count(), 0);
    } finally {
      await fresh.close();
    }
  });

  test('overview: the map of 20 regions, and Lombardia on a chosen day equals the CSV', async () => {
    await page.goto(`${served.server.url}/ui/#/?field=nuovi_positivi&day=${CHOSEN}`);
    await mapReady(page);
    assert.equal(await page.locator('[data-testid^="map-area-"]').count(), 20);
    assert.equal(await page.locator('[data-testid^="region-row-"]').count(), 21);
    assert.equal(await page.getAttribute('[data-testid="selected-day"]', 'data-day'), CHOSEN);
    const lombardia = csvValue(3, CHOSEN, 'nuovi_positivi');
    assert.equal(
      await page.getAttribute('[data-testid="map-area-lombardy"]', 'data-value'),
      String(lombardia),
    );
    const row = page.locator('[data-testid="region-row-region-3"] [data-testid="region-value"]');
    assert.equal(await row.getAttribute('data-value'), String(lombardia));
    assert.equal((await row.innerText()).trim(), en.format(lombardia));
    // Trentino-Alto Adige on the map is P.A. Bolzano (21) + P.A. Trento (22).
    const trentino = page.locator('[data-testid="map-area-trentino-south-tyrol"]');
    assert.equal(await trentino.getAttribute('data-regions'), 'region-21 region-22');
    assert.equal(
      await trentino.getAttribute('data-value'),
      String(csvValue(21, CHOSEN, 'nuovi_positivi') + csvValue(22, CHOSEN, 'nuovi_positivi')),
    );
    // The list is sorted by the value, largest first.
    const values = await page
      .locator('[data-testid="region-list"] [data-testid="region-value"]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
    assert.deepEqual(
      values,
      [...values].sort((a, b) => b - a),
    );
    await page.hover('[data-testid="map-area-lombardy"]');
    const tip = page.locator('[data-testid="map-tooltip"]');
    assert.match(await tip.innerText(), new RegExp(`Lombardia\\s+${en.format(lombardia)}`));
    assert.match(
      await page.innerText('[data-testid="attribution"]'),
      /Dipartimento della Protezione Civile.*CC-BY-4\.0/,
    );
    assert.equal(await page.locator('[data-testid="map-legend"]').count(), 1);
    await screenshot(page, 'web-gui-overview.png');
  });

  test('the slider and the field selector change the day and the field shown', async () => {
    await page.goto(`${served.server.url}/ui/#/?field=nuovi_positivi&day=${CHOSEN}`);
    await mapReady(page);
    await page.locator('[data-testid="day-slider"]').fill(String(daysBetween(FIRST_DAY, SLIDER_DAY)));
    await page.waitForSelector(`[data-testid="selected-day"][data-day="${SLIDER_DAY}"]`);
    assert.equal(
      await page.getAttribute('[data-testid="map-area-lombardy"]', 'data-value'),
      String(csvValue(3, SLIDER_DAY, 'nuovi_positivi')),
    );
    assert.match(page.url(), new RegExp(`day=${SLIDER_DAY}`));
    await page.selectOption('[data-testid="field-select"]', 'terapia_intensiva');
    const expected = String(csvValue(3, SLIDER_DAY, 'terapia_intensiva'));
    await page.waitForSelector(`[data-testid="map-area-lombardy"][data-value="${expected}"]`);
    assert.match(page.url(), /field=terapia_intensiva/);
  });

  test('the national chart and the day marker show the synthetic days', async () => {
    await page.goto(`${served.server.url}/ui/#/?field=nuovi_positivi`);
    await mapReady(page);
    // By default the last real day is shown, as real data.
    assert.equal(await page.getAttribute('[data-testid="selected-day"]', 'data-day'), UNTIL);
    assert.equal(await page.locator('[data-testid="synthetic-badge"]').count(), 0);
    const legend = page.locator('[data-testid="synthetic-legend"]');
    assert.equal(await legend.count(), 1);
    assert.equal(await legend.getAttribute('data-from'), addDays(UNTIL, 1));
    assert.equal(await legend.getAttribute('data-to'), addDays(UNTIL, SYNTHETIC));
    assert.match(await legend.innerText(), new RegExp(`synthetic: .* \\(${SYNTHETIC} days\\)`));
    await page.getByRole('button', { name: 'Latest' }).click();
    await page.waitForSelector(`[data-testid="selected-day"][data-day="${addDays(UNTIL, SYNTHETIC)}"]`);
    assert.equal(await page.locator('[data-testid="synthetic-badge"]').count(), 1);
    await page.click('[data-testid="span-30"]');
    assert.equal(await page.getAttribute('[data-testid="span-30"]', 'aria-pressed'), 'true');
    await page.hover('[data-testid="national-chart"] .u-over', { position: { x: 700, y: 80 } });
    await screenshot(page, 'web-gui-synthetic.png');
  });

  test('clicking Lombardia on the map opens its page; the back link returns', async () => {
    await page.goto(`${served.server.url}/ui/#/?field=nuovi_positivi&day=${CHOSEN}`);
    await mapReady(page);
    await page.click('[data-testid="map-area-lombardy"]');
    await page.waitForSelector('[data-testid="region-page"][data-region="region-3"]');
    assert.match(page.url(), /#\/region\/region-3\?field=nuovi_positivi&day=2020-11-13$/);
    assert.equal(await page.innerText('[data-testid="region-name"]'), 'Lombardia');
    for (const field of ['nuovi_positivi', 'totale_casi', 'deceduti']) {
      await page.waitForSelector(`[data-testid="stat-${field}"]:not([data-value=""])`);
      assert.equal(
        await page.getAttribute(`[data-testid="stat-${field}"]`, 'data-value'),
        String(csvValue(3, CHOSEN, field)),
        field,
      );
    }
    assert.equal(await page.locator('[data-testid="region-chart"] canvas').count(), 1);
    const legend = page.locator('[data-testid="synthetic-legend"]');
    assert.equal(await legend.getAttribute('data-from'), addDays(UNTIL, 1));
    assert.equal(await legend.getAttribute('data-to'), addDays(UNTIL, SYNTHETIC));
    await page.hover('[data-testid="region-chart"] .u-over', { position: { x: 500, y: 120 } });
    await screenshot(page, 'web-gui-region.png');
    await page.click('[data-testid="back-link"]');
    await mapReady(page);
    assert.equal(await page.getAttribute('[data-testid="selected-day"]', 'data-day'), CHOSEN);
  });

  test('the region list links to the region pages; a hash URL opens one directly', async () => {
    await page.goto(`${served.server.url}/ui/#/?field=deceduti&day=${CHOSEN}`);
    await mapReady(page);
    await page.click('[data-testid="region-row-region-21"]');
    await page.waitForSelector('[data-testid="region-page"][data-region="region-21"]');
    assert.equal(await page.innerText('[data-testid="region-name"]'), 'P.A. Bolzano');
    await page.goto(`${served.server.url}/ui/#/region/region-3`);
    await page.waitForSelector('[data-testid="region-page"][data-region="region-3"]');
    assert.equal(await page.getAttribute('[data-testid="selected-day"]', 'data-day'), UNTIL);
    await page.goto(`${served.server.url}/ui/#/region/region-99`);
    await page.waitForSelector('[data-testid="unknown-region"]');
  });

  test('a narrow screen gets one column', async () => {
    const narrow = await browser.newPage({ viewport: { width: 420, height: 900 } });
    try {
      await narrow.goto(`${served.server.url}/ui/#/?field=totale_positivi&day=${CHOSEN}`);
      await mapReady(narrow);
      const map = await narrow.locator('[data-testid="italy-map"]').boundingBox();
      const list = await narrow.locator('[data-testid="region-list"]').boundingBox();
      assert.ok(map !== null && list !== null && list.y > map.y + map.height, 'the list is below the map');
      await screenshot(narrow, 'web-gui-narrow.png');
    } finally {
      await narrow.close();
    }
  });

  test('under basic auth the GUI asks for a user, then shows the data', async () => {
    const basic = await startTimeseriesServer({ listen: '127.0.0.1:0', store: served.store, auth: 'basic' });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const guarded = await context.newPage();
      await guarded.goto(`${basic.url}/ui/`);
      await guarded.waitForSelector('[data-testid="sign-in"]');
      const hint = guarded.locator('[data-testid="sign-in-hint"]');
      await guarded.waitForSelector('[data-testid="sign-in-hint"]:not(:empty)');
      assert.equal(
        await hint.innerText(),
        'This server uses basic authentication, as Gnocchi does. Enter the user name admin to see all the ' +
          'data (the COVID producer loads it as admin unless given another --user); any other name sees only ' +
          'what it created. The password is not checked: leave it empty.',
      );
      assert.equal(await guarded.locator('[data-testid="sign-in-user"]').inputValue(), 'admin');
      await screenshot(guarded, 'web-gui-sign-in.png');
      await guarded.fill('[data-testid="sign-in-user"]', 'admin');
      await guarded.click('[data-testid="sign-in-submit"]');
      await mapReady(guarded);
      assert.equal(await guarded.locator('[data-testid^="region-row-"]').count(), 21);
    } finally {
      await context.close();
      await basic.close();
    }
  });

  test('under users auth a wrong password is refused with the reason, the right one shows the data', async () => {
    const users = new UserDirectory(
      parseUsersFile(`viewer admin password ${await hashPassword('gui pw')}\n`, 'users'),
    );
    const checked = await startTimeseriesServer({
      listen: '127.0.0.1:0',
      store: served.store,
      auth: 'users',
      users,
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const guarded = await context.newPage();
      await guarded.goto(`${checked.url}/ui/`);
      await guarded.waitForSelector('[data-testid="sign-in-hint"]:not(:empty)');
      assert.equal(
        await guarded.locator('[data-testid="sign-in-hint"]').innerText(),
        'This server asks for a user name and a password.',
      );
      await guarded.fill('[data-testid="sign-in-user"]', 'viewer');
      await guarded.fill('[data-testid="sign-in-password"]', 'wrong');
      await guarded.click('[data-testid="sign-in-submit"]');
      await guarded.waitForSelector('[data-testid="sign-in"] .error');
      assert.equal(
        await guarded.locator('[data-testid="sign-in"] .error').innerText(),
        'viewer: Wrong user name or password',
      );
      await guarded.fill('[data-testid="sign-in-user"]', 'viewer');
      await guarded.fill('[data-testid="sign-in-password"]', 'gui pw');
      await guarded.click('[data-testid="sign-in-submit"]');
      await mapReady(guarded);
      assert.equal(await guarded.locator('[data-testid^="region-row-"]').count(), 21);
    } finally {
      await context.close();
      await checked.close();
    }
  });

  test('without synthetic days nothing is marked synthetic', async () => {
    const real = await serveCovid('2020-03-31', 0);
    const plain = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await plain.goto(`${real.server.url}/ui/`);
      await mapReady(plain);
      assert.equal(await plain.getAttribute('[data-testid="selected-day"]', 'data-day'), '2020-03-31');
      assert.equal(await plain.locator('[data-testid="synthetic-legend"]').count(), 0);
      assert.equal(await plain.locator('[data-testid="synthetic-badge"]').count(), 0);
      assert.equal(await plain.locator('.synthetic-mark').count(), 1, 'only the explanatory note');
    } finally {
      await plain.close();
      await real.close();
    }
  });

  test('no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
