/**
 * The web GUI under `/ui/`: the files Vite built into `dist/web/` (index.html for `/ui/` and for unknown
 * extension-less paths, the single-page app's own routes; hashed `assets/` cached as immutable), a 404
 * JSON envelope when the GUI was not built, 400 for paths that would leave the directory. The files are
 * public (they hold no data; the GUI's API calls authenticate like any client), and so is `/ui/auth.json`,
 * which tells the sign-in page what this server expects.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { envelope, sendJson } from './http.js';
import type { ApiRouter } from './routing.js';
import { UI_AUTH_PATH, uiAuth } from './ui-auth.js';

/** The URL prefix of the GUI. */
export const UI_PREFIX = '/ui/';

/** Where the build puts the GUI: `dist/web/`, next to `dist/src/` holding this compiled file. */
export function defaultUiRoot(): string {
  return fileURLToPath(new URL('../../../web/', import.meta.url));
}

/** Content types by file extension (lower case, with the dot). */
const CONTENT_TYPES: ReadonlyMap<string, string> = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.mjs', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.json', 'application/json'],
  ['.map', 'application/json'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.jpg', 'image/jpeg'],
  ['.ico', 'image/x-icon'],
  ['.webp', 'image/webp'],
  ['.woff2', 'font/woff2'],
  ['.woff', 'font/woff'],
  ['.txt', 'text/plain; charset=utf-8'],
]);

/** The Content-Type of a file by its extension (`application/octet-stream` when unknown). */
export function contentTypeOf(path: string): string {
  return CONTENT_TYPES.get(extname(path).toLowerCase()) ?? 'application/octet-stream';
}

/** The file a path below `/ui/` names inside `root`, or undefined when it would leave `root`. */
export function resolveUiPath(root: string, relative: string): string | undefined {
  const segments = relative.split('/');
  if (segments.some((s) => s === '..' || s.includes('\\') || s.includes('\0'))) return undefined;
  const base = resolve(root);
  const file = resolve(base, ...segments.filter((s) => s !== '' && s !== '.'));
  return file === base || file.startsWith(base + sep) ? file : undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function sendFile(reply: FastifyReply, path: string, immutable: boolean): Promise<FastifyReply> {
  const body = await readFile(path);
  return reply
    .code(200)
    .header('Content-Type', contentTypeOf(path))
    .header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('X-Content-Type-Options', 'nosniff')
    .send(body);
}

/**
 * Registers `GET /ui/` and `GET /ui/*` serving the built GUI from `root` (default {@link defaultUiRoot}),
 * and `GET /ui/auth.json` answering the server's `UiAuth` (`ui-auth.ts`).
 */
export function registerUiRoutes(router: ApiRouter, root: string = defaultUiRoot()): void {
  const index = join(root, 'index.html');

  const serve = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const path = (request.raw.url ?? request.url).split('?')[0] ?? '';
    if (!path.startsWith(UI_PREFIX)) return reply.redirect(UI_PREFIX, 302);
    if (!(await isFile(index))) {
      return sendJson(
        reply,
        envelope(404, `The web GUI is not built (${index} is missing): run npm run build`),
        404,
      );
    }
    let relative: string;
    try {
      relative = decodeURIComponent(path.slice(UI_PREFIX.length));
    } catch {
      return sendJson(reply, envelope(400, 'Invalid path'), 400);
    }
    if (relative === '' || relative === 'index.html') return sendFile(reply, index, false);
    const file = resolveUiPath(root, relative);
    if (file === undefined) return sendJson(reply, envelope(400, 'Invalid path'), 400);
    if (await isFile(file)) return sendFile(reply, file, relative.startsWith('assets/'));
    if (extname(relative) !== '' || relative.startsWith('assets/')) {
      return sendJson(reply, envelope(404, `No such file in the web GUI: ${relative}`), 404);
    }
    return sendFile(reply, index, false);
  };

  const auth = uiAuth(router.auth.mode);
  router.app.get(UI_AUTH_PATH, async (_request, reply) =>
    sendJson(reply.header('Cache-Control', 'no-cache'), auth),
  );
  router.app.get('/ui/', serve);
  router.app.get('/ui/*', serve);
}
