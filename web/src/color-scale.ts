/**
 * The choropleth's colours: a square-root scale (Lombardia would otherwise flatten every other region)
 * from 0 to the day's maximum in oranges, or a diverging blue–orange scale around 0 when values are negative.
 */

/** A colour scale over a day's values. */
export interface ColorScale {
  min: number;
  max: number;
  /** The fill of a value. */
  color(value: number): string;
  /** CSS gradient of the legend bar, left (min) to right (max). */
  gradient: string;
  /** Values to label along the legend, each with its position 0..1. */
  ticks: { value: number; at: number }[];
}

const ORANGES = [
  '#fff5eb',
  '#fee6ce',
  '#fdd0a2',
  '#fdae6b',
  '#fd8d3c',
  '#f16913',
  '#d94801',
  '#a63603',
  '#7f2704',
];
const BLUES = [
  '#fff5eb',
  '#deebf7',
  '#c6dbef',
  '#9ecae1',
  '#6baed6',
  '#4292c6',
  '#2171b5',
  '#08519c',
  '#08306b',
];

function hex(c: string): [number, number, number] {
  return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
}

/** The colour at `t` in 0..1 along a palette. */
function interpolate(palette: string[], t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (palette.length - 1);
  const i = Math.min(palette.length - 2, Math.floor(x));
  const a = hex(palette[i] ?? '#000000');
  const b = hex(palette[i + 1] ?? '#000000');
  const f = x - i;
  const mix = a.map((v, k) => Math.round(v + ((b[k] ?? 0) - v) * f));
  return `rgb(${mix.join(', ')})`;
}

/** A legend value rounded to two significant digits. */
function round(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(2));
}

/** A scale fitted to `values` (undefined entries ignored). */
export function makeScale(values: (number | undefined)[]): ColorScale {
  const present = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  const top = Math.max(1, ...present.map((v) => Math.abs(v)));
  const negative = present.some((v) => v < 0);
  const fractions = [0, 0.1, 0.3, 0.6, 1];
  if (!negative) {
    const stops = Array.from({ length: 11 }, (_, k) => interpolate(ORANGES, k / 10));
    return {
      min: 0,
      max: top,
      color: (v) => interpolate(ORANGES, Math.sqrt(Math.max(0, v) / top)),
      gradient: `linear-gradient(to right, ${stops.join(', ')})`,
      ticks: fractions.map((f) => ({
        value: round(top * f),
        at: Math.min(1, Math.sqrt(round(top * f) / top)),
      })),
    };
  }
  const side = (v: number): number => Math.sqrt(Math.abs(v) / top);
  const color = (v: number): string => (v < 0 ? interpolate(BLUES, side(v)) : interpolate(ORANGES, side(v)));
  const stops = Array.from({ length: 21 }, (_, k) => color(top * Math.sign(k - 10) * ((k - 10) / 10) ** 2));
  return {
    min: -top,
    max: top,
    color,
    gradient: `linear-gradient(to right, ${stops.join(', ')})`,
    ticks: [-1, -0.25, 0, 0.25, 1].map((f) => {
      const value = round(top * f);
      return { value, at: 0.5 + Math.sign(value) * Math.min(1, Math.sqrt(Math.abs(value) / top)) * 0.5 };
    }),
  };
}
