/** One forwarding-table route: requests for `lambda` may go to `destination` at impedance `weight`. */
export interface RouteEntry {
  lambda: string;
  /** The e-computer (final) or e-router (not final) the requests go to. */
  destination: string;
  /** Impedance of the route; controllers install 1. */
  weight: number;
  /** True if `destination` is an e-computer, which executes the lambda. */
  final: boolean;
}

/**
 * How the controller programs the forwarding tables of e-routers, each addressed by its
 * forwarding-table end-point. Every method rejects if the router cannot be reached (or fails in
 * the middle of the operation): the caller then considers the router gone.
 */
export interface RouterInstaller {
  /** Adds or updates the routes, in order. */
  change(forwardingEndpoint: string, entries: readonly RouteEntry[]): Promise<void>;
  /** Removes the routes of `lambdas` towards `destination`. */
  remove(forwardingEndpoint: string, destination: string, lambdas: readonly string[]): Promise<void>;
  /** Empties the router's tables. */
  flush(forwardingEndpoint: string): Promise<void>;
}
