import type { LcmProxyRpcClient } from './lcm-proxy-rpc.js';

/** The commands of `ueapplcmproxyclient`, as its help lists them (the original's text). */
export const PROXY_CLIENT_HELP =
  'Commands are read sequentially from standard input until closed. Available commands:\n' +
  '- help: prints the help\n' +
  '- associate C A S: associates the address of the edge client C (* means "any") and the application name A ' +
  'to the end-point of the edge router S\n' +
  '- remove C A: removes the association of edge client C (* means "any") and application name A, if present\n' +
  '- add-lambda X: adds a lambda function to the list of applications\n' +
  '- del-lambda X: removes from the list of applications the given lambda\n' +
  '- num-contexts: returns the number of active UE application contexts\n' +
  '- table: returns a space-separate table of the address associations\n' +
  '- contexts: returns a space-separate table of the active contexts associations\n' +
  '- quit: exits from the application\n' +
  'Every command is given a response on standard output.\n' +
  'All the set commands return the string OK if the command was accepted.\n' +
  'the string Invalid command if the command is not well-formed.\n';

/** `*` stands for any client ('') on input and output. */
function client(token: string): string {
  return token === '*' ? '' : token;
}

/** A table row: the client ('' printed as `*`), the application, the end-point. */
function row(address: string, appName: string, endpoint: string): string {
  return `${address === '' ? '*' : address} ${appName} ${endpoint}\n`;
}

/**
 * Runs one line of `ueapplcmproxyclient` against the proxy: resolves with what to print (possibly
 * nothing: blank lines, empty tables), or `undefined` for `quit`. gRPC failures reject.
 */
export async function runProxyClientLine(
  proxy: LcmProxyRpcClient,
  line: string,
): Promise<string | undefined> {
  const tokens = line.split(/\s+/).filter((t) => t !== '');
  if (tokens.length === 0) return '';
  const [command, ...args] = tokens as [string, ...string[]];
  if (command === 'help') return `${PROXY_CLIENT_HELP}\n`;
  if (command === 'associate' && args.length === 3) {
    await proxy.associateAddress(client(args[0]!), args[1]!, args[2]!);
    return 'OK\n';
  }
  if (command === 'remove' && args.length === 2) {
    await proxy.removeAddress(client(args[0]!), args[1]!);
    return 'OK\n';
  }
  if (command === 'add-lambda' && args.length === 1) {
    await proxy.addLambda(args[0]!);
    return 'OK\n';
  }
  if (command === 'del-lambda' && args.length === 1) {
    await proxy.delLambda(args[0]!);
    return 'OK\n';
  }
  if (command === 'num-contexts' && args.length === 0) return `${await proxy.numContexts()}\n`;
  if (command === 'table' && args.length === 0)
    return (await proxy.table()).map((t) => row(t.client, t.appName, t.server)).join('');
  if (command === 'contexts' && args.length === 0)
    return (await proxy.contexts()).map((c) => row(c.address, c.appName, c.edgeRouter)).join('');
  if (command === 'quit' && args.length === 0) return undefined;
  return 'Invalid command\n';
}
