import { randomUUID } from 'node:crypto';

/** OpenWhisk's error texts (common/.../http/ErrorResponse.scala, Messages.scala). */
export const WSK_TEXTS = {
  notFound: 'The requested resource does not exist.',
  noAuth: 'The resource requires authentication, which was not supplied with the request.',
  badAuth: 'The supplied authentication is invalid.',
  forbidden: 'The supplied authentication is not authorized to access this resource.',
  exists: 'resource already exists',
  malformed: 'The request content was malformed:',
  methodNotAllowed: 'Method not allowed.',
} as const;

/** The text of a 413: OpenWhisk's `The request content was too large (bytes=N, allowed=M).` */
export function tooLargeText(bytes: number, allowed: number): string {
  return `The request content was too large (bytes=${bytes}, allowed=${allowed}).`;
}

/**
 * An OpenWhisk id: 32 hex digits (a random UUID without its dashes), for activations and transactions;
 * randomUUID draws from Node's cached entropy, not a system call per id.
 */
export function wskId(): string {
  return randomUUID().replaceAll('-', '');
}

/** An HTTP failure with OpenWhisk's error body `{"error": <message>, "code": <transaction id>}`. */
export class WskHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  /** The body OpenWhisk sends. */
  body(): { error: string; code: string } {
    return { error: this.message, code: wskId() };
  }
}
