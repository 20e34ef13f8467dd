/**
 * The `http` target: a system deployed and rolled back by calling an API — a CD tool, a deployment
 * controller, a feature-flag service — then polling a status URL until the expected version serves.
 * Header values can come from the environment (tokens), registered for redaction when read.
 */
import { Agent } from 'undici';
import type { AdapterContext } from '../core/adapter-context.js';
import type { HttpActionConfig, HttpTargetConfig } from '../scenario/schema/targets.js';
import { ActionFailedError, StagedTarget, type ActionRunner } from './command-lifecycle.js';
import { runProcess, type ProcessRunner } from './command-process.js';
import { TargetProbe } from './command-probe.js';
import { lastWords, StepJournal, type HttpStepRecord, type TargetAction } from './command-steps.js';
import { fillBody, fillTemplate, resolveValues, type TemplateValues } from './command-values.js';
import { createHttpCaller, isSuccessStatus, type HttpCaller } from './http-call.js';
import type { Target } from './port.js';

export interface HttpTargetOptions {
  /** Replaces the HTTP client (unit tests). */
  readonly callHttp?: HttpCaller;
  /** Replaces real processes, for a version or health check given as a command (unit tests). */
  readonly runProcess?: ProcessRunner;
}

/** Resolves header values from the environment now: a missing token fails before the drill starts. */
export function createHttpTarget(config: HttpTargetConfig, options: HttpTargetOptions = {}): Target {
  const agent = options.callHttp ? undefined : new Agent({ keepAliveTimeout: 2_000, connections: 4 });
  const callHttp = options.callHttp ?? createHttpCaller(agent as Agent);
  const headers = {
    deploy: resolveValues(config.deploy.headers, 'target.deploy.headers'),
    rollback: resolveValues(config.rollback.headers, 'target.rollback.headers'),
  };
  const probe = new TargetProbe(config.version, config.health, {
    runProcess: options.runProcess ?? runProcess,
    callHttp,
    workingDirectory: process.cwd(),
    env: {},
  });
  const journal = new StepJournal();

  const actions: ActionRunner = {
    noun: 'call',
    async run(action: TargetAction, values: TemplateValues, ctx: AdapterContext) {
      const call: HttpActionConfig = config[action];
      const url = new URL(fillTemplate(call.url, values));
      const body = fillBody(call.body, values);
      const result = await callHttp(
        {
          url,
          method: call.method,
          headers: headers[action],
          ...(body ? { body } : {}),
          timeoutMs: call.timeout,
        },
        ctx.clock,
        ctx.signal,
      );
      const record = await journal.record<HttpStepRecord>(
        {
          kind: 'http',
          action,
          step: 1,
          of: 1,
          ok: isSuccessStatus(result),
          durationMs: Math.round(result.durationMs),
          method: call.method,
          url: url.href,
          status: result.status ?? null,
          ...(result.error === undefined ? {} : { error: result.error }),
          timedOut: result.timedOut,
          response: result.body.text,
          responseBytes: result.body.totalBytes,
        },
        ctx,
      );
      if (!record.ok) {
        const outcome = record.error ?? `HTTP ${record.status ?? '?'} (expected 2xx)`;
        throw new ActionFailedError(
          `the ${action} call ${call.method} ${url.href} failed: ${outcome}${lastWords(record)}`,
          [record],
        );
      }
      return [record];
    },
  };

  return new StagedTarget(
    {
      kind: 'http',
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
