/**
 * Drill progress for people. On a TTY: event lines plus one live status line (phase, elapsed time,
 * current SLIs) redrawn every second. Elsewhere (CI, pipes): one plain line per event, and an SLI
 * line every 10 s so long phases still show life. Written to stderr so `--json` stdout stays clean.
 */
import type { DrillObserver, RunStartInfo } from '../runner/observer.js';
import type { PhaseName, TimelineEvent } from '../runner/timeline.js';
import type { SliSample } from '../traffic/sli.js';
import type { Style } from './style.js';

const PLAIN_SLI_EVERY_MS = 10_000;

export interface ProgressOutput {
  readonly isTTY: boolean;
  write(text: string): void;
}

export function createProgressObserver(
  out: ProgressOutput,
  style: Style,
): DrillObserver & { finish(): void } {
  let startedAtMs = 0;
  let phase: PhaseName | 'starting' = 'starting';
  let last: SliSample | null = null;
  let lastPlainSliMs = -Infinity;
  let statusShown = false;

  const elapsed = (atMs: number): string => {
    const total = Math.max(0, Math.floor((atMs - startedAtMs) / 1000));
    return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
  };
  const sliText = (s: SliSample | null): string => {
    if (!s) return 'waiting for traffic';
    const errors = s.requests ? ((s.errors / s.requests) * 100).toFixed(1) : '0.0';
    const p95 = s.latencyMs ? `${s.latencyMs.p95.toFixed(1)}ms` : '—';
    return `${s.requests} req/s  errors ${errors}%  p95 ${p95}${s.dropped ? `  dropped ${s.dropped}` : ''}`;
  };
  const clearStatus = (): void => {
    if (statusShown) out.write('\r\u001b[2K');
    statusShown = false;
  };
  const drawStatus = (atMs: number): void => {
    if (!out.isTTY) return;
    clearStatus();
    out.write(`${style.dim(`[${elapsed(atMs)}]`)} ${style.bold(phase)}  ${sliText(last)}`);
    statusShown = true;
  };
  const eventLine = (event: TimelineEvent): string => {
    const text = `${style.dim(`[${elapsed(event.atMs)}]`)} ${event.message}`;
    if (event.type === 'detected' || event.type === 'rollback.completed' || event.type === 'recovered')
      return style.green(text);
    if (event.type === 'fault.injected') return style.yellow(text);
    if (
      event.type === 'run.aborted' ||
      event.type === 'rollback.failed' ||
      event.type === 'phase.timeout' ||
      event.type === 'cleanup.failed'
    ) {
      return style.red(text);
    }
    return text;
  };

  return {
    runStarted(info: RunStartInfo): void {
      startedAtMs = info.startedAtMs;
    },
    event(event: TimelineEvent): void {
      if (event.type === 'phase.started' && event.phase) phase = event.phase;
      if (event.type === 'phase.ended') return; // the next phase.started says it
      clearStatus();
      out.write(`${eventLine(event)}\n`);
      drawStatus(event.atMs);
    },
    sample(sample: SliSample): void {
      last = sample;
      const atMs = sample.startMs + sample.durationMs;
      if (out.isTTY) drawStatus(atMs);
      else if (atMs - lastPlainSliMs >= PLAIN_SLI_EVERY_MS) {
        lastPlainSliMs = atMs;
        out.write(`${style.dim(`[${elapsed(atMs)}]`)} ${phase}: ${sliText(sample)}\n`);
      }
    },
    finish(): void {
      clearStatus();
    },
  };
}
