/**
 * Gnocchi's HTTP conventions: the error envelope `{"code","title","description"}` (or webob's HTML page
 * for clients that do not ask for JSON), request body decoding (415 / 400 "Unable to decode body"),
 * Accept negotiation (406), absolute `Location`/`Link` URLs and Python-style JSON replies.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TimeseriesError, type ErrorDescription } from '../errors.js';
import { apiSettings } from './api-settings.js';
import { pyJson } from './json.js';
import { forwardedOrigin } from './proxy-headers.js';
import { checkJsonLimits } from './json-limits.js';

/** Gnocchi's HTTP reason phrase for a status (`title` of the envelope). */
export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown';
}

/** The JSON error envelope of Gnocchi. */
export interface ErrorEnvelope {
  code: number;
  title: string;
  description: ErrorDescription | null;
}

/** Builds the envelope for a status and description. */
export function envelope(status: number, description: ErrorDescription | null): ErrorEnvelope {
  return { code: status, title: reasonPhrase(status), description };
}

/** webob's explanation line of each status, shown in the HTML error page. */
const EXPLANATIONS: Record<number, string> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  401:
    'This server could not verify that you are authorized to access the document you requested. Either you ' +
    'supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply ' +
    'the credentials required.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  405: 'The method is not allowed for this resource.',
  406: 'The resource could not be generated that was acceptable to your browser.',
  409: 'There was a conflict when trying to complete your request.',
  412: 'Condition failed.',
  413: 'The request is larger than the server is willing or able to process.',
  415: 'The request media type is not supported by this server.',
  500: 'The server has either erred or is incapable of performing the requested operation.',
  503: 'The server is currently unavailable. Please try again at a later time.',
};

function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const escaped = value.replace(/\\/g, '\\\\').replace(quote === "'" ? /'/g : /"/g, `\\${quote}`);
    return `${quote}${escaped}${quote}`;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  }
  return typeof value === 'bigint' ? value.toString() : 'None';
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An error description as webob's pages print it: a string as is, a dict as Python repr, none as ''. */
function descriptionText(description: ErrorDescription | null): string {
  if (description === null || description === '') return '';
  return typeof description === 'string' ? description : pyRepr(description);
}

/**
 * webob's plain-text error page (for a request without Accept, or one accepting neither HTML nor JSON):
 * `<status>\n\n<explanation>\n\n <description>  `, the description (a dict as Python repr) unescaped
 * with its line breaks as spaces, as webob's strip_tags leaves it.
 */
export function plainErrorPage(status: number, description: ErrorDescription | null): string {
  const detail = descriptionText(description);
  const flat = (text: string): string => text.replace(/\n/g, ' ').replace(/\r/g, '');
  const explanation = EXPLANATIONS[status] ?? '';
  return `${status} ${reasonPhrase(status)}\n\n${flat(explanation)}\n\n ${flat(detail)}  `;
}

/** Whether webob would answer an error as HTML: an Accept header with a range matching text/html. */
function acceptsHtmlError(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  if (accept === undefined) return false;
  return parseAccept(accept).some(
    (r) => r.q > 0 && (r.type === 'text/html' || r.type === 'text/*' || r.type === '*/*'),
  );
}

/** webob's HTML error page, with the description (a dict as Python repr) HTML-escaped inside. */
export function htmlErrorPage(status: number, description: ErrorDescription | null): string {
  const title = `${status} ${reasonPhrase(status)}`;
  const detail = descriptionText(description);
  const explanation = EXPLANATIONS[status] ?? '';
  return (
    `<html>\n <head>\n  <title>${title}</title>\n </head>\n <body>\n  <h1>${title}</h1>\n` +
    `  ${explanation}<br /><br />\n${escapeHtml(detail)}\n\n\n </body>\n</html>`
  );
}

interface MediaRange {
  type: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      const quality = q === undefined ? 1 : Number(q.slice(2));
      return { type, q: Number.isNaN(quality) ? 1 : quality };
    })
    .filter((r) => r.type !== '');
}

/** Whether the request's Accept header explicitly asks for JSON (then errors come as the JSON envelope). */
export function prefersJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  if (accept === undefined) return false;
  return parseAccept(accept).some(
    (r) => r.q > 0 && (r.type === 'application/json' || r.type === 'application/*'),
  );
}

/** Whether the Accept header ranks text/html above JSON (a browser navigating), as opposed to API clients. */
export function prefersHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  if (accept === undefined) return false;
  let html = 0;
  let json = 0;
  for (const { type, q } of parseAccept(accept)) {
    if (type === 'text/html' || type === 'application/xhtml+xml') html = Math.max(html, q);
    if (type === 'application/json') json = Math.max(json, q);
  }
  return html > 0 && html > json;
}

/** Whether a JSON body can be served: no Accept header, or one range that matches application/json. */
export function acceptsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  if (accept === undefined || accept.trim() === '') return true;
  return parseAccept(accept).some(
    (r) => r.q > 0 && (r.type === 'application/json' || r.type === 'application/*' || r.type === '*/*'),
  );
}

/**
 * Sends a Gnocchi error: JSON envelope if the client asked for JSON, else webob's HTML page if its Accept
 * matches text/html, else webob's plain-text page (no Accept header) (406 always has a null description).
 */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  description: ErrorDescription | null,
): FastifyReply {
  reply.code(status);
  if (prefersJson(request)) {
    const shown = status === 406 ? null : description;
    return reply.type('application/json').send(Buffer.from(pyJson(envelope(status, shown))));
  }
  if (!acceptsHtmlError(request)) {
    return reply.type('text/plain; charset=UTF-8').send(Buffer.from(plainErrorPage(status, description)));
  }
  return reply.type('text/html; charset=UTF-8').send(Buffer.from(htmlErrorPage(status, description)));
}

/** Sends a JSON body (Python-style serialization) with a status, as `Content-Type: application/json` (no charset, as Gnocchi). */
export function sendJson(reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  return reply
    .code(status)
    .type('application/json')
    .send(Buffer.from(pyJson(body)));
}

/** 202 with an empty body, still `Content-Type: application/json` as Gnocchi does. */
export function sendAccepted(reply: FastifyReply): FastifyReply {
  return reply.code(202).type('application/json').send(Buffer.alloc(0));
}

/** 204 with no body. */
export function sendNoContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}

/** The media type of the request body (lowercase, no parameters), or undefined. */
export function contentMediaType(request: FastifyRequest): string | undefined {
  const header = request.headers['content-type'];
  if (header === undefined) return undefined;
  return header.split(';')[0]?.trim().toLowerCase();
}

/** The raw body bytes as read by the catch-all content parser (empty when there is none). */
export function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/** Whether the request carries a non-empty body. */
export function hasBody(request: FastifyRequest): boolean {
  return rawBody(request).length > 0;
}

/**
 * Gnocchi's `deserialize()`: the Content-Type must be one of `expected` (else 415), then the body must
 * decode as JSON (else 400 `{"cause": "Unable to decode body", "reason", "detail": []}`, the reason
 * `Expected object or value` for an empty body, as ujson says), nest at most 100
 * levels and hold no NUL (see json-limits.ts).
 */
export function readJson(
  request: FastifyRequest,
  expected: readonly string[] = ['application/json'],
): unknown {
  const type = contentMediaType(request);
  if (type === undefined || !expected.includes(type)) throw new TimeseriesError(415, '');
  const raw = rawBody(request);
  if (raw.toString('utf8').trim() === '') {
    // ujson's words (Gnocchi decodes with it) for a body with nothing in it.
    throw new TimeseriesError(400, {
      cause: 'Unable to decode body',
      reason: 'Expected object or value',
      detail: [],
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8')) as unknown;
  } catch (e) {
    throw new TimeseriesError(400, {
      cause: 'Unable to decode body',
      reason: e instanceof Error ? e.message : String(e),
      detail: [],
    });
  }
  checkJsonLimits(value, raw);
  return value;
}

/**
 * `scheme://host` of the request as seen by the client (with `enableProxyHeaders`, what `Forwarded` or
 * `X-Forwarded-*` say, and the `X-Forwarded-Prefix` path).
 */
export function baseUrl(request: FastifyRequest): string {
  const host = request.headers.host ?? `${request.hostname}`;
  if (!apiSettings(request).proxyHeaders) return `${request.protocol}://${host}`;
  const forwarded = forwardedOrigin(request.headers);
  return `${forwarded.proto ?? request.protocol}://${forwarded.host ?? host}${forwarded.prefix ?? ''}`;
}

/** Percent-encodes a path like Python's `urllib.parse.quote` (keeps `/` and unreserved characters). */
export function quotePath(path: string): string {
  return path
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
}

/** Sets the absolute `Location` header of a created item (path relative to the server root). */
export function setLocation(request: FastifyRequest, reply: FastifyReply, path: string): void {
  reply.header('Location', `${baseUrl(request)}${quotePath(path)}`);
}

/** The request path without its query string. */
export function requestPath(request: FastifyRequest): string {
  const url = request.raw.url ?? request.url;
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
