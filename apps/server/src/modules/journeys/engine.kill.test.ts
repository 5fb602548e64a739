import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { buildRegistries } from '../../modules.ts';
import { createTestTenant } from '../../test/app.ts';
import { createSharedTestDatabase } from '../../test/database.ts';
import { startWorkerChild } from '../../test/worker-child.ts';
import { createTestDeps, testConfig } from '../../test/deps.ts';
import { createMember } from '../members/members.service.ts';
import { createTag, createTagGroup } from '../members/tags.service.ts';
import { enterJourney } from './entry.service.ts';
import { createJourney, publishJourney } from './journeys.service.ts';

const MEMBERS = 30;

describe('journey engine under kill -9', () => {
  it('runs every step exactly once when the worker is killed in the middle of a run and another takes over', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hearth-journey-'));
    let database = await createSharedTestDatabase(dir);
    const setupDeps = createTestDeps(database.db, buildRegistries());
    const tenant = await createTestTenant(setupDeps);
    const group = await createTagGroup(setupDeps, tenant.ctx, '旅程');
    const tag = await createTag(setupDeps, tenant.ctx, { group_id: group.id, name: '已到达' });
    const journey = await createJourney(setupDeps, tenant.ctx, {
      name: '积分加标签',
      graph: {
        nodes: [
          { id: 'start', type: 'trigger', config: { kind: 'api' } },
          { id: 'gift', type: 'points', config: { points: 30, reason: '旅程赠送' } },
          { id: 'mark', type: 'tag', config: { tag_id: tag.id, action: 'add' } },
          { id: 'end', type: 'exit', config: {} },
        ],
        edges: [{ from: 'start', to: 'gift', branch: 'next' }, { from: 'gift', to: 'mark', branch: 'next' }, { from: 'mark', to: 'end', branch: 'next' }],
        entry: { mode: 'once' },
      },
    });
    await publishJourney(setupDeps, tenant.ctx, journey.id);
    const members: string[] = [];
    for (let i = 0; i < MEMBERS; i++) members.push((await createMember(setupDeps, tenant.ctx, { identities: [{ type: 'store_card', value: `KILL-${i}` }], channel: 'store' })).id);
    expect(await enterJourney(setupDeps, tenant.ctx, journey.id, { member_ids: members, context: {} })).toMatchObject({ entered: MEMBERS });
    const worker = await startWorkerChild(database, 'journey-worker.ts', { HANG_AFTER_STEPS: '40' });
    await worker.printed('midway');
    database = await worker.killAndReopen();
    const deps = createTestDeps(database.db, { ...buildRegistries(), config: testConfig({ HEARTH_JOB_POLL_MS: '20', HEARTH_JOB_LEASE_SECONDS: '2' }) });
    const count = async (query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(deps.db)).rows[0]!.n;
    const t = tenant.tenantId;
    // The killed run committed nothing: forty steps had run inside its transaction.
    expect(await count(sql`select count(*)::int as n from journey_step_runs where tenant_id = ${t}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from points_transactions where tenant_id = ${t}`)).toBe(0);

    const deadline = Date.now() + 30_000;
    while ((await count(sql`select count(*)::int as n from journey_entries where tenant_id = ${t} and status = 'exited'`)) < MEMBERS) {
      if (Date.now() > deadline) throw new Error('the entries did not finish after the kill');
      await createWorker(deps).drain();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await count(sql`select count(*)::int as n from journey_step_runs where tenant_id = ${t}`)).toBe(MEMBERS * 3);
    expect(await count(sql`select count(distinct (member_id, entry_id, version_id, step_id, visit))::int as n from journey_step_runs where tenant_id = ${t}`)).toBe(MEMBERS * 3);
    expect(await count(sql`select count(*)::int as n from points_transactions where tenant_id = ${t} and kind = 'adjust'`)).toBe(MEMBERS);
    expect(await count(sql`select count(*)::int as n from points_accounts where tenant_id = ${t} and balance = 30`)).toBe(MEMBERS);
    expect(await count(sql`select count(*)::int as n from member_tags where tenant_id = ${t} and tag_id = ${tag.id}`)).toBe(MEMBERS);
    expect(await count(sql`select count(*)::int as n from member_tag_history where tenant_id = ${t} and tag_id = ${tag.id}`)).toBe(MEMBERS);
    await database.close();
    await fs.rm(dir, { recursive: true, force: true });
  }, 300_000);
});
