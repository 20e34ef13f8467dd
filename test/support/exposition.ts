/**
 * Parses the Prometheus text format (what /metrics and the Pushgateway serve) into samples, so
 * tests assert on names, labels and values instead of substrings.
 */
export interface ExposedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly samples: readonly ExposedSample[];
  /** `# TYPE` per family name. */
  readonly types: Readonly<Record<string, string>>;
  readonly help: Readonly<Record<string, string>>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

function unescape(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text.toLowerCase() === 'nan') return NaN;
  return Number(text);
}

export function parseExposition(text: string): Exposition {
  const samples: ExposedSample[] = [];
  const types: Record<string, string> = {};
  const help: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') types[meta[2] ?? ''] = meta[3] ?? '';
      else help[meta[2] ?? ''] = unescape(meta[3] ?? '');
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = match[3] ?? '';
    LABEL.lastIndex = 0;
    let consumed = 0;
    for (let m = LABEL.exec(body); m; m = LABEL.exec(body)) {
      labels[m[1] ?? ''] = unescape(m[2] ?? '');
      consumed = LABEL.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`cannot parse labels in: ${line}`);
    samples.push({ name: match[1] ?? '', labels, value: parseValue(match[4] ?? '') });
  }
  return { samples, types, help };
}

/** Samples named `name` whose labels include `labels`. */
export function findSamples(
  exposition: Exposition,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): ExposedSample[] {
  return exposition.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/** The value of the one sample that matches; throws when none or several do. */
export function sampleValue(
  exposition: Exposition,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  const found = findSamples(exposition, name, labels);
  if (found.length !== 1)
    throw new Error(`expected one ${name}${JSON.stringify(labels)}, found ${found.length}`);
  return (found[0] as ExposedSample).value;
}
