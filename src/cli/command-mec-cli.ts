import { fetchAppList, formatAppList } from '../mec/app-list-client.js';
import { parseApiRoot } from '../mec/lcm-proxy-http-server.js';
import { MattermostProxy } from '../mec/mattermost-proxy.js';
import { logger } from '../support/logger.js';
import { defineCommand } from './command.js';
import { untilSignal } from './shutdown.js';

const log = logger('mec');

/** `soe mec-cli` (`soe mec cli`) / `etsimeccli`: query an ETSI MEC API root. */
export const mecCliCommand = defineCommand({
  name: 'mec-cli',
  alias: 'etsimeccli',
  summary: 'Query an ETSI MEC UE application LCM proxy: --command app_list prints its applications.',
  details:
    'Prints one line per application, "appName, appProvider, appSoftVersion" (with --verbose: the whole ' +
    'application as JSON; with --mattermost-output: a Markdown table). With --mattermost-proxy URI it is ' +
    'instead the HTTP end-point of a Mattermost slash command, until stopped: each request (GET or POST ' +
    "with Mattermost's form fields) whose token is --mattermost-token (if given) runs the command in its " +
    'text (empty: app_list) and answers {"response_type": "in_channel", "text": <the Markdown table>}; an ' +
    'unknown command or an unreachable API gets an "ephemeral" answer saying so, a wrong token 401.',
  options: [
    { name: 'command', kind: 'string', default: 'app_list', description: 'one of: {app_list}' },
    {
      name: 'mattermost-proxy',
      kind: 'string',
      default: '',
      description: 'act as a proxy for Mattermost using the given root URI (http://host:port[/path])',
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
    parseApiRoot(o['etsi-api-root']);
    if (o['mattermost-proxy'] !== '') {
      const stop = untilSignal();
      const proxy = await MattermostProxy.start({
        listen: o['mattermost-proxy'],
        etsiApiRoot: o['etsi-api-root'],
        token: o['mattermost-token'],
      });
      if (o['mattermost-token'] === '') log.warn('no --mattermost-token: every request is accepted');
      log.info(`Mattermost slash-command proxy listening at ${proxy.url}`);
      log.info(`${await stop} received, shutting down`);
      await proxy.stop();
      return 0;
    }
    if (o.command !== 'app_list') throw new Error(`Unknown command: ${o.command}`);
    const apps = await fetchAppList(o['etsi-api-root']);
    process.stdout.write(
      formatAppList(apps, o['mattermost-output'] ? 'mattermost' : verbose ? 'verbose' : 'plain'),
    );
    return 0;
  },
});
