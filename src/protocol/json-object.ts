/** The JSON object in `text`, or an error saying it is not one (`Invalid JSON content for <what>: ...`). */
export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`Invalid JSON content for ${what}: ${(err as Error).message}`, { cause: err });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`Invalid JSON content for ${what}: not an object`);
  }
  return json as Record<string, unknown>;
}
