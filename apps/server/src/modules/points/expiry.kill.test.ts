import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buildRegistries } from '../../modules.ts';
import { createTestTenant } from '../../test/app.ts';
import { createSharedTestDatabase } from '../../test/database.ts';
import { startWorkerChild } from '../../test/worker-child.ts';
import { createTestClock, createTestDeps } from '../../test/deps.ts';
import { createMember } from '../members/members.service.ts';
import { expireDuePoints } from './expiry.job.ts';
import { adjustPoints } from './points.service.ts';
import { reconcileLedger } from './reconcile.ts';


describe('points expiry under kill -9', () => {
  it('expires every due lot exactly once when the worker is killed mid-run and run again', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hearth-expiry-'));
    let database = await createSharedTestDatabase(dir);
    // Points earned two years ago under a 12-month policy: all due now.
    const clock = createTestClock(new Date('2024-06-01T02:00:00Z'));
    const setupDeps = createTestDeps(database.db, { ...buildRegistries(), clock });
    const tenant = await createTestTenant(setupDeps);
    for (let i = 0; i < 30; i++) {
      const member = await createMember(setupDeps, tenant.ctx, { identities: [{ type: 'store_card', value: `EXP-${i}` }], channel: 'store' });
      for (let lot = 0; lot < 3; lot++) await adjustPoints(setupDeps, tenant.ctx, member.id, { points: 100 + lot, reason: '到期测试' });
    }
    const dueLots = 90;
    const worker = await startWorkerChild(database, 'expiring-worker.ts');
    await worker.printed('chunk 3');
    database = await worker.killAndReopen();
    const deps = createTestDeps(database.db, buildRegistries());
    const countExpired = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from points_lots where tenant_id = ${tenant.tenantId} and remaining = 0`.execute(deps.db)).rows[0]!.n;
    const afterKill = await countExpired();
    expect(afterKill).toBeGreaterThanOrEqual(9);
    expect(afterKill).toBeLessThan(dueLots);
    expect(await reconcileLedger(deps.db, tenant.tenantId)).toEqual([]);

    await expireDuePoints(deps);
    expect(await countExpired()).toBe(dueLots);
    // Each lot names the one expire transaction that took it, and the expire transactions add up to the lots.
    const trail = await sql<{ lots: number; named: number; expired: number; transactions: number; points: number }>`
      select (select count(*)::int from points_lots where tenant_id = ${tenant.tenantId}) as lots,
        (select count(*)::int from points_lots where tenant_id = ${tenant.tenantId} and expired_txn_id is not null and expired_points = amount) as named,
        (select sum(expired_points)::bigint from points_lots where tenant_id = ${tenant.tenantId}) as expired,
        (select count(*)::int from points_transactions where tenant_id = ${tenant.tenantId} and kind = 'expire') as transactions,
        (select -sum(points)::bigint from points_transactions where tenant_id = ${tenant.tenantId} and kind = 'expire') as points`.execute(deps.db);
    expect(trail.rows[0]).toMatchObject({ lots: dueLots, named: dueLots, expired: 30 * (100 + 101 + 102), points: 30 * (100 + 101 + 102) });
    expect(trail.rows[0]!.transactions).toBeGreaterThanOrEqual(30);
    expect(await reconcileLedger(deps.db, tenant.tenantId)).toEqual([]);
    await database.close();
    await fs.rm(dir, { recursive: true, force: true });
  }, 90_000);
});
