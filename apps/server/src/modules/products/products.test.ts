import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';

const latte = { sku: 'COF-LATTE-M', name: '拿铁（中杯）', category_path: ['饮品', '咖啡', '拿铁'], brand: '炉边', list_price_fen: 3200, tags: ['热销'] };
const beans = { sku: 'BEAN-YIRGA-250', name: '耶加雪菲咖啡豆 250g', category_path: ['咖啡豆'], list_price_fen: 8800, member_only: true };

describe('product catalogue', () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  const bulk = (tenant: TestTenant, products: object[]) => t.app.inject({ method: 'POST', url: '/api/v1/products/bulk', headers: tenant.auth, payload: { products } });

  it('upserts by SKU: created, then unchanged, then updated, in one transaction', async () => {
    const first = await bulk(a, [latte, beans]);
    expect(first.json()).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    expect((await bulk(a, [latte, beans])).json()).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    const changed = await bulk(a, [{ ...latte, list_price_fen: 3400 }, beans]);
    expect(changed.json()).toMatchObject({ created: 0, updated: 1, unchanged: 1, results: [{ sku: 'COF-LATTE-M', outcome: 'updated' }, { sku: 'BEAN-YIRGA-250', outcome: 'unchanged' }] });
    const product = (await t.app.inject({ url: '/api/v1/products/COF-LATTE-M', headers: a.auth })).json();
    expect(product).toMatchObject({ list_price_fen: 3400, brand: '炉边', member_only: false, status: 'active', category_path: ['饮品', '咖啡', '拿铁'] });
    const audit = (await t.app.inject({ url: '/api/v1/audit-log?action=product.upsert', headers: a.auth })).json().data;
    expect(audit.map((r: { details: object }) => r.details)).toEqual([{ created: 0, updated: 1, unchanged: 1 }, { created: 2, updated: 0, unchanged: 0 }]);
  });

  it('keeps money in integer fen and names the offending item', async () => {
    const response = await bulk(a, [latte, { ...beans, list_price_fen: 88.5 }, { ...beans, sku: 'bad sku!' }]);
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['products.1.list_price_fen', 'products.2.sku']);
    const negative = await t.app.inject({ method: 'PUT', url: '/api/v1/products/NEG-1', headers: a.auth, payload: { name: '负价', list_price_fen: -1 } });
    expect(negative.json().errors[0].field).toBe('list_price_fen');
  });

  it('creates one product with PUT (201, then 200) and lists with filters and cursors', async () => {
    const put = (price: number) => t.app.inject({ method: 'PUT', url: '/api/v1/products/TEA-OOLONG', headers: a.auth, payload: { name: '乌龙茶', category_path: ['饮品', '茶'], list_price_fen: price } });
    expect((await put(1800)).statusCode).toBe(201);
    expect((await put(1900)).statusCode).toBe(200);
    const drinks = (await t.app.inject({ url: '/api/v1/products?category=饮品', headers: a.auth })).json().data.map((p: { sku: string }) => p.sku);
    expect(drinks).toEqual(['COF-LATTE-M', 'TEA-OOLONG']);
    const memberOnly = (await t.app.inject({ url: '/api/v1/products?member_only=true', headers: a.auth })).json().data.map((p: { sku: string }) => p.sku);
    expect(memberOnly).toEqual(['BEAN-YIRGA-250']);
    const page1 = (await t.app.inject({ url: '/api/v1/products?limit=2', headers: a.auth })).json();
    const page2 = (await t.app.inject({ url: `/api/v1/products?limit=2&cursor=${page1.next_cursor}`, headers: a.auth })).json();
    expect([...page1.data, ...page2.data].map((p: { sku: string }) => p.sku)).toEqual(['BEAN-YIRGA-250', 'COF-LATTE-M', 'TEA-OOLONG']);
  });

  it("keeps catalogues apart: another brand's SKU is 404 and the same SKU may exist in both", async () => {
    const b = await createTestTenant(t.deps);
    expect((await t.app.inject({ url: '/api/v1/products/COF-LATTE-M', headers: b.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/products', headers: b.auth })).json().data).toEqual([]);
    expect((await bulk(b, [{ ...latte, list_price_fen: 2800 }])).json()).toMatchObject({ created: 1 });
    expect((await t.app.inject({ url: '/api/v1/products/COF-LATTE-M', headers: a.auth })).json().list_price_fen).toBe(3400);
  });
});
