/**
 * Reading what a staging system serves, for the command and http targets: the version (a command's
 * stdout or a URL's answer, picked out by a JSON pointer or a regex) and health (exit 0 / HTTP 2xx).
 * One check is one call; polling lives in command-watch.ts.
 */
import type { AdapterContext } from '../core/adapter-context.js';
import { secrets } from '../core/secrets.js';
import type { HealthProbeConfig, VersionProbeConfig } from '../scenario/schema/targets.js';
import type { ProcessResult, ProcessRunner } from './command-process.js';
import { commandEnvironment, fillTemplate, resolveValues, type TemplateValues } from './command-values.js';
import { describeHttpResult, isSuccessStatus, type HttpCaller } from './http-call.js';
import { resolve } from 'node:path';

export interface VersionReading {
  /** The version read; undefined when the check failed or found none. */
  readonly version?: string;
  /** What the check saw, for messages ("HTTP 503", "exit 1: …", "1.4.2"). */
  readonly seen: string;
}

export interface HealthReading {
  readonly healthy: boolean;
  readonly seen: string;
}

export interface ProbeDeps {
  readonly runProcess: ProcessRunner;
  readonly callHttp: HttpCaller;
  /** The target's working directory and resolved env (commands); used when a probe runs a command. */
  readonly workingDirectory: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Picks the version out of a check's text: JSON pointer, regex (group 1 or whole match), or the trimmed text. */
export function extractVersion(
  text: string,
  probe: Pick<VersionProbeConfig, 'jsonPointer' | 'regex'>,
): string | undefined {
  if (probe.jsonPointer !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
    const value = resolveJsonPointer(parsed, probe.jsonPointer);
    return typeof value === 'string' || typeof value === 'number'
      ? String(value).trim() || undefined
      : undefined;
  }
  if (probe.regex !== undefined) {
    const match = new RegExp(probe.regex).exec(text);
    const found = match?.[1] ?? match?.[0];
    return found?.trim() || undefined;
  }
  const trimmed = text.trim();
  return trimmed && !trimmed.includes('\n') ? trimmed : undefined;
}

/** RFC 6901: "" is the whole document; "/a/0/b~1c" walks a → 0 → "b/c". */
export function resolveJsonPointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}

export class TargetProbe {
  private readonly versionHeaders: Record<string, string>;
  private readonly healthHeaders: Record<string, string>;
  private readonly versionCommandEnv: Record<string, string>;
  private readonly healthCommandEnv: Record<string, string>;

  constructor(
    private readonly versionProbe: VersionProbeConfig,
    private readonly healthProbe: HealthProbeConfig | undefined,
    private readonly deps: ProbeDeps,
  ) {
    // Resolved once, at creation: a missing variable stops the drill before anything changes.
    this.versionHeaders = resolveValues(versionProbe.headers, 'target.version.headers');
    this.healthHeaders = resolveValues(healthProbe?.headers, 'target.health.headers');
    this.versionCommandEnv = resolveValues(versionProbe.command?.env, 'target.version.command.env');
    this.healthCommandEnv = resolveValues(healthProbe?.command?.env, 'target.health.command.env');
  }

  /** What the version check is, for observation methods: "GET http://…/version", "kubectl get …". */
  describeVersionCheck(): string {
    const { command, url } = this.versionProbe;
    return command ? `\`${command.argv.join(' ')}\`` : `GET ${url ?? '?'}`;
  }

  async version(ctx: AdapterContext, values: TemplateValues): Promise<VersionReading> {
    const probe = this.versionProbe;
    let text: string;
    if (probe.command) {
      const result = await this.runCheck(probe.command, this.versionCommandEnv, 'version', ctx, values);
      if (!processOk(result)) return { seen: describeProcess(result) };
      text = result.stdout.text;
    } else {
      const result = await this.deps.callHttp(
        {
          url: new URL(fillTemplate(probe.url ?? '', values)),
          method: 'GET',
          headers: this.versionHeaders,
          timeoutMs: probe.timeout,
        },
        ctx.clock,
        ctx.signal,
      );
      if (!isSuccessStatus(result)) return { seen: describeHttpResult(result) };
      text = result.body.text;
    }
    const version = extractVersion(text, probe);
    if (version === undefined) return { seen: `no version in the answer: ${clip(secrets.redact(text))}` };
    return { version, seen: version };
  }

  /** Healthy when there is no separate health check, or it passes. */
  async health(ctx: AdapterContext, values: TemplateValues): Promise<HealthReading> {
    const probe = this.healthProbe;
    if (!probe) return { healthy: true, seen: 'no separate health check' };
    if (probe.command) {
      const result = await this.runCheck(probe.command, this.healthCommandEnv, 'health', ctx, values);
      return { healthy: processOk(result), seen: describeProcess(result) };
    }
    const result = await this.deps.callHttp(
      { url: new URL(probe.url ?? ''), method: 'GET', headers: this.healthHeaders, timeoutMs: probe.timeout },
      ctx.clock,
      ctx.signal,
    );
    return { healthy: isSuccessStatus(result), seen: describeHttpResult(result) };
  }

  private runCheck(
    command: NonNullable<VersionProbeConfig['command']>,
    stepEnv: Record<string, string>,
    action: string,
    ctx: AdapterContext,
    values: TemplateValues,
  ): Promise<ProcessResult> {
    return this.deps.runProcess(
      {
        argv: command.argv.map((arg) => fillTemplate(arg, values)),
        cwd: resolve(this.deps.workingDirectory, command.workingDirectory ?? '.'),
        env: commandEnvironment([this.deps.env, stepEnv], {
          action,
          values,
          ...(ctx.run ? { runId: ctx.run.id } : {}),
        }),
        timeoutMs: command.timeout,
      },
      ctx.clock,
      ctx.signal,
    );
  }
}

function processOk(result: ProcessResult): boolean {
  return result.exitCode === 0 && !result.timedOut && result.startError === undefined;
}

function describeProcess(result: ProcessResult): string {
  if (result.startError) return result.startError;
  if (result.timedOut) return 'the check timed out';
  const said = clip(secrets.redact(result.stderr.text.trim() || result.stdout.text.trim()));
  const how = result.signal ? `killed by ${result.signal}` : `exit ${result.exitCode ?? '?'}`;
  return said ? `${how}: ${said}` : how;
}

function clip(text: string, max = 200): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}
