import { z } from 'zod';

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The JSON Schema pattern of a duration, for editors; parseDurationMs is the authority. */
export const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$';

/** "1m30s" → 90000; undefined when the text is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  DURATION_PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = DURATION_PART.exec(trimmed); match; match = DURATION_PART.exec(trimmed)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
    consumed = DURATION_PART.lastIndex;
  }
  // Decimal fractions are not exact in binary ("4.35m" would be 260999.99999999997 ms); whole
  // microseconds are far finer than anything a drill observes.
  const rounded = Math.round(total * 1000) / 1000;
  return consumed === trimmed.length && Number.isFinite(rounded) ? rounded : undefined;
}

/** "99.5%" → 0.995, 0.995 → 0.995; undefined when not a ratio in [0, 1]. */
export function parseRatio(value: string | number): number | undefined {
  let ratio: number;
  if (typeof value === 'number') ratio = value;
  else {
    const text = value.trim();
    const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
    if (percent) ratio = Number(percent[1]) / 100;
    else if (/^\d+(?:\.\d+)?$/.test(text)) ratio = Number(text);
    else return undefined;
  }
  return Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : undefined;
}

const DURATION_HINT = 'a duration such as 500ms, 30s, 2m, 1h30m';

/** A duration in the scenario file; parsed to milliseconds. */
export const duration = z
  .string({
    // A bare number is the most common slip ("timeout: 30"); say which unit to add.
    error: (issue) =>
      typeof issue.input === 'number'
        ? `expected ${DURATION_HINT}, got number ${issue.input} (add a unit, e.g. ${issue.input}s)`
        : `expected ${DURATION_HINT}`,
  })
  .transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${DURATION_HINT}, got "${text}"` });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ description: DURATION_HINT, pattern: DURATION_PATTERN });

const RATIO_HINT = 'a ratio such as 99.5% or 0.995';

/** Why a value is not a ratio, in the words of the mistake that was most likely made. */
function ratioProblem(value: string | number): string {
  const got = JSON.stringify(value);
  if (typeof value === 'number' && value > 1 && value <= 100) {
    return `expected ${RATIO_HINT}, got ${got} (a number is a fraction of 1; did you mean "${value}%"?)`;
  }
  if (typeof value === 'string' && /^\s*\d+(\.\d+)?%\s*$/.test(value)) {
    return `expected ${RATIO_HINT}, got ${got} (a percentage must be from 0% to 100%)`;
  }
  return `expected ${RATIO_HINT} between 0 and 1, got ${got}`;
}

/** A ratio in the scenario file ("99.5%" or 0.995); parsed to a number in [0, 1]. */
export const ratio = z
  .union(
    [
      // The pattern and bounds are for editors only; parseRatio below is what validates.
      z.string().meta({ pattern: '^\\s*\\d+(\\.\\d+)?%?\\s*$' }),
      z.number().meta({ minimum: 0, maximum: 1 }),
    ],
    { error: `expected ${RATIO_HINT}` },
  )
  .transform((value, ctx) => {
    const parsed = parseRatio(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: ratioProblem(value) });
      return z.NEVER;
    }
    return parsed;
  })
  .meta({ description: 'a ratio: a percentage such as "99.5%" or a number from 0 to 1 such as 0.995' });
