import { describe, expect, it } from 'vitest';
import { CartStore, DEMO_CART_ID, findProduct, PRODUCTS } from '../../../harness/demo/catalog.js';

describe('catalog', () => {
  it('finds products by numeric id or by its digits as text, nothing else', () => {
    expect(findProduct(1)).toBe(PRODUCTS[0]);
    expect(findProduct('1')).toBe(PRODUCTS[0]);
    expect(findProduct('1.0')).toBeUndefined();
    expect(findProduct('one')).toBeUndefined();
    expect(findProduct(999)).toBeUndefined();
  });
});

describe('CartStore', () => {
  it('prices carts and keeps only the most recent ones, plus the demo cart', () => {
    const store = new CartStore(3);
    const first = store.create({ productId: 2, quantity: 2 });
    expect(first.totalCents).toBe(9800);
    const later = [1, 2, 3].map(() => store.create({ productId: 5, quantity: 1 }));
    expect(store.size).toBe(3);
    expect(store.get(first.id)).toBeUndefined();
    for (const cart of later) expect(store.get(cart.id)).toBe(cart);
    expect(store.get(DEMO_CART_ID)).toMatchObject({ id: 'demo', totalCents: 2400 });
  });
});
