/** How the shop calls its payments dependency: one POST /charge with a hard timeout. */
import { Agent, request } from 'undici';
import type { Clock } from '../core/clock.js';

export interface PaymentsClient {
  /** Resolves when the charge succeeded; rejects with a reason when it failed or timed out. */
  charge(orderId: string, amountCents: number): Promise<void>;
  close(): Promise<void>;
}

export const PAYMENTS_TIMEOUT_MS = 1_000;

/** A client for the payments service at `baseUrl` (possibly a fault-injecting proxy in front of it). */
export function createPaymentsClient(
  baseUrl: URL,
  clock: Clock,
  timeoutMs = PAYMENTS_TIMEOUT_MS,
): PaymentsClient {
  // Keep-alive, so checkout latency is the dependency's, not a TCP handshake per call.
  const dispatcher = new Agent({ keepAliveTimeout: 4_000, connections: 64 });
  const chargeUrl = new URL('/charge', baseUrl);

  return {
    async charge(orderId, amountCents) {
      const controller = new AbortController();
      const cancelTimer = clock.setTimer(
        () => controller.abort(new Error(`payments did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      try {
        const response = await request(chargeUrl, {
          method: 'POST',
          dispatcher,
          signal: controller.signal,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ orderId, amountCents }),
        });
        // Read the whole body inside the timeout: a proxy can stall mid-body too.
        const text = await response.body.text();
        if (response.statusCode !== 200) {
          throw new Error(`payments answered ${response.statusCode}: ${text.slice(0, 200)}`);
        }
      } finally {
        cancelTimer();
      }
    },
    close: () => dispatcher.close(),
  };
}
