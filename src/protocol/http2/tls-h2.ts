import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import type { TlsCredentials } from '../tls-credentials.js';

/** The ALPN id of HTTP/2 over TLS (RFC 9113 §3.2), the only protocol the lean transport speaks. */
const H2 = 'h2';

/**
 * A TLS server for the lean transport: presents `tls.server`, requires and verifies a client certificate
 * signed by `tls.ca` when `tls.mutual`, offers ALPN `h2` only (a client offering other protocols fails the
 * handshake) and closes a connection that negotiated no protocol; a handshake not done within
 * `handshakeTimeoutMs` is dropped. `onSocket` gets each connection that negotiated `h2`.
 */
export function createH2TlsServer(
  tls: TlsCredentials,
  handshakeTimeoutMs: number,
  onSocket: (socket: TLSSocket) => void,
): Server {
  if (tls.server === undefined)
    throw new Error('Cannot serve TLS without a server certificate and key (SERVER_CRT, SERVER_KEY)');
  const server = createServer(
    {
      cert: tls.server.cert,
      key: tls.server.key,
      ca: tls.ca,
      requestCert: tls.mutual,
      rejectUnauthorized: tls.mutual,
      ALPNProtocols: [H2],
      handshakeTimeout: handshakeTimeoutMs,
      noDelay: true,
    },
    (socket) => {
      if (socket.alpnProtocol === H2) onSocket(socket);
      else socket.destroy();
    },
  );
  // A failed or timed-out handshake: node:tls leaves the socket open unless told to close it.
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  return server;
}

/**
 * Opens a TLS connection to `host:port` for the lean transport: verifies the server's certificate against
 * `tls.ca` and `host`, presents `tls.client` under mutual TLS, offers ALPN `h2`. Resolves once the
 * handshake is done and `h2` negotiated; rejects with the socket's error otherwise (a server that
 * negotiated no protocol: `the server did not negotiate HTTP/2 (ALPN h2)`).
 */
export function connectH2Tls(host: string, port: number, tls: TlsCredentials): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      ca: tls.ca,
      ...(tls.mutual && tls.client !== undefined ? { cert: tls.client.cert, key: tls.client.key } : {}),
      ALPNProtocols: [H2],
    });
    socket.once('error', (err: Error) => {
      socket.destroy();
      reject(err); // a no-op once resolved: the connection then handles its socket's errors
    });
    socket.once('secureConnect', () => {
      if (socket.alpnProtocol !== H2) {
        socket.destroy(new Error('the server did not negotiate HTTP/2 (ALPN h2)'));
        return;
      }
      resolve(socket);
    });
  });
}
