/**
 * A router's forwarding tables as the controller's REST view serves them (`GET /v1/forwarding-tables`);
 * this module uses no Node API, so the web GUI imports its types.
 */

/** One row of a forwarding table (GetTable's entry). */
export interface RouterTableRow {
  lambda: string;
  destination: string;
  /** The float32 weight. */
  weight: number;
  /** The destination is a computer. */
  final: boolean;
}

/** One router's forwarding tables as read, or why they could not be. */
export interface RouterTables {
  lambdaEndpoint: string;
  forwardingEndpoint: string;
  /** Each table's rows, sorted by lambda then destination (empty when `error` is set). */
  tables: RouterTableRow[][];
  /** What `forwardingtableclient --server <forwardingEndpoint>` prints (`Table#<i>` then the rows). */
  dump: string;
  /** Why the tables could not be read (`cannot connect to <ep>: connection refused`, a deadline, ...). */
  error?: string;
}

/** The body of `GET /v1/forwarding-tables`. */
export interface ForwardingTablesView {
  routers: RouterTables[];
}
