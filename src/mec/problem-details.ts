import { STATUS_CODES, type ServerResponse } from 'node:http';

/** RFC 7807 problem details, as GS MEC 016 defines them (every member optional). */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
}

/** Detail of the 403 answer to a context creation the MEC system cannot grant (the original's text). */
export const CANNOT_CREATE_CONTEXT =
  'Could not create the requested UE application context because of the current status of the mobile edge system';

/** An error a handler throws to answer with a status and a detail. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    detail: string,
    /** Close the connection after answering (the rest of the request body is not read). */
    readonly closeConnection = false,
  ) {
    super(detail);
  }
}

/** Writes a JSON body with a status and content type. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Answers 204 No Content. */
export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

/** Answers with RFC 7807 problem details (`application/problem+json`, with type and title). */
export function sendProblem(res: ServerResponse, status: number, detail: string): void {
  const body: ProblemDetails = {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
  };
  sendJson(res, status, body, 'application/problem+json');
}
