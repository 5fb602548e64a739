import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Rule } from '@hearth/contracts/segments';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { Actor, AppDeps, RequestContext } from '../../deps.ts';
import { emitEvents } from '../../jobs/outbox.ts';
import { tagMembers } from '../members/tags.service.ts';
import { calendarScope, matchingMembers, scopeFor } from './compile.ts';
import { ANY } from './conditions.ts';
import { refreshLifecycle } from './lifecycle.service.ts';
import './segments.tables.ts';

export const segmentsActor: Actor = { type: 'system', id: null, label: 'segments', role: null, permissions: new Set() };
export const systemContext = (tenantId: string): RequestContext => ({ tenantId, actor: segmentsActor, requestId: null, ip: null });

interface Change {
  segmentId: string;
  memberId: string;
  action: 'entered' | 'exited';
}

interface LiveSegment {
  id: string;
  rule: Rule;
  depends_on: string[];
  writes_tag_id: string | null;
}

/**
 * Makes a segment's members exactly its rule's members, in one statement that diffs the stored members
 * with the compiled query, then records the history and emits segment.entered / segment.exited. The
 * segment row is locked for the duration, so live updates of its members wait (they lock it shared).
 */
export async function recomputeSegment(deps: AppDeps, tenantId: string, segmentId: string, cause = 'recompute'): Promise<{ members: number; entered: number; exited: number }> {
  return withTransaction(deps.db, async (trx) => {
    const segment = await trx.selectFrom('segments').select(['id', 'kind', 'rule', 'writes_tag_id']).where('tenant_id', '=', tenantId).where('id', '=', segmentId).forUpdate().executeTakeFirstOrThrow();
    const now = deps.clock.now();
    let changes: Change[] = [];
    if (segment.kind === 'dynamic') {
      const scope = await scopeFor(trx, tenantId, now);
      const diff = await sql<{ member_id: string; action: 'entered' | 'exited' }>`
        with target as (${matchingMembers(deps.segmentConditions, segment.rule as Rule, scope)}),
        entered as (
          insert into segment_members (tenant_id, segment_id, member_id, entered_at)
          select ${tenantId}, ${segmentId}, t.id, ${now} from target t
          where not exists (select 1 from segment_members sm where sm.tenant_id = ${tenantId} and sm.segment_id = ${segmentId} and sm.member_id = t.id)
          returning member_id
        ),
        exited as (
          delete from segment_members sm
          where sm.tenant_id = ${tenantId} and sm.segment_id = ${segmentId} and not exists (select 1 from target t where t.id = sm.member_id)
          returning member_id
        )
        select member_id, 'entered' as action from entered union all select member_id, 'exited' from exited`.execute(trx);
      changes = diff.rows.map((r) => ({ segmentId, memberId: r.member_id, action: r.action }));
    }
    await trx.updateTable('segments').set({ computed_at: now }).where('tenant_id', '=', tenantId).where('id', '=', segmentId).execute();
    await recordChanges(trx, deps, tenantId, changes, cause, new Map([[segmentId, segment.writes_tag_id]]));
    const members = await trx.selectFrom('segment_members').select(sql<number>`count(*)::int`.as('n')).where('tenant_id', '=', tenantId).where('segment_id', '=', segmentId).executeTakeFirstOrThrow();
    return { members: members.n, entered: changes.filter((c) => c.action === 'entered').length, exited: changes.filter((c) => c.action === 'exited').length };
  });
}

/**
 * The live path: re-evaluates the given members against only the segments whose conditions depend on
 * what changed for them (their keys), in one query for all of them, and applies the difference. Members
 * are locked (advisory, in key order) so two changes of one member at once apply in turn. An event no
 * segment depends on costs one read of the tenant's live segments.
 */
export async function evaluateMembers(trx: Db, deps: AppDeps, tenantId: string, affected: { memberId: string; keys: string[] }[], cause: string): Promise<Change[]> {
  const keysOf = new Map<string, Set<string>>();
  for (const a of affected) keysOf.set(a.memberId, new Set([...(keysOf.get(a.memberId) ?? []), ...a.keys]));
  if (keysOf.size === 0) return [];
  const live = (await trx
    .selectFrom('segments')
    .select(['id', 'rule', 'depends_on', 'writes_tag_id', sql<string>`(select time_zone from tenants where id = ${tenantId})`.as('time_zone')])
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'active')
    .where('kind', '=', 'dynamic')
    .forKeyShare()
    .execute()) as (LiveSegment & { time_zone: string })[];
  const dependsOn = (segment: LiveSegment, keys: Set<string>) => keys.has(ANY) || segment.depends_on.some((k) => keys.has(k));
  // Stages move with orders; they are kept live only while a segment selects by them (the sweep keeps the rest).
  const stagesMatter = live.some((s) => s.depends_on.includes('lifecycle'));
  const orderedMembers = [...keysOf].filter(([, keys]) => keys.has('order') || keys.has(ANY)).map(([id]) => id);
  if (!live.some((s) => [...keysOf.values()].some((keys) => dependsOn(s, keys))) && !(stagesMatter && orderedMembers.length)) return [];

  const memberIds = [...keysOf.keys()].sort();
  await sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${memberIds.map((id) => `segments:${tenantId}:${id}`)}::text[]) as k order by k`.execute(trx);
  const now = deps.clock.now();
  if (stagesMatter && orderedMembers.length) for (const moved of await refreshLifecycle(trx, tenantId, now, orderedMembers)) keysOf.get(moved.memberId)!.add('lifecycle');

  const plans = live.flatMap((segment) => {
    const members = memberIds.filter((id) => dependsOn(segment, keysOf.get(id)!));
    return members.length ? [{ segment, members }] : [];
  });
  if (plans.length === 0) return [];
  const scope = calendarScope(tenantId, now, live[0]!.time_zone);
  // What each segment's rule says of these members, and what is stored, in one statement.
  const rows = await sql<{ segment_id: string; member_id: string; matched: boolean }>`${sql.join(
    plans.map((p) => sql`select ${p.segment.id}::uuid as segment_id, q.id as member_id, true as matched from (${matchingMembers(deps.segmentConditions, p.segment.rule, { ...scope, members: p.members })}) q`),
    sql` union all `,
  )} union all select segment_id, member_id, false from segment_members
    where tenant_id = ${tenantId} and segment_id = any(${plans.map((p) => p.segment.id)}::uuid[]) and member_id = any(${memberIds}::uuid[])`.execute(trx);
  const isMatched = new Set(rows.rows.filter((r) => r.matched).map((r) => `${r.segment_id}|${r.member_id}`));
  const isCurrent = new Set(rows.rows.filter((r) => !r.matched).map((r) => `${r.segment_id}|${r.member_id}`));
  const changes: Change[] = [];
  for (const { segment, members } of plans) {
    for (const memberId of members) {
      const key = `${segment.id}|${memberId}`;
      if (isMatched.has(key) && !isCurrent.has(key)) changes.push({ segmentId: segment.id, memberId, action: 'entered' });
      if (!isMatched.has(key) && isCurrent.has(key)) changes.push({ segmentId: segment.id, memberId, action: 'exited' });
    }
  }
  if (changes.length === 0) return [];
  const entered = changes.filter((c) => c.action === 'entered');
  const exited = changes.filter((c) => c.action === 'exited');
  await sql`with gone as (
      delete from segment_members sm using unnest(${exited.map((c) => c.segmentId)}::uuid[], ${exited.map((c) => c.memberId)}::uuid[]) as x(segment_id, member_id)
      where sm.tenant_id = ${tenantId} and sm.segment_id = x.segment_id and sm.member_id = x.member_id
    )
    insert into segment_members (tenant_id, segment_id, member_id, entered_at)
    select ${tenantId}, segment_id, member_id, ${now} from unnest(${entered.map((c) => c.segmentId)}::uuid[], ${entered.map((c) => c.memberId)}::uuid[]) as x(segment_id, member_id)`.execute(trx);
  await recordChanges(trx, deps, tenantId, changes, cause, new Map(live.map((s) => [s.id, s.writes_tag_id])));
  return changes;
}

const CHUNK = 5000;

/** History rows, segment.entered / segment.exited events, and the tags segments write, for a set of changes. */
async function recordChanges(trx: Db, deps: AppDeps, tenantId: string, changes: Change[], cause: string, tagOf: Map<string, string | null>) {
  for (let i = 0; i < changes.length; i += CHUNK) {
    const chunk = changes.slice(i, i + CHUNK);
    await sql`insert into segment_membership_history (tenant_id, member_id, id, segment_id, action, cause, occurred_at)
      select ${tenantId}, member_id, id, segment_id, action, ${cause}, ${deps.clock.now()}
      from unnest(${chunk.map((c) => c.memberId)}::uuid[], ${chunk.map(() => uuidv7())}::uuid[], ${chunk.map((c) => c.segmentId)}::uuid[], ${chunk.map((c) => c.action)}::text[]) as x(member_id, id, segment_id, action)`.execute(trx);
    await emitEvents(
      trx,
      deps.jobs,
      segmentsActor,
      chunk.map((c) => ({ tenantId, type: c.action === 'entered' ? 'segment.entered' : 'segment.exited', payload: { segment_id: c.segmentId, member_id: c.memberId, cause } })),
    );
  }
  const tagDeps = { ...deps, db: trx };
  for (const [segmentId, tagId] of tagOf) {
    if (!tagId) continue;
    for (const action of ['add', 'remove'] as const) {
      const memberIds = changes.filter((c) => c.segmentId === segmentId && c.action === (action === 'add' ? 'entered' : 'exited')).map((c) => c.memberId);
      for (let i = 0; i < memberIds.length; i += 50_000) await tagMembers(tagDeps, { ...systemContext(tenantId), actor: { ...segmentsActor, label: `segment:${segmentId}` } }, { tag_id: tagId, action, member_ids: memberIds.slice(i, i + 50_000) });
    }
  }
}
