/**
 * The OTLP/HTTP exporters for a resolved configuration: JSON or protobuf. The exporters still read
 * OTEL_EXPORTER_OTLP_*HEADERS and *COMPRESSION themselves; the URL, protocol and timeout are
 * resolved here so run.json can name the endpoint that was (or was not) reached.
 */
import { OTLPMetricExporter as OtlpJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OtlpProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ResolvedOtelConfig } from './config.js';

function exporterConfig(config: ResolvedOtelConfig, url: string) {
  return {
    url,
    timeoutMillis: config.timeoutMs,
    ...(Object.keys(config.headers).length ? { headers: { ...config.headers } } : {}),
  };
}

export function createOtlpSpanExporter(config: ResolvedOtelConfig): SpanExporter {
  const options = exporterConfig(config, config.tracesUrl);
  return config.tracesProtocol === 'http/json'
    ? new OtlpJsonTraceExporter(options)
    : new OtlpProtoTraceExporter(options);
}

export function createOtlpMetricExporter(config: ResolvedOtelConfig): PushMetricExporter {
  const options = exporterConfig(config, config.metricsUrl);
  return config.metricsProtocol === 'http/json'
    ? new OtlpJsonMetricExporter(options)
    : new OtlpProtoMetricExporter(options);
}
