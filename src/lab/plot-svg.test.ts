import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plotSvg } from './plot-svg.js';

/** Checks that every element is closed in order (a small XML well-formedness check) and returns the tag names. */
function elements(svg: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)((?:\s+[a-zA-Z:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes the open element`);
    else {
      names.push(name!);
      if (!selfClosing) stack.push(name!);
    }
  }
  assert.deepEqual(stack, [], 'every element is closed');
  const stripped = svg.replace(/<[^>]*>/g, '');
  assert.doesNotMatch(stripped, /[<>]|&(?!amp;|lt;|gt;|quot;)/, 'text is escaped');
  return names;
}

const series = [
  { name: 'a<b', points: [0.2, 0.5, 0.9].map((x) => ({ x, y: x / 10 })) },
  { name: 'oracle', points: [0.2, 0.5, 0.9].map((x) => ({ x, y: x })) },
];

test('a log-scale plot is well-formed SVG with axes, ticks, one line and legend entry per series', () => {
  const svg = plotSvg(series, { title: 'T & U', xLabel: 'load', yLabel: 'seconds', logY: true });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="720" height="440"/);
  const names = elements(svg);
  assert.equal(names.filter((n) => n === 'polyline').length, 2);
  assert.equal(names.filter((n) => n === 'circle').length, 6);
  assert.match(svg, />a&lt;b<\/text>/);
  assert.match(svg, />T &amp; U<\/text>/);
  for (const tick of ['0.01', '0.1', '1', '0.02', '0.5']) assert.match(svg, new RegExp(`>${tick}</text>`));
  assert.equal(
    plotSvg(series, { title: 'T & U', xLabel: 'load', yLabel: 'seconds', logY: true }),
    svg,
    'deterministic',
  );
});

test('a linear plot starts at 0 and skips points it cannot draw', () => {
  const svg = plotSvg(
    [
      {
        name: 's',
        points: [
          { x: 1, y: 2 },
          { x: 2, y: Number.NaN },
          { x: 3, y: 4 },
        ],
      },
    ],
    {
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
    },
  );
  elements(svg);
  assert.match(svg, />0<\/text>/);
  assert.equal([...svg.matchAll(/<circle /g)].length, 2);
});
