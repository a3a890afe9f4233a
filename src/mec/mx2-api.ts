import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_APP_DESCRIPTION_LENGTH, MAX_APP_FIELD_LENGTH, type AppInfo } from './app-info.js';
import { asObject, readJsonBody, stringField } from './http-body.js';
import { CANNOT_CREATE_CONTEXT, HttpProblem, sendJson, sendNoContent } from './problem-details.js';
import type { UeAppLcmProxy } from './ue-app-lcm-proxy.js';

/** Path prefix of the original's Mx2 API (GS MEC 016 v1.1.1 field names) under the API root. */
export const MX2_PREFIX = '/mx2/v1/';

/** An AppInfo in the Mx2 list form: empty optional strings omitted. */
function appInfoJson(app: AppInfo): Record<string, unknown> {
  return {
    appName: app.appName,
    appProvider: app.appProvider,
    ...(app.appSoftVersion !== '' ? { appSoftVersion: app.appSoftVersion } : {}),
    ...(app.appDescription !== '' ? { appDescription: app.appDescription } : {}),
    appCharcs: { ...app.appCharcs },
  };
}

/** A Mx2 AppContext request, checked: the fields the proxy uses, and the appInfo to echo. */
interface Mx2AppContext {
  associateUeAppId: string;
  callbackReference: string;
  appName: string;
  appProvider: string;
  appSoftVersion: string;
  appDescription: string;
  appPackageSource: string;
}

/** Parses a Mx2 AppContext (400 naming the field when malformed). */
function parseAppContext(body: unknown): Mx2AppContext {
  const o = asObject(body, 'AppContext');
  const where = 'Invalid AppContext: ';
  try {
    if (o.contextId !== undefined) stringField(o, 'contextId', '', { required: true });
    const associateUeAppId = stringField(o, 'associateUeAppId', '', { required: true, maxLength: 256 });
    const callbackReference = stringField(o, 'callbackReference', '', { maxLength: 2048 });
    if (o.appInfo === undefined) throw new HttpProblem(400, 'missing appInfo');
    const info = asObject(o.appInfo, 'appInfo');
    const limit = { maxLength: MAX_APP_FIELD_LENGTH };
    return {
      associateUeAppId,
      callbackReference,
      appName: stringField(info, 'appName', 'appInfo', { required: true, ...limit }),
      appProvider: stringField(info, 'appProvider', 'appInfo', { required: true, ...limit }),
      appSoftVersion: stringField(info, 'appSoftVersion', 'appInfo', limit),
      appDescription: stringField(info, 'appDescription', 'appInfo', {
        maxLength: MAX_APP_DESCRIPTION_LENGTH,
      }),
      appPackageSource: stringField(info, 'appPackageSource', 'appInfo', { maxLength: 2048 }),
    };
  } catch (err) {
    if (err instanceof HttpProblem) throw new HttpProblem(400, where + err.message);
    throw err;
  }
}

/** The 201 answer: the request, with the context id and the associated end-point as `referenceURI`. */
function contextResponse(request: Mx2AppContext, contextId: string, endpoint: string): unknown {
  return {
    contextId,
    associateUeAppId: request.associateUeAppId,
    ...(request.callbackReference !== '' ? { callbackReference: request.callbackReference } : {}),
    appInfo: {
      appName: request.appName,
      appProvider: request.appProvider,
      ...(request.appSoftVersion !== '' ? { appSoftVersion: request.appSoftVersion } : {}),
      ...(request.appDescription !== '' ? { appDescription: request.appDescription } : {}),
      referenceURI: endpoint,
    },
  };
}

/** Answers 403 with the original's problem details (not wrapped, as the original). */
function forbidden(res: ServerResponse, detail: string): void {
  sendJson(res, 403, { status: 403, detail });
}

/** Answers an unmatched route as the original: 404 with `{"ProblemDetails": {...}}`. */
export function mx2NotFound(res: ServerResponse): void {
  sendJson(res, 404, { ProblemDetails: { status: 404, detail: 'Resource not found' } });
}

/**
 * Serves one request of the Mx2 API (spec §9.1): `path` is the part after `/mx2/v1/`. Handler errors
 * answer 400 with problem details.
 */
export async function serveMx2(
  proxy: UeAppLcmProxy,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  clientAddress: string,
  maxBodyBytes: number,
): Promise<void> {
  const method = req.method ?? '';
  if (path === 'app_list' && method === 'GET') {
    sendJson(res, 200, { ApplicationList: { appInfo: proxy.apps().map(appInfoJson) } });
  } else if (path === 'app_contexts' && method === 'POST') {
    const request = parseAppContext(await readJsonBody(req, maxBodyBytes));
    const app = proxy.findApp(request.appName, request.appProvider, request.appSoftVersion);
    const created =
      app === undefined
        ? undefined
        : proxy.createContext({
            ueAppId: request.associateUeAppId,
            callbackReference: request.callbackReference,
            clientAddress,
            app,
            api: 'mx2',
          });
    if (created === undefined) forbidden(res, CANNOT_CREATE_CONTEXT);
    else sendJson(res, 201, contextResponse(request, created.contextId, created.endpoint));
  } else if (path.startsWith('app_contexts/') && method === 'PUT') {
    const request = parseAppContext(await readJsonBody(req, maxBodyBytes));
    const context = proxy.contextOfUeApp(request.associateUeAppId);
    if (context === undefined || !proxy.updateCallback(context.contextId, request.callbackReference))
      forbidden(res, 'Unknown or invalid UE application context');
    else sendNoContent(res);
  } else if (path.startsWith('app_contexts/') && method === 'DELETE') {
    const contextId = decodeURIComponent(path.slice('app_contexts/'.length));
    if (proxy.deleteContext(contextId)) sendNoContent(res);
    else forbidden(res, 'Unknown UE application context');
  } else {
    mx2NotFound(res);
  }
}
