import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { upsertProducts } from '../products/products.service.ts';
import { daysAgo, member, order } from './fixtures.test-helpers.ts';

// A fixed data set whose members land in each of the eight RFM groups and each lifecycle stage.
describe('RFM and lifecycle on a fixed data set', () => {
  const clock = createTestClock(new Date('2026-11-23T04:00:00Z'));
  let t: TestApp;
  let tenant: TestTenant;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ clock });
    tenant = await createTestTenant(t.deps);
    await upsertProducts(t.deps, tenant.ctx, [{ sku: 'P1', name: '拿铁', category_path: [], list_price_fen: 1000, member_only: false, tags: [], status: 'active' }]);
  });
  afterAll(() => t.close());

  const get = async <T>(url: string) => (await t.app.inject({ url: `/api/v1${url}`, headers: tenant.auth })).json<T>();
  const send = async (method: 'POST' | 'PUT', url: string, payload?: unknown) => {
    const response = await t.app.inject({ method, url: `/api/v1${url}`, headers: tenant.auth, payload: payload as object });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  it('places members with high and low R, F and M in the eight classic value groups', async () => {
    // R: last order 1 (high) or 100 days ago; F: 5 or 1 orders; M: ≥ ¥300 or < ¥50.
    for (const r of [5, 1]) {
      for (const f of [5, 1]) {
        for (const m of [5, 1]) {
          const id = (await member(t.deps, tenant.ctx, { registered_at: daysAgo(t.deps, 500) })).id;
          ids[`${r}${f}${m}`] = id;
          const count = f === 5 ? 5 : 1;
          const each = m === 5 ? Math.ceil(40000 / count) : 900;
          for (let i = 0; i < count; i++) await order(t.deps, tenant.ctx, id, each, (r === 5 ? 1 : 100) + i);
        }
      }
    }
    await send('PUT', '/rfm/settings', { window_days: 365, scoring: 'fixed', thresholds: { recency_days: [7, 30, 60, 90], frequency: [2, 3, 4, 5], monetary_fen: [5000, 10000, 20000, 30000] } });
    expect(await send('POST', '/rfm/recompute')).toMatchObject({ members: 8 });
    const rows = await t.deps.db.selectFrom('member_rfm').select(['member_id', 'r', 'f', 'm', 'value_group']).where('tenant_id', '=', tenant.tenantId).execute();
    const byMember = new Map(rows.map((r) => [r.member_id, r]));
    const expected: Record<string, string> = {
      '555': 'important_value',
      '515': 'important_develop',
      '155': 'important_keep',
      '115': 'important_retain',
      '551': 'general_value',
      '511': 'general_develop',
      '151': 'general_keep',
      '111': 'general_retain',
    };
    for (const [cell, group] of Object.entries(expected)) {
      const row = byMember.get(ids[cell]!)!;
      expect(`${row.r}${row.f}${row.m}`, cell).toBe(cell);
      expect(row.value_group, cell).toBe(group);
    }
    const grid = await get<{ members: number; cells: { r: number; f: number; members: number }[]; groups: { group: string; members: number }[] }>('/rfm/grid');
    expect(grid.members).toBe(8);
    expect(grid.groups.every((g) => g.members === 1)).toBe(true);
    expect(grid.cells).toContainEqual(expect.objectContaining({ r: 5, f: 5, members: 2 }));
  });

  it('scores quintiles so that equal values get equal scores', async () => {
    await send('PUT', '/rfm/settings', { window_days: 365, scoring: 'quintile' });
    await send('POST', '/rfm/recompute');
    const rows = await t.deps.db.selectFrom('member_rfm').select(['frequency', 'f', 'r', 'recency_days']).where('tenant_id', '=', tenant.tenantId).execute();
    for (const a of rows) for (const b of rows) if (a.frequency === b.frequency) expect(a.f).toBe(b.f);
    expect(new Set(rows.map((r) => r.r))).toEqual(new Set([5, 3]));
  });

  it('puts members in lifecycle stages relative to their own purchase interval, and counts the flows by month', async () => {
    const stage = async (name: string, registeredDaysAgo: number, orderDaysAgo: number[]) => {
      const id = (await member(t.deps, tenant.ctx, { registered_at: daysAgo(t.deps, registeredDaysAgo) })).id;
      for (const d of orderDaysAgo) await order(t.deps, tenant.ctx, id, 1000, d);
      ids[name] = id;
    };
    await stage('new', 5, []);
    await stage('active', 400, [50, 40, 30, 20, 10]);
    await stage('at_risk', 400, [60, 50, 40, 30, 20]);
    await stage('dormant', 400, [80, 70, 60, 50, 40]);
    await stage('lost', 400, [130, 120, 110, 100, 90]);
    await stage('won_back', 400, [300, 290, 280, 5]);
    await stage('at_risk_without_interval', 400, [100]);
    await send('POST', '/lifecycle/recompute');
    const rows = await t.deps.db.selectFrom('member_lifecycle').select(['member_id', 'stage']).where('tenant_id', '=', tenant.tenantId).execute();
    const stageOf = new Map(rows.map((r) => [r.member_id, r.stage]));
    for (const name of ['new', 'active', 'at_risk', 'dormant', 'lost', 'won_back']) expect(stageOf.get(ids[name]!), name).toBe(name);
    expect(stageOf.get(ids.at_risk_without_interval!)).toBe('at_risk');

    // Tenant-tunable: a longer tolerance makes the slipping member active again.
    await send('PUT', '/lifecycle/settings', { at_risk_k: 2.5, dormant_k: 4, lost_k: 8 });
    clock.advance(3600_000);
    await send('POST', '/lifecycle/recompute');
    const after = await t.deps.db.selectFrom('member_lifecycle').select('stage').where('tenant_id', '=', tenant.tenantId).where('member_id', '=', ids.at_risk!).executeTakeFirstOrThrow();
    expect(after.stage).toBe('active');

    const flow = await get<{ months: { month: string; flows: { from: string | null; to: string; members: number }[] }[] }>('/lifecycle/flow?months=3');
    const november = flow.months.find((m) => m.month === '2026-11')!;
    expect(november.flows).toContainEqual({ from: 'at_risk', to: 'active', members: 1 });
    expect(november.flows.filter((f) => f.from === null).reduce((s, f) => s + f.members, 0)).toBe(15);
    const summary = await get<{ stages: { stage: string; members: number }[] }>('/lifecycle/summary');
    expect(summary.stages.reduce((s, x) => s + x.members, 0)).toBe(15);
  });
});
