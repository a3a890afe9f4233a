/**
 * The live topology as the controller knows it: the controller on top, its brokers (routers and
 * dispatchers) below, the computers with their lambdas and load at the bottom; a solid line from a broker
 * to a computer it reaches directly, a dashed one to a computer it reaches through another broker.
 */
import type { TopologyView } from '../../src/controller/topology-view.js';
import { formatLive } from './LiveChart.js';

/** Props of {@link EdgeTopology}. */
export interface EdgeTopologyProps {
  /** Where the controller's REST view is (its label). */
  controller: string;
  topology: TopologyView;
  /** Latest load1 by computer endpoint. */
  loads: ReadonlyMap<string, number>;
}

const WIDTH = 900;
const NODE_W = 200;
const ROWS = { controller: 40, brokers: 150, computers: 290 };

/** x centres of `n` nodes spread over the width. */
function spread(n: number): number[] {
  return Array.from({ length: n }, (_, i) => ((i + 0.5) * WIDTH) / n);
}

/** Renders the topology as an SVG graph. */
export function EdgeTopology({ controller, topology, loads }: EdgeTopologyProps) {
  const brokerX = spread(topology.routers.length);
  const computerX = spread(topology.computers.length);
  const computerIndex = new Map(topology.computers.map((c, i) => [c.endpoint, i]));
  const maxLambdas = topology.computers.reduce((m, c) => Math.max(m, c.lambdas.length), 0);
  const height = ROWS.computers + 62 + 16 * maxLambdas;
  return (
    <div class="card" data-testid="edge-topology">
      <h2>Topology</h2>
      <p class="muted">
        {topology.computers.length} computers, {topology.routers.length} brokers, {topology.lambdas.length}{' '}
        lambdas ({topology.installerType} installer). Solid: the broker reaches the computer directly; dashed:
        through another broker.
      </p>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} class="edge-topology" role="img" aria-label="edge topology">
        {topology.routers.map((r, i) => (
          <line
            key={`c-${r.lambdaEndpoint}`}
            x1={WIDTH / 2}
            y1={ROWS.controller + 22}
            x2={brokerX[i]}
            y2={ROWS.brokers - 22}
            class="edge-link-control"
          />
        ))}
        {topology.routers.flatMap((r, i) =>
          r.reaches.map((reach) => {
            const j = computerIndex.get(reach.computer);
            if (j === undefined) return null;
            return (
              <line
                key={`r-${r.lambdaEndpoint}-${reach.computer}-${reach.via ?? ''}`}
                x1={brokerX[i]}
                y1={ROWS.brokers + 22}
                x2={computerX[j]}
                y2={ROWS.computers - 22}
                class={reach.via === null ? 'edge-link' : 'edge-link edge-link-via'}
                data-testid="edge-reach"
                data-broker={r.lambdaEndpoint}
                data-computer={reach.computer}
              >
                <title>
                  {r.lambdaEndpoint} → {reach.computer}: {reach.lambdas.join(', ')}
                  {reach.via === null ? '' : ` via ${reach.via}`}
                </title>
              </line>
            );
          }),
        )}
        <g
          data-testid="edge-controller"
          transform={`translate(${WIDTH / 2 - NODE_W / 2}, ${ROWS.controller - 22})`}
        >
          <rect width={NODE_W} height={44} rx={8} class="edge-node edge-node-controller" />
          <text x={NODE_W / 2} y={18} class="edge-node-title">
            controller
          </text>
          <text x={NODE_W / 2} y={34} class="edge-node-sub">
            REST view {controller.replace(/^https?:\/\//, '')}
          </text>
        </g>
        {topology.routers.map((r, i) => (
          <g
            key={r.lambdaEndpoint}
            data-testid="edge-broker"
            data-endpoint={r.lambdaEndpoint}
            transform={`translate(${brokerX[i]! - NODE_W / 2}, ${ROWS.brokers - 22})`}
          >
            <rect width={NODE_W} height={44} rx={8} class="edge-node edge-node-broker" />
            <text x={NODE_W / 2} y={18} class="edge-node-title">
              broker {r.lambdaEndpoint}
            </text>
            <text x={NODE_W / 2} y={34} class="edge-node-sub">
              tables on {r.forwardingEndpoint}
            </text>
          </g>
        ))}
        {topology.computers.map((c, i) => {
          const load = loads.get(c.endpoint);
          return (
            <g
              key={c.endpoint}
              data-testid="edge-computer"
              data-endpoint={c.endpoint}
              transform={`translate(${computerX[i]! - NODE_W / 2}, ${ROWS.computers - 22})`}
            >
              <rect
                width={NODE_W}
                height={44 + 16 * c.lambdas.length}
                rx={8}
                class="edge-node edge-node-computer"
              />
              <text x={NODE_W / 2} y={18} class="edge-node-title">
                computer {c.endpoint}
              </text>
              <text x={NODE_W / 2} y={34} class="edge-node-sub">
                load1 {load === undefined ? '–' : formatLive(load)}
              </text>
              {c.lambdas.map((l, k) => (
                <text
                  key={l}
                  x={NODE_W / 2}
                  y={52 + 16 * k}
                  class="edge-node-lambda"
                  data-testid="edge-lambda"
                >
                  λ {l}
                </text>
              ))}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
