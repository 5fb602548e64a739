import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';

const HOUR = 3_600_000;

describe('pricing: member prices, priority purchase windows, ballots', () => {
  const start = new Date('2026-11-20T02:00:00Z');
  const clock = createTestClock(start);
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let n = 0;
  let tiers: { normal: string; gold: string; program: string };
  let plan: string;
  const req = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const newMember = async (tenant: TestTenant = a) => (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `PR-${++n}` }], profile: { channel: 'store' } }, tenant)).json().member.id as string;
  const paidMember = async () => {
    const member = await newMember();
    const payment = (await req('POST', `/api/v1/members/${member}/membership/purchase`, { plan_id: plan, provider: 'offline' })).json().payment;
    expect((await req('POST', `/api/v1/membership/payments/${payment.id}/confirm`)).json().outcome).toBe('applied');
    return member;
  };
  const price = async (body: object) => {
    const res = await req('POST', '/api/v1/member-prices', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const events = async (type: string) => (await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', type).execute()).map((e) => e.payload as Record<string, unknown>);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    await req('POST', '/api/v1/products/bulk', {
      products: [
        { sku: 'MOON', name: '流心月饼礼盒', list_price_fen: 29900 },
        { sku: 'CAKE', name: '生日蛋糕', list_price_fen: 8800 },
        { sku: 'LIMITED', name: '联名限量款', list_price_fen: 199900 },
      ],
    });
    const program = (await req('POST', '/api/v1/tier-programs', { name: '会员等级', tiers: [{ code: 'normal', name: '普通', color: '#8c8c8c' }, { code: 'gold', name: '金卡', color: '#faad14' }] })).json();
    tiers = { program: program.id, normal: program.tiers[0].id, gold: program.tiers[1].id };
    plan = (await req('POST', '/api/v1/membership/plans', { name: '付费会员年卡', price_fen: 9900, period: 'year' })).json().id;
  });
  afterAll(() => t.close());

  it('quotes the lowest member price the member is entitled to, effective-dated, with its source and saving', async () => {
    const normalCake = await price({ sku: 'CAKE', audience: 'tier', audience_id: tiers.normal, price_fen: 8000 });
    await price({ sku: 'CAKE', audience: 'tier', audience_id: tiers.gold, price_fen: 7000 });
    await price({ sku: 'CAKE', audience: 'plan', audience_id: plan, price_fen: 7500 });
    await price({ sku: 'MOON', audience: 'plan', audience_id: plan, price_fen: 25000 });
    // Not a member price when it is above the list price.
    await price({ sku: 'MOON', audience: 'tier', audience_id: tiers.normal, price_fen: 30000 });
    await price({ sku: 'CAKE', audience: 'tier', audience_id: tiers.gold, price_fen: 6000, effective_from: new Date(start.getTime() + 24 * HOUR).toISOString() });
    const cart = (member: string, at?: string) => req('POST', '/api/v1/pricing/quote', { member_id: member, lines: [{ sku: 'CAKE', qty: 2 }, { sku: 'MOON', qty: 1 }], at });

    const plain = await newMember();
    expect((await cart(plain)).json()).toMatchObject({
      lines: [
        { sku: 'CAKE', list_price_fen: 8800, member_price_fen: 8000, saving_fen: 1600, source: { kind: 'tier', id: tiers.normal, name: '普通' } },
        { sku: 'MOON', list_price_fen: 29900, member_price_fen: 29900, saving_fen: 0, source: { kind: 'list', id: null } },
      ],
      list_total_fen: 47500,
      member_total_fen: 45900,
      saving_fen: 1600,
    });
    const gold = await newMember();
    expect((await req('POST', `/api/v1/members/${gold}/tier/assignments`, { program_id: tiers.program, tier_code: 'gold', until: '2027-12-31T00:00:00Z', reason: '测试' })).statusCode).toBe(200);
    expect((await cart(gold)).json().lines[0]).toMatchObject({ member_price_fen: 7000, source: { kind: 'tier', id: tiers.gold, name: '金卡' } });
    expect((await cart(gold, new Date(start.getTime() + 48 * HOUR).toISOString())).json().lines[0]).toMatchObject({ member_price_fen: 6000, saving_fen: 5600 });

    const paid = await paidMember();
    const q = (await cart(paid)).json();
    expect(q.lines.map((l: { member_price_fen: number; source: { kind: string; name: string } }) => [l.member_price_fen, l.source.kind, l.source.name])).toEqual([
      [7500, 'plan', '付费会员年卡'],
      [25000, 'plan', '付费会员年卡'],
    ]);
    expect(q.saving_fen).toBe((8800 - 7500) * 2 + (29900 - 25000));

    clock.set(new Date(start.getTime() + HOUR));
    expect((await req('DELETE', `/api/v1/member-prices/${normalCake}`)).statusCode).toBe(204);
    expect((await cart(plain)).json().saving_fen).toBe(0);
    expect((await cart(plain, start.toISOString())).json().saving_fen).toBe(1600);
    clock.set(start);
    expect((await req('GET', '/api/v1/member-prices?sku=CAKE')).json().data.find((p: { id: string }) => p.id === normalCake).effective_until).toBe(new Date(start.getTime() + HOUR).toISOString());

    const unknown = await req('POST', '/api/v1/pricing/quote', { member_id: plain, lines: [{ sku: 'CAKE', qty: 1 }, { sku: 'NOPE', qty: 1 }] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0]).toMatchObject({ field: 'lines.1.sku', code: 'unknown_sku' });
    expect((await req('POST', '/api/v1/pricing/quote', { member_id: plain, lines: [{ sku: 'CAKE', qty: 0 }] })).json().errors[0].field).toBe('lines.0.qty');
    expect((await req('POST', '/api/v1/member-prices', { sku: 'CAKE', audience: 'tier', audience_id: crypto.randomUUID(), price_fen: 1 })).json().errors[0].field).toBe('audience_id');
    expect((await req('POST', '/api/v1/member-prices', { sku: 'CAKE', audience: 'plan', audience_id: plan, price_fen: 12.5 })).json().errors[0].field).toBe('price_fen');
    expect((await req('POST', '/api/v1/pricing/quote', { member_id: plain, lines: [{ sku: 'CAKE', qty: 1 }] }, b)).statusCode).toBe(404);
    expect((await req('DELETE', `/api/v1/member-prices/${normalCake}`, undefined, b)).statusCode).toBe(404);
  });

  it('opens a launch early for paid members, once per member, and tells each member when they may buy', async () => {
    const opensAt = new Date(start.getTime() + 2 * HOUR).toISOString();
    const launch = (await req('POST', '/api/v1/launches', { name: '联名首发', sku: 'LIMITED', quantity: 10, opens_at: opensAt, early_hours: 24 })).json();
    expect(launch).toMatchObject({ early_opens_at: new Date(start.getTime() - 22 * HOUR).toISOString(), remaining: 10, early_eligibility: { paid_members: true } });
    const plain = await newMember();
    const paid = await paidMember();
    const availability = async (m: string) => (await req('GET', `/api/v1/launches/${launch.id}/availability?member_id=${m}`)).json();
    expect(await availability(plain)).toMatchObject({ may_buy_now: false, reason: 'not_open_yet', early_access: false, opens_for_member_at: opensAt });
    expect(await availability(paid)).toMatchObject({ may_buy_now: true, early_access: true, opens_for_member_at: launch.early_opens_at });
    const buy = (m: string, id = launch.id, tenant = a) => req('POST', `/api/v1/launches/${id}/purchase`, { member_id: m }, tenant);
    expect((await buy(plain)).json().code).toBe('LAUNCH_NOT_OPEN');
    expect((await buy(paid)).json()).toMatchObject({ seq: 1, early: true, sku: 'LIMITED' });
    expect((await buy(paid)).json().code).toBe('LAUNCH_LIMIT_REACHED');
    expect(await availability(paid)).toMatchObject({ may_buy_now: false, reason: 'limit_reached', purchased: 1 });
    clock.set(new Date(start.getTime() + 2 * HOUR));
    expect((await buy(plain)).json()).toMatchObject({ early: false });
    clock.set(start);
    expect((await req('GET', `/api/v1/launches/${launch.id}`)).json()).toMatchObject({ reserved: 2, remaining: 8 });
    expect((await req('GET', `/api/v1/launches/${launch.id}`, undefined, b)).statusCode).toBe(404);
    expect((await buy(await newMember(b), launch.id, b)).statusCode).toBe(404);
    expect((await buy(await newMember(b))).statusCode).toBe(404);
    const bad = await req('POST', '/api/v1/launches', { name: 'x', sku: 'LIMITED', quantity: 0, opens_at: 'tomorrow' });
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['opens_at', 'quantity']);
  });

  it('never oversells: 30 members buying 5 units at once get exactly 5, one member at once gets their limit', async () => {
    const launch = (await req('POST', '/api/v1/launches', { name: '秒杀', sku: 'LIMITED', quantity: 5, opens_at: start.toISOString() })).json();
    const members = [];
    for (let i = 0; i < 30; i++) members.push(await newMember());
    const results = await Promise.all(members.map((m) => req('POST', `/api/v1/launches/${launch.id}/purchase`, { member_id: m })));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(5);
    expect(new Set(results.filter((r) => r.statusCode !== 201).map((r) => r.json().code))).toEqual(new Set(['LAUNCH_SOLD_OUT']));
    expect((await req('GET', `/api/v1/launches/${launch.id}/reservations`)).json().data).toHaveLength(5);
    expect((await req('GET', `/api/v1/launches/${launch.id}`)).json()).toMatchObject({ reserved: 5, remaining: 0 });

    const limited = (await req('POST', '/api/v1/launches', { name: '每人两件', sku: 'LIMITED', quantity: 100, opens_at: start.toISOString(), per_member_limit: 2 })).json();
    const one = await newMember();
    const tries = await Promise.all(Array.from({ length: 12 }, () => req('POST', `/api/v1/launches/${limited.id}/purchase`, { member_id: one })));
    expect(tries.filter((r) => r.statusCode === 201).map((r) => r.json().seq).sort()).toEqual([1, 2]);
    expect((await req('GET', `/api/v1/launches/${limited.id}`)).json().reserved).toBe(2);
  });

  it('draws a ballot reproducibly from its published seed', async () => {
    const closes = new Date(start.getTime() + 24 * HOUR);
    const created = await req('POST', '/api/v1/ballots', { name: '限量抽签', sku: 'LIMITED', quantity: 3, entry_opens_at: start.toISOString(), entry_closes_at: closes.toISOString() });
    expect(created.statusCode, created.body).toBe(201);
    const ballot = created.json();
    expect(ballot).toMatchObject({ status: 'open', seed: null });
    expect(ballot.seed_hash).toMatch(/^[0-9a-f]{64}$/);
    const members = [];
    for (let i = 0; i < 12; i++) members.push(await newMember());
    for (const m of members) expect((await req('POST', `/api/v1/ballots/${ballot.id}/entries`, { member_id: m })).statusCode).toBe(201);
    expect((await req('POST', `/api/v1/ballots/${ballot.id}/entries`, { member_id: members[0] })).statusCode).toBe(200);
    expect((await req('POST', `/api/v1/ballots/${ballot.id}/draw`)).json().code).toBe('BALLOT_NOT_CLOSED');
    expect((await req('GET', `/api/v1/ballots/${ballot.id}/verification`)).json().code).toBe('BALLOT_NOT_CLOSED');

    clock.set(closes);
    expect((await req('POST', `/api/v1/ballots/${ballot.id}/entries`, { member_id: await newMember() })).json().code).toBe('BALLOT_NOT_OPEN');
    const drawn = (await req('POST', `/api/v1/ballots/${ballot.id}/draw`)).json();
    clock.set(start);
    expect(drawn).toMatchObject({ status: 'drawn', entries: 12, winners: 3, seed_hash: ballot.seed_hash });

    // Recomputed here from the published output alone, without the server's code.
    const v = (await req('GET', `/api/v1/ballots/${ballot.id}/verification`)).json();
    expect(v.seed).toBe(drawn.seed);
    expect(crypto.createHash('sha256').update(v.seed).digest('hex')).toBe(ballot.seed_hash);
    expect(v.entries).toHaveLength(12);
    const ids: string[] = v.entries.map((e: { entrant_id: string }) => e.entrant_id);
    expect(ids).toEqual([...ids].sort());
    const recomputed = ids
      .map((id) => ({ id, score: crypto.createHmac('sha256', v.seed).update(id).digest('hex') }))
      .sort((x, y) => x.score.localeCompare(y.score))
      .slice(0, v.quantity)
      .map((x) => x.id);
    expect(v.winners).toEqual(recomputed);
    expect(v.algorithm).toContain('HMAC-SHA256');
    const won = (await req('GET', `/api/v1/ballots/${ballot.id}/entries?result=won`)).json().data.map((e: { member_id: string }) => e.member_id);
    expect(won.sort()).toEqual([...recomputed].sort());
    expect((await events('ballot.won')).filter((e) => e.ballot_id === ballot.id).map((e) => e.member_id)).toEqual(recomputed);
    expect((await events('ballot.drawn')).filter((e) => e.ballot_id === ballot.id)).toHaveLength(1);
    expect((await req('POST', `/api/v1/ballots/${ballot.id}/draw`)).json().winners).toBe(3);
    expect((await events('ballot.drawn')).filter((e) => e.ballot_id === ballot.id)).toHaveLength(1);
    expect((await req('GET', `/api/v1/ballots/${ballot.id}/verification`, undefined, b)).statusCode).toBe(404);

    // A merge after the draw moves the entry but never changes what the draw published.
    const [keep, gone] = [recomputed[0]!, ids.find((id) => !recomputed.includes(id))!];
    expect((await req('POST', `/api/v1/members/${keep}/merge`, { from_member_id: gone, reason: '同一人' })).statusCode).toBe(200);
    expect((await req('GET', `/api/v1/ballots/${ballot.id}/entries?member_id=${keep}`)).json().data).toHaveLength(2);
    expect((await req('GET', `/api/v1/ballots/${ballot.id}/verification`)).json()).toEqual(v);
  });

  it('admits only eligible members to a ballot, once, and keeps one entry per person through a merge', async () => {
    const window = { entry_opens_at: start.toISOString(), entry_closes_at: new Date(start.getTime() + HOUR).toISOString() };
    const bad = await req('POST', '/api/v1/ballots', { name: 'x', sku: 'LIMITED', quantity: 1, entry_opens_at: window.entry_closes_at, entry_closes_at: window.entry_opens_at });
    expect(bad.json().errors[0].field).toBe('entry_closes_at');
    const paidOnly = (await req('POST', '/api/v1/ballots', { name: '会员专享抽签', sku: 'LIMITED', quantity: 1, eligibility: { paid_members: true }, ...window })).json();
    const plain = await newMember();
    const refused = await req('POST', `/api/v1/ballots/${paidOnly.id}/entries`, { member_id: plain });
    expect(refused.json()).toMatchObject({ code: 'MEMBER_NOT_ELIGIBLE', errors: [{ field: 'member_id' }] });
    const paid = await paidMember();
    const twice = await Promise.all(Array.from({ length: 8 }, () => req('POST', `/api/v1/ballots/${paidOnly.id}/entries`, { member_id: paid })));
    expect(twice.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(twice.every((r) => r.statusCode === 200 || r.statusCode === 201)).toBe(true);

    const open = (await req('POST', '/api/v1/ballots', { name: '开放抽签', sku: 'LIMITED', quantity: 1, ...window })).json();
    const [keep, gone] = [await newMember(), await newMember()];
    await req('POST', `/api/v1/ballots/${open.id}/entries`, { member_id: keep });
    await req('POST', `/api/v1/ballots/${open.id}/entries`, { member_id: gone });
    const launch = (await req('POST', '/api/v1/launches', { name: '合并', sku: 'LIMITED', quantity: 10, opens_at: start.toISOString(), per_member_limit: 2 })).json();
    await req('POST', `/api/v1/launches/${launch.id}/purchase`, { member_id: keep });
    await req('POST', `/api/v1/launches/${launch.id}/purchase`, { member_id: gone });
    expect((await req('POST', `/api/v1/members/${keep}/merge`, { from_member_id: gone, reason: '同一人' })).statusCode).toBe(200);
    expect((await req('GET', `/api/v1/ballots/${open.id}`)).json().entries).toBe(1);
    expect((await req('GET', `/api/v1/launches/${launch.id}/reservations`)).json().data.map((r: { member_id: string; seq: number }) => [r.member_id, r.seq])).toEqual([
      [keep, 1],
      [keep, 2],
    ]);
    expect((await req('GET', `/api/v1/launches/${launch.id}/availability?member_id=${keep}`)).json().reason).toBe('limit_reached');
  });
});
