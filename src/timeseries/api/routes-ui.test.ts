import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { openTestStore, startHarness, type Harness, type TestStore } from './harness.test-support.js';
import type { AuthMode } from './auth.js';
import { ApiRouter } from './routing.js';
import { prefersHtml } from './http.js';
import { contentTypeOf, registerUiRoutes, resolveUiPath } from './routes-ui.js';

const INDEX = '<!doctype html><title>GUI</title>';
const SCRIPT = 'console.log(1);';

/** GET with the path sent as is (fetch and inject would normalize `..` away). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const stores: TestStore[] = [];
after(() => Promise.all(stores.map((s) => s.dispose())));

/** An app with only the GUI routes over `root`, configured like buildApp's. */
async function uiApp(root: string, auth: AuthMode = 'basic'): Promise<FastifyInstance> {
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true } });
  const store = await openTestStore();
  stores.push(store);
  registerUiRoutes(new ApiRouter(app, store.store, { mode: auth }), root);
  return app;
}

describe('routes-ui: the built GUI under /ui/', () => {
  let dir: string;
  let root: string;
  let app: FastifyInstance;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'routes-ui-'));
    root = join(dir, 'web');
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), INDEX);
    await writeFile(join(root, 'assets', 'index-AbC123.js'), SCRIPT);
    await writeFile(join(root, 'assets', 'index-Def456.css'), 'body{}');
    await writeFile(join(root, 'favicon.svg'), '<svg/>');
    await writeFile(join(dir, 'secret.txt'), 'secret');
    app = await uiApp(root);
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('/ui/ serves index.html, revalidated, without authentication', async () => {
    const r = await app.inject({ method: 'GET', url: '/ui/' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.body, INDEX);
    const head = await app.inject({ method: 'HEAD', url: '/ui/' });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['content-type'], 'text/html; charset=utf-8');
  });

  test('/ui redirects to /ui/', async () => {
    const r = await app.inject({ method: 'GET', url: '/ui' });
    assert.equal(r.statusCode, 302);
    assert.equal(r.headers.location, '/ui/');
  });

  test('hashed assets: content types and immutable caching', async () => {
    const js = await app.inject({ method: 'GET', url: '/ui/assets/index-AbC123.js' });
    assert.equal(js.statusCode, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(js.body, SCRIPT);
    const css = await app.inject({ method: 'GET', url: '/ui/assets/index-Def456.css' });
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    assert.equal(css.body, 'body{}');
    const svg = await app.inject({ method: 'GET', url: '/ui/favicon.svg' });
    assert.equal(svg.headers['content-type'], 'image/svg+xml');
    assert.equal(svg.headers['cache-control'], 'no-cache');
  });

  test('unknown extension-less paths fall back to index.html (single-page app)', async () => {
    for (const url of ['/ui/region/region-3', '/ui/overview/', '/ui/index.html?x=1']) {
      const r = await app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 200, url);
      assert.equal(r.headers['content-type'], 'text/html; charset=utf-8', url);
      assert.equal(r.body, INDEX, url);
    }
  });

  test('unknown files are a 404 JSON envelope, not the index', async () => {
    for (const [url, name] of [
      ['/ui/assets/gone-123.js', 'assets/gone-123.js'],
      ['/ui/missing.png', 'missing.png'],
      ['/ui/assets/nothing', 'assets/nothing'],
    ]) {
      const r = await app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 404, url);
      assert.equal(r.headers['content-type'], 'application/json', url);
      assert.equal(
        r.body,
        `{"code": 404, "title": "Not Found", "description": "No such file in the web GUI: ${name}"}`,
      );
    }
  });

  test('paths leaving the GUI directory are refused with 400 (raw request lines on a socket)', async () => {
    const server = await uiApp(root);
    await server.listen({ host: '127.0.0.1', port: 0 });
    try {
      const address = server.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      for (const path of ['/ui/../secret.txt', '/ui/assets/../../secret.txt', '/ui/%2e%2e/secret.txt']) {
        const { status, body } = await rawGet(port, path);
        assert.equal(status, 400, path);
        assert.equal(body, '{"code": 400, "title": "Bad Request", "description": "Invalid path"}', path);
      }
    } finally {
      await server.close();
    }
  });

  test('encoded traversal, backslashes and NUL are refused with 400', async () => {
    for (const url of [
      '/ui/..%2fsecret.txt',
      '/ui/assets/..%2f..%2fsecret.txt',
      '/ui/..%5csecret.txt',
      '/ui/%00',
    ]) {
      const r = await app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 400, url);
      assert.equal(r.body, '{"code": 400, "title": "Bad Request", "description": "Invalid path"}', url);
    }
  });

  test('not built: a clear 404 JSON envelope for every GUI path', async () => {
    const missing = await uiApp(join(dir, 'no-such-build'));
    try {
      for (const url of ['/ui/', '/ui/assets/index-AbC123.js', '/ui/region/x']) {
        const r = await missing.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
        assert.equal(r.statusCode, 404, url);
        assert.equal(r.headers['content-type'], 'application/json');
        const body = r.json<{ code: number; title: string; description: string }>();
        assert.equal(body.code, 404);
        assert.equal(body.title, 'Not Found');
        assert.equal(
          body.description,
          `The web GUI is not built (${join(dir, 'no-such-build', 'index.html')} is missing): run npm run build`,
        );
      }
    } finally {
      await missing.close();
    }
  });

  test('/ui/auth.json tells the sign-in page what the server expects, without authentication, built or not', async () => {
    const none = await uiApp(join(dir, 'no-such-build'), 'none');
    try {
      for (const [server, expected] of [
        [app, { mode: 'basic', admin_user: 'admin', password_checked: false }],
        [none, { mode: 'none', admin_user: null, password_checked: false }],
      ] as const) {
        const r = await server.inject({ method: 'GET', url: '/ui/auth.json' });
        assert.equal(r.statusCode, 200);
        assert.equal(r.headers['content-type'], 'application/json');
        assert.equal(r.headers['cache-control'], 'no-cache');
        assert.deepEqual(r.json(), expected);
      }
    } finally {
      await none.close();
    }
  });

  test('helpers: content types, path resolution, Accept preference', () => {
    assert.equal(contentTypeOf('a/b.JS'), 'text/javascript; charset=utf-8');
    assert.equal(contentTypeOf('x.bin'), 'application/octet-stream');
    for (const name of ['toString', 'constructor', '__proto__', '.toString', '.constructor', '.__proto__']) {
      assert.equal(contentTypeOf(`a${name}`), 'application/octet-stream', name);
    }
    assert.equal(resolveUiPath('/srv/web', 'assets/a.js'), '/srv/web/assets/a.js');
    assert.equal(resolveUiPath('/srv/web', 'a/../../b'), undefined);
    assert.equal(resolveUiPath('/srv/web', '/etc/passwd'), '/srv/web/etc/passwd');
    const accept = (value: string): boolean =>
      prefersHtml({ headers: { accept: value } } as unknown as Parameters<typeof prefersHtml>[0]);
    assert.equal(accept('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'), true);
    assert.equal(accept('application/json'), false);
    assert.equal(accept('*/*'), false);
    assert.equal(accept('text/html, application/json'), false);
    assert.equal(accept('application/json;q=0.5, text/html'), true);
    assert.equal(accept('text/html;q=0'), false);
  });
});

describe('GET /: browsers go to the GUI, API clients get the version list', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  const versions =
    '{"build": "4.4.2", "versions": [{"status": "CURRENT", "links": [{"rel": "self", "href": "http://localhost:80/v1/"}], "id": "v1.0", "updated": "2015-03-19"}]}';

  test('Accept preferring text/html: 302 to /ui/', async () => {
    const r = await h.request('GET', '/', {
      user: null,
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    });
    assert.equal(r.status, 302);
    assert.equal(r.headers.location, '/ui/');
    assert.equal(r.headers.vary, 'Accept');
  });

  test('application/json, */* and no Accept: the version list, unchanged', async () => {
    for (const accept of ['application/json', '*/*', null, 'text/html, application/json']) {
      const r = await h.request('GET', '/', { user: null, accept });
      assert.equal(r.status, 200, String(accept));
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.body, versions);
    }
  });

  test('an Accept that allows neither HTML nor JSON is still 406', async () => {
    const r = await h.request('GET', '/', { user: null, accept: 'text/plain' });
    assert.equal(r.status, 406);
  });
});
