import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { signInBySms } from '../member-portal/sign-in.test-helpers.ts';

describe('partners: code pools, allocation, callbacks, redemptions, settlement', () => {
  // 10:00 in Shanghai on 20 November 2026.
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let n = 0;
  const req = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const csv = (url: string, body: string | Buffer, tenant: TestTenant = a) => t.app.inject({ method: 'POST', url, payload: body, headers: { ...tenant.auth, 'content-type': 'text/csv' } });
  const newMember = async (tenant: TestTenant = a) => (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `PT-${++n}` }], profile: { channel: 'store' } }, tenant)).json().member.id as string;
  const events = async (type: string) => (await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', type).orderBy('id').execute()).map((e) => e.payload as Record<string, unknown>);
  const partner = async (extra: object = {}) => {
    const res = await req('POST', '/api/v1/partners', { name: `伙伴 ${++n}`, industry: '影院', settlement_terms: '每码 ¥8，月结', ...extra });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const pool = async (partnerId: string, extra: object = {}) => {
    const res = await req('POST', '/api/v1/partner-benefits', { partner_id: partnerId, name: `观影券 ${++n}`, kind: 'code_pool', period: 'month', ...extra });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const codes = (count: number, prefix = `C${++n}`) => 'code\n' + Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`).join('\n') + '\n';
  const allocate = (benefitId: string, memberId: string, tenant: TestTenant = a) => req('POST', `/api/v1/partner-benefits/${benefitId}/allocations`, { member_id: memberId }, tenant);

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { HEARTH_SECRETS_KEY: crypto.randomBytes(32).toString('base64') } });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  it('keeps partners per tenant and names the bad field', async () => {
    const bad = await req('POST', '/api/v1/partners', { name: '', contact_email: 'nope' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['contact_email', 'name']);
    const id = await partner({ contact_name: '王经理', callback_url: 'https://partner.example/hook' });
    expect((await req('GET', `/api/v1/partners/${id}`)).json()).toMatchObject({ industry: '影院', has_secret: false, status: 'active' });
    expect((await req('PATCH', `/api/v1/partners/${id}`, { status: 'archived' })).json().status).toBe('archived');
    expect((await req('GET', `/api/v1/partners/${id}`, undefined, b)).statusCode).toBe(404);
    const benefit = await req('POST', '/api/v1/partner-benefits', { partner_id: id, name: 'x', kind: 'code_pool', period: 'fortnight' });
    expect(benefit.json().errors[0].field).toBe('period');
    expect((await req('POST', '/api/v1/partner-benefits', { partner_id: id, name: 'x', kind: 'code_pool' }, b)).statusCode).toBe(404);
  });

  it('imports codes in UTF-8 and GBK, rejecting repeats within a file and across imports', async () => {
    const benefit = await pool(await partner());
    const first = await csv(`/api/v1/partner-benefits/${benefit}/codes/import?file_name=a.csv`, 'code\nAAA-1\nAAA-2\nAAA-1\n\nAAA-3\n');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ rows: 4, imported: 3, rejected: 1, errors: [{ line: 4, field: 'code', code: 'duplicate_in_file' }] });
    const gbk = iconv.encode('券码\nAAA-2\n影城-004\n', 'gbk');
    const second = await csv(`/api/v1/partner-benefits/${benefit}/codes/import`, gbk);
    expect(second.json()).toMatchObject({ rows: 2, imported: 1, errors: [{ line: 2, code: 'duplicate_in_pool' }] });
    expect((await csv(`/api/v1/partner-benefits/${benefit}/codes/import`, 'sku\nX\n')).json().errors[0]).toMatchObject({ field: 'code', code: 'missing_column' });
    expect((await req('GET', `/api/v1/partner-benefits/${benefit}`)).json().stock).toEqual({ total: 4, available: 4, allocated: 0 });
    const listed = (await req('GET', `/api/v1/partner-benefits/${benefit}/codes`)).json().data.map((c: { code: string }) => c.code);
    expect(listed).toContain('影****4');
    expect(listed.join()).not.toContain('AAA-1');
    expect((await req('GET', `/api/v1/partner-benefits/${benefit}/code-imports`)).json().data).toHaveLength(2);
    expect((await csv(`/api/v1/partner-benefits/${benefit}/codes/import`, 'code\nZ\n', b)).statusCode).toBe(404);
  });

  it('allocates once per member per period in the tenant’s month, to eligible members only', async () => {
    const partnerId = await partner();
    const benefit = await pool(partnerId);
    await csv(`/api/v1/partner-benefits/${benefit}/codes/import`, codes(5, 'M'));
    const member = await newMember();
    const first = await allocate(benefit, member);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ period_key: '2026-11', status: 'allocated', code: 'M-00000' });
    const again = await allocate(benefit, member);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    // 1 December 00:30 in Shanghai is still 30 November in UTC: a new month for the tenant.
    clock.set(new Date('2026-11-30T16:30:00Z'));
    const december = await allocate(benefit, member);
    clock.set(new Date('2026-11-20T02:00:00Z'));
    expect(december.statusCode).toBe(201);
    expect(december.json()).toMatchObject({ period_key: '2026-12', code: 'M-00001' });
    const list = (await req('GET', `/api/v1/partner-allocations?member_id=${member}`)).json().data;
    expect(list.map((x: { code: string }) => x.code)).toEqual(['M*****1', 'M*****0']);
    expect((await req('GET', `/api/v1/partner-allocations/${first.json().id}`)).json().code).toBe('M-00000');
    expect((await req('GET', `/api/v1/partner-allocations/${first.json().id}`, undefined, b)).statusCode).toBe(404);
    expect((await events('partner.benefit_allocated')).filter((e) => e.member_id === member)).toHaveLength(2);
    expect(JSON.stringify(await events('partner.benefit_allocated'))).not.toContain('M-0000');

    const paidOnly = await pool(partnerId, { eligibility: { paid_members: true } });
    await csv(`/api/v1/partner-benefits/${paidOnly}/codes/import`, codes(2));
    const refused = await allocate(paidOnly, member);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'MEMBER_NOT_ELIGIBLE', errors: [{ field: 'member_id' }] });
    expect((await allocate(benefit, await newMember(b), b)).statusCode).toBe(404);
    expect((await allocate(benefit, member, b)).statusCode).toBe(404);
  });

  it('never hands one code to two members: 100 concurrent allocations take 100 distinct codes, the next gets 409', async () => {
    const benefit = await pool(await partner(), { low_stock_threshold: 10 });
    await csv(`/api/v1/partner-benefits/${benefit}/codes/import`, codes(100, 'P'));
    const members = [];
    for (let i = 0; i < 101; i++) members.push(await newMember());
    const results = await Promise.all(members.slice(0, 100).map((m) => allocate(benefit, m)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(100).fill(201));
    expect(new Set(results.map((r) => r.json().code)).size).toBe(100);
    const rows = await t.deps.db.selectFrom('partner_codes').select(['allocation_id']).where('tenant_id', '=', a.tenantId).where('benefit_id', '=', benefit).execute();
    expect(new Set(rows.map((r) => r.allocation_id)).size).toBe(100);
    const empty = await allocate(benefit, members[100]!);
    expect(empty.statusCode).toBe(409);
    expect(empty.json().code).toBe('PARTNER_POOL_EXHAUSTED');
    const low = (await events('partner.pool_low')).filter((e) => e.benefit_id === benefit);
    expect(low).toHaveLength(1);
    // Allocations in flight when the crossing commits may take a few more before the alert is written.
    expect(low[0]).toMatchObject({ threshold: 10 });
    expect(low[0]!.available).toBeLessThanOrEqual(10);
    expect((await req('GET', `/api/v1/partner-benefits/${benefit}`)).json()).toMatchObject({ low_stock: true, stock: { total: 100, available: 0, allocated: 100 } });

    // Restocking clears the mark; falling to the threshold again alerts again, once.
    await csv(`/api/v1/partner-benefits/${benefit}/codes/import`, codes(15, 'Q'));
    expect((await req('GET', `/api/v1/partner-benefits/${benefit}`)).json().low_stock).toBe(false);
    const more = [];
    for (let i = 0; i < 6; i++) more.push(await newMember());
    await Promise.all(more.map((m) => allocate(benefit, m)));
    expect((await events('partner.pool_low')).filter((e) => e.benefit_id === benefit)).toHaveLength(2);
    // It registers 107 members through the API one by one: about 20 s on PGlite when the machine is busy.
  }, 120_000);

  it('gives one member one code however many ask at once', async () => {
    const benefit = await pool(await partner());
    await csv(`/api/v1/partner-benefits/${benefit}/codes/import`, codes(30));
    const member = await newMember();
    const results = await Promise.all(Array.from({ length: 20 }, () => allocate(benefit, member)));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(new Set(results.map((r) => r.json().code)).size).toBe(1);
    expect((await req('GET', `/api/v1/partner-benefits/${benefit}`)).json().stock.allocated).toBe(1);
  });

  it('calls the partner back signed, retries a failure, and records what the partner reports as used', async () => {
    const received: { body: string; key: string }[] = [];
    let secret = '';
    let failNext = true;
    const server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (c) => (body += c));
      request.on('end', () => {
        const ts = String(request.headers['x-hearth-timestamp']);
        const expected = `sha256=${crypto.createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
        if (request.headers['x-hearth-signature'] !== expected) return response.writeHead(401).end('bad signature');
        if (failNext) {
          failNext = false;
          return response.writeHead(503).end('busy');
        }
        received.push({ body, key: String(request.headers['idempotency-key']) });
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ reference: `VIP-${received.length}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hearth`;
      const partnerId = await partner({ callback_url: url });
      const benefit = (await req('POST', '/api/v1/partner-benefits', { partner_id: partnerId, name: '视频月卡', kind: 'callback', period: 'month' })).json().id;
      const member = await newMember();
      expect((await allocate(benefit, member)).json().code).toBe('PARTNER_CALLBACK_NOT_CONFIGURED');
      secret = (await req('POST', `/api/v1/partners/${partnerId}/secret`)).json().secret;
      const sealed = (await t.deps.db.selectFrom('partners').select('secret_sealed').where('id', '=', partnerId).executeTakeFirstOrThrow()).secret_sealed!;
      expect(sealed).not.toContain(secret.slice(4, 20));

      const allocation = (await allocate(benefit, member)).json();
      expect(allocation).toMatchObject({ status: 'pending', code: null });
      await createWorker(t.deps).drain();
      expect((await req('GET', `/api/v1/partner-allocations/${allocation.id}`)).json().status).toBe('pending');
      await t.deps.db.updateTable('jobs').set({ run_at: new Date(0) }).where('tenant_id', '=', a.tenantId).where('name', '=', 'partners.deliver_callback').where('status', '=', 'queued').execute();
      await createWorker(t.deps).drain();
      expect((await req('GET', `/api/v1/partner-allocations/${allocation.id}`)).json()).toMatchObject({ status: 'delivered', external_ref: 'VIP-1' });
      expect(received).toHaveLength(1);
      expect(received[0]!.key).toBe(allocation.id);
      const member360 = (await req('GET', `/api/v1/members/${member}`)).json();
      const member_no = member360.member.member_no;
      expect(member360.sections.partner_benefits[0]).toMatchObject({ id: allocation.id, status: 'delivered' });
      expect(JSON.parse(received[0]!.body)).toMatchObject({ allocation_id: allocation.id, member_no, period_key: '2026-11' });

      // The partner reports the use, signed; a replay changes nothing, a bad signature is refused.
      const report = JSON.stringify({ redemptions: [{ allocation_id: allocation.id, redeemed_at: '2026-11-21T12:00:00Z' }] });
      const signed = (body: string, key = secret) => {
        const ts = String(Math.floor(clock.now().getTime() / 1000));
        return { 'content-type': 'application/json', 'x-hearth-timestamp': ts, 'x-hearth-signature': `sha256=${crypto.createHmac('sha256', key).update(`${ts}.${body}`).digest('hex')}` };
      };
      const path = `/api/v1/public/partners/${a.tenantId}/${partnerId}/redemptions`;
      expect((await t.app.inject({ method: 'POST', url: path, payload: report, headers: signed(report, 'wrong') })).json().code).toBe('INVALID_SIGNATURE');
      expect((await t.app.inject({ method: 'POST', url: path, payload: report, headers: signed(report) })).json()).toMatchObject({ redeemed: 1, already: 0 });
      expect((await t.app.inject({ method: 'POST', url: path, payload: report, headers: signed(report) })).json()).toMatchObject({ redeemed: 0, already: 1 });
      expect((await t.app.inject({ method: 'POST', url: `/api/v1/public/partners/${b.tenantId}/${partnerId}/redemptions`, payload: report, headers: signed(report) })).statusCode).toBe(404);
    } finally {
      server.close();
    }
  });

  it('records redemptions from a CSV and reports allocations and redemptions per partner and month', async () => {
    const partnerId = await partner();
    const benefit = await pool(partnerId, { period: 'once' });
    await csv(`/api/v1/partner-benefits/${benefit}/codes/import`, codes(3, 'R'));
    const members = [await newMember(), await newMember(), await newMember()];
    for (const m of members) await allocate(benefit, m);
    const result = await csv(`/api/v1/partners/${partnerId}/redemptions/import`, '券码,核销时间\nR-00000,2026-12-01 09:00\nR-00001,\nNOPE,\nR-00001,\n');
    expect(result.statusCode, result.body).toBe(200);
    expect(result.json()).toMatchObject({ redeemed: 2, already: 1, unknown: [{ line: 4, field: 'code', code: 'unknown' }] });
    const usage = (await req('GET', `/api/v1/partners/usage?from=2026-11&to=2026-12&partner_id=${partnerId}`)).json().data;
    expect(usage).toEqual([
      { partner_id: partnerId, partner_name: expect.any(String), month: '2026-11', allocations: 3, redemptions: 1 },
      { partner_id: partnerId, partner_name: expect.any(String), month: '2026-12', allocations: 0, redemptions: 1 },
    ]);
    expect((await req('GET', '/api/v1/partners/usage?from=2026-13')).statusCode).toBe(400);
  });

  it('moves allocations to the survivor of a merge, keeping both when they share a period', async () => {
    const benefit = await pool(await partner());
    await csv(`/api/v1/partner-benefits/${benefit}/codes/import`, codes(4));
    const [keep, gone] = [await newMember(), await newMember()];
    await allocate(benefit, keep);
    await allocate(benefit, gone);
    const merged = await req('POST', `/api/v1/members/${keep}/merge`, { from_member_id: gone, reason: '同一人' });
    expect(merged.statusCode, merged.body).toBe(200);
    const mine = (await req('GET', `/api/v1/partner-allocations?member_id=${keep}`)).json().data;
    expect(mine).toHaveLength(2);
    expect(mine.map((x: { period_key: string }) => x.period_key).sort()[0]).toBe('2026-11');
    expect((await allocate(benefit, keep)).statusCode).toBe(200);
  });
  it('lets members claim the partner benefits they are eligible for in the member center, once a period, with the full code', async () => {
    const partnerId = await partner({ name: '视频伙伴' });
    const open = await pool(partnerId, { name: '视频 VIP 月卡', description: '每月一张', eligibility: {} });
    await csv(`/api/v1/partner-benefits/${open}/codes/import`, codes(1, 'VIP'));
    const paidOnly = await pool(partnerId, { name: '付费会员专享', eligibility: { paid_members: true } });
    await csv(`/api/v1/partner-benefits/${paidOnly}/codes/import`, codes(2, 'PAID'));
    const first = await signInBySms(t, a.slug, '13811110001');
    const me = (method: 'GET' | 'POST', url: string, auth = first.auth) => t.app.inject({ method, url, headers: auth });

    const offered = (await me('GET', '/api/v1/me/partner-benefits')).json();
    expect(offered.map((o: { id: string }) => o.id)).toContain(open);
    expect(offered.map((o: { id: string }) => o.id)).not.toContain(paidOnly);
    expect(offered.find((o: { id: string }) => o.id === open)).toMatchObject({ name: '视频 VIP 月卡', partner_name: '视频伙伴', period: 'month', in_stock: true, allocation: null });

    const claimed = await me('POST', `/api/v1/me/partner-benefits/${open}/claim`);
    expect(claimed.statusCode, claimed.body).toBe(201);
    expect(claimed.json()).toMatchObject({ member_id: first.member_id, code: 'VIP-00000', status: 'allocated' });
    const again = await me('POST', `/api/v1/me/partner-benefits/${open}/claim`);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(claimed.json().id);
    expect((await me('GET', '/api/v1/me/partner-benefits')).json().find((o: { id: string }) => o.id === open).allocation.code).toBe('VIP-00000');

    const notEligible = await me('POST', `/api/v1/me/partner-benefits/${paidOnly}/claim`);
    expect(notEligible.statusCode).toBe(409);
    expect(notEligible.json().code).toBe('MEMBER_NOT_ELIGIBLE');

    // The only code is taken: the next member sees it out of stock and is told so on claiming.
    const second = await signInBySms(t, a.slug, '13811110002');
    expect((await me('GET', '/api/v1/me/partner-benefits', second.auth)).json().find((o: { id: string }) => o.id === open)).toMatchObject({ in_stock: false, allocation: null });
    expect((await me('POST', `/api/v1/me/partner-benefits/${open}/claim`, second.auth)).json().code).toBe('PARTNER_POOL_EXHAUSTED');

    // Another tenant's benefit, and a paused one, are unknown here.
    const elsewhere = await req('POST', '/api/v1/partner-benefits', { partner_id: await (async () => (await req('POST', '/api/v1/partners', { name: '别家伙伴' }, b)).json().id)(), name: '别家券', kind: 'code_pool' }, b);
    expect((await me('POST', `/api/v1/me/partner-benefits/${elsewhere.json().id}/claim`)).statusCode).toBe(404);
    expect((await req('PATCH', `/api/v1/partner-benefits/${paidOnly}`, { status: 'paused' })).statusCode).toBe(200);
    expect((await me('POST', `/api/v1/me/partner-benefits/${paidOnly}/claim`)).statusCode).toBe(404);
  });
});
