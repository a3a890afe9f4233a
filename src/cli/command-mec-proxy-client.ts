import { createInterface } from 'node:readline';
import { LcmProxyRpcClient } from '../mec/lcm-proxy-rpc.js';
import { PROXY_CLIENT_HELP, runProxyClientLine } from '../mec/proxy-client-commands.js';
import { defineCommand } from './command.js';

/** `soe mec-proxy-client` (`soe mec proxy-client`) / `ueapplcmproxyclient`: drive a proxy from standard input. */
export const mecProxyClientCommand = defineCommand({
  name: 'mec-proxy-client',
  alias: 'ueapplcmproxyclient',
  summary: 'Command-line utility to query a static UE application LCM proxy.',
  details: PROXY_CLIENT_HELP.trimEnd(),
  options: [
    {
      name: 'server-endpoint',
      kind: 'string',
      default: '0.0.0.0:6477',
      description: 'end-point of the gRPC interface of the proxy',
    },
  ],
  async run(o) {
    const proxy = new LcmProxyRpcClient(o['server-endpoint']);
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
    try {
      for await (const line of lines) {
        const out = await runProxyClientLine(proxy, line);
        if (out === undefined) break;
        process.stdout.write(out);
      }
    } finally {
      lines.close();
      proxy.close();
    }
    return 0;
  },
});
