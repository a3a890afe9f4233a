import { FLUSH_COMMAND } from '../broker/configure-rules.js';
import { readForwardingTables } from '../broker/forwarding-table-reader.js';
import { formatTable, type TableEntry } from '../broker/table-dump.js';
import type { EdgeRouterConf } from '../protocol/messages.js';
import { RpcClient } from '../protocol/rpc-client.js';
import { unreachableError } from '../protocol/unreachable.js';
import { defineCommand } from './command.js';
import { SECURE_OPTIONS, tlsFromOptions } from './secure-option.js';

const ACTIONS = ['dump', 'reset', 'flush', 'change', 'remove'] as const;

/** `soe forwarding-table` / `forwardingtableclient`: reads and programs an e-router's forwarding tables. */
export const forwardingTableCommand = defineCommand({
  name: 'forwarding-table',
  alias: 'forwardingtableclient',
  summary: 'Dump or change the forwarding tables of an e-router (or dispatcher).',
  details:
    '`dump` prints `Table#<i>` and the rows of each table (`<lambda> [<weight>] <destination> (F)`); `reset` sets ' +
    'every weight back to 1; `flush` empties the tables (FLUSH with lambda `*`: our routers refuse a bare ' +
    'FLUSH, which an empty message reads as); `change` adds or updates a destination of a lambda; ' +
    '`remove` removes one. The other actions print `OK`, or the router’s error with exit status 1 (the original ' +
    'printed OK whatever the router answered). A router that cannot be reached is an error saying where and ' +
    'why (`cannot connect to 127.0.0.1:6474: connection refused`), exit status 1.',
  options: [
    {
      name: 'server-endpoint',
      kind: 'string',
      default: 'localhost:6474',
      description: 'forwarding-table configuration end-point',
    },
    { name: 'action', kind: 'string', default: 'dump', description: `one of: ${ACTIONS.join(', ')}` },
    { name: 'lambda', kind: 'string', default: 'clambda0', description: 'lambda name (change, remove)' },
    {
      name: 'destination',
      kind: 'string',
      default: 'localhost:6473',
      description: 'destination end-point (change, remove)',
    },
    { name: 'weight', kind: 'number', default: 1, description: 'weight (change)' },
    { name: 'final', kind: 'flag', description: 'the destination is a computer (change)' },
    ...SECURE_OPTIONS,
  ],
  async run(o) {
    const action = o.action;
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw new Error(`Invalid action ${action}, choose one of: ${ACTIONS.join(', ')}`);
    }
    const tls = tlsFromOptions(o, { serve: false, call: true });
    const client = new RpcClient('uiiit.rpc.EdgeRouter', o['server-endpoint'], { tls });
    try {
      const tables = (): Promise<TableEntry[][]> => readForwardingTables(client);
      if (action === 'dump') {
        let out = '';
        for (const [i, entries] of (await tables()).entries()) out += `Table#${i}\n${formatTable(entries)}`;
        process.stdout.write(out);
        return 0;
      }
      const commands: Partial<EdgeRouterConf>[] = [];
      if (action === 'flush') commands.push({ ...FLUSH_COMMAND });
      else if (action === 'remove')
        commands.push({ action: 'REMOVE', lambda: o.lambda, destination: o.destination });
      else if (action === 'change') {
        commands.push({
          action: 'CHANGE',
          lambda: o.lambda,
          destination: o.destination,
          weight: o.weight,
          final: o.final,
        });
      } else {
        const seen = new Set<string>();
        for (const entries of await tables()) {
          for (const e of entries) {
            const key = `${e.lambda}\n${e.destination}`;
            if (seen.has(key)) continue;
            seen.add(key);
            commands.push({
              action: 'CHANGE',
              lambda: e.lambda,
              destination: e.destination,
              weight: 1,
              final: e.final,
            });
          }
        }
      }
      for (const command of commands) {
        const { msg } = await client.call('Configure', command);
        if (msg !== '' && msg !== 'OK') throw new Error(msg);
      }
      process.stdout.write('OK\n');
      return 0;
    } catch (err) {
      throw unreachableError(o['server-endpoint'], err);
    } finally {
      client.close();
    }
  },
});
