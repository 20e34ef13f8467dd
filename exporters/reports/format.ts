import { decimalsForResolution } from '../../harness/measure/measurements.js';

/** Small, shared formatting for human-readable reports. */
/**
 * "2s", "0.0s", "1m 30s". With a resolution, shows exactly the decimals it supports, so a rollback
 * observed to ±0.1 s reads "0.0s", not "0s".
 */
export function seconds(value: number | null, resolutionSeconds?: number): string {
  if (value === null) return '—';
  if (value < 60)
    return resolutionSeconds === undefined
      ? `${value}s`
      : `${value.toFixed(decimalsForResolution(resolutionSeconds))}s`;
  const minutes = Math.floor(value / 60);
  const rest = +(value - minutes * 60).toFixed(3);
  return rest ? `${minutes}m ${rest}s` : `${minutes}m`;
}

export function percent(ratio: number | null | undefined, digits = 2): string {
  return ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(digits)}%`;
}

export function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${value.toFixed(1)} ms`;
}

export function signed(value: number | null, render: (v: number) => string): string {
  if (value === null) return '—';
  return `${value > 0 ? '+' : value < 0 ? '−' : '±'}${render(Math.abs(value))}`;
}

/** Makes any text safe inside a Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
