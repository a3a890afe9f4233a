/**
 * The selection policy and weight optimizer `soe up` gives a router whose topology sets neither: the pair
 * that the lab finds closest to the oracles at every load of every scenario (docs/evaluation.md, issue 20).
 * `soe router` itself keeps the original's defaults (`type=random`, `type=trivial,period=10,stat=mean`),
 * which a topology gets back by naming them.
 */
export const UP_ROUTER_DEFAULTS = [
  '--table-conf',
  'type=shortest-expected-delay',
  '--optimizer-conf',
  'type=delay-per-request',
] as const;

/** A router's command-line arguments with {@link UP_ROUTER_DEFAULTS} added if they set neither option. */
export function withRouterDefaults(args: readonly string[]): string[] {
  if (args.includes('--table-conf') || args.includes('--optimizer-conf')) return [...args];
  return [...args, ...UP_ROUTER_DEFAULTS];
}
