import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { logger } from '../support/logger.js';
import { toReferenceUri } from './reference-uri.js';
import type { AppContextEntry, ContextNotifier, NotificationKind } from './ue-app-lcm-proxy.js';

const log = logger('mec');

/**
 * The notification a context's device gets when its end-point changes, in the flavour of its API, or
 * (GS MEC 016 only) when the MEC system deleted its context.
 */
export function notificationBody(
  context: Readonly<AppContextEntry>,
  kind: NotificationKind = 'update',
): unknown {
  if (context.api === 'mx2') return { referenceURI: context.endpoint };
  if (kind === 'delete')
    return { notificationType: 'ApplicationContextDeleteNotification', contextId: context.contextId };
  return {
    notificationType: 'ApplicationContextUpdateNotification',
    contextId: context.contextId,
    userAppInstanceInfo: [
      { appInstanceId: context.endpoint, referenceURI: toReferenceUri(context.endpoint) },
    ],
  };
}

/** The URL of a callback reference if it is an http(s) URL, else undefined. */
export function callbackUrl(callbackReference: string): URL | undefined {
  try {
    const url = new URL(callbackReference);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** POSTs a JSON body; resolves with the status, rejects on a network error or after `timeoutMs`. */
export function postJson(url: URL, body: unknown, timeoutMs: number, localAddress?: string): Promise<number> {
  const text = JSON.stringify(body);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
        timeout: timeoutMs,
        ...(localAddress !== undefined ? { localAddress } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(text);
  });
}

/**
 * The notifier of the proxy: POSTs the notification to the context's callback reference and expects
 * 204 within `timeoutMs`. A callback reference that is not an http(s) URL is skipped (the context is kept).
 */
export function httpNotifier(timeoutMs: number): ContextNotifier {
  return async (context, kind = 'update') => {
    const url = callbackUrl(context.callbackReference);
    if (url === undefined) {
      log.warn(`invalid callback reference ${context.callbackReference}: skipping notification`);
      return true;
    }
    const status = await postJson(url, notificationBody(context, kind), timeoutMs);
    if (status !== 204) log.warn(`notification to ${context.callbackReference} answered ${status}`);
    return status === 204;
  };
}
