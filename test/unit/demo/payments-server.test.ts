import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../../harness/core/clock.js';
import { createPaymentsServer, PAYMENTS_VERSION } from '../../../harness/demo/payments-server.js';
import { postJson, ServedSet } from './serve.js';

const served = new ServedSet();
afterEach(() => served.closeAll());

describe('payments dependency', () => {
  it('charges on POST /charge, answers health, 404 elsewhere', async () => {
    const { url } = await served.add(createPaymentsServer(new SystemClock()));
    expect(await postJson(new URL('/charge', url), { orderId: 'o-1', amountCents: 100 })).toEqual({
      status: 200,
      body: { status: 'charged' },
    });
    const health = await fetch(new URL('/healthz', url));
    expect(await health.json()).toEqual({ status: 'ok', version: PAYMENTS_VERSION });
    expect(await postJson(new URL('/refund', url), {})).toMatchObject({ status: 404 });
  });

  it('takes its think time (~2 ms), not much more', async () => {
    const { url } = await served.add(createPaymentsServer(new SystemClock()));
    await postJson(new URL('/charge', url), {});
    const started = performance.now();
    for (let i = 0; i < 20; i++) await postJson(new URL('/charge', url), {});
    const perCallMs = (performance.now() - started) / 20;
    expect(perCallMs).toBeGreaterThanOrEqual(2);
    expect(perCallMs).toBeLessThan(50);
  });
});
