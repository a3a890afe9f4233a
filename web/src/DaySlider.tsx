/** The day slider: the chosen day written out, steps, and the track coloured violet over synthetic days. */
import { formatDay } from './format.js';

/** Props of {@link DaySlider}. */
export interface DaySliderProps {
  days: string[];
  day: string;
  /** Last day real in every area; later days are synthetic. */
  realUntil: string | null;
  onChange: (day: string) => void;
}

/** Renders the slider with its buttons. */
export function DaySlider({ days, day, realUntil, onChange }: DaySliderProps) {
  const index = Math.max(0, days.indexOf(day));
  const last = days.length - 1;
  const synthetic = realUntil === null || day > realUntil;
  const firstSynthetic = realUntil === null ? 0 : days.findIndex((d) => d > realUntil);
  const split = firstSynthetic === -1 || last <= 0 ? 100 : ((firstSynthetic - 0.5) / last) * 100;
  const go = (i: number): void => {
    const d = days[Math.min(last, Math.max(0, i))];
    if (d !== undefined && d !== day) onChange(d);
  };
  return (
    <div class="control day-slider">
      <div class="day-row">
        <span class="control-label">Day</span>
        <strong class="day-label" data-testid="selected-day" data-day={day}>
          {formatDay(day)}
        </strong>
        {synthetic ? (
          <span
            class="badge badge-synthetic"
            data-testid="synthetic-badge"
            title="Generated after the last real day"
          >
            synthetic
          </span>
        ) : (
          <span class="badge badge-real">real data</span>
        )}
        <span class="day-buttons">
          <button
            type="button"
            onClick={() => go(index - 1)}
            disabled={index === 0}
            aria-label="Previous day"
          >
            ‹
          </button>
          <button type="button" onClick={() => go(index + 1)} disabled={index === last} aria-label="Next day">
            ›
          </button>
          <button type="button" onClick={() => go(last)} disabled={index === last}>
            Latest
          </button>
        </span>
      </div>
      <input
        type="range"
        data-testid="day-slider"
        min={0}
        max={last}
        step={1}
        value={index}
        aria-label="Day"
        aria-valuetext={day}
        style={{ '--split': `${split}%` }}
        onInput={(e) => go(Number(e.currentTarget.value))}
      />
      <div class="day-ends">
        <span>{days[0]}</span>
        {realUntil !== null && firstSynthetic > 0 && (
          <span class="day-real-until">real until {realUntil}</span>
        )}
        <span>{days[last]}</span>
      </div>
    </div>
  );
}
