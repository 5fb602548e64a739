import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';

const DAY = 24 * 3600 * 1000;

describe('benefits: catalogue, tier benefits, uses under limits, grants', () => {
  const clock = createTestClock(new Date('2027-03-10T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let n = 0;
  let tastings: string;
  let upsize: string;
  let programId: string;
  const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const newMember = async (tenant: TestTenant = a) => (await req('POST', '/api/v1/members', { channel: 'store', identities: [{ type: 'store_card', value: `BEN-${++n}` }] }, tenant)).json().id as string;
  const benefitsOf = async (memberId: string, tenant: TestTenant = a) => {
    const res = await req('GET', `/api/v1/members/${memberId}/benefits`, undefined, tenant);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data as { benefit: { id: string; code: string }; sources: { kind: string; id: string; remaining?: number }[]; remaining: number | null; used_this_period: number; valid_until: string | null }[];
  };
  const use = (memberId: string, benefitId: string, body: object) => req('POST', `/api/v1/members/${memberId}/benefits/${benefitId}/use`, body);
  const create = async (body: object, tenant: TestTenant = a) => {
    const res = await req('POST', '/api/v1/benefits', body, tenant);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    tastings = await create({ code: 'tasting', name: '每月 2 次免费品鉴', name_en: 'Two free tastings a month', usage_limit: { period: 'month', uses: 2 }, value_fen: 1500, config: { type: 'free_service', service: '咖啡品鉴' } });
    upsize = await create({ code: 'upsize', name: '免费升杯', config: { type: 'free_service', service: '升杯' } });
    const program = await req('POST', '/api/v1/tier-programs', {
      name: '会员等级',
      tiers: [
        { code: 'normal', name: '普通', benefit_ids: [tastings] },
        { code: 'gold', name: '金卡', benefit_ids: [tastings, upsize] },
      ],
    });
    expect(program.statusCode, program.body).toBe(201);
    programId = program.json().id;
  });
  afterAll(() => t.close());

  it('keeps a catalogue per tenant, validates each type and names the field', async () => {
    const list = (await req('GET', '/api/v1/benefits')).json().data;
    expect(list.map((x: { code: string }) => x.code)).toEqual(['tasting', 'upsize']);
    expect(list[0]).toMatchObject({ type: 'free_service', usage_limit: { period: 'month', uses: 2 }, value_fen: 1500, config: { type: 'free_service', service: '咖啡品鉴' } });
    for (const config of [
      { type: 'discount', mode: 'fixed', amount_fen: 500, skus: ['SKU-1'] },
      { type: 'points_multiplier', multiplier: 1.5 },
      { type: 'free_shipping', min_spend_fen: 3900 },
      { type: 'priority_window', hours: 24 },
      { type: 'birthday_gift', gift: { kind: 'points', points: 200 } },
      { type: 'exclusive_access', skus: ['BEAN-GEISHA'] },
      { type: 'partner', partner_id: '0192f000-0000-7000-8000-000000000001', partner_config: { pool: 'cinema' } },
      { type: 'custom', detail: '专属客服' },
    ]) {
      await create({ code: `c-${config.type}`, name: config.type, config });
    }
    const noPercent = await req('POST', '/api/v1/benefits', { code: 'bad1', name: '九折', config: { type: 'discount', mode: 'percent' } });
    expect(noPercent.statusCode).toBe(400);
    expect(noPercent.json().errors.map((e: { field: string }) => e.field)).toEqual(['config.percent_off_bp']);
    const badMultiplier = await req('POST', '/api/v1/benefits', { code: 'bad2', name: 'x', usage_limit: { period: 'fortnight', uses: 0 }, config: { type: 'points_multiplier', multiplier: 1.234 } });
    expect(badMultiplier.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['config.multiplier', 'usage_limit.period', 'usage_limit.uses']);
    const badTemplate = await req('POST', '/api/v1/benefits', { code: 'bad3', name: '生日券', config: { type: 'birthday_gift', gift: { kind: 'coupon', template_id: '0192f000-0000-7000-8000-000000000002' } } });
    expect(badTemplate.statusCode).toBe(400);
    expect(badTemplate.json().errors[0].field).toBe('config.gift.template_id');
    const taken = await req('POST', '/api/v1/benefits', { code: 'tasting', name: 'again', config: { type: 'custom' } });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'BENEFIT_CODE_TAKEN', errors: [{ field: 'code' }] });
    const changed = await req('PUT', `/api/v1/benefits/${upsize}`, { code: 'upsize', name: '免费升杯（大杯）', usage_limit: { period: 'week', uses: 1 }, config: { type: 'free_service', service: '升杯' } });
    expect(changed.json()).toMatchObject({ name: '免费升杯（大杯）', usage_limit: { period: 'week', uses: 1 } });
  });

  it('answers 404 for another tenant’s benefits and members', async () => {
    const member = await newMember();
    expect((await req('GET', `/api/v1/benefits/${tastings}`, undefined, b)).statusCode).toBe(404);
    expect((await req('PUT', `/api/v1/benefits/${tastings}`, { code: 'x', name: 'x', config: { type: 'custom' } }, b)).statusCode).toBe(404);
    expect((await req('DELETE', `/api/v1/benefits/${tastings}`, undefined, b)).statusCode).toBe(404);
    expect((await req('GET', `/api/v1/members/${member}/benefits`, undefined, b)).statusCode).toBe(404);
    expect((await req('GET', `/api/v1/members/${member}/savings`, undefined, b)).statusCode).toBe(404);
    const other = await newMember(b);
    expect((await req('POST', `/api/v1/members/${other}/benefits/${tastings}/use`, { use_key: 'x' }, b)).statusCode).toBe(404);
    expect((await use(member, tastings, { use_key: 'x' })).statusCode).toBe(201);
    expect((await req('POST', `/api/v1/members/${member}/benefits/${tastings}/use`, { use_key: 'y' }, b)).statusCode).toBe(404);
    expect((await req('POST', `/api/v1/members/${member}/benefit-grants`, { benefit_id: tastings, grant_key: 'g', valid_until: '2027-12-31T00:00:00Z', reason: 'x' }, b)).statusCode).toBe(404);
  });

  it('attaches catalogue benefits to tiers by id and lists them as the member’s tier entitlements', async () => {
    const program = (await req('GET', `/api/v1/tier-programs/${programId}`)).json();
    expect(program.tiers.map((x: { benefit_ids: string[] }) => x.benefit_ids)).toEqual([[tastings], [tastings, upsize]]);
    const unknown = await req('PUT', `/api/v1/tier-programs/${programId}`, { name: '会员等级', tiers: [{ id: program.tiers[0].id, code: 'normal', name: '普通', benefit_ids: ['0192f000-0000-7000-8000-00000000000f'] }, { id: program.tiers[1].id, code: 'gold', name: '金卡' }] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].field).toBe('tiers.0.benefit_ids');
    // A tier sent without benefit_ids keeps its own (older clients).
    const kept = await req('PUT', `/api/v1/tier-programs/${programId}`, { name: '会员等级', tiers: [{ id: program.tiers[0].id, code: 'normal', name: '普通' }, { id: program.tiers[1].id, code: 'gold', name: '金卡' }] });
    expect(kept.json().tiers[1].benefit_ids).toEqual([tastings, upsize]);
    const member = await newMember();
    const held = await benefitsOf(member);
    expect(held.map((h) => h.benefit.code)).toEqual(['tasting']);
    expect(held[0]).toMatchObject({ sources: [{ kind: 'tier', id: program.tiers[0].id }], remaining: 2, used_this_period: 0, valid_until: null });
    const assigned = await req('POST', `/api/v1/members/${member}/tier/assignments`, { program_id: programId, tier_code: 'gold', until: '2027-12-31T16:00:00Z', reason: '贵宾' });
    expect(assigned.statusCode, assigned.body).toBeLessThan(300);
    expect((await benefitsOf(member)).map((h) => h.benefit.code)).toEqual(['tasting', 'upsize']);
    // A paused benefit is nobody's until it is resumed.
    const tasting = (await req('GET', `/api/v1/benefits/${tastings}`)).json();
    const body = { code: tasting.code, name: tasting.name, name_en: tasting.name_en, usage_limit: tasting.usage_limit, value_fen: tasting.value_fen, config: tasting.config };
    await req('PUT', `/api/v1/benefits/${tastings}`, { ...body, status: 'paused' });
    expect((await benefitsOf(member)).map((h) => h.benefit.code)).toEqual(['upsize']);
    expect((await use(member, tastings, { use_key: 'PAUSED' })).json().code).toBe('BENEFIT_NOT_ENTITLED');
    await req('PUT', `/api/v1/benefits/${tastings}`, { ...body, status: 'active' });
    expect((await benefitsOf(member)).map((h) => h.benefit.code)).toEqual(['tasting', 'upsize']);
    const inUse = await req('DELETE', `/api/v1/benefits/${upsize}`);
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().code).toBe('BENEFIT_IN_USE');
  });

  it('never lets more uses through than the limit, however many arrive at once', async () => {
    const member = await newMember();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => use(member, tastings, { use_key: `POS-${i}` })));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(2);
    expect(codes.filter((c) => c === 409)).toHaveLength(48);
    expect(results.find((r) => r.statusCode === 409)!.json()).toMatchObject({ code: 'BENEFIT_LIMIT_REACHED', errors: [{ field: 'quantity' }] });
    const rows = await t.deps.db.selectFrom('benefit_uses').select(['quantity']).where('tenant_id', '=', a.tenantId).where('member_id', '=', member).execute();
    expect(rows.reduce((s, r) => s + r.quantity, 0)).toBe(2);
    expect((await benefitsOf(member))[0]).toMatchObject({ used_this_period: 2, remaining: 0 });
    // The allowance is per month in the tenant's calendar: April 1st, 00:30 in Shanghai is a new month.
    clock.set(new Date('2027-03-31T16:30:00Z'));
    expect((await benefitsOf(member))[0]).toMatchObject({ used_this_period: 0, remaining: 2 });
    expect((await use(member, tastings, { use_key: 'APRIL-1', quantity: 2 })).statusCode).toBe(201);
    expect((await use(member, tastings, { use_key: 'APRIL-2' })).statusCode).toBe(409);
    clock.set(new Date('2027-03-10T02:00:00Z'));
  });

  it('answers a repeated use key with the first use, also when sent at once', async () => {
    const member = await newMember();
    const first = await use(member, tastings, { use_key: 'ORDER-1', value_fen: 1800, order_external_id: 'ORDER-1' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ replayed: false, remaining: 1, use: { quantity: 1, value_fen: 1800, sources: [{ kind: 'tier', quantity: 1 }] } });
    const again = await use(member, tastings, { use_key: 'ORDER-1', value_fen: 1800 });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ replayed: true, use: { id: first.json().use.id } });
    const burst = await Promise.all(Array.from({ length: 10 }, () => use(member, tastings, { use_key: 'ORDER-2' })));
    expect(burst.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(burst.map((r) => r.json().use.id)).size).toBe(1);
    expect((await benefitsOf(member))[0]!.remaining).toBe(0);
    const events = await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', 'benefit.used').execute();
    expect(events.filter((e) => (e.payload as { member_id: string }).member_id === member)).toHaveLength(2);
  });

  it('gives a use back when it is undone, and takes its saving back', async () => {
    const member = await newMember();
    await use(member, tastings, { use_key: 'CANCEL-ME', value_fen: 2000 });
    expect((await req('GET', `/api/v1/members/${member}/savings`)).json().by_kind.benefit).toBe(2000);
    const undone = await req('POST', `/api/v1/members/${member}/benefits/${tastings}/undo`, { use_key: 'CANCEL-ME', reason: '订单取消' });
    expect(undone.statusCode, undone.body).toBe(200);
    expect(undone.json()).toMatchObject({ undo_reason: '订单取消' });
    expect((await benefitsOf(member))[0]!.remaining).toBe(2);
    expect((await req('GET', `/api/v1/members/${member}/savings`)).json().by_kind.benefit).toBe(0);
    expect((await req('POST', `/api/v1/members/${member}/benefits/${tastings}/undo`, { use_key: 'NEVER', reason: 'x' })).statusCode).toBe(404);
    // The key stays taken: using it again answers with the undone use rather than a new one.
    expect((await use(member, tastings, { use_key: 'CANCEL-ME' })).json()).toMatchObject({ replayed: true, use: { undone_at: expect.any(String) } });
  });

  it('grants a benefit for a campaign with uses of its own, idempotent by key, and revokes it at once', async () => {
    const member = await newMember();
    const bad = await req('POST', `/api/v1/members/${member}/benefit-grants`, { benefit_id: upsize, grant_key: 'G0', valid_from: '2027-04-01T00:00:00Z', valid_until: '2027-03-01T00:00:00Z', reason: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['reason', 'valid_until']);
    const body = { benefit_id: upsize, grant_key: 'SPRING-1', valid_until: new Date(clock.now().getTime() + 30 * DAY).toISOString(), uses: 3, campaign: '春季活动', reason: '春季回馈' };
    const granted = await req('POST', `/api/v1/members/${member}/benefit-grants`, body);
    expect(granted.statusCode, granted.body).toBe(201);
    expect((await req('POST', `/api/v1/members/${member}/benefit-grants`, body)).json()).toMatchObject({ replayed: true, grant: { id: granted.json().grant.id } });
    // Without a tier giving it, only the grant's own 3 uses exist (the weekly limit counts the allowance, which the member lacks).
    const held = (await benefitsOf(member)).find((h) => h.benefit.id === upsize)!;
    expect(held).toMatchObject({ remaining: 3, sources: [{ kind: 'grant', remaining: 3 }] });
    expect((await use(member, upsize, { use_key: 'U1', quantity: 2 })).json()).toMatchObject({ use: { sources: [{ kind: 'grant', quantity: 2 }] }, remaining: 1 });
    expect((await use(member, upsize, { use_key: 'U2', quantity: 2 })).statusCode).toBe(409);
    const revoked = await req('POST', `/api/v1/members/${member}/benefit-grants/${granted.json().grant.id}/revoke`, { reason: '活动作废' });
    expect(revoked.json()).toMatchObject({ used: 2, revoke_reason: '活动作废' });
    expect((await benefitsOf(member)).map((h) => h.benefit.code)).toEqual(['tasting']);
    const refused = await use(member, upsize, { use_key: 'U4' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'BENEFIT_NOT_ENTITLED', errors: [{ field: 'benefit_id' }] });
    // In gold, the weekly allowance (1) comes first, then a new grant's own uses.
    await req('POST', `/api/v1/members/${member}/benefit-grants`, { ...body, grant_key: 'SPRING-2', uses: 1 });
    await req('POST', `/api/v1/members/${member}/tier/assignments`, { program_id: programId, tier_code: 'gold', until: '2027-12-31T16:00:00Z', reason: '贵宾' });
    expect((await benefitsOf(member)).find((h) => h.benefit.id === upsize)!.remaining).toBe(2);
    const split = await use(member, upsize, { use_key: 'U3', quantity: 2 });
    expect(split.json().use.sources.map((s: { kind: string; quantity: number }) => [s.kind, s.quantity])).toEqual([['tier', 1], ['grant', 1]]);
    expect((await req('GET', `/api/v1/members/${member}/benefit-grants`)).json().data[0]).toMatchObject({ grant_key: 'SPRING-2', uses: 1, used: 1 });
    const types = (await t.deps.db.selectFrom('domain_events').select('type').where('tenant_id', '=', a.tenantId).where('type', 'like', 'benefit.%').execute()).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['benefit.granted', 'benefit.grant_revoked', 'benefit.used', 'benefit.use_undone']));
  });
});
