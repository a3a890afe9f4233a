/** TEST SUPPORT ONLY: shipped topologies moved onto free ports, so that tests can run them side by side. */
import { freeEndpoint } from './ports.js';

/** Replaces every `127.0.0.x:port` string of a parsed YAML document with a free end-point on the same host. */
export async function withFreePorts(node: unknown, map: Map<string, string>): Promise<unknown> {
  if (typeof node === 'string' && /^127\.0\.0\.\d+:\d+$/.test(node)) {
    if (!map.has(node)) map.set(node, await freeEndpoint(node.slice(0, node.indexOf(':'))));
    return map.get(node);
  }
  if (Array.isArray(node)) {
    const items: unknown[] = [];
    for (const item of node) items.push(await withFreePorts(item, map));
    return items;
  }
  if (typeof node === 'object' && node !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = await withFreePorts(value, map);
    return out;
  }
  return node;
}
