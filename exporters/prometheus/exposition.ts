/**
 * What a /metrics scrape returns: the registry in the Prometheus text format, byte for byte what
 * `registry.metrics()` returns, assembled from the drill families' cached pages
 * (partitioned-family.ts) instead of formatting every series again. Any other metric in the
 * registry (the serve daemon's history gauges, a test's counter) is rendered by prom-client on
 * every scrape, as before. The pieces are written to the socket one after the other: joining them
 * first would copy the whole body (23 MB at 1,000 scenarios) on every scrape.
 */
import type { ServerResponse } from 'node:http';
import { Registry, type RegistryContentType } from 'prom-client';

/** Any registry; the text format is built for the classic one, OpenMetrics goes to prom-client. */
type AnyRegistry = Registry<RegistryContentType>;
import { PartitionedFamily } from './partitioned-family.js';

const FAMILY_SEPARATOR = Buffer.from('\n\n');
const FINAL_NEWLINE = Buffer.from('\n');

/** The /metrics body (UTF-8, for `registry.contentType`) as pieces to send in order. */
export async function expositionPieces(registry: AnyRegistry): Promise<Buffer[]> {
  // The cached pages are the classic text format; OpenMetrics differs (counter names, # EOF).
  if (registry.contentType !== Registry.PROMETHEUS_CONTENT_TYPE)
    return [Buffer.from(await registry.metrics())];
  const pieces: Buffer[] = [];
  for (const metric of registry.getMetricsAsArray()) {
    if (pieces.length) pieces.push(FAMILY_SEPARATOR);
    const family: unknown = metric;
    if (family instanceof PartitionedFamily) pieces.push(...family.expositionChunks());
    else pieces.push(Buffer.from(await registry.getSingleMetricAsString(metric.name)));
  }
  pieces.push(FINAL_NEWLINE);
  return pieces;
}

/** The same body as one string (tests, benchmarks, anything that needs it whole). */
export async function renderExposition(registry: AnyRegistry): Promise<string> {
  return Buffer.concat(await expositionPieces(registry)).toString('utf8');
}

/** Answers a scrape: status 200, the registry's content type and length, the body unless HEAD. */
export async function sendExposition(
  registry: AnyRegistry,
  response: ServerResponse,
  options: { readonly head?: boolean } = {},
): Promise<void> {
  const pieces = await expositionPieces(registry);
  let length = 0;
  for (const piece of pieces) length += piece.length;
  response.statusCode = 200;
  response.setHeader('content-type', registry.contentType);
  response.setHeader('content-length', length);
  if (options.head) {
    response.end();
    return;
  }
  // Corked, the few hundred pieces leave in one vectored write instead of one syscall each.
  response.cork();
  for (const piece of pieces) response.write(piece);
  response.uncork();
  response.end();
}
