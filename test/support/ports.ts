import { createServer } from 'node:net';

/** Ports below the kernel's ephemeral range (32768–60999 on Linux), where `port 0` binds never land. */
const LOW = 20000;
const HIGH = 32000;

/** Whether a TCP port can be bound on `host` right now. */
function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A free `host:port` for a server that a test starts later, or for a port nobody listens on. It is drawn
 * at random below the ephemeral range: a port found free by binding port 0 and releasing it could be
 * handed to any other process binding port 0 meanwhile (tests run in parallel), one out of that range
 * can only be taken by another test drawing the same number.
 */
export async function freeEndpoint(host = '127.0.0.1'): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await canBind(host, port)) return `${host}:${port}`;
  }
  throw new Error(`No free port found on ${host} between ${LOW} and ${HIGH}`);
}
