import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { createWorker } from '../../jobs/runner.ts';
import { maintainTiers, runEvaluation } from './runs.ts';
import { upgradeOnOrders } from './tiers.hooks.ts';

const yuan = (n: number) => n * 100;
const ladderTiers = [
  { code: 'normal', name: '普通', color: '#8c8c8c' },
  { code: 'silver', name: '银卡', color: '#bfbfbf' },
  { code: 'gold', name: '金卡', color: '#faad14', earning_multiplier: 1.5 },
  { code: 'platinum', name: '白金卡', color: '#597ef7', earning_multiplier: 2 },
];
const calendarRules = {
  tiers: [
    { code: 'silver', qualify: { op: 'all', items: [{ metric: 'spend_fen', value: yuan(2000) }] } },
    {
      code: 'gold',
      qualify: {
        op: 'any',
        items: [
          { metric: 'spend_fen', value: yuan(12000) },
          { op: 'all', items: [{ metric: 'visit_days', value: 24 }, { metric: 'days_since_last_purchase', op: 'lte', value: 60, window: { kind: 'rolling_months', months: 12 } }] },
        ],
      },
      retain: { op: 'all', items: [{ metric: 'spend_fen', value: yuan(6000), window: { kind: 'rolling_months', months: 12 } }] },
    },
    { code: 'platinum', qualify: { op: 'all', items: [{ metric: 'spend_fen', value: yuan(50000) }] } },
  ],
};

describe('tiers: ladders, instant upgrade, evaluation, grace, retention, manual tiers, simulation', () => {
  const clock = createTestClock(new Date('2027-01-05T02:00:00Z'));
  let t: TestApp;
  let n = 0;
  const at = (iso: string) => clock.set(new Date(iso));
  const post = (tenant: TestTenant, url: string, payload: object) => t.app.inject({ method: 'POST', url, payload, headers: tenant.auth });
  const get = (tenant: TestTenant, url: string) => t.app.inject({ method: 'GET', url, headers: tenant.auth });
  const newMember = async (tenant: TestTenant, registeredAt?: string) => {
    const res = await post(tenant, '/api/v1/members', { channel: 'store', identities: [{ type: 'store_card', value: `TIER-${++n}` }], ...(registeredAt ? { registered_at: registeredAt } : {}) });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  const order = async (tenant: TestTenant, memberId: string, fen: number) => {
    const res = await post(tenant, '/api/v1/orders', { external_id: `TO-${++n}`, channel: 'store', member_id: memberId, lines: [{ sku: 'ITEM', qty: 1, unit_price_fen: fen }], total_paid_fen: fen, occurred_at: clock.now().toISOString() });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };
  const tierOf = async (tenant: TestTenant, memberId: string) => (await get(tenant, `/api/v1/members/${memberId}/tier`)).json().data[0];
  const codeOf = async (tenant: TestTenant, memberId: string) => (await tierOf(tenant, memberId)).tier.code as string;
  const history = async (tenant: TestTenant, memberId: string) => (await get(tenant, `/api/v1/members/${memberId}/tier/history`)).json().data as { kind: string; from_tier: string; to_tier: string; reason: string; rule_version: number; metrics: Record<string, number> }[];
  const events = async (tenant: TestTenant, type: string, memberId?: string) => {
    const rows = await t.deps.db.selectFrom('domain_events').select(['type', 'payload']).where('tenant_id', '=', tenant.tenantId).where('type', '=', type).execute();
    return rows.map((r) => r.payload as Record<string, unknown>).filter((p) => !memberId || p.member_id === memberId);
  };
  const maintain = () => maintainTiers({ ...t.deps, clock });
  const setup = async (program: object) => {
    const tenant = await createTestTenant(t.deps);
    await post(tenant, '/api/v1/products/bulk', { products: [{ sku: 'ITEM', name: '商品', list_price_fen: 100 }] });
    const res = await post(tenant, '/api/v1/tier-programs', { name: '会员等级', tiers: ladderTiers, ...program });
    expect(res.statusCode, res.body).toBe(201);
    return { tenant, program: res.json() as { id: string; tiers: { id: string; code: string }[] } };
  };

  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  it('calendar year: upgrades at once; a refund waits for the evaluation; Jan 1 keeps, retains or moves down one level', async () => {
    at('2027-01-05T02:00:00Z');
    const { tenant } = await setup({ evaluation: 'yearly', downgrade_policy: 'one_level', rules: calendarRules });
    const [keeper, retainer, lapsed, refunder] = [await newMember(tenant), await newMember(tenant), await newMember(tenant), await newMember(tenant)];

    at('2027-01-10T04:00:00Z');
    await order(tenant, keeper, yuan(1500));
    expect(await codeOf(tenant, keeper)).toBe('normal');
    await order(tenant, keeper, yuan(1000));
    expect(await codeOf(tenant, keeper)).toBe('silver');
    await order(tenant, keeper, yuan(10000));
    expect(await codeOf(tenant, keeper)).toBe('gold');
    const h = await history(tenant, keeper);
    expect(h.map((e) => [e.kind, e.from_tier, e.to_tier])).toEqual([
      ['upgraded', 'silver', 'gold'],
      ['upgraded', 'normal', 'silver'],
    ]);
    expect(h[0]).toMatchObject({ reason: 'qualified', rule_version: 1, metrics: { 'spend_fen@calendar_year': yuan(12500), 'orders@calendar_year': 3 } });
    expect(await events(tenant, 'tier.upgraded', keeper)).toHaveLength(2);
    for (const m of [retainer, lapsed, refunder]) await order(tenant, m, yuan(13000));

    // A refund mid-year lowers the spend but never the tier until the evaluation.
    at('2027-06-01T04:00:00Z');
    const big = await order(tenant, refunder, yuan(1));
    const refundable = (await t.deps.db.selectFrom('orders').select('id').where('tenant_id', '=', tenant.tenantId).where('member_id', '=', refunder).where('total_paid_fen', '=', yuan(13000)).executeTakeFirstOrThrow()).id;
    expect((await post(tenant, `/api/v1/orders/${refundable}/refunds`, { external_refund_id: 'R1', amount_fen: yuan(10000) })).statusCode).toBe(201);
    expect(big.id).toBeTruthy();
    expect(await codeOf(tenant, refunder)).toBe('gold');
    expect((await tierOf(tenant, refunder)).metrics['spend_fen@calendar_year']).toBe(yuan(3001));

    // Nothing moves down before Jan 1, however often the housekeeping runs.
    at('2027-12-31T15:00:00Z');
    await maintain();
    expect(await codeOf(tenant, refunder)).toBe('gold');

    at('2027-12-31T16:30:00Z'); // 2028-01-01 00:30 in Shanghai
    await maintain();
    expect(await codeOf(tenant, keeper)).toBe('gold');
    expect(await codeOf(tenant, retainer)).toBe('gold');
    // ¥3,001 net: silver qualifies, gold's retention (¥6,000 in 12 months) fails: one level down.
    expect(await codeOf(tenant, refunder)).toBe('silver');
    expect((await history(tenant, refunder))[0]).toMatchObject({ kind: 'downgraded', from_tier: 'gold', to_tier: 'silver', reason: 'not_qualified', metrics: { 'spend_fen@calendar_year': yuan(3001) } });
    expect(await events(tenant, 'tier.retained', keeper)).toHaveLength(1);
    // A second run of the same evaluation changes nothing.
    await maintain();
    expect(await events(tenant, 'tier.retained', keeper)).toHaveLength(1);

    at('2028-02-01T04:00:00Z');
    await order(tenant, retainer, yuan(7000));
    at('2028-12-31T16:30:00Z');
    await maintain();
    // ¥7,000 in 2028 is below gold but keeps it by retention; no purchase in 2028 loses one level.
    expect(await codeOf(tenant, retainer)).toBe('gold');
    expect((await history(tenant, retainer))[0]).toMatchObject({ kind: 'retained', reason: 'retention' });
    expect(await codeOf(tenant, lapsed)).toBe('silver');
    expect(await codeOf(tenant, keeper)).toBe('silver');
    expect(await events(tenant, 'tier.downgraded', lapsed)).toMatchObject([{ from: 'gold', to: 'silver', program_id: expect.any(String) }]);
  });

  it('rolling months, monthly evaluation, grace: a member who requalifies in grace keeps the tier, the other drops when it ends', async () => {
    at('2027-01-05T02:00:00Z');
    const rolling = { kind: 'rolling_months', months: 3 };
    const { tenant } = await setup({
      evaluation: 'monthly',
      downgrade_policy: 'to_qualifying',
      grace_days: 15,
      rules: {
        tiers: [
          { code: 'silver', qualify: { op: 'all', items: [{ metric: 'orders', value: 3, window: rolling }] } },
          { code: 'gold', qualify: { op: 'all', items: [{ metric: 'spend_fen', value: yuan(3000), window: rolling }] } },
        ],
      },
    });
    const [drops, comesBack] = [await newMember(tenant), await newMember(tenant)];
    at('2027-01-10T04:00:00Z');
    await order(tenant, drops, yuan(3500));
    await order(tenant, comesBack, yuan(3500));
    expect(await codeOf(tenant, drops)).toBe('gold');
    for (const month of ['02', '03', '04']) {
      at(`2027-${month}-01T00:00:00Z`);
      await maintain();
      expect(await codeOf(tenant, drops)).toBe('gold');
    }
    // May 1: Feb–Apr holds nothing. Both enter 15 days of grace instead of dropping.
    at('2027-05-01T00:00:00Z');
    await maintain();
    const inGrace = await tierOf(tenant, drops);
    expect(inGrace).toMatchObject({ tier: { code: 'gold' }, grace: { until: '2027-05-15T16:00:00.000Z', to_tier_code: 'normal' }, valid_until: '2027-05-15T16:00:00.000Z' });
    // Once 30 days ahead (the notice run of Apr 1), once when grace starts; both say what keeps the tier.
    const notices = await events(tenant, 'tier.expiring_soon', drops);
    expect(notices).toHaveLength(2);
    expect(notices).toContainEqual(expect.objectContaining({ tier: 'gold', downgrade_to: 'normal', downgrade_at: '2027-05-15T16:00:00.000Z', message: { 'zh-CN': '再消费 ¥3,000即可保级金卡', en: 'Spend ¥3,000 more to keep 金卡' } }));
    expect(notices).toContainEqual(expect.objectContaining({ tier: 'gold', downgrade_to: 'normal', reason: 'not_qualified', downgrade_at: '2027-05-15T16:00:00.000Z' }));

    at('2027-05-10T04:00:00Z');
    await order(tenant, comesBack, yuan(3000));
    expect((await tierOf(tenant, comesBack)).grace).toBeNull();
    expect((await history(tenant, comesBack))[0]).toMatchObject({ kind: 'retained', reason: 'requalified' });

    at('2027-05-14T04:00:00Z');
    await maintain();
    expect(await codeOf(tenant, drops)).toBe('gold');
    at('2027-05-15T17:00:00Z');
    await maintain();
    expect(await codeOf(tenant, drops)).toBe('normal');
    expect(await codeOf(tenant, comesBack)).toBe('gold');
    expect((await history(tenant, drops))[0]).toMatchObject({ kind: 'downgraded', from_tier: 'gold', to_tier: 'normal', reason: 'grace_ended' });
  });

  it('anniversary year: counted from the member’s registration day and evaluated on it', async () => {
    at('2027-01-05T02:00:00Z');
    const annual = { kind: 'anniversary_year' };
    const { tenant } = await setup({
      evaluation: 'anniversary',
      rules: { tiers: [{ code: 'silver', qualify: { op: 'all', items: [{ metric: 'spend_fen', value: yuan(5000), window: annual }] } }] },
    });
    const march = await newMember(tenant, '2026-03-15T10:00:00+08:00');
    const june = await newMember(tenant, '2026-06-01T10:00:00+08:00');
    at('2027-03-10T04:00:00Z');
    await order(tenant, march, yuan(3000));
    await order(tenant, june, yuan(5000));
    at('2027-03-14T04:00:00Z');
    await order(tenant, march, yuan(2500));
    expect(await codeOf(tenant, march)).toBe('silver');
    expect(await codeOf(tenant, june)).toBe('silver');
    // Mar 15 opens March's new anniversary year: ¥100 in it changes nothing now.
    at('2027-03-16T04:00:00Z');
    await order(tenant, march, yuan(100));
    expect((await tierOf(tenant, march)).metrics['spend_fen@anniversary_year']).toBe(yuan(100));
    expect((await tierOf(tenant, march)).valid_until).toBe('2028-03-14T16:00:00.000Z');
    expect(await codeOf(tenant, march)).toBe('silver');

    at('2028-03-14T04:00:00Z');
    await maintain();
    expect(await codeOf(tenant, march)).toBe('silver');
    at('2028-03-14T16:30:00Z'); // Mar 15 00:30 in Shanghai: only March's anniversary is due
    await maintain();
    expect(await codeOf(tenant, march)).toBe('normal');
    expect((await history(tenant, march))[0]).toMatchObject({ kind: 'downgraded', metrics: { 'spend_fen@anniversary_year': yuan(100) } });
    expect(await codeOf(tenant, june)).toBe('silver');
    at('2028-05-31T16:30:00Z');
    await maintain();
    expect(await codeOf(tenant, june)).toBe('normal');
  });

  it('concurrent orders that each qualify upgrade the member once', async () => {
    at('2027-02-01T04:00:00Z');
    const { tenant } = await setup({ evaluation: 'yearly', rules: calendarRules });
    const member = await newMember(tenant);
    await order(tenant, member, yuan(1900));
    const results = await Promise.all(
      Array.from({ length: 12 }, () => post(tenant, '/api/v1/orders', { external_id: `TO-${++n}`, channel: 'store', member_id: member, lines: [{ sku: 'ITEM', qty: 1, unit_price_fen: yuan(200) }], total_paid_fen: yuan(200), occurred_at: clock.now().toISOString() })),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(12).fill(201));
    expect(await codeOf(tenant, member)).toBe('silver');
    expect((await history(tenant, member)).filter((h) => h.kind === 'upgraded')).toHaveLength(1);
    expect(await events(tenant, 'tier.upgraded', member)).toHaveLength(1);

    // The same without the points account lock that orders take first: eight upgrade checks at once on a
    // member whose spend arrived without the hooks (an import) still upgrade once, by the tier row lock.
    const other = await newMember(tenant);
    await order(tenant, other, yuan(2500));
    await t.deps.db.insertInto('orders').values({ tenant_id: tenant.tenantId, id: uuidv7(), external_id: `TO-${++n}`, content_hash: 'x', member_id: other, channel: 'store', subtotal_fen: yuan(10000), discount_fen: 0, shipping_fen: 0, total_paid_fen: yuan(10000), occurred_at: clock.now() }).execute();
    // Each keeps its transaction open a moment after deciding, so the others decide while it is uncommitted.
    await Promise.all(
      Array.from({ length: 8 }, () =>
        t.deps.db.transaction().execute(async (trx) => {
          await upgradeOnOrders(trx, t.deps, tenant.ctx, [other]);
          await sql`select pg_sleep(0.1)`.execute(trx);
        }),
      ),
    );
    expect(await codeOf(tenant, other)).toBe('gold');
    expect((await history(tenant, other)).filter((h) => h.kind === 'upgraded').map((h) => h.to_tier)).toEqual(['gold', 'silver']);
  });

  it('a manual tier holds through the evaluation and ends on its date, falling back to what was earned', async () => {
    at('2027-10-01T04:00:00Z');
    const { tenant, program } = await setup({ evaluation: 'yearly', rules: calendarRules });
    const member = await newMember(tenant);
    await order(tenant, member, yuan(2500));
    expect(await codeOf(tenant, member)).toBe('silver');
    const bad = await post(tenant, `/api/v1/members/${member}/tier/assignments`, { program_id: program.id, tier_code: 'diamond', until: '2028-02-01T00:00:00+08:00', reason: '明星客户' });
    expect(bad.json().errors[0].field).toBe('tier_code');
    const assigned = await post(tenant, `/api/v1/members/${member}/tier/assignments`, { program_id: program.id, tier_code: 'platinum', until: '2028-02-01T00:00:00+08:00', reason: '明星客户' });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json().data[0]).toMatchObject({ tier: { code: 'platinum' }, manual: { reason: '明星客户', until: '2028-01-31T16:00:00.000Z' }, valid_until: '2028-01-31T16:00:00.000Z' });
    at('2027-12-31T16:30:00Z');
    await maintain();
    expect(await codeOf(tenant, member)).toBe('platinum');
    at('2028-01-31T15:59:00Z');
    await maintain();
    expect(await codeOf(tenant, member)).toBe('platinum');
    at('2028-01-31T16:01:00Z');
    await maintain();
    expect(await codeOf(tenant, member)).toBe('silver');
    expect((await history(tenant, member)).slice(0, 2).map((h) => h.kind)).toEqual(['manual_ended', 'manual']);
    expect(await events(tenant, 'tier.downgraded', member)).toMatchObject([{ from: 'platinum', to: 'silver', reason: 'manual_ended' }]);
  });

  it('tells the member what is missing, in Chinese and English, and multiplies their points', async () => {
    at('2027-04-01T04:00:00Z');
    const { tenant } = await setup({
      evaluation: 'yearly',
      rules: {
        tiers: [
          { code: 'silver', qualify: { op: 'all', items: [{ metric: 'spend_fen', value: yuan(2000) }] } },
          { code: 'gold', qualify: { op: 'any', items: [{ metric: 'spend_fen', value: yuan(12000) }, { metric: 'orders', value: 24 }] }, retain: { op: 'all', items: [{ metric: 'spend_fen', value: yuan(6000) }] } },
        ],
      },
    });
    await post(tenant, '/api/v1/points/rules', { rules: { base_points_per_yuan: 1 }, effective_from: '2027-01-01T00:00:00+08:00' });
    const member = await newMember(tenant);
    for (let i = 0; i < 20; i++) await order(tenant, member, yuan(500));
    await order(tenant, member, yuan(766));
    const tier = await tierOf(tenant, member);
    expect(tier.tier.code).toBe('silver');
    expect(tier.next).toMatchObject({ tier: { code: 'gold' }, met: false, message: { 'zh-CN': '再消费 ¥1,234 或 3 次即可升级金卡', en: 'Spend ¥1,234 more or place 3 more orders to reach 金卡' } });
    expect(tier.next.options).toEqual([[{ metric: 'spend_fen', window: { kind: 'calendar_year' }, current: yuan(10766), target: yuan(12000), missing: yuan(1234) }], [{ metric: 'orders', window: { kind: 'calendar_year' }, current: 21, target: 24, missing: 3 }]]);
    expect(tier.keep).toMatchObject({ met: true, message: { 'zh-CN': '已满足银卡保级条件' } });
    await order(tenant, member, yuan(1234));
    expect(await codeOf(tenant, member)).toBe('gold');
    // Points are scored at the tier the member had when the order came in; gold earns ×1.5 from the next one.
    const balance = async () => (await get(tenant, `/api/v1/members/${member}/points`)).json().pending as number;
    const before = await balance();
    await order(tenant, member, yuan(100));
    expect((await balance()) - before).toBe(150);
  });

  it('a simulation of draft rules is exactly what publishing them does, and the evaluation resumes where it stopped', async () => {
    at('2027-03-01T04:00:00Z');
    const { tenant, program } = await setup({ evaluation: 'yearly', rules: calendarRules });
    const spends = [0, 500, 1500, 2500, 4000, 6500, 9000, 12500, 20000, 55000, 3000, 7000, 800, 15000, 2100];
    const members: string[] = [];
    for (const spend of spends) {
      const member = await newMember(tenant);
      members.push(member);
      if (spend) await order(tenant, member, yuan(spend));
    }
    const draft = {
      tiers: [
        { code: 'silver', qualify: { op: 'all', items: [{ metric: 'spend_fen', value: yuan(3000) }] } },
        { code: 'gold', qualify: { op: 'all', items: [{ metric: 'spend_fen', value: yuan(8000) }] }, retain: { op: 'all', items: [{ metric: 'spend_fen', value: yuan(6000) }] } },
        { code: 'platinum', qualify: { op: 'all', items: [{ metric: 'spend_fen', value: yuan(18000) }] } },
      ],
    };
    at('2027-03-02T04:00:00Z');
    const asOf = '2027-03-02T04:00:00.000Z';
    const sim = await post(tenant, `/api/v1/tier-programs/${program.id}/simulate`, { rules: draft, as_of: asOf, sample_size: 50 });
    expect(sim.statusCode, sim.body).toBe(200);
    const simulation = sim.json();
    expect(simulation.members).toBe(spends.length);
    // Simulating wrote nothing.
    expect(await t.deps.db.selectFrom('tier_history').select('id').where('tenant_id', '=', tenant.tenantId).where('reason', '=', 'not_qualified').execute()).toHaveLength(0);

    const published = await post(tenant, `/api/v1/tier-programs/${program.id}/rules`, { rules: draft, effective_from: asOf, evaluate: true, note: '提高门槛' });
    expect(published.statusCode).toBe(201);
    // Interrupted after its first chunk, then resumed by the job.
    const abort = new AbortController();
    const partial = await runEvaluation(t.deps, tenant.tenantId, program.id, 'publish', new Date(asOf), { chunkSize: 4, onProgress: () => abort.abort(), signal: abort.signal });
    expect(partial).toMatchObject({ status: 'running', done: 4, total: spends.length });
    const run = await runEvaluation(t.deps, tenant.tenantId, program.id, 'publish', new Date(asOf), { chunkSize: 4 });
    expect(run).toMatchObject({ status: 'done', done: spends.length });

    const dist = (await get(tenant, `/api/v1/tier-programs/${program.id}/distribution`)).json().data as { code: string; members: number }[];
    expect(dist.map((d) => [d.code, d.members])).toEqual(simulation.distribution.map((d: { tier_code: string; after: number }) => [d.tier_code, d.after]));
    for (const cell of simulation.moves as { from: string; to: string; count: number; sample: string[] }[]) {
      for (const member of cell.sample) expect(await codeOf(tenant, member)).toBe(cell.to);
      expect(cell.sample).toHaveLength(cell.count);
    }
    const moved = (simulation.moves as { from: string; to: string; count: number }[]).filter((c) => c.from !== c.to);
    expect(moved.length).toBeGreaterThan(0);
    const counts = run!.counts as Record<string, number>;
    expect((counts.upgraded ?? 0) + (counts.downgraded ?? 0)).toBe(moved.reduce((s, c) => s + c.count, 0));
    const runs = (await get(tenant, `/api/v1/tier-programs/${program.id}/evaluations`)).json().data;
    expect(runs[0]).toMatchObject({ kind: 'publish', status: 'done', done: spends.length, rule_version: 2 });
  });

  it('merges keep the higher tier and the history; validates rules; hides other tenants’ ladders', async () => {
    at('2027-03-01T04:00:00Z');
    const { tenant, program } = await setup({ evaluation: 'yearly', rules: calendarRules });
    const [a, b] = [await newMember(tenant), await newMember(tenant)];
    await order(tenant, a, yuan(13000));
    await order(tenant, b, yuan(100));
    const merged = await post(tenant, `/api/v1/members/${b}/merge`, { from_member_id: a, reason: '同一人' });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(await codeOf(tenant, b)).toBe('gold');
    // (the merge is stamped with the database's time, the order with the test clock's)
    expect((await history(tenant, b)).map((h) => h.kind).sort()).toEqual(['merged', 'upgraded']);

    const bad = await post(tenant, `/api/v1/tier-programs/${program.id}/rules`, { rules: { tiers: [{ code: 'normal', qualify: { op: 'all', items: [{ metric: 'orders', value: 1 }] } }, { code: 'nope', qualify: { op: 'all', items: [{ metric: 'orders', value: 1 }] } }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
      ['rules.tiers.0.code', 'entry_tier'],
      ['rules.tiers.1.code', 'unknown_tier'],
    ]);
    const removal = await t.app.inject({ method: 'PUT', url: `/api/v1/tier-programs/${program.id}`, headers: tenant.auth, payload: { name: '会员等级', tiers: [{ ...ladderTiers[0], id: program.tiers[0]!.id }, { ...ladderTiers[1], id: program.tiers[1]!.id }] } });
    expect(removal.statusCode).toBe(409);
    expect(removal.json().code).toBe('TIER_IN_USE');
    // The evaluation job through the worker (on PGlite the run holds the only connection while it reports progress).
    expect((await post(tenant, `/api/v1/tier-programs/${program.id}/evaluations`, {})).statusCode).toBe(202);
    await createWorker(t.deps).drain();
    expect((await get(tenant, `/api/v1/tier-programs/${program.id}/evaluations`)).json().data[0]).toMatchObject({ kind: 'manual', status: 'done', done: 1 });

    const other = await createTestTenant(t.deps);
    expect((await get(other, `/api/v1/tier-programs/${program.id}`)).statusCode).toBe(404);
    expect((await post(other, `/api/v1/tier-programs/${program.id}/simulate`, {})).statusCode).toBe(404);
  });
});
