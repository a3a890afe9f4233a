/** Longest `appName`, `appProvider`, `appSoftVersion` (GS MEC 016: "shall not exceed 32 characters"). */
export const MAX_APP_FIELD_LENGTH = 32;

/** Longest `appDescription` (GS MEC 016: 128 characters). */
export const MAX_APP_DESCRIPTION_LENGTH = 128;

/** Provider of the applications added as lambdas through the north-bound gRPC interface. */
export const LAMBDA_APP_PROVIDER = 'OpenLambdaMec';

/** Software version of the applications added as lambdas through the north-bound gRPC interface. */
export const LAMBDA_APP_VERSION = '1.0';

/** Application characteristics (`appCharcs`); serviceCont 0 = not required, 1 = required. */
export interface AppCharcs {
  memory: number;
  storage: number;
  latency: number;
  bandwidth: number;
  serviceCont: 0 | 1;
}

/** An application the MEC system offers (what `app_list` lists). */
export interface AppInfo {
  appName: string;
  appProvider: string;
  /** '' when the application has none. */
  appSoftVersion: string;
  /** '' when the application has none. */
  appDescription: string;
  appCharcs: AppCharcs;
}

/** The characteristics of an application that declares none: all 0. */
export const DEFAULT_APP_CHARCS: Readonly<AppCharcs> = Object.freeze({
  memory: 0,
  storage: 0,
  latency: 0,
  bandwidth: 0,
  serviceCont: 0,
});

/** The key of an application: `name+provider+version`, which also orders the app list (byte order). */
export function appKey(app: Pick<AppInfo, 'appName' | 'appProvider' | 'appSoftVersion'>): string {
  return `${app.appName}+${app.appProvider}+${app.appSoftVersion}`;
}

/** An application with the given name, provider and version, no description and default characteristics. */
export function makeApp(appName: string, appProvider: string, appSoftVersion: string): AppInfo {
  return { appName, appProvider, appSoftVersion, appDescription: '', appCharcs: { ...DEFAULT_APP_CHARCS } };
}

/** The application standing for a lambda added through the north-bound interface (`addLambda`). */
export function lambdaApp(lambda: string): AppInfo {
  return makeApp(lambda, LAMBDA_APP_PROVIDER, LAMBDA_APP_VERSION);
}

/**
 * What is wrong with an application's identity (undefined if nothing): names must be non-empty and
 * within {@link MAX_APP_FIELD_LENGTH}, the description within {@link MAX_APP_DESCRIPTION_LENGTH}.
 */
export function appInfoProblem(
  app: Pick<AppInfo, 'appName' | 'appProvider' | 'appSoftVersion'>,
): string | undefined {
  if (app.appName === '') return 'appName is empty';
  if (app.appProvider === '') return 'appProvider is empty';
  for (const field of ['appName', 'appProvider', 'appSoftVersion'] as const) {
    if (app[field].length > MAX_APP_FIELD_LENGTH)
      return `${field} is longer than ${MAX_APP_FIELD_LENGTH} characters`;
  }
  return undefined;
}
