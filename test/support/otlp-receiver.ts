/**
 * A loopback OTLP/HTTP receiver for tests (no collector is packaged for Debian): accepts
 * POST /v1/traces, /v1/metrics and /v1/logs, keeps JSON payloads decoded (protobuf ones raw),
 * answers 200 — or a chosen failure status, to test retries and error reporting.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { waitUntil, type WaitOptions } from './wait.js';

export type OtlpSignal = 'traces' | 'metrics' | 'logs';

export interface OtlpRequest {
  readonly signal: OtlpSignal;
  readonly contentType: string;
  /** Decoded JSON for http/json; undefined for protobuf. */
  readonly json?: unknown;
  readonly bytes: Buffer;
}

/** An OTLP JSON attribute value: exactly one of these is set. */
interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}
interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: Record<string, unknown>;
  readonly events: { name: string; timeUnixNano: string; attributes: Record<string, unknown> }[];
  readonly status: { code?: number; message?: string };
  readonly resource: Record<string, unknown>;
}

export interface OtlpReceiver {
  /** Base URL, e.g. http://127.0.0.1:PORT (the exporters append /v1/traces). */
  readonly url: string;
  readonly requests: OtlpRequest[];
  /** Every span received over JSON, flattened, with decoded attributes. */
  spans(): OtlpSpan[];
  /** Metric names received over JSON. */
  metricNames(): string[];
  /** Answer the next `count` requests with `status` (e.g. 503) instead of 200. */
  failNext(count: number, status: number): void;
  waitForSpans(count: number, options?: WaitOptions): Promise<OtlpSpan[]>;
  close(): Promise<void>;
}

export function attributeValue(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(attributeValue);
  return undefined;
}

export function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, attributeValue(kv.value)]));
}

interface TracesPayload {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        startTimeUnixNano: string;
        endTimeUnixNano: string;
        attributes?: KeyValue[];
        events?: { name: string; timeUnixNano: string; attributes?: KeyValue[] }[];
        status?: { code?: number; message?: string };
      }[];
    }[];
  }[];
}

interface MetricsPayload {
  resourceMetrics?: { scopeMetrics?: { metrics?: { name: string }[] }[] }[];
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: OtlpRequest[] = [];
  let failures = { count: 0, status: 503 };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const signal = /^\/v1\/(traces|metrics|logs)$/.exec(request.url ?? '')?.[1] as OtlpSignal | undefined;
    if (request.method !== 'POST' || !signal) {
      response.writeHead(404).end();
      return;
    }
    const bytes = await readBody(request);
    const contentType = request.headers['content-type'] ?? '';
    if (failures.count > 0) {
      failures = { ...failures, count: failures.count - 1 };
      response.writeHead(failures.status, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const isJson = contentType.includes('json');
    requests.push({
      signal,
      contentType,
      bytes,
      ...(isJson ? { json: JSON.parse(bytes.toString('utf8')) } : {}),
    });
    // An empty message is a valid Export*ServiceResponse in both encodings.
    if (isJson) response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    else response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(400).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;

  const spans = (): OtlpSpan[] =>
    requests
      .filter((r) => r.signal === 'traces' && r.json)
      .flatMap((r) =>
        ((r.json as TracesPayload).resourceSpans ?? []).flatMap((rs) =>
          (rs.scopeSpans ?? []).flatMap((ss) =>
            (ss.spans ?? []).map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              startTimeUnixNano: s.startTimeUnixNano,
              endTimeUnixNano: s.endTimeUnixNano,
              attributes: attributesOf(s.attributes),
              events: (s.events ?? []).map((e) => ({
                name: e.name,
                timeUnixNano: e.timeUnixNano,
                attributes: attributesOf(e.attributes),
              })),
              status: s.status ?? {},
              resource: attributesOf(rs.resource?.attributes),
            })),
          ),
        ),
      );

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    spans,
    metricNames: () =>
      requests
        .filter((r) => r.signal === 'metrics' && r.json)
        .flatMap((r) =>
          ((r.json as MetricsPayload).resourceMetrics ?? []).flatMap((rm) =>
            (rm.scopeMetrics ?? []).flatMap((sm) => (sm.metrics ?? []).map((m) => m.name)),
          ),
        ),
    failNext(count, status) {
      failures = { count, status };
    },
    waitForSpans(count, options = {}) {
      return waitUntil(() => (spans().length >= count ? spans() : undefined), {
        description: `${count} spans at the OTLP receiver`,
        timeoutMs: 15_000,
        ...options,
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
