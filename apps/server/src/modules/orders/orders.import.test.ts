import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { yuanToFen } from './orders.import.ts';

describe('order import', () => {
  let t: TestApp;
  let a: TestTenant;
  let storeCode = '';
  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestTenant(t.deps);
    const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: a.auth, payload });
    await post('/api/v1/products/bulk', { products: [{ sku: 'LATTE', name: '拿铁', list_price_fen: 3200 }, { sku: 'BEANS', name: '咖啡豆', list_price_fen: 8800 }] });
    storeCode = (await post('/api/v1/stores', { code: 'SH001', name: '上海一店', status: 'active' })).json().code;
    await post('/api/v1/members/resolve', { identities: [{ type: 'phone', value: '13700001111' }], profile: { channel: 'store' } });
    await post('/api/v1/points/rules', { rules: { base_points_per_yuan: 1 }, effective_from: '2020-01-01T00:00:00Z' });
  });
  afterAll(() => t.close());

  const upload = (body: string | Buffer) => t.app.inject({ method: 'POST', url: '/api/v1/orders/import?file_name=orders.csv', headers: { ...a.auth, 'content-type': 'text/csv' }, payload: body });
  const runJobs = () => createWorker(t.deps).drain();
  const importOf = async (id: string) => (await t.app.inject({ url: `/api/v1/orders/imports/${id}`, headers: a.auth })).json();

  it('records each order once, with its lines, member, store and points; reports bad rows by line; a rerun adds nothing', async () => {
    const csv = [
      '订单号,下单时间,渠道,门店编码,会员手机号,商品编码,数量,单价,折扣,运费,实付,支付方式',
      `IMP-1,2026-11-20 10:30,store,${storeCode},13700001111,LATTE,2,32.00,3,,149.00,wechat_pay`,
      `IMP-1,2026-11-20 10:30,store,${storeCode},13700001111,BEANS,1,88,,,,`,
      'IMP-2,2026-11-20 11:00,mini_program,,,LATTE,1,32.5,,5,37.50,alipay',
      'IMP-3,2026-11-20 12:00,store,,,NOPE,1,10,,,10,cash',
      'IMP-4,2026-11-20 12:30,store,,,LATTE,1,32.001,,,32,cash',
      'IMP-5,2026-11-20 13:00,store,NOSTORE,,LATTE,1,32,,,31,cash',
    ].join('\n');
    const started = await upload(csv);
    expect(started.statusCode).toBe(202);
    await runJobs();
    const done = await importOf(started.json().id);
    expect(done).toMatchObject({ status: 'succeeded', total_rows: 6, processed_rows: 6, created: 2, duplicates: 0, failed: 3 });

    const orders = (await t.app.inject({ url: '/api/v1/orders?limit=10', headers: a.auth })).json().data;
    const first = orders.find((o: { external_id: string }) => o.external_id === 'IMP-1');
    expect(first).toMatchObject({ total_paid_fen: 14900, discount_fen: 300, occurred_at: '2026-11-20T02:30:00.000Z', lines: [{ sku: 'LATTE', qty: 2, paid_fen: 6100 }, { sku: 'BEANS', paid_fen: 8800 }] });
    expect(first.member_id).not.toBeNull();
    expect(first.store_id).not.toBeNull();
    expect((await t.app.inject({ url: `/api/v1/members/${first.member_id}/points`, headers: a.auth })).json().lifetime_earned).toBe(149);

    const errors = (await t.app.inject({ url: `/api/v1/orders/imports/${done.id}/errors.csv`, headers: a.auth })).body.replace(/^\uFEFF/, '').trim().split('\n').slice(1);
    expect(errors.map((line) => line.split(',').slice(0, 3).join(','))).toEqual(['5,sku,unknown_sku', '6,unit_price,invalid_amount', '7,store_code,unknown_store']);

    const again = await upload(csv);
    await runJobs();
    expect(await importOf(again.json().id)).toMatchObject({ created: 0, duplicates: 2, failed: 3 });
  });

  it('reads GBK files from Excel and refuses what is not CSV', async () => {
    const csv = ['订单号,下单时间,商品编码,数量,单价,实付', 'GBK-1,2026-11-21 09:00,LATTE,1,32,32'].join('\r\n');
    const started = await upload(iconv.encode(csv, 'gbk'));
    await runJobs();
    expect(await importOf(started.json().id)).toMatchObject({ encoding: 'gb18030', created: 1, failed: 0 });
    const json = await t.app.inject({ method: 'POST', url: '/api/v1/orders/import', headers: a.auth, payload: { a: 1 } });
    expect(json.statusCode).toBe(415);
    const other = await createTestTenant(t.deps);
    expect((await t.app.inject({ url: `/api/v1/orders/imports/${started.json().id}`, headers: other.auth })).statusCode).toBe(404);
  });

  it('turns yuan into fen exactly', () => {
    expect([yuanToFen('32'), yuanToFen('32.5'), yuanToFen('32.50'), yuanToFen('¥1,234.05'), yuanToFen('0.1'), yuanToFen('1.005'), yuanToFen('-1'), yuanToFen('abc')]).toEqual([3200, 3250, 3250, 123405, 10, null, null, null]);
  });
});
