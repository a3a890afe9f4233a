/** One line of a plot: its name (legend) and points. */
export interface Series {
  name: string;
  points: { x: number; y: number }[];
}

/** What to draw. */
export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** A logarithmic y axis (values must be positive). */
  logY?: boolean;
  width?: number;
  height?: number;
}

/** Line colours, one per series (cycled), distinguishable in print too thanks to the dash patterns. */
const COLOURS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
  '#000000',
];
const DASHES = ['', '6 3', '2 2', '8 3 2 3'];

/** Escapes text for SVG. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number for coordinates: two decimals, no trailing noise. */
function n(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** Tick label: up to 4 significant digits. */
function label(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/** "Nice" linear ticks covering [lo, hi]. */
function linearTicks(lo: number, hi: number, count = 6): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + 1e-9 * step; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Ticks at 1, 2, 5 × powers of ten covering [lo, hi] (positive). */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const k of [1, 2, 5]) {
      const t = Number((k * 10 ** e).toPrecision(12));
      if (t >= lo * 0.999 && t <= hi * 1.001) ticks.push(t);
    }
  }
  return ticks;
}

/**
 * A line chart as a self-contained SVG document: axes with ticks and labels, a title, one polyline
 * with point markers per series and a legend; the y axis optionally logarithmic. Deterministic: the same
 * data give the same bytes.
 */
export function plotSvg(series: readonly Series[], options: PlotOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 440;
  const left = 70;
  const right = 190;
  const top = 40;
  const bottom = 55;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const all = series
    .flatMap((s) => s.points)
    .filter((p) => Number.isFinite(p.y) && (!options.logY || p.y > 0));
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;
  let yMin = ys.length ? Math.min(...ys) : options.logY ? 0.1 : 0;
  let yMax = ys.length ? Math.max(...ys) : 1;
  let yTicks: number[];
  let fy: (y: number) => number;
  if (options.logY) {
    yMin = 10 ** Math.floor(Math.log10(yMin));
    yMax = 10 ** Math.ceil(Math.log10(yMax));
    if (yMax <= yMin) yMax = yMin * 10;
    yTicks = logTicks(yMin, yMax);
    const a = Math.log10(yMin);
    const b = Math.log10(yMax);
    fy = (y) => top + plotH - ((Math.log10(y) - a) / (b - a)) * plotH;
  } else {
    yMin = Math.min(0, yMin);
    yTicks = linearTicks(yMin, yMax);
    yMax = Math.max(yMax, yTicks.at(-1) ?? yMax);
    fy = (y) => top + plotH - ((y - yMin) / (yMax - yMin || 1)) * plotH;
  }
  const fx = (x: number): number => left + ((x - xMin) / (xMax - xMin || 1)) * plotW;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${n(left + plotW / 2)}" y="22" text-anchor="middle" font-size="15">${esc(options.title)}</text>`,
  ];
  for (const t of yTicks) {
    const y = n(fy(t));
    out.push(`<line x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="#e0e0e0"/>`);
    out.push(
      `<text x="${left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${label(t)}</text>`,
    );
  }
  for (const t of linearTicks(xMin, xMax, Math.min(10, Math.max(2, new Set(xs).size - 1)))) {
    const x = n(fx(t));
    out.push(`<line x1="${x}" y1="${top + plotH}" x2="${x}" y2="${top + plotH + 5}" stroke="#000000"/>`);
    out.push(`<text x="${x}" y="${top + plotH + 18}" text-anchor="middle">${label(t)}</text>`);
  }
  out.push(
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#000000"/>`,
    `<text x="${n(left + plotW / 2)}" y="${height - 12}" text-anchor="middle">${esc(options.xLabel)}</text>`,
    `<text x="16" y="${n(top + plotH / 2)}" text-anchor="middle" transform="rotate(-90 16 ${n(top + plotH / 2)})">${esc(options.yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const dash = DASHES[Math.floor(i / COLOURS.length) % DASHES.length] || DASHES[i % DASHES.length]!;
    const dashAttr = dash === '' ? '' : ` stroke-dasharray="${dash}"`;
    const points = s.points.filter((p) => Number.isFinite(p.y) && (!options.logY || p.y > 0));
    const path = points.map((p) => `${n(fx(p.x))},${n(fy(p.y))}`).join(' ');
    out.push(`<g>`, `<title>${esc(s.name)}</title>`);
    if (points.length > 0)
      out.push(`<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"${dashAttr}/>`);
    for (const p of points)
      out.push(`<circle cx="${n(fx(p.x))}" cy="${n(fy(p.y))}" r="3" fill="${colour}"/>`);
    out.push(`</g>`);
    const ly = top + 8 + i * 18;
    out.push(
      `<line x1="${left + plotW + 12}" y1="${ly}" x2="${left + plotW + 40}" y2="${ly}" stroke="${colour}" stroke-width="2"${dashAttr}/>`,
      `<text x="${left + plotW + 46}" y="${ly}" dominant-baseline="middle">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return out.map((l) => `${l}\n`).join('');
}
