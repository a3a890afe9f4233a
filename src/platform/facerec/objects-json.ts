/** A detected object's rectangle, in pixels of the input image. */
export interface ObjectRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A number as nlohmann::json prints a double: shortest round-trip digits, `.0` on whole numbers. */
export function jsonDouble(v: number): string {
  const s = String(v);
  return Number.isInteger(v) && !s.includes('e') ? `${s}.0` : s;
}

/**
 * The output of the original's face and eye lambdas: `{"objects":[{"h":…,"w":…,"x":…,"y":…}]}` with
 * every number a double (`177.0`) and the keys sorted, as nlohmann::json prints it.
 */
export function objectsJson(rects: readonly ObjectRect[]): string {
  const items = rects.map(
    (r) => `{"h":${jsonDouble(r.h)},"w":${jsonDouble(r.w)},"x":${jsonDouble(r.x)},"y":${jsonDouble(r.y)}}`,
  );
  return `{"objects":[${items.join(',')}]}`;
}
