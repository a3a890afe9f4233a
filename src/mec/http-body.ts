import type { IncomingMessage } from 'node:http';
import { HttpProblem } from './problem-details.js';

/**
 * Reads a request body of at most `maxBytes` and parses it as JSON; fails with a 400 {@link HttpProblem}
 * naming the problem (too large, empty, malformed). A body over the bound is not read further.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new HttpProblem(400, `Request body larger than ${maxBytes} bytes`, true);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpProblem(400, `Request body larger than ${maxBytes} bytes`, true);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpProblem(400, 'Empty request body: a JSON object is required');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpProblem(400, `Malformed JSON: ${(err as Error).message}`);
  }
}

/** A JSON object (not null, not an array), or a 400 naming `what`. */
export function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new HttpProblem(400, `${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** A string field: required ones must be present and non-empty; every one within `maxLength` if given. */
export function stringField(
  object: Record<string, unknown>,
  field: string,
  where: string,
  options: { required?: boolean; maxLength?: number } = {},
): string {
  const value = object[field];
  const name = where === '' ? field : `${where}.${field}`;
  if (value === undefined || value === null) {
    if (options.required === true) throw new HttpProblem(400, `Missing ${name}`);
    return '';
  }
  if (typeof value !== 'string') throw new HttpProblem(400, `${name} must be a string`);
  if (options.required === true && value === '') throw new HttpProblem(400, `${name} is empty`);
  if (options.maxLength !== undefined && value.length > options.maxLength)
    throw new HttpProblem(400, `${name} is longer than ${options.maxLength} characters`);
  return value;
}
