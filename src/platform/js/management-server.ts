import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { MAX_CODE_BYTES } from './function-folder.js';
import { functionSpec } from './function-spec.js';
import type { JsComputer } from './js-computer.js';

/** OpenWhisk action fields a PUT may carry that say nothing about how the function runs. */
const IGNORED_ACTION_KEYS = ['name', 'namespace', 'version', 'publish', 'exec'];

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body) + '\n');
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Reads a request body of at most {@link MAX_CODE_BYTES}; undefined (and a 413 sent) if larger. */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_CODE_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (size <= MAX_CODE_BYTES) resolve(Buffer.concat(chunks).toString('utf8'));
      else {
        send(res, 413, { error: `the body exceeds ${MAX_CODE_BYTES} bytes` });
        resolve(undefined);
      }
    });
    req.on('error', reject);
  });
}

/**
 * The code and description of a PUT: an OpenWhisk action (`{"exec": {"kind": "nodejs:…", "code": …,
 * "main": …}, "limits": …, "parameters": …}`) with a JSON content type, else the body is the source.
 */
function deployment(contentType: string, body: string): { code: string; description: unknown } {
  if (!contentType.includes('json')) return { code: body, description: undefined };
  let action: unknown;
  try {
    action = JSON.parse(body);
  } catch (err) {
    throw new Error(`the body is not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!isObject(action)) throw new Error('the body must be a JSON object');
  const { exec } = action;
  if (!isObject(exec)) throw new Error('exec: expected an object with the code');
  if (exec.kind !== undefined && (typeof exec.kind !== 'string' || !/^nodejs(:|$)/.test(exec.kind)))
    throw new Error(`exec.kind: ${JSON.stringify(exec.kind)} is not a Node.js kind (nodejs:…)`);
  if (exec.binary === true) throw new Error('exec.binary: zip actions are not supported');
  if (typeof exec.code !== 'string' || exec.code === '') throw new Error('exec.code: expected the source');
  const description: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(action)) if (!IGNORED_ACTION_KEYS.includes(k)) description[k] = v;
  if (exec.main !== undefined) description.main = exec.main;
  return { code: exec.code, description };
}

/**
 * The management API of a js computer (REST, JSON answers): `GET /functions` lists the functions with
 * their counters, `GET /functions/NAME` shows one, `PUT /functions/NAME` deploys or replaces one (the body
 * is the source, or an OpenWhisk action as JSON), `DELETE /functions/NAME` removes one. Errors are
 * `{"error": "..."}` with 400 (naming the bad field), 404, 405 or 413.
 */
export function managementHandler(computer: JsComputer) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/functions' || path === '/functions/') {
      if (req.method !== 'GET') return send(res, 405, { error: `${req.method} /functions: use GET` });
      return send(res, 200, computer.functions());
    }
    if (!path.startsWith('/functions/')) return send(res, 404, { error: `no such resource: ${path}` });
    let name: string;
    try {
      name = decodeURIComponent(path.slice('/functions/'.length));
    } catch {
      return send(res, 400, { error: `invalid function name in ${path}` });
    }
    if (req.method === 'GET') {
      const status = computer.status(name);
      return status === undefined ? send(res, 404, { error: `no function ${name}` }) : send(res, 200, status);
    }
    if (req.method === 'DELETE') {
      return computer.remove(name)
        ? send(res, 200, { removed: name })
        : send(res, 404, { error: `no function ${name}` });
    }
    if (req.method !== 'PUT')
      return send(res, 405, { error: `${req.method} ${path}: use GET, PUT or DELETE` });
    const body = await readBody(req, res);
    if (body === undefined) return;
    try {
      const { code, description } = deployment(req.headers['content-type'] ?? '', body);
      if (code.trim() === '') throw new Error('the source is empty');
      computer.deploy(functionSpec(name, code, description, computer.conf, 'body'));
    } catch (err) {
      return send(res, 400, { error: (err as Error).message });
    }
    send(res, 200, computer.status(name));
  };
}

/** A running management API server. */
export interface ManagementServer {
  /** The bound `host:port`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Serves the management API of `computer` on `endpoint` (`host:port`; port 0 picks a free one). */
export function startManagementServer(computer: JsComputer, endpoint: string): Promise<ManagementServer> {
  const colon = endpoint.lastIndexOf(':');
  const host = endpoint.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(endpoint.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535)
    return Promise.reject(new Error(`invalid management end-point: ${endpoint} (host:port)`));
  const handle = managementHandler(computer);
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => send(res, 500, { error: err.message }));
  });
  server.requestTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      const bound = typeof addr === 'object' && addr !== null ? addr.port : port;
      resolve({
        endpoint: `${host.includes(':') ? `[${host}]` : host}:${bound}`,
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
