/** Scales, ticks and label placement for the SVG chart: small pure helpers, tested on their own. */

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above `value` (> 0): a y-axis top that reads well. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * magnitude;
    // Float noise (0.1 × 3 = 0.30000000000000004) must not push a value to the next step.
    if (candidate >= value * (1 - 1e-12)) return +candidate.toPrecision(12);
  }
  return 10 * magnitude;
}

export interface TimeTick {
  readonly seconds: number;
  readonly text: string;
}

const TICK_STEPS_SECONDS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/** At most ~10 ticks from 0 to `domainSeconds`, on round steps, labelled 0s, 30s, 1m, 1m30s. */
export function timeTicks(domainSeconds: number): TimeTick[] {
  const step =
    TICK_STEPS_SECONDS.find((s) => domainSeconds / s <= 10) ?? Math.ceil(domainSeconds / 10 / 3600) * 3600;
  const ticks: TimeTick[] = [];
  for (let seconds = 0; seconds <= domainSeconds + 1e-9; seconds += step)
    ticks.push({ seconds, text: clock(seconds) });
  return ticks;
}

function clock(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes < 60) return rest ? `${minutes}m${rest}s` : `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours}h${minutes % 60}m` : `${hours}h`;
}

export interface PlacedLabel {
  readonly text: string;
  /** Where the text is anchored. */
  readonly x: number;
  readonly anchor: 'start' | 'middle' | 'end';
  /** 0 = the row nearest the plot; higher rows are further up. */
  readonly row: number;
}

/** Average glyph width of the chart's 11 px sans-serif labels, with a margin; an estimate, erring wide. */
const CHAR_WIDTH = 6.4;
const GAP = 8;

/**
 * Places marker labels (in any order) so none overlap: centred on their marker when there is room,
 * pushed inside the plot at its edges, and moved up a row when a neighbour is in the way.
 */
export function markerLabelRows(
  labels: readonly { text: string; x: number }[],
  bounds: { minX: number; maxX: number },
): PlacedLabel[] {
  const rightEdges: number[] = [];
  return labels.map(({ text, x }) => {
    const width = text.length * CHAR_WIDTH;
    let anchor: PlacedLabel['anchor'] = 'middle';
    let left = x - width / 2;
    if (left < bounds.minX) {
      anchor = 'start';
      left = x;
    } else if (x + width / 2 > bounds.maxX) {
      anchor = 'end';
      left = x - width;
    }
    let row = rightEdges.findIndex((edge) => edge + GAP <= left);
    if (row === -1) row = rightEdges.length;
    rightEdges[row] = left + width;
    return { text, x, anchor, row };
  });
}
