import { fetchAppList, formatAppList } from '../mec/app-list-client.js';
import { parseApiRoot } from '../mec/lcm-proxy-http-server.js';
import { defineCommand } from './command.js';

/** `soe mec-cli` (`soe mec cli`) / `etsimeccli`: query an ETSI MEC API root. */
export const mecCliCommand = defineCommand({
  name: 'mec-cli',
  alias: 'etsimeccli',
  summary: 'Query an ETSI MEC UE application LCM proxy: --command app_list prints its applications.',
  details:
    'Prints one line per application, "appName, appProvider, appSoftVersion" (with --verbose: the whole ' +
    'application as JSON; with --mattermost-output: a Markdown table). The Mattermost slash-command proxy ' +
    'of the original (--mattermost-proxy) is not supported by this release.',
  options: [
    { name: 'command', kind: 'string', default: 'app_list', description: 'one of: {app_list}' },
    {
      name: 'mattermost-proxy',
      kind: 'string',
      default: '',
      description: 'act as a proxy for Mattermost using the given root URI (not supported by this release)',
    },
    {
      name: 'mattermost-token',
      kind: 'string',
      default: '',
      description: 'use this token to validate Mattermost requests (with --mattermost-proxy)',
    },
    { name: 'mattermost-output', kind: 'flag', description: 'pretty format the output for Mattermost' },
    {
      name: 'etsi-api-root',
      kind: 'string',
      default: 'http://127.0.0.1:6500',
      description: 'ETSI MEC API root',
    },
  ],
  async run(o) {
    // --verbose is one of every command's options: here it also prints the whole applications.
    const verbose = (o as unknown as { verbose: boolean }).verbose;
    if (verbose && o['mattermost-output'])
      throw new Error('Incompatible options --verbose and --mattermost-output');
    if (o['mattermost-proxy'] !== '') throw new Error('--mattermost-proxy is not supported by this release');
    parseApiRoot(o['etsi-api-root']);
    if (o.command !== 'app_list') throw new Error(`Unknown command: ${o.command}`);
    const apps = await fetchAppList(o['etsi-api-root']);
    process.stdout.write(
      formatAppList(apps, o['mattermost-output'] ? 'mattermost' : verbose ? 'verbose' : 'plain'),
    );
    return 0;
  },
});
