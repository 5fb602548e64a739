import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { signInByIdentity } from '../member-portal/sign-in.service.ts';
import { itemCodes } from './batches.service.ts';

describe('one code per item: batches, scans, claims, flags and warranties', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let phone = 13800000000;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const member = async (tenant: TestTenant = a) => {
    const session = await signInByIdentity(t.deps, { tenantId: tenant.tenantId, identities: [{ type: 'phone', value: String(++phone) }], channel: 'web', profile: {}, kind: 'bearer', method: 'sms', ip: null, requestId: null });
    return { id: session.memberId, auth: { authorization: `Bearer ${session.token}` } };
  };
  const memberScan = (m: { auth: { authorization: string } }, code: string, place: object = {}) => t.app.inject({ method: 'POST', url: '/api/v1/me/item-codes/scan', payload: { code, ...place }, headers: m.auth });
  const publicScan = (code: string, brand = a.slug, place: object = {}) => t.app.inject({ method: 'POST', url: '/api/v1/public/item-codes/scan', payload: { brand, code, ...place }, remoteAddress: `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` });
  const points = async (memberId: string) => (await req('GET', `/api/v1/members/${memberId}/points`)).json().available as number;
  const events = async (type: string) => (await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', type).execute()).map((e) => e.payload as Record<string, unknown>);
  const newBatch = async (quantity: number, extra: object = {}) => {
    const res = await req('POST', '/api/v1/item-codes/batches', { sku: 'KETTLE-1', quantity, points_per_claim: 50, warranty_months: 12, ...extra });
    expect(res.statusCode, res.body).toBe(201);
    await createWorker(t.deps).drain();
    return res.json().id as string;
  };
  const codesOf = async (batchId: string) => (await t.deps.db.selectFrom('item_codes').select(['code', 'seq']).where('tenant_id', '=', a.tenantId).where('batch_id', '=', batchId).orderBy('seq').execute()).map((r) => r.code);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    expect((await req('POST', '/api/v1/products/bulk', { products: [{ sku: 'KETTLE-1', name: '电热水壶', list_price_fen: 19900 }] })).statusCode).toBe(200);
  });
  afterAll(() => t.close());

  it('generates a large batch by a job in chunks and exports the printer’s CSV with a BOM and QR URLs', async () => {
    const created = await req('POST', '/api/v1/item-codes/batches', { sku: 'KETTLE-1', name: '2026 冬季', quantity: 10_001 });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ generated: 0, status: 'created', product_name: '电热水壶' });
    const early = await req('GET', `/api/v1/item-codes/batches/${created.json().id}/codes.csv`);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'CODE_BATCH_NOT_READY', status: 409 });
    await createWorker(t.deps).drain();
    expect((await req('GET', `/api/v1/item-codes/batches/${created.json().id}`)).json()).toMatchObject({ generated: 10_001, quantity: 10_001 });
    const csv = await req('GET', `/api/v1/item-codes/batches/${created.json().id}/codes.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body.startsWith('\uFEFFseq,code,qr_url\r\n')).toBe(true);
    const lines = csv.body.trim().split('\r\n').slice(1);
    expect(lines).toHaveLength(10_001);
    const codes = lines.map((l) => l.split(','));
    expect(codes.map((c) => Number(c[0]))).toEqual(Array.from({ length: 10_001 }, (_, i) => i + 1));
    expect(new Set(codes.map((c) => c[1])).size).toBe(10_001);
    for (const [, code, url] of codes.slice(0, 50)) {
      expect(itemCodes.parseCode(code!)).toBe(code!.replaceAll('-', ''));
      expect(url!.endsWith(`/m/scan?brand=${a.slug}&c=${code!.replaceAll('-', '')}`)).toBe(true);
    }
    expect(await req('GET', `/api/v1/item-codes/batches/${created.json().id}`, undefined, b).then((r) => r.statusCode)).toBe(404);
  }, 60_000);

  it('answers unknown, inactive and genuine, keeps the first scan’s time and city, and rejects a mistyped code before any read', async () => {
    const batchId = await newBatch(20);
    const [c1, c2, , , , , , , , , c11] = await codesOf(batchId);
    const notShipped = await publicScan(c1!);
    expect(notShipped.json()).toMatchObject({ result: 'inactive', product: { sku: 'KETTLE-1', name: '电热水壶' } });
    expect((await req('POST', `/api/v1/item-codes/batches/${batchId}/activate`, { from_seq: 1, to_seq: 10 })).json()).toMatchObject({ status: 'activated', activated_codes: 10 });
    const first = await publicScan(itemCodes.formatCode(c2!).toLowerCase(), a.slug, { province: '浙江省', city: '杭州市' });
    expect(first.json()).toMatchObject({ result: 'genuine', scan_count: 1, first_province: '浙江省', first_city: '杭州市', first_scanned_at: clock.now().toISOString(), warranty_months: 12 });
    clock.advance(3_600_000);
    expect((await publicScan(c2!, a.slug, { province: '浙江省', city: '宁波市' })).json()).toMatchObject({ scan_count: 2, first_city: '杭州市', first_scanned_at: '2026-11-20T02:00:00.000Z' });
    expect((await publicScan(c11!)).json().result).toBe('inactive');
    const typo = await publicScan(c2!.slice(0, 3) + (c2![3] === 'A' ? 'B' : 'A') + c2!.slice(4));
    expect(typo.statusCode).toBe(400);
    expect(typo.headers['content-type']).toContain('application/problem+json');
    expect(typo.json()).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, errors: [{ field: 'code', code: 'invalid_code' }] });
    expect((await publicScan(itemCodes.newCode())).json()).toMatchObject({ result: 'unknown', product: null });
    // Another brand's page does not know this brand's codes.
    expect((await publicScan(c2!, b.slug)).json().result).toBe('unknown');
    expect((await publicScan(c2!, 'no-such-brand')).json().errors[0]).toMatchObject({ field: 'brand', code: 'unknown_brand' });
    await req('POST', `/api/v1/item-codes/batches/${batchId}/deactivate`);
    expect((await publicScan(c2!)).json().result).toBe('inactive');
    expect((await req('POST', `/api/v1/item-codes/batches/${batchId}/activate`, {})).json().code).toBe('CODE_BATCH_DEACTIVATED');
    const flags = (await req('GET', '/api/v1/item-codes/flags?kind=inactive_batch')).json().data as { code: string }[];
    expect(flags.map((f) => f.code).sort()).toEqual([c1, c11, c2].sort());
    const scans = await t.deps.db.selectFrom('code_scans').select('result').where('tenant_id', '=', a.tenantId).execute();
    expect(scans.length).toBe(6);
  });

  it('limits public scans to 30 a minute per address, with a problem+json 429, and lets other addresses on', async () => {
    const [code] = await codesOf(await newBatch(1));
    const from = (address: string) => t.app.inject({ method: 'POST', url: '/api/v1/public/item-codes/scan', payload: { brand: a.slug, code }, remoteAddress: address });
    const answers = [];
    for (let i = 0; i < 31; i++) answers.push(await from('10.9.9.9'));
    expect(answers.slice(0, 30).every((r) => r.statusCode === 200)).toBe(true);
    expect(answers[30]!.statusCode).toBe(429);
    expect(answers[30]!.headers['content-type']).toContain('application/problem+json');
    expect(answers[30]!.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect((await from('10.9.9.10')).statusCode).toBe(200);
  });

  it('50 concurrent first scans of one code by 50 members award the points once; the others are flagged', async () => {
    const batchId = await newBatch(3);
    await req('POST', `/api/v1/item-codes/batches/${batchId}/activate`, {});
    const [code, second] = await codesOf(batchId);
    const members = await Promise.all(Array.from({ length: 50 }, () => member()));
    const answers = await Promise.all(members.map((m) => memberScan(m, code!)));
    expect(answers.map((r) => r.statusCode).filter((s) => s !== 200)).toEqual([]);
    const claims = answers.map((r) => r.json().claim as string);
    expect(claims.filter((c) => c === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c === 'claimed_by_other')).toHaveLength(49);
    const winner = members[claims.indexOf('claimed')]!;
    expect(await points(winner.id)).toBe(50);
    const balances = await Promise.all(members.map((m) => points(m.id)));
    expect(balances.reduce((s, p) => s + p, 0)).toBe(50);
    expect((await events('code.claimed')).filter((e) => e.code === code)).toHaveLength(1);
    const flags = (await req('GET', '/api/v1/item-codes/flags?kind=second_claimer&limit=200')).json().data as { code: string }[];
    expect(flags.filter((f) => f.code === code)).toHaveLength(49);
    expect((await memberScan(winner, code!)).json()).toMatchObject({ claim: 'already_yours', points_awarded: 0, scan_count: 51 });

    // One member scanning another code 30 times at once: claimed once, 50 points once.
    const eager = await member();
    const again = await Promise.all(Array.from({ length: 30 }, () => memberScan(eager, second!)));
    expect(again.filter((r) => r.json().claim === 'claimed')).toHaveLength(1);
    expect(again.filter((r) => r.json().claim === 'already_yours')).toHaveLength(29);
    expect(await points(eager.id)).toBe(50);
    // 30 scans in a day exceed the default 20: one burst flag for that member and day.
    const bursts = (await req('GET', '/api/v1/item-codes/flags?kind=member_burst')).json().data as { member_id: string }[];
    expect(bursts.filter((f) => f.member_id === eager.id)).toHaveLength(1);
  }, 60_000);

  it('flags the same code scanned in two provinces within the window, and not after it', async () => {
    expect((await req('PUT', '/api/v1/item-codes/settings', { member_daily_scans: 20, distant_minutes: 120, qr_base_url: 'https://h5.example.com/scan' })).statusCode).toBe(200);
    const batchId = await newBatch(2);
    await req('POST', `/api/v1/item-codes/batches/${batchId}/activate`, {});
    const [near, far] = await codesOf(batchId);
    await publicScan(near!, a.slug, { province: '广东省', city: '深圳市' });
    clock.advance(30 * 60_000);
    await publicScan(near!, a.slug, { province: '北京市', city: '北京市' });
    await publicScan(far!, a.slug, { province: '广东省', city: '深圳市' });
    clock.advance(3 * 3_600_000);
    await publicScan(far!, a.slug, { province: '北京市', city: '北京市' });
    const flags = (await req('GET', '/api/v1/item-codes/flags?kind=distant_scans')).json().data as { code: string; details: Record<string, unknown> }[];
    expect(flags.map((f) => f.code)).toEqual([near]);
    expect(flags[0]!.details).toMatchObject({ previous_province: '广东省', province: '北京市' });
    const csv = await req('GET', `/api/v1/item-codes/batches/${batchId}/codes.csv`);
    expect(csv.body).toContain(`https://h5.example.com/scan?brand=${a.slug}&c=${near}`);
  });

  it('registers a warranty once, only for the member who claimed the item, with the batch’s period', async () => {
    const batchId = await newBatch(2, { warranty_months: 24 });
    await req('POST', `/api/v1/item-codes/batches/${batchId}/activate`, {});
    const [code, unscanned] = await codesOf(batchId);
    const owner = await member();
    const other = await member();
    await memberScan(owner, code!);
    await memberScan(other, code!);
    const register = (m: { auth: { authorization: string } }, c: string, body: object = { purchase_date: '2026-11-18', store_name: '天猫旗舰店' }) => t.app.inject({ method: 'POST', url: `/api/v1/me/item-codes/${c}/warranty`, payload: body, headers: m.auth });
    expect((await register(owner, code!, { purchase_date: '2026-12-01' })).json().errors[0]).toMatchObject({ field: 'purchase_date', code: 'in_future' });
    const registered = await register(owner, code!);
    expect(registered.statusCode, registered.body).toBe(201);
    expect(registered.json()).toMatchObject({ purchase_date: '2026-11-18', expires_on: '2028-11-18', store_name: '天猫旗舰店', sku: 'KETTLE-1' });
    expect((await register(owner, code!)).json().code).toBe('WARRANTY_EXISTS');
    expect((await register(other, code!)).json()).toMatchObject({ status: 409, code: 'CODE_CLAIMED_BY_OTHER' });
    expect((await register(owner, unscanned!)).json().code).toBe('CODE_NOT_CLAIMED');
    expect((await memberScan(owner, code!)).json().warranty).toMatchObject({ id: registered.json().id, expires_on: '2028-11-18' });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me/warranties', headers: owner.auth })).json().data).toHaveLength(1);
    const outsider = await member(b);
    expect((await register(outsider, code!)).statusCode).toBe(404);
    expect((await events('warranty.registered')).length).toBe(1);
    expect((await events('code.scanned')).length).toBeGreaterThan(0);
    expect((await events('code.flagged')).length).toBeGreaterThan(0);
  });

  it('moves claims, scans and warranties to the survivor of a merge; erasure detaches the scans and blanks the warranty\'s store', async () => {
    const batchId = await newBatch(1);
    await req('POST', `/api/v1/item-codes/batches/${batchId}/activate`, {});
    const [code] = await codesOf(batchId);
    const survivor = await member();
    const merged = await member();
    expect((await memberScan(merged, code!, { province: '广东', city: '深圳' })).json()).toMatchObject({ points_awarded: 50 });
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/me/item-codes/${code}/warranty`, payload: { purchase_date: '2026-11-18', store_name: '福田某路专卖店' }, headers: merged.auth })).statusCode).toBe(201);
    expect((await req('POST', `/api/v1/members/${survivor.id}/merge`, { from_member_id: merged.id, reason: '同一人' })).statusCode).toBe(200);
    const warranties = (await t.app.inject({ method: 'GET', url: '/api/v1/me/warranties', headers: survivor.auth })).json().data;
    expect(warranties).toMatchObject([{ store_name: '福田某路专卖店' }]);
    expect((await memberScan(survivor, code!)).json()).toMatchObject({ claim: 'already_yours', points_awarded: 0 });
    expect((await t.deps.db.selectFrom('item_codes').select('claimed_by').where('tenant_id', '=', a.tenantId).where('code', '=', code!).executeTakeFirstOrThrow()).claimed_by).toBe(survivor.id);
    expect((await req('POST', `/api/v1/members/${survivor.id}/erase`, { reason: '会员申请注销' })).statusCode).toBe(200);
    const scans = await t.deps.db.selectFrom('code_scans').select('member_id').where('tenant_id', '=', a.tenantId).where('code', '=', code!).execute();
    expect(scans.length).toBeGreaterThanOrEqual(2);
    expect(scans.every((s) => s.member_id === null)).toBe(true);
    const warranty = await t.deps.db.selectFrom('code_warranties').select('store_name').where('tenant_id', '=', a.tenantId).where('code', '=', code!).executeTakeFirstOrThrow();
    expect(warranty.store_name).toBeNull();
  });
});
