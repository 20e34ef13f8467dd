/**
 * Secrets an adapter resolved never leave the process unredacted: not in progress lines, not in the
 * events observers (exporters, the terminal) receive, not in the record, report or intent record.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderMarkdownReport } from '../../../exporters/reports/markdown.js';
import type { AdapterContext } from '../../../harness/core/adapter-context.js';
import { REDACTED, SecretRedactor } from '../../../harness/core/secrets.js';
import type { DrillObserver } from '../../../harness/runner/observer.js';
import type { TimelineEvent } from '../../../harness/runner/timeline.js';
import type { RunRecord } from '../../../harness/store/run-record.js';
import { redactDeep } from '../../../harness/store/redact-record.js';
import { saveRun } from '../../../harness/store/run-store.js';
import { BAD, drive, scenarioFixture } from './drive.js';

const SECRET = 'tok_live_9f8e7d6c5b4a';
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('secret redaction', () => {
  it('covers log lines, observer events, the record, report.md, run.json and intents.json', async () => {
    const redactor = new SecretRedactor();
    redactor.add(SECRET);
    const runsDir = mkdtempSync(join(tmpdir(), 'redaction-'));
    folders.push(runsDir);
    const runFolder = join(runsDir, 'run-1');
    mkdirSync(runFolder); // the caller creates it, as `run` and `serve` do
    const events: TimelineEvent[] = [];
    let finished: RunRecord | undefined;
    const observer: DrillObserver = {
      event: (e) => void events.push(e),
      runFinished: (r) => void (finished = r),
    };
    const scenario = scenarioFixture();
    const { record, logs } = await drive(
      { errorRatioByVersion: BAD, rollbackBehaviour: 'throw', rollbackTakesMs: 500 },
      { ...scenario, metadata: { ...scenario.metadata, description: `token ${SECRET}` } },
      { redactor, runFolder, observers: [observer] },
      (_clock, world) => {
        const target = world.adapters.target;
        const detector = world.adapters.detector;
        return {
          adapters: {
            ...world.adapters,
            target: {
              ...target,
              prepare: async (ctx: AdapterContext) => {
                ctx.log(`authenticating with Bearer ${SECRET}`);
                return target.prepare(ctx);
              },
              rollback: async (ctx: AdapterContext) => {
                try {
                  return await target.rollback(ctx);
                } catch (error) {
                  throw new Error(`POST /rollback?token=${SECRET} failed: ${(error as Error).message}`, {
                    cause: error,
                  });
                }
              },
            },
            detector: {
              ...detector,
              watch: async (ctx) => {
                const found = await detector.watch(ctx);
                return { ...found, reason: `${found.reason} (alert from token "${SECRET}")` };
              },
            },
          },
        };
      },
    );
    const saved = await saveRun(runsDir, record, renderMarkdownReport(record), redactor);

    expect(record.result).toBe('failed'); // the rollback threw (with the secret in its message)
    expect(logs.join('\n')).toContain(`Bearer ${REDACTED}`);
    const everything = [
      logs.join('\n'),
      JSON.stringify(events),
      JSON.stringify(record),
      JSON.stringify(finished),
      readFileSync(saved.recordPath, 'utf8'),
      readFileSync(saved.reportPath, 'utf8'),
      readFileSync(join(runFolder, 'intents.json'), 'utf8'),
    ];
    for (const text of everything) expect(text).not.toContain(SECRET);
    // The redaction is visible where the secret was, so a reader knows something was removed.
    expect(record.measurements.rollbackFailureReason).toContain(`token=${REDACTED}`);
    expect(record.detector.reason).toContain(`token "${REDACTED}"`);
    expect(readFileSync(saved.reportPath, 'utf8')).toContain(REDACTED);
    expect(readdirSync(runFolder).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('redactDeep walks keys and values, keeps non-plain objects and leaves data without secrets as it is', () => {
    const redactor = new SecretRedactor();
    expect(redactDeep({ a: 1 }, redactor)).toEqual({ a: 1 }); // nothing registered: same object
    redactor.add(SECRET);
    const when = new Date(0);
    const out = redactDeep(
      { [SECRET]: [SECRET, { deep: `x${SECRET}y` }], n: 3, ok: true, none: null, when },
      redactor,
    );
    expect(out).toEqual({
      [REDACTED]: [REDACTED, { deep: `x${REDACTED}y` }],
      n: 3,
      ok: true,
      none: null,
      when,
    });
    expect(out.when).toBe(when);
  });
});
