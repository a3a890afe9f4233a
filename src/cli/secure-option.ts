import { loadTlsCredentials, type TlsCredentials, type TlsRoles } from '../protocol/tls-credentials.js';
import { defineOptions, type OptionValues } from '../support/options.js';

/** `--secure` (spec §0.6): every gRPC server and client of the command over TLS. */
export const SECURE_OPTIONS = defineOptions([
  {
    name: 'secure',
    kind: 'flag',
    description:
      'use TLS on every gRPC server and client, mutual (server-only with SOE_TLS_MUTUAL=0): ca.crt, ' +
      'server.crt/server.key, client.crt/client.key from $CERT_DIR or the working directory, renamed by ' +
      'CA_CRT, SERVER_CRT, SERVER_KEY, CLIENT_CRT, CLIENT_KEY',
  },
]);

/**
 * The TLS material `--secure` asks for, read as `roles` need it (a server its certificate, a client under
 * mutual TLS its own), or undefined without `--secure`; a missing file fails naming it and its variable.
 */
export function tlsFromOptions(
  o: OptionValues<typeof SECURE_OPTIONS>,
  roles: TlsRoles,
): TlsCredentials | undefined {
  return o.secure ? loadTlsCredentials(roles) : undefined;
}
