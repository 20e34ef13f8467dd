/**
 * The `command` target: a real system deployed and rolled back by running programs — kubectl, helm,
 * argo, a deploy script — as argv arrays (never through a shell), each with a timeout that kills its
 * whole process group, their output captured into the run. The serving version is read by a command
 * or a URL. Templates for common platforms are in scenarios/templates/ (docs/targets.md).
 */
import { resolve } from 'node:path';
import { Agent } from 'undici';
import type { AdapterContext } from '../core/adapter-context.js';
import type { CommandSpec, CommandTargetConfig } from '../scenario/schema/targets.js';
import { ActionFailedError, StagedTarget, type ActionRunner } from './command-lifecycle.js';
import { runProcess, type ProcessRunner } from './command-process.js';
import { TargetProbe } from './command-probe.js';
import { lastWords, StepJournal, type CommandStepRecord, type TargetAction } from './command-steps.js';
import { commandEnvironment, fillTemplate, resolveValues, type TemplateValues } from './command-values.js';
import { createHttpCaller, type HttpCaller } from './http-call.js';
import type { Target } from './port.js';

export interface CommandTargetOptions {
  /** Replaces real processes (unit tests). */
  readonly runProcess?: ProcessRunner;
  /** Replaces the HTTP client of URL checks (unit tests). */
  readonly callHttp?: HttpCaller;
}

/** Resolves `fromEnv` values (registering secrets) now: a missing variable fails before the drill starts. */
export function createCommandTarget(config: CommandTargetConfig, options: CommandTargetOptions = {}): Target {
  const agent = options.callHttp ? undefined : new Agent({ keepAliveTimeout: 2_000, connections: 2 });
  const callHttp = options.callHttp ?? createHttpCaller(agent as Agent);
  const run = options.runProcess ?? runProcess;
  const workingDirectory = resolve(config.workingDirectory);
  const env = resolveValues(config.env, 'target.env');
  const stepEnvs = {
    deploy: config.deploy.map((step, i) => resolveValues(step.env, `target.deploy[${i}].env`)),
    rollback: config.rollback.map((step, i) => resolveValues(step.env, `target.rollback[${i}].env`)),
  };
  const probe = new TargetProbe(config.version, config.health, {
    runProcess: run,
    callHttp,
    workingDirectory,
    env,
  });
  const journal = new StepJournal();

  const actions: ActionRunner = {
    noun: 'commands',
    async run(action: TargetAction, values: TemplateValues, ctx: AdapterContext) {
      const steps = config[action];
      const records: CommandStepRecord[] = [];
      for (const [index, step] of steps.entries()) {
        const record = await journal.record(
          await runStep(
            step,
            stepEnvs[action][index] ?? {},
            { action, index, of: steps.length, values },
            ctx,
          ),
          ctx,
        );
        records.push(record);
        if (!record.ok) {
          const what =
            index === 0 && steps.length === 1
              ? `the ${action} command`
              : `${action} command ${index + 1} of ${steps.length}`;
          throw new ActionFailedError(`${what} failed: ${outcomeOf(record)}${lastWords(record)}`, records);
        }
      }
      return records;
    },
  };

  async function runStep(
    step: CommandSpec,
    stepEnv: Record<string, string>,
    at: { action: TargetAction; index: number; of: number; values: TemplateValues },
    ctx: AdapterContext,
  ): Promise<CommandStepRecord> {
    const argv = step.argv.map((arg) => fillTemplate(arg, at.values));
    const cwd = resolve(workingDirectory, step.workingDirectory ?? '.');
    const result = await run(
      {
        argv,
        cwd,
        env: commandEnvironment([env, stepEnv], {
          action: at.action,
          values: at.values,
          ...(ctx.run ? { runId: ctx.run.id } : {}),
        }),
        timeoutMs: step.timeout,
      },
      ctx.clock,
      ctx.signal,
    );
    return {
      kind: 'command',
      action: at.action,
      step: at.index + 1,
      of: at.of,
      ok: result.exitCode === 0 && !result.timedOut && result.startError === undefined,
      durationMs: Math.round(result.durationMs),
      argv,
      workingDirectory: cwd,
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut: result.timedOut,
      ...(result.startError === undefined ? {} : { startError: result.startError }),
      stdout: result.stdout.text,
      stderr: result.stderr.text,
      stdoutBytes: result.stdout.totalBytes,
      stderrBytes: result.stderr.totalBytes,
    };
  }

  return new StagedTarget(
    {
      kind: 'command',
      stableVersion: config.stableVersion,
      baseUrl: config.baseUrl,
      pollInterval: config.pollInterval,
      waitTimeout: config.waitTimeout,
    },
    probe,
    actions,
    async () => agent?.close(),
  );
}

function outcomeOf(record: CommandStepRecord): string {
  if (record.startError) return record.startError;
  if (record.timedOut) return `timed out after ${record.durationMs} ms (its process group was killed)`;
  if (record.signal) return `killed by ${record.signal}`;
  return `exit code ${record.exitCode ?? '?'}`;
}
