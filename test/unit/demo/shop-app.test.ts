import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../../harness/core/clock.js';
import { FakeClock } from '../../../harness/core/fake-clock.js';
import { createPaymentsClient, type PaymentsClient } from '../../../harness/demo/payments-client.js';
import { createPaymentsServer } from '../../../harness/demo/payments-server.js';
import { findRelease } from '../../../harness/demo/releases.js';
import { createShopApp } from '../../../harness/demo/shop-app.js';
import { postJson, ServedSet } from './serve.js';

const served = new ServedSet();
const clients: PaymentsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await served.closeAll();
});

function release(version: string) {
  const found = findRelease(version);
  if (!found) throw new Error(`no release ${version}`);
  return found;
}

async function shop(version: string, payments?: PaymentsClient) {
  const app = createShopApp({
    release: release(version),
    clock: new SystemClock(),
    ...(payments ? { payments } : {}),
  });
  return (await served.add(app)).url;
}

describe('demo shop (stable 1.4.2)', () => {
  it('serves products, health and version, each response tagged with x-demo-version', async () => {
    const base = await shop('1.4.2');
    const list = await fetch(new URL('/api/products', base));
    expect(list.status).toBe(200);
    expect(list.headers.get('x-demo-version')).toBe('1.4.2');
    const { products } = (await list.json()) as { products: { id: string }[] };
    expect(products.length).toBeGreaterThan(3);

    const one = await fetch(new URL(`/api/products/${products[0]?.id}`, base));
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: products[0]?.id });

    const missing = await fetch(new URL('/api/products/nope', base));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-demo-version')).toBe('1.4.2');
    await missing.text();

    const health = await fetch(new URL('/healthz', base));
    expect(await health.json()).toEqual({ status: 'ok', version: '1.4.2' });
    const version = await fetch(new URL('/version', base));
    expect(await version.json()).toEqual({ version: '1.4.2' });

    const unknownRoute = await fetch(new URL('/nowhere', base));
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.headers.get('x-demo-version')).toBe('1.4.2');
    await unknownRoute.text();
  });

  it('creates carts and rejects bad bodies with 400', async () => {
    const base = await shop('1.4.2');
    const cart = await postJson(new URL('/api/cart', base), { productId: 2, quantity: 2 });
    expect(cart).toMatchObject({ status: 201, body: { totalCents: 9800 } });
    expect(await postJson(new URL('/api/cart', base), { productId: 2 })).toMatchObject({ status: 400 });
    expect(await postJson(new URL('/api/cart', base), { productId: 2, quantity: 0 })).toMatchObject({
      status: 400,
    });
    expect(await postJson(new URL('/api/cart', base), '{not json')).toMatchObject({ status: 400 });
    expect(await postJson(new URL('/api/cart', base), { productId: 999, quantity: 1 })).toMatchObject({
      status: 404,
    });
  });

  it('checks out a cart without payments configured', async () => {
    const base = await shop('1.4.2');
    const cart = await postJson(new URL('/api/cart', base), { productId: '1', quantity: 3 });
    const cartId = (cart.body as { cartId: string }).cartId;
    const order = await postJson(new URL('/api/checkout', base), { cartId });
    expect(order).toMatchObject({ status: 200, body: { amountCents: 3600, payment: 'skipped' } });
    expect(await postJson(new URL('/api/checkout', base), { cartId: 'cart-nope' })).toMatchObject({
      status: 404,
    });
    expect(await postJson(new URL('/api/checkout', base), { cartId: 7 })).toMatchObject({ status: 400 });
  });
});

describe('the request mix of the demo scenarios', () => {
  it('succeeds on the stable version: product 1, a cart of product 1, checkout of the demo cart', async () => {
    const base = await shop('1.4.2');
    const product = await fetch(new URL('/api/products/1', base));
    expect(product.status).toBe(200);
    await product.text();
    expect(await postJson(new URL('/api/cart', base), { productId: 1, quantity: 2 })).toMatchObject({
      status: 201,
      body: { totalCents: 2400 },
    });
    expect(await postJson(new URL('/api/checkout', base), { cartId: 'demo' })).toMatchObject({
      status: 200,
      body: { status: 'confirmed', amountCents: 2400 },
    });
  });
});

describe('demo shop checkout and payments', () => {
  it('charges payments and answers 200', async () => {
    const payments = await served.add(createPaymentsServer(new SystemClock()));
    const client = createPaymentsClient(payments.url, new SystemClock());
    clients.push(client);
    const base = await shop('1.4.2', client);
    expect(await postJson(new URL('/api/checkout', base), {})).toMatchObject({
      status: 200,
      body: { status: 'confirmed', payment: 'charged' },
    });
  });

  it('answers 502 when payments refuses connections', async () => {
    const gone = await served.add(() => undefined);
    await gone.close();
    const client = createPaymentsClient(gone.url, new SystemClock());
    clients.push(client);
    const base = await shop('1.4.2', client);
    const result = await postJson(new URL('/api/checkout', base), {});
    expect(result).toMatchObject({ status: 502, body: { error: 'payment service unavailable' } });
  });

  it('answers 502 when payments takes longer than 1 s (timed on the injected clock)', async () => {
    const clock = new FakeClock();
    let arrived!: () => void;
    const paymentsArrived = new Promise<void>((resolve) => (arrived = resolve));
    // A payments service that never answers.
    const stuck = await served.add(() => arrived());
    const client = createPaymentsClient(stuck.url, clock);
    clients.push(client);
    const app = createShopApp({ release: release('1.4.2'), clock, payments: client });
    const base = (await served.add(app)).url;

    let settled = false;
    const checkout = postJson(new URL('/api/checkout', base), {}).finally(() => (settled = true));
    await paymentsArrived;
    await clock.advance(999);
    expect(settled).toBe(false);
    await clock.advance(1);
    await expect(checkout).resolves.toMatchObject({
      status: 502,
      body: { detail: 'payments did not answer within 1000 ms' },
    });
  });
});

describe('bad releases', () => {
  it('1.5.0-errors fails exactly 60 of 100 checkouts with 500, and nothing else', async () => {
    const base = await shop('1.5.0-errors');
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await postJson(new URL('/api/checkout', base), {})).status);
    expect(statuses.filter((status) => status === 500)).toHaveLength(60);
    expect(statuses.filter((status) => status === 200)).toHaveLength(40);

    for (let i = 0; i < 20; i++) {
      const response = await fetch(new URL('/api/products', base));
      expect(response.status).toBe(200);
      await response.text();
    }
    expect(await postJson(new URL('/api/cart', base), { productId: 1, quantity: 1 })).toMatchObject({
      status: 201,
    });
  });

  // Real time on a shared machine: the lower bound is the claim; exactness is proven on the fake clock below.
  it('1.5.0-slow adds 250 ms to /api/* responses (measured ≥ 250 ms), not to /healthz', async () => {
    const base = await shop('1.5.0-slow');
    // Warm up the connection so the measurement is the added latency, not a TCP handshake.
    await (await fetch(new URL('/healthz', base))).text();
    const apiElapsed: number[] = [];
    for (const path of ['/api/products', '/api/products/1']) {
      const started = performance.now();
      const response = await fetch(new URL(path, base));
      await response.text();
      const elapsed = performance.now() - started;
      expect(response.status).toBe(200);
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(2_000);
      apiElapsed.push(elapsed);
    }
    const started = performance.now();
    await (await fetch(new URL('/healthz', base))).text();
    // /healthz carries no added delay: it answers well inside the 250 ms the API calls wait.
    expect(performance.now() - started).toBeLessThan(Math.min(...apiElapsed) - 150);
  });

  it('1.5.0-slow waits on the injected clock, not on real time', async () => {
    const clock = new FakeClock();
    const base = (await served.add(createShopApp({ release: release('1.5.0-slow'), clock }))).url;
    let settled = false;
    const response = fetch(new URL('/version', base)).then(async (r) => {
      await r.text();
      return fetch(new URL('/api/products', base));
    });
    void response.finally(() => (settled = true));
    // Wait until the request is parked on the clock, then move time.
    while (clock.pendingTimers() === 0) await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(249);
    expect(settled).toBe(false);
    await clock.advance(1);
    expect((await response).status).toBe(200);
  });
});
