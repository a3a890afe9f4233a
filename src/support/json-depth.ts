/** The nesting depth of decoded JSON, walked iteratively (a deep document cannot overflow the stack). */

/** Whether `value` nests objects and arrays more than `max` levels deep (a scalar is 0 levels). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (max < 1) return true;
  const stack: object[] = [value];
  const depths: number[] = [1];
  // Pushes a child container one level below `depth`; false when that is past `max`.
  const visit = (child: unknown, depth: number): boolean => {
    if (typeof child !== 'object' || child === null) return true;
    if (depth >= max) return false;
    stack.push(child);
    depths.push(depth + 1);
    return true;
  };
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown> | unknown[];
    const depth = depths.pop() as number;
    if (Array.isArray(node)) {
      for (const child of node) if (!visit(child, depth)) return true;
    } else {
      for (const key in node) if (!visit(node[key], depth)) return true;
    }
  }
  return false;
}
