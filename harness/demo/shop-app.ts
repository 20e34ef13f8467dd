/**
 * The demo shop as an express app, separate from the process that runs it so its behaviour can be
 * tested in-process. Every bad release's misbehaviour comes from its ReleaseBehaviour entry.
 */
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { CartStore, findProduct, PRODUCTS } from './catalog.js';
import type { PaymentsClient } from './payments-client.js';
import { checkoutFails, type ReleaseBehaviour } from './releases.js';

export interface ShopAppOptions {
  readonly release: ReleaseBehaviour;
  readonly clock: Clock;
  /** Called by checkout when set; checkout answers 502 when it fails. */
  readonly payments?: PaymentsClient;
}

const cartBody = z.strictObject({
  // A number, or its digits as text: both are common in hand-written load test bodies.
  productId: z.union([z.int().positive(), z.string().regex(/^\d+$/).transform(Number)]),
  quantity: z.int().min(1).max(99),
});
const checkoutBody = z.strictObject({ cartId: z.string().min(1).optional() });

/** The price of a checkout without a cart (`POST {}`): one coffee. */
const QUICK_CHECKOUT_CENTS = 350;

export function createShopApp(options: ShopAppOptions): Express {
  const { release, clock, payments } = options;
  const carts = new CartStore();
  let checkoutCount = 0;
  let orderCount = 0;

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((_req, res, next) => {
    res.setHeader('x-demo-version', release.version);
    next();
  });

  if (release.addedLatencyMs) app.use('/api', addLatency(clock, release.addedLatencyMs));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: release.version });
  });
  app.get('/version', (_req, res) => {
    res.json({ version: release.version });
  });

  app.get('/api/products', (_req, res) => {
    res.json({ products: PRODUCTS });
  });
  app.get('/api/products/:id', (req, res) => {
    const product = findProduct(req.params.id);
    if (product) res.json(product);
    else res.status(404).json({ error: `no product with id ${req.params.id}` });
  });

  const json = express.json({ limit: '16kb' });

  app.post('/api/cart', json, (req, res) => {
    const parsed = cartBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: 'expected a JSON body {productId: number, quantity: 1..99}' });
      return;
    }
    if (!findProduct(parsed.data.productId)) {
      res.status(404).json({ error: `no product with id ${parsed.data.productId}` });
      return;
    }
    const cart = carts.create(parsed.data);
    res.status(201).json({ cartId: cart.id, lines: cart.lines, totalCents: cart.totalCents });
  });

  app.post('/api/checkout', json, async (req, res) => {
    // The bad release fails before it even looks at the request, like a bug on the hot path would.
    if (checkoutFails(release, checkoutCount++)) {
      res.status(500).json({ error: 'internal error: order total could not be computed' });
      return;
    }
    const parsed = checkoutBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: 'expected a JSON body {cartId?: string}' });
      return;
    }
    const cart = parsed.data.cartId === undefined ? undefined : carts.get(parsed.data.cartId);
    if (parsed.data.cartId !== undefined && !cart) {
      res.status(404).json({ error: `no cart with id ${parsed.data.cartId}` });
      return;
    }
    const orderId = `order-${++orderCount}`;
    const amountCents = cart?.totalCents ?? QUICK_CHECKOUT_CENTS;
    if (payments) {
      try {
        await payments.charge(orderId, amountCents);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        res.status(502).json({ error: 'payment service unavailable', detail: reason });
        return;
      }
    }
    res.json({ orderId, status: 'confirmed', amountCents, payment: payments ? 'charged' : 'skipped' });
  });

  app.use((req, res) => {
    res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
  });
  app.use(errorToJson);
  return app;
}

function addLatency(clock: Clock, ms: number): RequestHandler {
  return (_req, _res, next) => {
    clock.sleep(ms).then(() => next(), next);
  };
}

/** body-parser errors carry a 4xx status (bad JSON, too large); anything else is a 500. */
const errorToJson: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const status = httpStatusOf(error);
  if (res.headersSent) return;
  res
    .status(status)
    .json({ error: status < 500 ? 'bad request body' : 'internal error', detail: messageOf(error) });
};

function httpStatusOf(error: unknown): number {
  if (typeof error === 'object' && error !== null && 'status' in error) {
    const status = (error as { status: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 600) return status;
  }
  return 500;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
