/**
 * What the command and http targets share: the drill-facing lifecycle of a system the harness does
 * not run itself. They differ only in how a deploy or rollback is *done* (commands vs HTTP calls, an
 * ActionRunner); how it is *observed* is the same:
 *
 * - prepare: the stable version must already serve and be healthy (a drill starts from stable).
 * - deploy: the version is polled from the moment the deploy starts, so a candidate that serves
 *   while the deploy command is still waiting (a rolling update) is seen when it first serves; the
 *   fault start is the first poll that sees it. The deploy also has to succeed.
 * - rollback: the rollback steps run, then version and health are polled until the stable version
 *   serves and is healthy; completion is never before the steps ended.
 */
import type { AdapterContext } from '../core/adapter-context.js';
import { abortError } from '../core/clock.js';
import { formatDurationMs } from '../core/errors.js';
import type { RollbackConfirmation, Target, TargetHealth } from './port.js';
import type { TargetProbe } from './command-probe.js';
import type { StepsObservation, TargetAction, TargetStepRecord } from './command-steps.js';
import type { TemplateValues } from './command-values.js';
import { watchUntil } from './command-watch.js';

/** Does a deploy or a rollback; resolves with the steps taken, throws ActionFailedError on a failed step. */
export interface ActionRunner {
  run(
    action: TargetAction,
    values: TemplateValues,
    ctx: AdapterContext,
  ): Promise<readonly TargetStepRecord[]>;
  /** "commands", "HTTP calls": for messages. */
  readonly noun: string;
}

export class ActionFailedError extends Error {
  constructor(
    message: string,
    readonly steps: readonly TargetStepRecord[],
  ) {
    super(message);
    this.name = 'ActionFailedError';
  }
}

export interface StagedTargetSettings {
  readonly kind: string;
  readonly stableVersion: string;
  readonly baseUrl: string;
  readonly pollInterval: number;
  readonly waitTimeout: number;
}

export class StagedTarget implements Target {
  readonly kind: string;
  readonly stableVersion: string;
  private candidateVersion = '';
  private readonly disposed = new AbortController();

  constructor(
    private readonly settings: StagedTargetSettings,
    private readonly probe: TargetProbe,
    private readonly actions: ActionRunner,
    private readonly onDispose: () => Promise<void> = async () => undefined,
  ) {
    this.kind = settings.kind;
    this.stableVersion = settings.stableVersion;
  }

  async prepare(ctx: AdapterContext): Promise<{ readonly baseUrl: URL }> {
    const scoped = this.scoped(ctx);
    const values = this.values(this.stableVersion);
    await watchUntil(
      async () => {
        const reading = await this.probe.version(scoped, values);
        if (reading.version !== undefined && reading.version !== this.stableVersion) {
          throw new Error(
            `the target serves ${reading.version}, not the stable version ${this.stableVersion}: a drill starts ` +
              'from the stable version (roll it back first, or correct target.stableVersion)',
          );
        }
        if (reading.version === undefined) return { passed: false, seen: reading.seen };
        const health = await this.probe.health(scoped, values);
        return { passed: health.healthy, seen: `${reading.version}, health: ${health.seen}` };
      },
      this.watchOptions(scoped, `the stable version ${this.stableVersion} to serve and be healthy`),
    );
    ctx.log(
      `${this.kind} target: ${this.stableVersion} serves and is healthy (checked with ${this.probe.describeVersionCheck()})`,
    );
    return { baseUrl: new URL(this.settings.baseUrl) };
  }

  async deploy(
    version: string,
    ctx: AdapterContext,
  ): Promise<{ readonly servingAtMs: number; readonly observation: StepsObservation }> {
    const scoped = this.scoped(ctx);
    this.candidateVersion = version;
    const values = this.values(version);
    // Watching starts with the deploy, on its own signal so a failed deploy stops it at once.
    const watching = new AbortController();
    const watchCtx = { ...scoped, signal: AbortSignal.any([scoped.signal, watching.signal]) };
    const seen = watchUntil(
      async () => {
        const reading = await this.probe.version(watchCtx, values);
        return { passed: reading.version === version, seen: reading.seen };
      },
      this.watchOptions(watchCtx, `${version} to serve`),
    );
    seen.catch(() => undefined); // awaited below; a failure before then must not be unhandled
    let steps: readonly TargetStepRecord[];
    try {
      steps = await this.actions.run('deploy', values, scoped);
    } catch (error) {
      watching.abort(new Error('the deploy failed'));
      throw error;
    }
    const result = await seen;
    const interval = formatDurationMs(this.settings.pollInterval);
    return {
      servingAtMs: result.observedAtMs,
      observation: {
        method:
          `${this.probe.describeVersionCheck()} polled every ${interval} from the start of the deploy; ` +
          `${version} first seen on check ${result.checks}`,
        resolutionSeconds: result.uncertaintyMs / 1000,
        steps,
      },
    };
  }

  async rollback(
    ctx: AdapterContext,
  ): Promise<RollbackConfirmation & { readonly observation: StepsObservation }> {
    const scoped = this.scoped(ctx);
    const values = this.values(this.stableVersion);
    const steps = await this.actions.run('rollback', values, scoped);
    const stepsEndedAtMs = scoped.clock.now();
    const result = await watchUntil(
      async () => {
        const reading = await this.probe.version(scoped, values);
        if (reading.version !== this.stableVersion) return { passed: false, seen: reading.seen };
        const health = await this.probe.health(scoped, values);
        return { passed: health.healthy, seen: `${reading.version}, health: ${health.seen}` };
      },
      {
        ...this.watchOptions(scoped, `${this.stableVersion} to serve and be healthy`),
        notBeforeMs: stepsEndedAtMs,
      },
    );
    const interval = formatDurationMs(this.settings.pollInterval);
    return {
      completedAtMs: result.observedAtMs,
      version: this.stableVersion,
      observation: {
        method:
          `rollback ${this.actions.noun} finished, then ${this.probe.describeVersionCheck()} and health ` +
          `polled every ${interval}; stable seen on check ${result.checks}`,
        resolutionSeconds: result.uncertaintyMs / 1000,
        steps,
      },
    };
  }

  async currentVersion(ctx: AdapterContext): Promise<string | undefined> {
    return (await this.probe.version(this.scoped(ctx), this.values(this.stableVersion))).version;
  }

  async health(ctx: AdapterContext): Promise<TargetHealth> {
    const scoped = this.scoped(ctx);
    const values = this.values(this.stableVersion);
    const reading = await this.probe.version(scoped, values);
    if (reading.version === undefined) return { healthy: false, detail: reading.seen };
    const health = await this.probe.health(scoped, values);
    return {
      healthy: health.healthy,
      version: reading.version,
      ...(health.healthy ? {} : { detail: health.seen }),
    };
  }

  async dispose(): Promise<void> {
    if (this.disposed.signal.aborted) return;
    this.disposed.abort(new Error(`the ${this.kind} target was disposed`));
    await this.onDispose();
  }

  /** The caller's context, also cancelled by dispose (which kills any command still running). */
  private scoped(ctx: AdapterContext): AdapterContext {
    if (this.disposed.signal.aborted) throw abortError(this.disposed.signal);
    return { ...ctx, signal: AbortSignal.any([ctx.signal, this.disposed.signal]) };
  }

  private values(version: string): TemplateValues {
    return { version, stableVersion: this.stableVersion, candidateVersion: this.candidateVersion };
  }

  private watchOptions(ctx: AdapterContext, waitingFor: string) {
    return {
      clock: ctx.clock,
      intervalMs: this.settings.pollInterval,
      signal: ctx.signal,
      timeoutMs: this.settings.waitTimeout,
      waitingFor,
    };
  }
}
