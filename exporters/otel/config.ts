/**
 * Where OpenTelemetry data goes: explicit options first, then the standard OTEL_* variables, then
 * the OTLP defaults. Pure (the environment is passed in), so every rule is unit-tested.
 */
import { UserError } from '../../harness/core/errors.js';

export type OtlpProtocol = 'http/json' | 'http/protobuf';

export interface OtelEndpointOptions {
  /** OTLP/HTTP base URL (e.g. http://collector:4318); `/v1/traces` and `/v1/metrics` are appended. */
  readonly endpoint?: string;
  readonly protocol?: OtlpProtocol;
  readonly headers?: Readonly<Record<string, string>>;
  /** Per export request; the OTLP exporter retries within it. */
  readonly timeoutMs?: number;
  /** Resource `service.name` of the harness itself (not the service under drill). */
  readonly serviceName?: string;
  /** Set false to send no traces / no metrics. */
  readonly traces?: boolean;
  readonly metrics?: boolean;
}

export interface ResolvedOtelConfig {
  readonly tracesUrl: string;
  readonly metricsUrl: string;
  readonly tracesProtocol: OtlpProtocol;
  readonly metricsProtocol: OtlpProtocol;
  /** Explicit headers only: the OTLP exporters add OTEL_EXPORTER_OTLP_*HEADERS themselves. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly serviceName: string | undefined;
  readonly tracesEnabled: boolean;
  readonly metricsEnabled: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_BASE = 'http://localhost:4318';
const DEFAULT_TIMEOUT_MS = 10_000;

function value(env: Env, name: string): string | undefined {
  const text = env[name]?.trim();
  return text ? text : undefined;
}

function withPath(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

function signalUrl(options: OtelEndpointOptions, env: Env, signal: 'TRACES' | 'METRICS'): string {
  const path = signal === 'TRACES' ? '/v1/traces' : '/v1/metrics';
  if (options.endpoint) return withPath(options.endpoint, path);
  // Per the OTLP exporter spec the signal-specific variable is used as is, the generic one gets the path.
  const specific = value(env, `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`);
  if (specific) return specific;
  return withPath(value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? DEFAULT_BASE, path);
}

function protocol(options: OtelEndpointOptions, env: Env, signal: 'TRACES' | 'METRICS'): OtlpProtocol {
  const chosen =
    options.protocol ??
    value(env, `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`) ??
    value(env, 'OTEL_EXPORTER_OTLP_PROTOCOL') ??
    'http/protobuf';
  if (chosen === 'http/json' || chosen === 'http/protobuf') return chosen;
  throw new UserError(
    `OpenTelemetry: OTLP protocol "${chosen}" is not supported; use http/protobuf or http/json ` +
      `(set OTEL_EXPORTER_OTLP_PROTOCOL, or point the endpoint at the collector's OTLP/HTTP port, usually 4318)`,
  );
}

function exporterEnabled(env: Env, name: string): boolean {
  return !(value(env, name) ?? '').split(',').some((v) => v.trim() === 'none');
}

function timeout(options: OtelEndpointOptions, env: Env): number {
  if (options.timeoutMs !== undefined) return options.timeoutMs;
  const fromEnv = Number(
    value(env, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') ?? value(env, 'OTEL_EXPORTER_OTLP_TIMEOUT'),
  );
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_TIMEOUT_MS;
}

/** Throws UserError for a protocol the harness cannot speak (grpc), before any drill starts. */
export function resolveOtelConfig(options: OtelEndpointOptions, env: Env): ResolvedOtelConfig {
  if (options.endpoint !== undefined && !/^https?:\/\//.test(options.endpoint))
    throw new UserError(`OpenTelemetry: endpoint "${options.endpoint}" must be an http:// or https:// URL`);
  return {
    tracesUrl: signalUrl(options, env, 'TRACES'),
    metricsUrl: signalUrl(options, env, 'METRICS'),
    tracesProtocol: protocol(options, env, 'TRACES'),
    metricsProtocol: protocol(options, env, 'METRICS'),
    headers: { ...options.headers },
    timeoutMs: timeout(options, env),
    serviceName: options.serviceName,
    tracesEnabled: options.traces ?? exporterEnabled(env, 'OTEL_TRACES_EXPORTER'),
    metricsEnabled: options.metrics ?? exporterEnabled(env, 'OTEL_METRICS_EXPORTER'),
  };
}

/** True when the environment asks for OTLP export (an endpoint is set and the SDK is not disabled). */
export function otelRequestedByEnv(env: Env): boolean {
  if (value(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return false;
  return [
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  ].some((name) => value(env, name) !== undefined);
}
