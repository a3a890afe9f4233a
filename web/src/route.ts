/**
 * Hash routing: `#/` is the overview, `#/region/region-3` an area's page; `?field=…&day=YYYY-MM-DD` carries
 * the chosen field and day on both, so every view can be linked. `#/edge?controller=<URL>` is the live Edge
 * dashboard reading the controller's REST view at that URL (`soe controller --rest-endpoint`).
 */

/** Where the GUI is. */
export interface Route {
  page: 'overview' | 'region' | 'edge';
  /** The area key (`region-3`) on a region page. */
  region?: string;
  field?: string;
  day?: string;
  /** The controller's REST view URL on the Edge page (`http://127.0.0.1:6476`). */
  controller?: string;
}

/** Reads a location hash (`#/region/region-3?day=2021-03-01`). */
export function parseHash(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const q = text.indexOf('?');
  const path = q === -1 ? text : text.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : text.slice(q + 1));
  const route: Route = { page: 'overview' };
  const match = /^\/region\/([^/]+)\/?$/.exec(path);
  if (match?.[1] !== undefined) {
    route.page = 'region';
    route.region = decodeURIComponent(match[1]);
  }
  if (/^\/edge\/?$/.test(path)) route.page = 'edge';
  const controller = query.get('controller');
  if (controller !== null && /^https?:\/\//.test(controller)) route.controller = controller;
  const field = query.get('field');
  if (field !== null && field !== '') route.field = field;
  const day = query.get('day');
  if (day !== null && /^\d{4}-\d{2}-\d{2}$/.test(day)) route.day = day;
  return route;
}

/** Writes a route as a hash. */
export function formatHash(route: Route): string {
  const path =
    route.page === 'region' && route.region !== undefined
      ? `/region/${encodeURIComponent(route.region)}`
      : route.page === 'edge'
        ? '/edge'
        : '/';
  const query = new URLSearchParams();
  if (route.controller !== undefined) query.set('controller', route.controller);
  if (route.field !== undefined) query.set('field', route.field);
  if (route.day !== undefined) query.set('day', route.day);
  const q = query.toString();
  return `#${path}${q === '' ? '' : `?${q}`}`;
}
