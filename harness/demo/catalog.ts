/** The demo shop's products and its in-memory carts: enough state to make the endpoints realistic. */

export interface Product {
  readonly id: number;
  readonly name: string;
  readonly priceCents: number;
}

export const PRODUCTS: readonly Product[] = [
  { id: 1, name: 'Rubber duck (debugging edition)', priceCents: 1200 },
  { id: 2, name: 'Pager with a very loud beep', priceCents: 4900 },
  { id: 3, name: 'Runbook binder, A4', priceCents: 1500 },
  { id: 4, name: 'Incident commander hat', priceCents: 2500 },
  { id: 5, name: 'Coffee, large, to go', priceCents: 350 },
  { id: 6, name: 'Rollback button (big, red)', priceCents: 9900 },
];

const PRODUCTS_BY_ID = new Map(PRODUCTS.map((product) => [product.id, product]));

/** Finds a product by id; path parameters arrive as text, so "3" finds product 3. */
export function findProduct(id: number | string): Product | undefined {
  const numeric = typeof id === 'number' ? id : /^\d+$/.test(id) ? Number(id) : Number.NaN;
  return PRODUCTS_BY_ID.get(numeric);
}

export interface CartLine {
  readonly productId: number;
  readonly quantity: number;
}

export interface Cart {
  readonly id: string;
  readonly lines: readonly CartLine[];
  readonly totalCents: number;
}

/**
 * A cart every shop process starts with, so load tests can check out (`{"cartId": "demo"}`) without
 * first creating a cart on the same process: a deploy starts a new process with empty memory.
 */
export const DEMO_CART_ID = 'demo';

function cartOf(id: string, lines: readonly CartLine[]): Cart {
  const totalCents = lines.reduce(
    (sum, line) => sum + (findProduct(line.productId)?.priceCents ?? 0) * line.quantity,
    0,
  );
  return { id, lines, totalCents };
}

/**
 * Carts live in process memory. Drill traffic creates thousands of them, so the store keeps only the
 * most recent `capacity` (a Map iterates in insertion order: the first key is the oldest); the demo
 * cart is kept apart and never evicted.
 */
export class CartStore {
  private readonly carts = new Map<string, Cart>();
  private readonly demoCart = cartOf(DEMO_CART_ID, [{ productId: 1, quantity: 2 }]);
  private nextId = 1;

  constructor(private readonly capacity = 10_000) {}

  create(line: CartLine): Cart {
    const cart = cartOf(`cart-${this.nextId++}`, [line]);
    this.carts.set(cart.id, cart);
    if (this.carts.size > this.capacity) {
      const oldest = this.carts.keys().next().value;
      if (oldest !== undefined) this.carts.delete(oldest);
    }
    return cart;
  }

  get(id: string): Cart | undefined {
    return id === DEMO_CART_ID ? this.demoCart : this.carts.get(id);
  }

  /** Carts created (the demo cart is not counted). */
  get size(): number {
    return this.carts.size;
  }
}
