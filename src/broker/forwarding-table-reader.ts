import type { CallOptions, RpcClient } from '../protocol/rpc-client.js';
import type { TableEntry } from './table-dump.js';

/** The most tables {@link readForwardingTables} reads from one router (ours have one or two). */
export const MAX_FORWARDING_TABLES = 256;

/**
 * Reads every forwarding table of an e-router (or dispatcher) as `forwardingtableclient` dumps them:
 * GetNumTables, then GetTable of each index in turn. A router reporting more than
 * {@link MAX_FORWARDING_TABLES} tables is refused (`router reports N tables, at most 256`).
 */
export async function readForwardingTables(
  client: RpcClient<'uiiit.rpc.EdgeRouter'>,
  options: CallOptions = {},
): Promise<TableEntry[][]> {
  const { value } = await client.call('GetNumTables', {}, options);
  if (value > MAX_FORWARDING_TABLES) {
    throw new Error(`router reports ${value} tables, at most ${MAX_FORWARDING_TABLES}`);
  }
  const result: TableEntry[][] = [];
  for (let i = 0; i < value; i++) result.push((await client.call('GetTable', { value: i }, options)).entries);
  return result;
}
