import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../support/logger.js';
import { fetchAppList, formatAppList } from './app-list-client.js';
import { parseApiRoot } from './lcm-proxy-http-server.js';
import { sendJson } from './problem-details.js';

const log = logger('mec');

/** The commands a Mattermost user can give (the `text` after the slash command; empty: the first). */
export const MATTERMOST_COMMANDS = ['app_list'] as const;

/** Settings of a {@link MattermostProxy}. */
export interface MattermostProxyOptions {
  /** Where to listen: `http://host:port[/path]` (port 0: any free port). */
  listen: string;
  /** The ETSI MEC API root whose applications are listed. */
  etsiApiRoot: string;
  /** The token Mattermost sends with each request; empty: every request is accepted. */
  token: string;
  /** Largest request body, in bytes (default 16 KiB). */
  maxBodyBytes?: number;
  /** Time given to the ETSI MEC API, in ms (default 5 s: Mattermost waits for 3 s before giving up). */
  apiTimeoutMs?: number;
}

/** A request that is answered with a status and a message. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The form fields of a slash command: the query of a GET, the url-encoded body of a POST, bounded. */
async function formOf(req: IncomingMessage, url: URL, maxBytes: number): Promise<URLSearchParams> {
  if (req.method === 'GET') return url.searchParams;
  if (req.method !== 'POST')
    throw new Refusal(405, `Method ${req.method ?? ''} not allowed: use GET or POST`);
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new Refusal(415, `Content-Type must be application/x-www-form-urlencoded, not '${type}'`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new Refusal(413, `Request body larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** True if `given` is `expected`, compared in constant time. */
function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The original etsimeccli's `--mattermost-proxy`: the HTTP end-point of a Mattermost slash command. Each
 * request (GET or POST, Mattermost's form fields) carrying the configured `token` runs the command in its
 * `text` against the ETSI MEC API root and answers `{"response_type": "in_channel", "text": <Markdown
 * table>}`; an unknown command or an unreachable API gets an `ephemeral` answer saying so (shown only to
 * the user who typed it), a wrong token 401.
 */
export class MattermostProxy {
  private constructor(
    private readonly server: Server,
    /** The URL served (with the real port when asked for port 0). */
    readonly url: string,
  ) {}

  /** Listens where `options.listen` says; fails if it cannot bind. */
  static async start(options: MattermostProxyOptions): Promise<MattermostProxy> {
    const root = parseApiRoot(options.listen);
    parseApiRoot(options.etsiApiRoot);
    const path = root.pathname.replace(/\/+$/, '') || '/';
    const server = createServer((req, res) => {
      serve(req, res, path, options).catch((err: unknown) => {
        log.error(`Mattermost request ${req.method} ${req.url}: ${(err as Error).message}`);
        if (!res.headersSent) sendJson(res, 500, { text: 'Internal error' });
        else res.destroy();
      });
    });
    server.requestTimeout = 10_000;
    server.headersTimeout = 10_000;
    server.maxConnections = 100;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(new Error(`Could not bind to: ${options.listen}: ${err.message}`)),
      );
      server.listen(Number(root.port || 80), root.hostname.replace(/^\[|\]$/g, ''), () => resolve());
    });
    const served = new URL(root.href);
    served.port = String((server.address() as AddressInfo).port);
    return new MattermostProxy(server, served.href);
  }

  /** Stops listening and closes every connection. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** Answers one slash-command request. */
async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  options: MattermostProxyOptions,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  try {
    if (url.pathname.replace(/\/+$/, '') !== path.replace(/\/+$/, '')) {
      throw new Refusal(404, `Not found: ${url.pathname}`);
    }
    const form = await formOf(req, url, options.maxBodyBytes ?? 16 * 1024);
    if (options.token !== '' && !sameToken(form.get('token') ?? '', options.token)) {
      throw new Refusal(401, 'Invalid Mattermost token');
    }
    const command = (form.get('text') ?? '').trim() || MATTERMOST_COMMANDS[0];
    if (!(MATTERMOST_COMMANDS as readonly string[]).includes(command)) {
      sendJson(res, 200, {
        response_type: 'ephemeral',
        text: `Unknown command: ${command} (one of: ${MATTERMOST_COMMANDS.join(', ')})`,
      });
      return;
    }
    let text: string;
    try {
      text = formatAppList(
        await fetchAppList(options.etsiApiRoot, options.apiTimeoutMs ?? 5_000),
        'mattermost',
      );
    } catch (err) {
      sendJson(res, 200, {
        response_type: 'ephemeral',
        text: `Could not list the applications of ${options.etsiApiRoot}: ${(err as Error).message}`,
      });
      return;
    }
    sendJson(res, 200, { response_type: 'in_channel', text });
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    if (err.status === 413) {
      res.setHeader('connection', 'close');
      res.on('finish', () => req.destroy());
    }
    sendJson(res, err.status, { text: err.message });
  }
}
