/** uPlot plugins shared by the charts: the synthetic band, the selected-day marker and the hover tooltip. */
import type uPlot from 'uplot';

/** Colours of the charts (also used by the legends). */
export const COLORS = {
  real: '#c2410c',
  realFill: 'rgba(194, 65, 12, 0.10)',
  bars: '#fb923c',
  synthetic: '#7c3aed',
  syntheticBars: '#c4b5fd',
  band: 'rgba(124, 58, 237, 0.07)',
  hatch: 'rgba(124, 58, 237, 0.16)',
  marker: '#0f172a',
};

const HALF_DAY = 43_200;

function hatchPattern(ctx: CanvasRenderingContext2D): CanvasPattern | string {
  const tile = document.createElement('canvas');
  tile.width = 8;
  tile.height = 8;
  const t = tile.getContext('2d');
  if (t === null) return COLORS.band;
  t.fillStyle = COLORS.band;
  t.fillRect(0, 0, 8, 8);
  t.strokeStyle = COLORS.hatch;
  t.lineWidth = 1;
  t.beginPath();
  t.moveTo(0, 8);
  t.lineTo(8, 0);
  t.stroke();
  return ctx.createPattern(tile, 'repeat') ?? COLORS.band;
}

/** Shades the plot from the first synthetic day (seconds; null: none) to the right edge, labelled. */
export function syntheticBand(firstSynthetic: number | null): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (u) => {
        if (firstSynthetic === null) return;
        const { ctx } = u;
        const { left, top, width, height } = u.bbox;
        const x = Math.max(left, Math.round(u.valToPos(firstSynthetic - HALF_DAY, 'x', true)));
        if (x >= left + width) return;
        ctx.save();
        ctx.fillStyle = hatchPattern(ctx);
        ctx.fillRect(x, top, left + width - x, height);
        ctx.fillStyle = COLORS.synthetic;
        ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
        ctx.textAlign = 'right';
        ctx.textBaseline = 'top';
        if (left + width - x > 60 * devicePixelRatio)
          ctx.fillText('synthetic', left + width - 6 * devicePixelRatio, top + 6 * devicePixelRatio);
        ctx.restore();
      },
    },
  };
}

/** A vertical line at the day `current()` returns (seconds; null: none). */
export function dayMarker(current: () => number | null): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const day = current();
        if (day === null) return;
        const x = Math.round(u.valToPos(day, 'x', true));
        const { left, top, width, height } = u.bbox;
        if (x < left || x > left + width) return;
        const { ctx } = u;
        ctx.save();
        ctx.strokeStyle = COLORS.marker;
        ctx.globalAlpha = 0.55;
        ctx.lineWidth = devicePixelRatio;
        ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
        ctx.restore();
      },
    },
  };
}

/** A tooltip following the cursor with the HTML `render` gives for the hovered index. */
export function tooltip(render: (index: number) => string): uPlot.Plugin {
  let box: HTMLDivElement | undefined;
  return {
    hooks: {
      init: (u) => {
        box = document.createElement('div');
        box.className = 'chart-tooltip';
        box.style.display = 'none';
        u.over.appendChild(box);
      },
      setCursor: (u) => {
        if (box === undefined) return;
        const { idx, left, top } = u.cursor;
        if (idx === null || idx === undefined || left === undefined || left < 0 || top === undefined) {
          box.style.display = 'none';
          return;
        }
        box.innerHTML = render(idx);
        box.style.display = 'block';
        const width = u.over.clientWidth;
        const flip = left > width / 2;
        box.style.left = flip ? '' : `${left + 12}px`;
        box.style.right = flip ? `${width - left + 12}px` : '';
        box.style.top = `${Math.max(0, top - 10)}px`;
      },
    },
  };
}

/**
 * Splits values at the first synthetic index into a real and a synthetic series (null elsewhere); with
 * `join` the synthetic one also starts at the last real point so a line continues without a gap.
 */
export function splitAt(
  values: number[],
  firstSynthetic: number,
  join: boolean,
): [(number | null)[], (number | null)[]] {
  const real = values.map((v, i) => (i < firstSynthetic ? v : null));
  const synthetic = values.map((v, i) =>
    i >= firstSynthetic || (join && i === firstSynthetic - 1) ? v : null,
  );
  return [real, synthetic];
}
