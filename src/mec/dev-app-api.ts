import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_APP_DESCRIPTION_LENGTH, MAX_APP_FIELD_LENGTH, appKey, type AppInfo } from './app-info.js';
import { asObject, readJsonBody, stringField } from './http-body.js';
import {
  CANNOT_CREATE_CONTEXT,
  HttpProblem,
  sendJson,
  sendNoContent,
  sendProblem,
} from './problem-details.js';
import { toReferenceUri } from './reference-uri.js';
import type { AppContextEntry, UeAppLcmProxy } from './ue-app-lcm-proxy.js';

/** Path prefix of the GS MEC 016 v2.2.1 device application interface under the API root. */
export const DEV_APP_PREFIX = '/dev_app/v1/';

/** Version of the application descriptors the proxy lists (it has no descriptors of its own). */
export const APP_D_VERSION = '1.0';

/** Longest `associateDevAppId` and `contextId` (GS MEC 016 v2.2.1: 32 characters). */
export const MAX_ID_LENGTH = 32;

/** Longest URI the proxy accepts in a callback reference or package source. */
const MAX_URI_LENGTH = 2048;

/** The query filters of `app_list` that take lists of names. */
const LIST_FILTERS = ['appName', 'appProvider', 'appSoftVersion', 'vendorId'] as const;

/** The descriptor id of a listed application: unique, as its key. */
function appDId(app: AppInfo): string {
  return appKey(app);
}

/** An application as `ApplicationList.appList[].appInfo`. */
function listedAppInfo(app: AppInfo): Record<string, unknown> {
  return {
    appDId: appDId(app),
    appName: app.appName,
    appProvider: app.appProvider,
    appSoftVersion: app.appSoftVersion,
    appDVersion: APP_D_VERSION,
    appDescription: app.appDescription,
    appCharcs: { ...app.appCharcs },
  };
}

/** The values of the `app_list` filters (400 on a malformed one); absent filters are undefined. */
function appListFilters(query: URLSearchParams): {
  lists: Partial<Record<(typeof LIST_FILTERS)[number], string[]>>;
  serviceCont?: number;
} {
  const lists: Partial<Record<(typeof LIST_FILTERS)[number], string[]>> = {};
  for (const name of LIST_FILTERS) {
    const values = query.getAll(name).flatMap((v) => v.split(','));
    if (values.length === 0) continue;
    for (const v of values) {
      if (v.length > MAX_APP_FIELD_LENGTH)
        throw new HttpProblem(
          400,
          `Query parameter ${name} is longer than ${MAX_APP_FIELD_LENGTH} characters`,
        );
    }
    lists[name] = values;
  }
  const cont = query.getAll('serviceCont');
  if (cont.length > 1) throw new HttpProblem(400, 'Query parameter serviceCont given more than once');
  if (cont.length === 1 && cont[0] !== '0' && cont[0] !== '1')
    throw new HttpProblem(400, 'Query parameter serviceCont must be 0 or 1');
  return cont.length === 1 ? { lists, serviceCont: Number(cont[0]) } : { lists };
}

/** `GET app_list`: the applications matching every filter given (lists match any of their values). */
function appList(proxy: UeAppLcmProxy, query: URLSearchParams): unknown {
  const { lists, serviceCont } = appListFilters(query);
  const apps = proxy.apps().filter(
    (app) =>
      (lists.appName?.includes(app.appName) ?? true) &&
      (lists.appProvider?.includes(app.appProvider) ?? true) &&
      (lists.appSoftVersion?.includes(app.appSoftVersion) ?? true) &&
      // The proxy's applications have no vendor specific extension: a vendor filter matches none.
      lists.vendorId === undefined &&
      (serviceCont === undefined || app.appCharcs.serviceCont === serviceCont),
  );
  return { appList: apps.map((app) => ({ appInfo: listedAppInfo(app) })) };
}

/** A checked AppContext (GS MEC 016 v2.2.1 clause 6.2.3) with the fields the proxy uses. */
interface DevAppContext {
  body: Record<string, unknown>;
  appInfo: Record<string, unknown>;
  contextId: string;
  associateDevAppId: string;
  callbackReference: string;
  appDId: string;
  appName: string;
  appProvider: string;
  appSoftVersion: string | undefined;
  appPackageSource: string;
}

/** Checks an optional boolean field. */
function booleanField(o: Record<string, unknown>, field: string): boolean {
  const v = o[field];
  if (v !== undefined && typeof v !== 'boolean') throw new HttpProblem(400, `${field} must be a boolean`);
  return v === true;
}

/** Checks an optional URI field: absent, or an absolute URI of at most 2048 characters. */
function uriField(o: Record<string, unknown>, field: string, where: string): string {
  const value = stringField(o, field, where, { maxLength: MAX_URI_LENGTH });
  if (value === '') return value;
  try {
    new URL(value);
  } catch {
    throw new HttpProblem(400, `${where === '' ? field : `${where}.${field}`} is not an absolute URI`);
  }
  return value;
}

/** The parts of appInfo common to AppContext and ApplicationLocationAvailability. */
function appInfoFields(
  info: Record<string, unknown>,
): Pick<DevAppContext, 'appName' | 'appProvider' | 'appSoftVersion' | 'appPackageSource'> {
  const limit = { maxLength: MAX_APP_FIELD_LENGTH };
  const appName = stringField(info, 'appName', 'appInfo', { required: true, ...limit });
  const appProvider = stringField(info, 'appProvider', 'appInfo', { required: true, ...limit });
  stringField(info, 'appDVersion', 'appInfo', { required: true, maxLength: 256 });
  const version =
    info.appSoftVersion === undefined ? undefined : stringField(info, 'appSoftVersion', 'appInfo', limit);
  stringField(info, 'appDescription', 'appInfo', { maxLength: MAX_APP_DESCRIPTION_LENGTH });
  const appPackageSource = uriField(info, 'appPackageSource', 'appInfo');
  return { appName, appProvider, appSoftVersion: version, appPackageSource };
}

/** Parses an AppContext (400 naming the field when malformed). */
function parseAppContext(body: unknown): DevAppContext {
  const o = asObject(body, 'AppContext');
  const contextId = stringField(o, 'contextId', '', { maxLength: MAX_ID_LENGTH });
  const associateDevAppId = stringField(o, 'associateDevAppId', '', {
    required: true,
    maxLength: MAX_ID_LENGTH,
  });
  const callbackReference = uriField(o, 'callbackReference', '');
  if (booleanField(o, 'appLocationUpdates') && booleanField(o, 'appAutoInstantiation'))
    throw new HttpProblem(400, 'appLocationUpdates and appAutoInstantiation cannot both be true');
  if (o.appInfo === undefined) throw new HttpProblem(400, 'Missing appInfo');
  const appInfo = asObject(o.appInfo, 'appInfo');
  const fields = appInfoFields(appInfo);
  const appDId = stringField(appInfo, 'appDId', 'appInfo', { maxLength: 256 });
  const instances = appInfo.userAppInstanceInfo;
  if (!Array.isArray(instances) || instances.length === 0)
    throw new HttpProblem(400, 'appInfo.userAppInstanceInfo must be an array of at least one item');
  if (instances.length > 16) throw new HttpProblem(400, 'appInfo.userAppInstanceInfo has more than 16 items');
  instances.forEach((item, i) => asObject(item, `appInfo.userAppInstanceInfo[${i}]`));
  return { body: o, appInfo, contextId, associateDevAppId, callbackReference, appDId, ...fields };
}

/** The listed application an AppContext names: by appDId if given, else by name, provider (and version). */
function requestedApp(proxy: UeAppLcmProxy, request: DevAppContext): AppInfo | undefined {
  const app =
    request.appDId !== ''
      ? proxy.apps().find((a) => appDId(a) === request.appDId)
      : proxy.findApp(request.appName, request.appProvider, request.appSoftVersion);
  if (app === undefined || app.appName !== request.appName || app.appProvider !== request.appProvider)
    return undefined;
  return app;
}

/** The AppContext of a created context: the request, with its id, appDId and user application instance. */
function contextResponse(request: DevAppContext, context: Readonly<AppContextEntry>): unknown {
  const appInfo = { ...request.appInfo };
  delete appInfo.userAppInstanceInfo;
  return {
    ...request.body,
    contextId: context.contextId,
    appInfo: {
      ...appInfo,
      appDId: appDId(context.app),
      userAppInstanceInfo: [
        { appInstanceId: context.endpoint, referenceURI: toReferenceUri(context.endpoint) },
      ],
    },
  };
}

/** `POST obtain_app_loc_availability`: a listed application is available without location constraints. */
function locationAvailability(proxy: UeAppLcmProxy, body: unknown): unknown {
  const o = asObject(body, 'ApplicationLocationAvailability');
  stringField(o, 'associateDevAppId', '', { required: true, maxLength: MAX_ID_LENGTH });
  if (o.appInfo === undefined) throw new HttpProblem(400, 'Missing appInfo');
  const info = asObject(o.appInfo, 'appInfo');
  const fields = appInfoFields(info);
  if (proxy.findApp(fields.appName, fields.appProvider, fields.appSoftVersion) === undefined)
    throw new HttpProblem(403, `Application ${fields.appName} of ${fields.appProvider} is not available`);
  return { ...o, appInfo: { ...info, availableLocations: [] } };
}

/** Serves `POST app_contexts`. */
async function createContext(
  proxy: UeAppLcmProxy,
  req: IncomingMessage,
  res: ServerResponse,
  clientAddress: string,
  maxBodyBytes: number,
  contextsUrl: string,
): Promise<void> {
  const request = parseAppContext(await readJsonBody(req, maxBodyBytes));
  if (request.contextId !== '') throw new HttpProblem(400, 'contextId must not be given in a create request');
  const app = requestedApp(proxy, request);
  if (app === undefined && request.appPackageSource !== '')
    throw new HttpProblem(403, 'On-boarding of application packages is not supported by this MEC system');
  const context =
    app === undefined
      ? undefined
      : proxy.createContext({
          ueAppId: request.associateDevAppId,
          callbackReference: request.callbackReference,
          clientAddress,
          app,
          api: 'dev_app',
        });
  if (context === undefined) throw new HttpProblem(403, CANNOT_CREATE_CONTEXT);
  sendJson(res, 201, contextResponse(request, context), 'application/json', {
    location: `${contextsUrl}/${context.contextId}`,
  });
}

/** Serves `PUT app_contexts/{contextId}`: only the callback reference changes. */
async function updateContext(
  proxy: UeAppLcmProxy,
  req: IncomingMessage,
  res: ServerResponse,
  contextId: string,
  maxBodyBytes: number,
): Promise<void> {
  const request = parseAppContext(await readJsonBody(req, maxBodyBytes));
  const context = proxy.context(contextId);
  if (context === undefined) throw new HttpProblem(404, `Unknown application context ${contextId}`);
  if (request.contextId !== '' && request.contextId !== contextId)
    throw new HttpProblem(400, 'contextId of the body differs from the one of the URI');
  if (request.associateDevAppId !== context.ueAppId)
    throw new HttpProblem(403, 'associateDevAppId differs from the one of the application context');
  proxy.updateCallback(contextId, request.callbackReference);
  sendNoContent(res);
}

/**
 * Serves one request of the GS MEC 016 v2.2.1 device application interface: `path` is the part after
 * `/dev_app/v1/`. Errors answer RFC 7807 problem details (`application/problem+json`).
 */
export async function serveDevApp(
  proxy: UeAppLcmProxy,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
  clientAddress: string,
  maxBodyBytes: number,
): Promise<void> {
  const method = req.method ?? '';
  const contextsUrl = `${url.origin}${url.pathname.slice(0, url.pathname.length - path.length)}app_contexts`;
  if (path === 'app_list' && method === 'GET') {
    sendJson(res, 200, appList(proxy, url.searchParams));
  } else if (path === 'app_contexts' && method === 'POST') {
    await createContext(proxy, req, res, clientAddress, maxBodyBytes, contextsUrl);
  } else if (path.startsWith('app_contexts/') && !path.slice(13).includes('/')) {
    const contextId = decodeURIComponent(path.slice('app_contexts/'.length));
    if (method === 'PUT') {
      await updateContext(proxy, req, res, contextId, maxBodyBytes);
    } else if (method === 'DELETE') {
      if (!proxy.deleteContext(contextId))
        throw new HttpProblem(404, `Unknown application context ${contextId}`);
      sendNoContent(res);
    } else {
      sendProblem(res, 404, `No ${method} on app_contexts/{contextId}`);
    }
  } else if (path === 'obtain_app_loc_availability' && method === 'POST') {
    sendJson(res, 200, locationAvailability(proxy, await readJsonBody(req, maxBodyBytes)));
  } else {
    sendProblem(res, 404, 'Resource not found');
  }
}
