import { DEFAULT_APP_CHARCS, type AppInfo } from './app-info.js';
import { MX2_PREFIX } from './mx2-api.js';

/** Reads an application list from a proxy's Mx2 API (`GET <root>/mx2/v1/app_list`). */
export async function fetchAppList(apiRoot: string, timeoutMs = 10_000): Promise<AppInfo[]> {
  const url = `${apiRoot.replace(/\/+$/, '')}${MX2_PREFIX}app_list`;
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`Invalid response from ETSI MEC server: HTTP ${res.status}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error('Invalid response from ETSI MEC server: malformed JSON');
  }
  const list = (body as { ApplicationList?: { appInfo?: unknown } }).ApplicationList?.appInfo;
  if (!Array.isArray(list))
    throw new Error('Invalid response from ETSI MEC server: no ApplicationList.appInfo');
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  return list.map((item: Record<string, unknown>) => ({
    appName: str(item.appName),
    appProvider: str(item.appProvider),
    appSoftVersion: str(item.appSoftVersion),
    appDescription: str(item.appDescription),
    appCharcs: { ...DEFAULT_APP_CHARCS, ...(item.appCharcs as object | undefined) },
  }));
}

/** The app list as `etsimeccli` prints it: `name, provider, version` lines, or a Mattermost table. */
export function formatAppList(apps: readonly AppInfo[], style: 'plain' | 'verbose' | 'mattermost'): string {
  if (style === 'mattermost') {
    return (
      ' | appName  | appProvider | appSoftVersion |\n | -------- | ----------- | -------------- |\n' +
      apps.map((a) => ` | ${a.appName} | ${a.appProvider} | ${a.appSoftVersion} | \n`).join('')
    );
  }
  if (style === 'verbose') return apps.map((a) => `${JSON.stringify(a)}\n`).join('');
  return apps.map((a) => `${a.appName}, ${a.appProvider}, ${a.appSoftVersion}\n`).join('');
}
