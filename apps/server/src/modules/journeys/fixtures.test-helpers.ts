import { sql } from 'kysely';
import { expect } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import type { TestApp, TestTenant } from '../../test/app.ts';

/** HTTP helpers for journey tests: members, tags, journeys from a few nodes, and running the engine. */
export function journeyHelpers(t: () => TestApp) {
  let n = 0;
  const post = (tenant: TestTenant, url: string, payload: object = {}) => t().app.inject({ method: 'POST', url: `/api/v1${url}`, payload, headers: tenant.auth });
  const get = (tenant: TestTenant, url: string) => t().app.inject({ method: 'GET', url: `/api/v1${url}`, headers: tenant.auth });
  const patch = (tenant: TestTenant, url: string, payload: object) => t().app.inject({ method: 'PATCH', url: `/api/v1${url}`, payload, headers: tenant.auth });
  return {
    post,
    get,
    patch,
    async member(tenant: TestTenant, profile: object = {}): Promise<string> {
      const res = await post(tenant, '/members/resolve', { identities: [{ type: 'store_card', value: `JRN-${++n}` }], profile: { channel: 'store', ...profile } });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json().member.id as string;
    },
    async tag(tenant: TestTenant, name: string): Promise<string> {
      const group = await post(tenant, '/tag-groups', { name: `组 ${++n}` });
      const res = await post(tenant, '/tags', { group_id: group.json().id, name });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    },
    async journey(tenant: TestTenant, graph: object, publish = true): Promise<string> {
      const res = await post(tenant, '/journeys', { name: `旅程 ${++n}`, graph });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id as string;
      if (publish) {
        const published = await post(tenant, `/journeys/${id}/publish`);
        expect(published.statusCode, published.body).toBe(200);
      }
      return id;
    },
    async enter(tenant: TestTenant, journeyId: string, memberIds: string[]) {
      const res = await post(tenant, `/journeys/${journeyId}/enter`, { member_ids: memberIds });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { entered: number; skipped: number };
    },
    /**
     * Runs every due job until none is left. Tests move the app's clock while the queue compares run_at with the
     * database's: whatever the moved clock made due (runs are set to the next whole second) is made due here too.
     */
    async run() {
      for (let round = 0; round < 20; round++) {
        const moved = await sql`update jobs set run_at = now() where status = 'queued' and run_at > now() and run_at <= ${new Date(t().deps.clock.now().getTime() + 1000)}`.execute(t().deps.db);
        const ran = await createWorker(t().deps, { concurrency: 2 }).drain();
        if (!ran && !Number(moved.numAffectedRows)) return;
      }
    },
    async entries(tenant: TestTenant, journeyId: string, memberId?: string) {
      const res = await get(tenant, `/journeys/${journeyId}/entries?limit=200${memberId ? `&member_id=${memberId}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().data as { id: string; member_id: string; version: number; status: string; current_step: string | null; exit_reason: string | null; holdout: boolean; due_at: string | null; converted_at: string | null; steps: { step_id: string; outcome: string }[] }[];
    },
    async tagsOf(tenant: TestTenant, memberId: string): Promise<string[]> {
      const rows = await t().deps.db.selectFrom('member_tags').select('tag_id').where('tenant_id', '=', tenant.tenantId).where('member_id', '=', memberId).execute();
      return rows.map((r) => r.tag_id);
    },
    async pointsOf(tenant: TestTenant, memberId: string): Promise<number> {
      const res = await get(tenant, `/members/${memberId}/points`);
      return res.json().balance as number;
    },
  };
}

/** trigger (API) → the given steps in a line → exit. */
export function line(steps: object[], extra: object = {}) {
  const nodes = [{ id: 'start', type: 'trigger', config: { kind: 'api' } }, ...steps, { id: 'end', type: 'exit', config: {} }] as { id: string }[];
  const edges = nodes.slice(1).map((node, i) => ({ from: nodes[i]!.id, to: node.id }));
  return { nodes, edges, entry: { mode: 'every_time' }, ...extra };
}
