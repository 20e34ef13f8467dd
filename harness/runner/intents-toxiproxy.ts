/**
 * Removing what a crashed drill left on a Toxiproxy server: its toxic, and its proxy when the drill
 * had created it. Plain HTTP DELETEs, never POST /reset (the server may be shared). "Already gone"
 * counts as done: a 404, or a refused connection — no server listens there, so none of its proxies
 * exist (Toxiproxy keeps no state across restarts). Anything else is a failure recover reports.
 */
import { Agent, request } from 'undici';

const TIMEOUT_MS = 10_000;

export type RemovalOutcome = 'removed' | 'already gone';

export function removeToxic(apiUrl: string, proxy: string, toxic: string): Promise<RemovalOutcome> {
  return remove(`${apiUrl}/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`);
}

export function removeProxy(apiUrl: string, proxy: string): Promise<RemovalOutcome> {
  return remove(`${apiUrl}/proxies/${encodeURIComponent(proxy)}`);
}

async function remove(url: string): Promise<RemovalOutcome> {
  const dispatcher = new Agent({ connections: 1, keepAliveTimeout: 1 });
  try {
    const response = await request(url, {
      method: 'DELETE',
      dispatcher,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = await response.body.text();
    if (response.statusCode === 204 || response.statusCode === 200) return 'removed';
    if (response.statusCode === 404) return 'already gone';
    throw new Error(`DELETE ${url} answered ${response.statusCode}: ${body.slice(0, 200)}`);
  } catch (error) {
    if (connectionRefused(error)) return 'already gone';
    throw error;
  } finally {
    void dispatcher.close().catch(() => undefined);
  }
}

function connectionRefused(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as NodeJS.ErrnoException).code === 'ECONNREFUSED') return true;
  }
  return false;
}
