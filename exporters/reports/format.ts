/** Small, shared formatting for human-readable reports. */
export function seconds(value: number | null): string {
  if (value === null) return '—';
  if (value < 60) return `${value}s`;
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
