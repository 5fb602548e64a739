import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClvFit, ClvSummary, MemberClv } from '@hearth/contracts/analytics';
import { cdnowFile, loadCdnow } from '../../seed/cdnow.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createApiKey } from '../access/access.service.ts';
import { rolePermissions } from '../access/permissions.ts';
import { fitFile } from './clv.cli.ts';
import { conditionalExpectedPurchases, probabilityAlive } from './clv.model.ts';
import { runClvFit } from './clv.service.ts';

/** 1997-09-30 in the afternoon in Shanghai (the CDNOW tenant's zone): the papers' calibration end. */
const calibrationClock = { now: () => new Date('1997-09-30T15:00:00+08:00') };

describe('CLV in the product, on the CDNOW sample loaded as a tenant', () => {
  let t: TestApp;
  let tenantId: string;
  let auth: { authorization: string };
  let other: TestTenant;
  let fit: ClvFit;

  beforeAll(async () => {
    t = await createTestApp();
    tenantId = (await loadCdnow(t.deps, { file: cdnowFile(true) })).tenantId;
    const owner = await t.deps.db.selectFrom('operators').select(['id', 'email']).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    const ctx = { tenantId, actor: { type: 'operator' as const, id: owner.id, label: owner.email, role: 'owner' as const, permissions: new Set(rolePermissions.owner) }, requestId: null, ip: null };
    auth = { authorization: `Bearer ${(await createApiKey(t.deps, ctx, { name: 'analyst', scopes: [...rolePermissions.analyst] })).secret}` };
    other = await createTestTenant(t.deps);
  }, 120_000);
  afterAll(() => t.close());

  it('fits the same model as `clv:fit` on the same file (amounts in fen instead of dollars)', async () => {
    fit = await runClvFit({ db: t.deps.db, clock: calibrationClock }, tenantId);
    const file = await fitFile(cdnowFile(true), { format: 'cdnow', calibrationEnd: '1997-09-30' });
    expect(fit).toMatchObject({ status: 'succeeded', calibration_end: '1997-09-30', customers: 2357, repeaters: 946, members_scored: 2357, horizon_months: 12 });
    for (const key of ['r', 'alpha', 'a', 'b', 'loglik'] as const) expect(fit.bgnbd![key]).toBeCloseTo(file.bgnbd[key], 4);
    expect(fit.gammagamma!.p).toBeCloseTo(file.gammagamma.p, 3);
    expect(fit.gammagamma!.q).toBeCloseTo(file.gammagamma.q, 3);
    expect(fit.gammagamma!.v / 100).toBeCloseTo(file.gammagamma.v, 2);
  }, 120_000);

  it('scores every buyer with the model’s own expressions, and ranks them by CLV', async () => {
    const rows = await t.deps.db.selectFrom('member_clv').selectAll().where('tenant_id', '=', tenantId).execute();
    expect(rows).toHaveLength(2357);
    const params = fit.bgnbd!;
    for (const row of rows.slice(0, 50)) {
      expect(row.p_alive).toBeCloseTo(probabilityAlive(params, row.repeat_purchases, row.recency_weeks, row.age_weeks), 10);
      const purchases = conditionalExpectedPurchases(params, 12 * (365.25 / 12 / 7), row.repeat_purchases, row.recency_weeks, row.age_weeks);
      expect(row.expected_purchases).toBeCloseTo(purchases, 8);
      // The stored spend per purchase is rounded to the fen; the spend was computed before rounding.
      expect(Math.abs(row.expected_spend_fen - purchases * row.expected_spend_per_purchase_fen)).toBeLessThanOrEqual(purchases / 2 + 0.5);
      // Discounting at 10 % a year takes a little off the undiscounted spend, never more than 10 %.
      expect(row.clv_fen).toBeLessThanOrEqual(row.expected_spend_fen);
      expect(row.clv_fen).toBeGreaterThanOrEqual(Math.floor(row.expected_spend_fen * 0.9));
    }
    const sorted = [...rows].sort((m, n) => m.clv_fen - n.clv_fen);
    expect(sorted[0]!.clv_percentile).toBe(0);
    expect(sorted.at(-1)!.clv_percentile).toBe(100);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.clv_percentile!).toBeGreaterThanOrEqual(sorted[i - 1]!.clv_percentile!);
    // Historic value is everything kept up to the calibration end, to the fen.
    const { rows: paid } = await sql<{ fen: number }>`select coalesce(sum(total_paid_fen - refunded_fen), 0)::int8 as fen from orders
      where tenant_id = ${tenantId} and occurred_at < '1997-10-01T00:00:00+08:00'`.execute(t.deps.db);
    expect(rows.reduce((s, r) => s + r.historic_value_fen, 0)).toBe(paid[0]!.fen);
  });

  it('answers the console: summary with distribution, members by CLV with a cursor, one member', async () => {
    const summary = (await t.app.inject({ method: 'GET', url: '/api/v1/analytics/clv', headers: auth })).json() as ClvSummary;
    expect(summary.fit?.id).toBe(fit.id);
    expect(summary.members).toBe(2357);
    expect(summary.distribution.reduce((s, b) => s + b.members, 0)).toBe(2357);
    expect(summary.distribution.reduce((s, b) => s + b.clv_fen, 0)).toBe(summary.total_clv_fen);

    const first = (await t.app.inject({ method: 'GET', url: '/api/v1/analytics/clv/members?limit=10', headers: auth })).json() as { data: MemberClv[]; next_cursor: string };
    const second = (await t.app.inject({ method: 'GET', url: `/api/v1/analytics/clv/members?limit=10&cursor=${first.next_cursor}`, headers: auth })).json() as { data: MemberClv[] };
    const all = [...first.data, ...second.data];
    expect(all).toHaveLength(20);
    for (let i = 1; i < all.length; i++) expect(all[i]!.clv_fen).toBeLessThanOrEqual(all[i - 1]!.clv_fen);
    expect(new Set(all.map((m) => m.member_id)).size).toBe(20);
    expect(all[0]!.clv_percentile).toBe(100);

    const one = await t.app.inject({ method: 'GET', url: `/api/v1/members/${all[0]!.member_id}/clv`, headers: auth });
    expect(one.json()).toEqual(all[0]);
    // Another tenant sees nothing of it; a key without the permission is refused.
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/members/${all[0]!.member_id}/clv`, headers: other.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/analytics/clv/runs', headers: auth })).statusCode).toBe(403);
  });

  it('a rerun rewrites every row under the new fit and drops members who no longer have orders', async () => {
    const gone = (await t.deps.db.selectFrom('member_clv').select('member_id').where('tenant_id', '=', tenantId).orderBy('member_id').executeTakeFirstOrThrow()).member_id;
    await t.deps.db.updateTable('orders').set({ status: 'refunded', refunded_fen: sql`total_paid_fen` }).where('tenant_id', '=', tenantId).where('member_id', '=', gone).execute();
    const again = await runClvFit({ db: t.deps.db, clock: calibrationClock }, tenantId, { membersPerChunk: 500 });
    expect(again.id).not.toBe(fit.id);
    expect(again.customers).toBe(2356);
    const fits = await t.deps.db.selectFrom('member_clv').select(['fit_id', sql<number>`count(*)::int`.as('n')]).where('tenant_id', '=', tenantId).groupBy('fit_id').execute();
    expect(fits).toEqual([{ fit_id: again.id, n: 2356 }]);
  }, 120_000);

  it('says so instead of fitting when a tenant has too few buyers', async () => {
    const small = await runClvFit({ db: t.deps.db, clock: calibrationClock }, other.tenantId);
    expect(small).toMatchObject({ status: 'insufficient_data', customers: 0, bgnbd: null, gammagamma: null });
    const queued = await t.app.inject({ method: 'POST', url: '/api/v1/analytics/clv/runs', headers: other.auth });
    expect(queued.statusCode).toBe(202);
    const repeat = await t.app.inject({ method: 'POST', url: '/api/v1/analytics/clv/runs', headers: other.auth });
    expect(repeat.json()).toEqual({ job_id: queued.json().job_id, already_queued: true });
  });
});
