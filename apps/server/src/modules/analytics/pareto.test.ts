import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParetoReport } from '@hearth/contracts/analytics';
import { cdnowFile, loadCdnow } from '../../seed/cdnow.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createApiKey } from '../access/access.service.ts';
import { rolePermissions } from '../access/permissions.ts';
import { trackEvents } from '../members/events.service.ts';
import { refreshMemberAnalytics } from './influence.service.ts';

/** Revenue per customer straight from the file (dollars as fen), independent of the loader and the SQL. */
function fileRevenue(): number[] {
  const byCustomer = new Map<string, number>();
  for (const line of fs.readFileSync(cdnowFile(true), 'utf8').trim().split(/\r?\n/)) {
    const cells = line.trim().split(/\s+/);
    byCustomer.set(cells[0]!, (byCustomer.get(cells[0]!) ?? 0) + Math.round(Number(cells[4]) * 100));
  }
  return [...byCustomer.values()].filter((fen) => fen > 0).sort((a, b) => b - a);
}

describe('80/20 and influence on the CDNOW sample', () => {
  let t: TestApp;
  let tenantId: string;
  let auth: { authorization: string };
  let other: TestTenant;
  const ctxOf = (owner: { id: string; email: string }) => ({ tenantId, actor: { type: 'operator' as const, id: owner.id, label: owner.email, role: 'owner' as const, permissions: new Set(rolePermissions.owner) }, requestId: null, ip: null });

  beforeAll(async () => {
    t = await createTestApp();
    tenantId = (await loadCdnow(t.deps, { file: cdnowFile(true) })).tenantId;
    const owner = await t.deps.db.selectFrom('operators').select(['id', 'email']).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    auth = { authorization: `Bearer ${(await createApiKey(t.deps, ctxOf(owner), { name: 'owner', scopes: [...rolePermissions.owner] })).secret}` };
    other = await createTestTenant(t.deps);
  }, 120_000);
  afterAll(() => t.close());

  it('gives the revenue share of the top 20 %, the Gini coefficient and the Lorenz curve of the whole history', async () => {
    const revenue = fileRevenue();
    const total = revenue.reduce((s, v) => s + v, 0);
    const top20 = revenue.slice(0, Math.ceil(revenue.length * 0.2)).reduce((s, v) => s + v, 0);
    const ascending = [...revenue].reverse();
    const gini = (2 * ascending.reduce((s, v, i) => s + (i + 1) * v, 0)) / (ascending.length * total) - (ascending.length + 1) / ascending.length;

    const response = await t.app.inject({ method: 'GET', url: '/api/v1/analytics/pareto?from=1997-01-01&to=1998-06-30', headers: auth });
    expect(response.statusCode).toBe(200);
    const report = response.json() as ParetoReport;
    expect(report).toMatchObject({ from: '1997-01-01', to: '1998-06-30', buyers: revenue.length, revenue_fen: total, top_share_bp: 2000, heavy_users: Math.ceil(revenue.length * 0.2) });
    expect(report.top_20_revenue_share_bp).toBe(Math.round((top20 / total) * 10_000));
    expect(report.heavy_revenue_share_bp).toBe(report.top_20_revenue_share_bp);
    expect(report.gini_bp).toBe(Math.round(gini * 10_000));
    expect(report.lorenz).toHaveLength(101);
    expect(report.lorenz.at(-1)).toEqual({ buyers_bp: 10_000, revenue_bp: 10_000 });
    const at80 = ascending.slice(0, Math.floor(ascending.length * 0.8)).reduce((s, v) => s + v, 0);
    expect(report.lorenz[80]).toEqual({ buyers_bp: 8000, revenue_bp: Math.round((at80 / total) * 10_000) });
    for (let i = 1; i < report.lorenz.length; i++) expect(report.lorenz[i]!.revenue_bp).toBeGreaterThanOrEqual(report.lorenz[i - 1]!.revenue_bp);

    const heavy = (await t.app.inject({ method: 'GET', url: '/api/v1/analytics/pareto/heavy-users?from=1997-01-01&to=1998-06-30&limit=5', headers: auth })).json();
    expect(heavy.data.map((h: { revenue_fen: number }) => h.revenue_fen)).toEqual(revenue.slice(0, 5));
    expect(heavy.data.map((h: { rank: number }) => h.rank)).toEqual([1, 2, 3, 4, 5]);

    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/analytics/pareto?from=1998-01-01&to=1997-01-01', headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'from' }] });
    // Another tenant's report is its own: no buyers.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/analytics/pareto?from=1997-01-01&to=1998-06-30', headers: other.auth })).json()).toMatchObject({ buyers: 0, revenue_fen: 0 });
  });

  it('flags heavy users and ranks influence by the tenant’s event weights', async () => {
    const owner = await t.deps.db.selectFrom('operators').select(['id', 'email']).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    const members = await t.deps.db.selectFrom('members').select('id').where('tenant_id', '=', tenantId).orderBy('id').limit(4).execute();
    const [sharer, reviewer, attendee, quiet] = members.map((m) => m.id);
    const at = '1998-06-01T10:00:00+08:00';
    let n = 0;
    const events = (member_id: string, type: string, count: number) => Array.from({ length: count }, () => ({ client_event_id: `e${++n}`, type, occurred_at: at, member_id }));
    await trackEvents(t.deps, ctxOf(owner), [...events(sharer!, 'share', 5), ...events(reviewer!, 'review', 2), ...events(attendee!, 'event_attended', 1), ...events(quiet!, 'page_view', 40)]);
    // Every purchase of the data set is within ten years of its end.
    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/analytics/settings', headers: auth, payload: { ...((await t.app.inject({ method: 'GET', url: '/api/v1/analytics/settings', headers: auth })).json() as object), pareto_window_days: 3650 } });
    expect(put.statusCode).toBe(200);

    const result = await refreshMemberAnalytics({ db: t.deps.db, clock: { now: () => new Date('1998-06-30T12:00:00+08:00') } }, tenantId);
    const revenue = fileRevenue();
    expect(result).toEqual({ members: revenue.length, heavy: Math.ceil(revenue.length * 0.2), influencers: 3 });

    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/analytics/influence', headers: auth })).json();
    // share 3 × 5 = 15, review 2 × 2 = 4, event attended 2 × 1 = 2; page views carry no weight.
    expect(list.data.map((m: { member_id: string; score: number; influence_index: number; events: object }) => [m.member_id, m.score, m.influence_index, m.events])).toEqual([
      [sharer, 15, 100, { share: 5 }],
      [reviewer, 4, 50, { review: 2 }],
      [attendee, 2, 0, { event_attended: 1 }],
    ]);
    const flagged = await t.deps.db.selectFrom('member_analytics').select('window_revenue_fen').where('tenant_id', '=', tenantId).where('heavy_user', '=', true).orderBy('window_revenue_fen', 'desc').execute();
    expect(flagged.map((f) => f.window_revenue_fen)).toEqual(revenue.slice(0, flagged.length));
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/analytics/influence', headers: other.auth })).json().data).toEqual([]);
  });
});
