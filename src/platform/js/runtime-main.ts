// The entry point of a container process: an OpenWhisk action proxy over the IPC channel of its parent
// (messages `{id, op: 'init' | 'run', body}` answered `{id, status, body}`), or with `--http HOST:PORT`
// over HTTP as OpenWhisk's runtimes serve it (POST /init, POST /run). Imports only its own folder and
// Node's built-in modules: the permission model lets the container read nothing else.
import { ActionRuntime, type ProxyAnswer } from './action-runtime.js';
import { ActivationLog } from './activation-log.js';

/** Largest request body of the HTTP mode, bytes. */
const MAX_HTTP_BODY = 64 * 1024 * 1024;

/** A request of the parent over IPC. */
interface IpcRequest {
  id: number;
  op: 'init' | 'run';
  body: unknown;
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

const runtime = new ActionRuntime(Number(option('--output-limit', '1048576')));
const activationLog = new ActivationLog(Number(option('--log-limit', '65536')));

/** Runs one proxy operation; a body that is not JSON is a 400, as any HTTP server answers it. */
function operate(op: string, text: string | undefined, parsed?: unknown): Promise<ProxyAnswer> {
  let body = parsed;
  if (text !== undefined) {
    try {
      body = JSON.parse(text);
    } catch {
      return Promise.resolve({
        status: 400,
        body: JSON.stringify({ error: 'The request body is not JSON.' }),
      });
    }
  }
  return op === 'init' ? runtime.init(body) : runtime.run(body);
}

/**
 * Serves `/init` and `/run` on `endpoint`, one operation at a time; prints `listening on <host:port>`.
 * `node:http` is loaded only here: a container on IPC does without it.
 */
async function serveHttp(endpoint: string): Promise<void> {
  const { createServer } = await import('node:http');
  const colon = endpoint.lastIndexOf(':');
  let queue: Promise<unknown> = Promise.resolve();
  const server = createServer((req, res) => {
    const op = req.method === 'POST' ? { '/init': 'init', '/run': 'run' }[req.url ?? ''] : undefined;
    const reply = (a: ProxyAnswer): void => {
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
    };
    if (op === undefined) {
      reply({ status: 404, body: JSON.stringify({ error: 'Not found: POST /init or /run' }) });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_HTTP_BODY) {
        reply({
          status: 413,
          body: JSON.stringify({ error: `The request body exceeds ${MAX_HTTP_BODY} bytes.` }),
        });
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const next = queue.then(() => operate(op, text)).then(reply);
      queue = next.catch(() => undefined);
    });
  });
  server.listen(Number(endpoint.slice(colon + 1)), endpoint.slice(0, colon), () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    process.stdout.write(`listening on ${endpoint.slice(0, colon)}:${port}\n`);
  });
}

/**
 * Runs a throwaway action of each kind (script, ES module) once, so that a cold start finds the runtime's
 * code compiled and the module loader ready; leaves no `__OW_` value behind.
 */
async function warmUp(): Promise<void> {
  for (const code of ['function main(p) { return { p }; }', 'export default (p) => ({ p });']) {
    const warm = new ActionRuntime(1024);
    await warm.init({ value: { name: 'warm-up', main: 'main', code } });
    await warm.run({ value: { warm: true }, activation_id: 'warm-up' });
  }
  for (const key of Object.keys(process.env)) if (key.startsWith('__OW_')) delete process.env[key];
}

await warmUp();
const http = option('--http', '');
if (http !== '') await serveHttp(http);
else {
  // The action may not answer for the runtime: only the runtime holds the channel's send.
  const send = process.send!.bind(process);
  process.send = undefined;
  // A run's answer carries what the action printed meanwhile (its activation's logs).
  process.on('message', (m: IpcRequest) => {
    if (m.op === 'run') activationLog.start();
    void operate(m.op, undefined, m.body).then((a) =>
      send({ id: m.id, ...a, ...(m.op === 'run' ? { logs: activationLog.stop() } : {}) }),
    );
  });
  // The computer is gone: so is its container, whatever timers the action left.
  process.on('disconnect', () => process.exit(0));
  send({ ready: true });
}
