import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { signInByIdentity } from '../member-portal/sign-in.service.ts';
import { itemCodes } from './batches.service.ts';

describe('item codes in the console: looking a code up, the warranty list', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let phone = 13700000000;
  const req = (method: 'GET' | 'POST', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const member = async () => {
    const session = await signInByIdentity(t.deps, { tenantId: a.tenantId, identities: [{ type: 'phone', value: String(++phone) }], channel: 'web', profile: {}, kind: 'bearer', method: 'sms', ip: null, requestId: null });
    return { id: session.memberId, auth: { authorization: `Bearer ${session.token}` } };
  };
  const scan = (m: { auth: { authorization: string } }, code: string, place: object) => t.app.inject({ method: 'POST', url: '/api/v1/me/item-codes/scan', payload: { code, ...place }, headers: m.auth });

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    expect((await req('POST', '/api/v1/products/bulk', { products: [{ sku: 'LAMP-1', name: '台灯', list_price_fen: 29900 }] })).statusCode).toBe(200);
  });
  afterAll(() => t.close());

  it('shows a code’s batch, scans, first scan, claim and warranty without recording a scan; another brand’s code is 404', async () => {
    const created = await req('POST', '/api/v1/item-codes/batches', { sku: 'LAMP-1', name: '首批', quantity: 3, warranty_months: 12 });
    expect(created.statusCode, created.body).toBe(201);
    const batchId = created.json().id as string;
    await createWorker(t.deps).drain();
    const raw = (await t.deps.db.selectFrom('item_codes').select('code').where('tenant_id', '=', a.tenantId).where('batch_id', '=', batchId).where('seq', '=', 2).executeTakeFirstOrThrow()).code;
    const code = itemCodes.formatCode(raw);

    const before = await req('GET', `/api/v1/item-codes/codes/${code}`);
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toMatchObject({ code, result: 'inactive', seq: 2, scan_count: 0, claimed_by: null, flagged: false, warranty: null, scans: [], batch: { id: batchId, sku: 'LAMP-1', product_name: '台灯', status: 'created' } });

    expect((await req('POST', `/api/v1/item-codes/batches/${batchId}/activate`, {})).statusCode).toBe(200);
    const owner = await member();
    expect((await scan(owner, code, { province: '江苏省', city: '南京市' })).json().claim).toBe('claimed');
    clock.advance(60_000);
    expect((await scan(await member(), code, { province: '广东省', city: '广州市' })).json().claim).toBe('claimed_by_other');
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/me/item-codes/${code}/warranty`, payload: { purchase_date: '2026-11-19' }, headers: owner.auth })).statusCode).toBe(201);

    const after = (await req('GET', `/api/v1/item-codes/codes/${raw.toLowerCase()}`)).json();
    expect(after).toMatchObject({ result: 'genuine', scan_count: 2, first_province: '江苏省', first_city: '南京市', last_province: '广东省', claimed_by: owner.id, flagged: true, warranty: { member_id: owner.id, expires_on: '2027-11-19' } });
    expect(after.scans.map((s: { province: string }) => s.province)).toEqual(['广东省', '江苏省']);
    // Members are shown by number: the claimer, each signed-in scanner, and the flag the second claimer raised.
    const ownerNo = (await req('GET', `/api/v1/members/${owner.id}`)).json().member.member_no as string;
    expect(after.claimed_by_no).toBe(ownerNo);
    expect(after.scans.at(-1)).toMatchObject({ member_id: owner.id, member_no: ownerNo });
    const flags = (await req('GET', '/api/v1/item-codes/flags?kind=second_claimer')).json().data as { member_id: string | null; member_no: string | null }[];
    expect(flags.length).toBeGreaterThan(0);
    expect(flags.every((f) => f.member_id === null || /^M\d+$/.test(f.member_no ?? ''))).toBe(true);
    // Looking it up again counted nothing.
    expect((await req('GET', `/api/v1/item-codes/codes/${code}`)).json().scan_count).toBe(2);

    const malformed = await req('GET', '/api/v1/item-codes/codes/NOT-A-CODE');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0]).toMatchObject({ field: 'code', code: 'invalid_code' });
    expect((await req('GET', `/api/v1/item-codes/codes/${itemCodes.formatCode(itemCodes.newCode())}`)).statusCode).toBe(404);
    expect((await req('GET', `/api/v1/item-codes/codes/${code}`, undefined, b)).statusCode).toBe(404);
  });

  it('lists every member’s warranties newest first, by member and SKU, page by page, only the brand’s own', async () => {
    const created = await req('POST', '/api/v1/item-codes/batches', { sku: 'LAMP-1', quantity: 3, warranty_months: 6 });
    const batchId = created.json().id as string;
    await createWorker(t.deps).drain();
    await req('POST', `/api/v1/item-codes/batches/${batchId}/activate`, {});
    const codes = (await t.deps.db.selectFrom('item_codes').select('code').where('tenant_id', '=', a.tenantId).where('batch_id', '=', batchId).orderBy('seq').execute()).map((r) => itemCodes.formatCode(r.code));
    const buyers = [];
    for (const code of codes) {
      const m = await member();
      await scan(m, code, {});
      expect((await t.app.inject({ method: 'POST', url: `/api/v1/me/item-codes/${code}/warranty`, payload: { purchase_date: '2026-11-01', store_name: '京东自营' }, headers: m.auth })).statusCode).toBe(201);
      buyers.push(m.id);
    }
    const first = (await req('GET', '/api/v1/item-codes/warranties?limit=2')).json();
    expect(first.data).toHaveLength(2);
    expect(first.data[0]).toMatchObject({ code: codes[2], member_id: buyers[2], member_no: expect.stringMatching(/^M\d+$/), sku: 'LAMP-1', store_name: '京东自营', expires_on: '2027-05-01' });
    const second = (await req('GET', `/api/v1/item-codes/warranties?limit=2&cursor=${first.next_cursor}`)).json();
    expect(second.data.map((w: { code: string }) => w.code)).toContain(codes[0]);
    expect((await req('GET', `/api/v1/item-codes/warranties?member_id=${buyers[1]}`)).json().data.map((w: { code: string }) => w.code)).toEqual([codes[1]]);
    expect((await req('GET', '/api/v1/item-codes/warranties?sku=OTHER')).json().data).toEqual([]);
    expect((await req('GET', '/api/v1/item-codes/warranties', undefined, b)).json().data).toEqual([]);
  });
});
