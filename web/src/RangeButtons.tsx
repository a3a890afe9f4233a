/** The span buttons of a time chart: the whole history or its last year, 90 days or 30 days. */

/** A span: days before the last day, or null for everything. */
export type Span = number | null;

const SPANS: { label: string; days: Span }[] = [
  { label: 'All', days: null },
  { label: '1 year', days: 365 },
  { label: '90 days', days: 90 },
  { label: '30 days', days: 30 },
];

/** Props of {@link RangeButtons}. */
export interface RangeButtonsProps {
  span: Span;
  onChange: (span: Span) => void;
}

/** Renders the button group. */
export function RangeButtons({ span, onChange }: RangeButtonsProps) {
  return (
    <span class="range-buttons" role="group" aria-label="Time span">
      {SPANS.map((s) => (
        <button
          type="button"
          key={s.label}
          class={s.days === span ? 'active' : ''}
          aria-pressed={s.days === span}
          data-testid={`span-${s.days ?? 'all'}`}
          onClick={() => onChange(s.days)}
        >
          {s.label}
        </button>
      ))}
    </span>
  );
}

/** The x range (seconds) of the last `span` days ending at `lastSeconds`, or null for everything. */
export function spanRange(span: Span, lastSeconds: number | undefined): [number, number] | null {
  if (span === null || lastSeconds === undefined) return null;
  return [lastSeconds - span * 86_400 + 43_200, lastSeconds + 43_200];
}
