/**
 * Each router's forwarding tables as `forwardingtableclient` prints them (`Table#<i>`, then per row the
 * lambda, the weight as C++ `%g` of the float32, the destination and `(F)` for a computer), as tables.
 */
import type { RouterTables } from '../../src/controller/router-tables.js';
import { formatG } from '../../src/support/number-format.js';

/** Props of {@link ForwardingTables}. */
export interface ForwardingTablesProps {
  routers: RouterTables[];
}

/** Renders one card with every router's tables. */
export function ForwardingTables({ routers }: ForwardingTablesProps) {
  return (
    <div class="card" data-testid="forwarding-tables">
      <h2>Forwarding tables</h2>
      {routers.length === 0 && <p class="muted">The controller knows no broker.</p>}
      {routers.map((r) => (
        <section key={r.forwardingEndpoint} data-testid="router-tables" data-endpoint={r.forwardingEndpoint}>
          <h3>
            Broker {r.lambdaEndpoint} <span class="muted">(tables on {r.forwardingEndpoint})</span>
          </h3>
          {r.error !== undefined && <p class="error">{r.error}</p>}
          <div class="edge-tables">
            {r.tables.map((rows, i) => (
              <table key={i} class="edge-table" data-testid="forwarding-table" data-index={i}>
                <caption>Table#{i}</caption>
                <thead>
                  <tr>
                    <th>lambda</th>
                    <th>weight</th>
                    <th>destination</th>
                    <th>final</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={`${row.lambda}\n${row.destination}`}>
                      <td>{row.lambda}</td>
                      <td class="num">{formatG(Math.fround(row.weight))}</td>
                      <td>{row.destination}</td>
                      <td>{row.final ? '(F)' : ''}</td>
                    </tr>
                  ))}
                  {rows.length === 0 && (
                    <tr>
                      <td colSpan={4} class="muted">
                        empty
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}
