import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Forecast, RegionalReport } from '@hearth/contracts/analytics';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { seasonalNaiveWithDrift } from './regional.service.ts';

describe('regional sales', () => {
  let t: TestApp;
  let a: TestTenant;
  let n = 0;
  const post = (url: string, payload: object, tenant: TestTenant = a) => t.app.inject({ method: 'POST', url, payload, headers: tenant.auth });
  const get = (url: string, tenant: TestTenant = a) => t.app.inject({ method: 'GET', url, headers: tenant.auth });
  /** One order of `fen` at a store (or online) on a day, in Shanghai time. */
  const sell = async (storeId: string | null, day: string, fen: number, sku = 'LATTE') => {
    const response = await post('/api/v1/orders', {
      external_id: `R-${++n}`,
      channel: storeId ? 'store' : 'web',
      store_id: storeId,
      lines: [{ sku, qty: 1, unit_price_fen: fen }],
      shipping_fen: 0,
      total_paid_fen: fen,
      occurred_at: `${day}T12:00:00+08:00`,
    });
    expect(response.statusCode).toBe(201);
    return response.json().id as string;
  };

  let shanghai: string;
  let hangzhou: string;
  beforeAll(async () => {
    t = await createTestApp({ clock: { now: () => new Date('2026-11-20T10:00:00+08:00') } });
    a = await createTestTenant(t.deps);
    shanghai = (await post('/api/v1/stores', { code: 'SH01', name: '上海南京西路店', province: '上海', city: '上海市' })).json().id;
    hangzhou = (await post('/api/v1/stores', { code: 'HZ01', name: '杭州湖滨店', province: '浙江', city: '杭州市' })).json().id;
    await post('/api/v1/products/bulk', { products: [{ sku: 'LATTE', name: '拿铁', list_price_fen: 3200, category_path: ['饮品', '咖啡'] }, { sku: 'BEANS', name: '咖啡豆', list_price_fen: 8800, category_path: ['咖啡豆'] }] });
    // October last year, the three months before this October, and this October: Hangzhou halves.
    for (const day of ['2025-10-10', '2026-07-10', '2026-08-10', '2026-09-10']) {
      await sell(shanghai, day, 10_000);
      await sell(hangzhou, day, 10_000);
    }
    await sell(shanghai, '2026-10-10', 11_000);
    await sell(hangzhou, '2026-10-10', 5_000);
    await sell(null, '2026-10-12', 3_000, 'BEANS');
    // A fully refunded order is no sale.
    const refunded = await sell(hangzhou, '2026-10-20', 9_000);
    expect((await post(`/api/v1/orders/${refunded}/refunds`, { external_refund_id: 'RF-1', amount_fen: 9_000 })).statusCode).toBe(201);
  }, 120_000);
  afterAll(() => t.close());

  it('compares a month with the same month last year and the trailing mean, and flags the drop', async () => {
    const response = await get('/api/v1/analytics/regional?level=city&period=month&at=2026-10-15&trailing=3');
    expect(response.statusCode).toBe(200);
    const report = response.json() as RegionalReport;
    expect(report).toMatchObject({ level: 'city', period: 'month', from: '2026-10-01', to: '2026-10-31', threshold_bp: 2000 });
    expect(report.rows).toEqual([
      { region: '浙江 杭州市', store_id: null, sales_fen: 5000, orders: 1, last_year_fen: 10_000, trailing_mean_fen: 10_000, vs_last_year_bp: -5000, vs_trailing_bp: -5000, dropped: true },
      { region: '上海 上海市', store_id: null, sales_fen: 11_000, orders: 1, last_year_fen: 10_000, trailing_mean_fen: 10_000, vs_last_year_bp: 1000, vs_trailing_bp: 1000, dropped: false },
      { region: '线上 / 无门店', store_id: null, sales_fen: 3000, orders: 1, last_year_fen: 0, trailing_mean_fen: 0, vs_last_year_bp: null, vs_trailing_bp: null, dropped: false },
    ]);
  });

  it('reports by store with its id, and by province; the threshold is the tenant’s', async () => {
    const stores = (await get('/api/v1/analytics/regional?level=store&at=2026-10-15')).json() as RegionalReport;
    expect(stores.rows.filter((r) => r.store_id).map((r) => [r.region, r.store_id, r.dropped])).toEqual([
      ['杭州湖滨店', hangzhou, true],
      ['上海南京西路店', shanghai, false],
    ]);
    const settings = (await get('/api/v1/analytics/settings')).json() as Record<string, unknown>;
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/analytics/settings', headers: a.auth, payload: { ...settings, regional_drop_bp: 6000 } })).statusCode).toBe(200);
    const provinces = (await get('/api/v1/analytics/regional?level=province&at=2026-10-15')).json() as RegionalReport;
    expect(provinces.threshold_bp).toBe(6000);
    expect(provinces.rows.find((r) => r.region === '浙江')).toMatchObject({ sales_fen: 5000, dropped: false });
    expect((await get('/api/v1/analytics/regional?level=county')).statusCode).toBe(400);
    const other = await createTestTenant(t.deps);
    expect(((await get('/api/v1/analytics/regional?at=2026-10-15', other)).json() as RegionalReport).rows).toEqual([]);
  });

  it('weekly periods compare with the week 52 weeks earlier', async () => {
    const report = (await get('/api/v1/analytics/regional?period=week&at=2026-10-10&trailing=2')).json() as RegionalReport;
    expect(report).toMatchObject({ from: '2026-10-05', to: '2026-10-11' });
    expect(report.rows.find((r) => r.region === '浙江 杭州市')).toMatchObject({ sales_fen: 5000, trailing_mean_fen: 0, vs_trailing_bp: null, dropped: false });
  });

  it('forecasts each region and category month by month', async () => {
    const forecast = (await get('/api/v1/analytics/regional/forecast?level=city&horizon=2')).json() as Forecast;
    const hz = forecast.series.find((s) => s.region === '浙江 杭州市' && s.category === '饮品')!;
    expect(hz.history.at(0)).toEqual({ month: '2025-10', sales_fen: 10_000 });
    expect(hz.history.at(-1)).toEqual({ month: '2026-10', sales_fen: 5000 });
    // 13 months of history: too short for a season, so the mean of the last three months.
    expect(hz.forecast).toEqual([{ month: '2026-11', sales_fen: Math.round(25_000 / 3) }, { month: '2026-12', sales_fen: Math.round(25_000 / 3) }]);
    expect(forecast.series.find((s) => s.region === '线上 / 无门店')?.category).toBe('咖啡豆');
  });

  it('seasonal naive with drift copies last year’s months, scaled by the recent year-on-year change', () => {
    // Two years of a December peak; the last three months ran 10 % above the year before.
    const year1 = [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 300];
    const year2 = [110, 110, 110, 110, 110, 110, 110, 110, 110, 110, 110, 330];
    const history = [...year1, ...year2.slice(0, 9)];
    const drift = (110 * 3) / (100 * 3);
    expect(seasonalNaiveWithDrift(history, 3)).toEqual([Math.round(100 * drift), Math.round(100 * drift), Math.round(300 * drift)]);
    expect(seasonalNaiveWithDrift([10, 20, 30], 2)).toEqual([20, 20]);
    expect(seasonalNaiveWithDrift([], 1)).toEqual([0]);
  });
});
