import { describe, expect, it } from 'vitest';
import { UserError } from '../../../harness/core/errors.js';
import { otelRequestedByEnv, resolveOtelConfig } from '../../../exporters/otel/config.js';

describe('resolveOtelConfig', () => {
  it('uses the OTLP defaults when nothing is set', () => {
    expect(resolveOtelConfig({}, {})).toEqual({
      tracesUrl: 'http://localhost:4318/v1/traces',
      metricsUrl: 'http://localhost:4318/v1/metrics',
      tracesProtocol: 'http/protobuf',
      metricsProtocol: 'http/protobuf',
      headers: {},
      timeoutMs: 10_000,
      serviceName: undefined,
      tracesEnabled: true,
      metricsEnabled: true,
    });
  });

  it('appends the signal path to the generic endpoint and uses signal endpoints as they are', () => {
    const config = resolveOtelConfig(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://metrics:9000/custom',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
        OTEL_METRICS_EXPORTER: 'none',
      },
    );
    expect(config.tracesUrl).toBe('http://collector:4318/v1/traces');
    expect(config.metricsUrl).toBe('http://metrics:9000/custom');
    expect(config.tracesProtocol).toBe('http/json');
    expect(config.metricsProtocol).toBe('http/protobuf');
    expect(config.timeoutMs).toBe(2500);
    expect(config.metricsEnabled).toBe(false);
    expect(config.tracesEnabled).toBe(true);
  });

  it('lets explicit options win over the environment', () => {
    const config = resolveOtelConfig(
      {
        endpoint: 'http://127.0.0.1:4318',
        protocol: 'http/json',
        timeoutMs: 500,
        metrics: true,
        serviceName: 'drills',
      },
      {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://elsewhere/v1/traces',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_METRICS_EXPORTER: 'none',
      },
    );
    expect(config.tracesUrl).toBe('http://127.0.0.1:4318/v1/traces');
    expect(config.tracesProtocol).toBe('http/json');
    expect(config.timeoutMs).toBe(500);
    expect(config.metricsEnabled).toBe(true);
    expect(config.serviceName).toBe('drills');
  });

  it('refuses grpc and non-http endpoints with a message that says what to do', () => {
    expect(() => resolveOtelConfig({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(UserError);
    expect(() => resolveOtelConfig({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /http\/protobuf or http\/json/,
    );
    expect(() => resolveOtelConfig({ endpoint: 'collector:4318' }, {})).toThrow(/http:\/\/ or https:\/\//);
  });
});

describe('otelRequestedByEnv', () => {
  it('is on only when an OTLP endpoint is set and the SDK is not disabled', () => {
    expect(otelRequestedByEnv({})).toBe(false);
    expect(otelRequestedByEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(true);
    expect(otelRequestedByEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toBe(true);
    expect(
      otelRequestedByEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }),
    ).toBe(false);
    expect(otelRequestedByEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBe(false);
  });
});
