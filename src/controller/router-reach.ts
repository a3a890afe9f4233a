/** What a router reaches; this module uses no Node API, so the web GUI imports it. */

/**
 * What one router can reach, as its installer programmed it: the lambdas of one computer, either
 * directly (a final route) or relayed through another router (`via`, that router's lambda end-point).
 */
export interface RouterReach {
  /** The computer's lambda end-point. */
  computer: string;
  /** The lambdas of that computer the router routes to it, sorted. */
  lambdas: string[];
  /** Null: a final route to the computer; else the lambda end-point of the router relaying to it. */
  via: string | null;
}
