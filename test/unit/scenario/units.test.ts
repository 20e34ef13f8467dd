import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../harness/core/random.js';
import { formatDurationMs } from '../../../harness/core/errors.js';
import { duration, parseDurationMs, parseRatio, ratio } from '../../../harness/scenario/units.js';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;

describe('parseDurationMs', () => {
  it.each([
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['0.5s', 500],
    ['2m', 120_000],
    ['1d', 86_400_000],
    ['1m30s250ms', 90_250],
    ['4.35m', 261_000],
    [' 30s ', 30_000],
    ['0s', 0],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['30', '1x', '', '   ', '30 seconds', '1m 30s', '-5s', 's', '1.s', '.5s', '5S', '1e3ms'])(
    'rejects %j',
    (text) => {
      expect(parseDurationMs(text)).toBeUndefined();
    },
  );

  it('property: any sum of parts in any units parses to the sum of their values', () => {
    const random = createRandom(20_251_122);
    const units = Object.keys(UNIT_MS) as (keyof typeof UNIT_MS)[];
    for (let trial = 0; trial < 500; trial++) {
      let text = '';
      let expected = 0;
      const parts = 1 + Math.floor(random() * 4);
      for (let part = 0; part < parts; part++) {
        const unit = units[Math.floor(random() * units.length)] ?? 's';
        // Whole numbers or one decimal place, as people write them.
        const amount = random() < 0.7 ? Math.floor(random() * 1000) : Math.floor(random() * 100) / 10;
        text += `${amount}${unit}`;
        expected += amount * UNIT_MS[unit];
      }
      expect(parseDurationMs(text), text).toBeCloseTo(expected, 3);
    }
  });

  it('property: formatDurationMs output parses back to the same duration', () => {
    const random = createRandom(7);
    for (let trial = 0; trial < 500; trial++) {
      const ms = Math.floor(random() * 100_000_000);
      expect(parseDurationMs(formatDurationMs(ms)), String(ms)).toBeCloseTo(ms, 0);
    }
  });

  it('the schema type turns text into ms and says how to fix a bare number', () => {
    expect(duration.parse('1m30s')).toBe(90_000);
    const result = duration.safeParse(30);
    expect(result.error?.issues[0]?.message).toBe(
      'expected a duration such as 500ms, 30s, 2m, 1h30m, got number 30 (add a unit, e.g. 30s)',
    );
  });
});

describe('parseRatio', () => {
  it.each([
    ['99.5%', 0.995],
    ['100%', 1],
    ['0%', 0],
    [' 50% ', 0.5],
    ['0.995', 0.995],
    [0.25, 0.25],
    [1, 1],
    [0, 0],
  ] as const)('%j = %d', (value, expected) => {
    expect(parseRatio(value)).toBeCloseTo(expected, 12);
  });

  it.each(['150%', '-1%', '1.5', 'half', '', '99.5 %', '%', 2, -0.1, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects %j',
    (value) => {
      expect(parseRatio(value)).toBeUndefined();
    },
  );

  it('property: every percentage from 0% to 100% is that fraction; above 100% is rejected', () => {
    const random = createRandom(99);
    for (let trial = 0; trial < 500; trial++) {
      const percent = Math.round(random() * 2000) / 10; // 0.0 .. 200.0
      const parsed = parseRatio(`${percent}%`);
      if (percent <= 100) expect(parsed, `${percent}%`).toBeCloseTo(percent / 100, 12);
      else expect(parsed, `${percent}%`).toBeUndefined();
    }
  });

  it('the schema type hints at the percent sign for numbers over 1', () => {
    expect(ratio.safeParse(99.9).error?.issues[0]?.message).toContain('did you mean "99.9%"?');
    expect(ratio.parse('99.9%')).toBeCloseTo(0.999, 12);
  });
});
