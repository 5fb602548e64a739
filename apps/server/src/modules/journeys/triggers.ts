import { sql } from 'kysely';
import type { JourneyGraph } from '@hearth/contracts/journeys';
import type { Db } from '../../db/database.ts';
import type { AppDeps } from '../../deps.ts';
import type { DomainEvent } from '../../jobs/outbox.ts';
import { enterMembers } from './entry.service.ts';
import { scheduleRun } from './engine.ts';
import { triggerOf } from './graph.ts';
import type { EntryRow } from './journeys.tables.ts';
import { matchesFilters } from './steps.ts';

/** One member's share of a domain event (event.tracked and member.tagged name several members). */
export interface MemberEvent {
  tenantId: string;
  memberId: string;
  type: string;
  /** The trigger key journeys are found by: the type, or segment.entered:<segment id>. */
  key: string;
  payload: Record<string, unknown>;
  occurredAt: Date;
}

export function memberEvents(event: DomainEvent): MemberEvent[] {
  const at = new Date(event.occurred_at);
  const of = (memberId: unknown, payload: Record<string, unknown>, key = event.type): MemberEvent[] =>
    typeof memberId === 'string' ? [{ tenantId: event.tenant_id, memberId, type: event.type, key, payload, occurredAt: at }] : [];
  const p = event.payload;
  if (event.type === 'event.tracked') return ((p.events as Record<string, unknown>[] | undefined) ?? []).flatMap((e) => of(e.member_id, e));
  if (event.type === 'member.tagged') return ((p.member_ids as string[] | undefined) ?? []).flatMap((m) => of(m, { member_id: m, tag_id: p.tag_id, action: p.action }));
  if (event.type === 'segment.entered' || event.type === 'segment.exited') return of(p.member_id, p, `${event.type}:${String(p.segment_id)}`);
  return of(p.member_id, p);
}

/**
 * What a batch of domain events does to journeys, tenant by tenant, in the job's transaction: goals reached
 * convert the entries waiting on them, awaited events resume the members waiting for them, and triggers enter
 * members into the journeys they start. Each is one indexed read per tenant; an event no journey cares about
 * costs those reads and nothing else.
 */
export async function handleEvents(trx: Db, deps: AppDeps, events: DomainEvent[], runKey: string) {
  const totals = { converted: 0, resumed: 0, entered: 0 };
  const byTenant = new Map<string, MemberEvent[]>();
  for (const e of events.flatMap(memberEvents)) byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), e]);
  for (const [tenantId, list] of [...byTenant].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const members = [...new Set(list.map((e) => e.memberId))];
    const types = [...new Set(list.map((e) => e.type))];
    totals.converted += await convertGoals(trx, deps, tenantId, members, types, list);
    totals.resumed += await resumeWaits(trx, deps, tenantId, members, types, list, runKey);
    totals.entered += await enterTriggered(trx, deps, tenantId, list, runKey);
  }
  return totals;
}

async function convertGoals(trx: Db, deps: AppDeps, tenantId: string, members: string[], types: string[], list: MemberEvent[]) {
  const open = await sql<EntryRow>`
    select * from journey_entries where tenant_id = ${tenantId} and member_id = any(${members}::uuid[])
      and converted_at is null and goal_event = any(${types}::text[]) and goal_deadline >= ${new Date(Math.min(...list.map((e) => e.occurredAt.getTime())))}
    for update`.execute(trx);
  let converted = 0;
  const graphs = await graphsOf(trx, tenantId, open.rows.map((e) => e.version_id));
  for (const entry of open.rows) {
    const goal = graphs.get(entry.version_id)?.goal;
    const hit = list.find((e) => e.memberId === entry.member_id && e.type === entry.goal_event && e.occurredAt >= entry.entered_at && e.occurredAt <= entry.goal_deadline! && matchesFilters(e.payload, goal?.filters ?? []));
    if (!hit) continue;
    // The conversion is the last message's: the latest send that went out (or was queued) before the goal event.
    const last = await trx
      .selectFrom('journey_step_runs')
      .select('step_id')
      .where('tenant_id', '=', tenantId)
      .where('member_id', '=', entry.member_id)
      .where('entry_id', '=', entry.id)
      .where('step_type', 'in', ['send', 'webhook'])
      .where('outcome', 'in', ['queued', 'delayed', 'sent'])
      .where('ran_at', '<=', hit.occurredAt)
      .orderBy('ran_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const inFlight = entry.status === 'ready' || entry.status === 'waiting' || entry.status === 'held';
    await trx
      .updateTable('journey_entries')
      .set({ converted_at: hit.occurredAt, converted_step: last?.step_id ?? null, ...(inFlight && { status: 'exited', exit_reason: 'goal', due_at: null, finished_at: deps.clock.now() }) })
      .where('tenant_id', '=', tenantId)
      .where('member_id', '=', entry.member_id)
      .where('id', '=', entry.id)
      .execute();
    converted += 1;
  }
  return converted;
}

async function resumeWaits(trx: Db, deps: AppDeps, tenantId: string, members: string[], types: string[], list: MemberEvent[], runKey: string) {
  const waiting = await sql<EntryRow>`
    select * from journey_entries where tenant_id = ${tenantId} and member_id = any(${members}::uuid[])
      and status = 'waiting' and wait_event = any(${types}::text[])
    for update`.execute(trx);
  const now = deps.clock.now();
  const versions = new Set<string>();
  let resumed = 0;
  for (const entry of waiting.rows) {
    const filters = (entry.wait_filters ?? []) as Parameters<typeof matchesFilters>[1];
    // Only an event after the member began to wait counts (the due time minus the timeout is not kept, so: after the entry).
    if (!list.some((e) => e.memberId === entry.member_id && e.type === entry.wait_event && e.occurredAt >= entry.entered_at && matchesFilters(e.payload, filters))) continue;
    await trx
      .updateTable('journey_entries')
      .set({ status: 'ready', resume_branch: 'event', due_at: now })
      .where('tenant_id', '=', tenantId)
      .where('member_id', '=', entry.member_id)
      .where('id', '=', entry.id)
      .execute();
    versions.add(entry.version_id);
    resumed += 1;
  }
  for (const versionId of versions) await scheduleRun(trx, deps, tenantId, versionId, now, `event:${runKey}`);
  return resumed;
}

async function enterTriggered(trx: Db, deps: AppDeps, tenantId: string, list: MemberEvent[], runKey: string) {
  const keys = [...new Set(list.map((e) => e.key))];
  const journeys = await trx
    .selectFrom('journeys as j')
    .innerJoin('journey_versions as v', (join) => join.onRef('v.tenant_id', '=', 'j.tenant_id').onRef('v.id', '=', 'j.current_version_id'))
    .selectAll('j')
    .select(['v.graph', 'v.id as version_id'])
    .where('j.tenant_id', '=', tenantId)
    .where('j.status', '=', 'active')
    .where('j.trigger_key', 'in', keys)
    .orderBy('j.id')
    .execute();
  let entered = 0;
  for (const journey of journeys) {
    const trigger = triggerOf(journey.graph);
    const matching = list.filter((e) => e.key === journey.trigger_key && passes(trigger, e));
    const firstByMember = new Map<string, MemberEvent>();
    for (const e of matching) if (!firstByMember.has(e.memberId)) firstByMember.set(e.memberId, e);
    if (!firstByMember.size) continue;
    // One entry per member per event batch, whose context is the event that started it (members whose events
    // say the same, as a segment's entries do, enter in one statement).
    const byContext = new Map<string, string[]>();
    for (const [memberId, e] of firstByMember) {
      const { member_id: _member, ...rest } = e.payload;
      const context = JSON.stringify({ event: e.type, ...rest });
      byContext.set(context, [...(byContext.get(context) ?? []), memberId]);
    }
    for (const [context, memberIds] of byContext) {
      entered += (await enterMembers(trx, deps, { journey, version: { id: journey.version_id, graph: journey.graph }, memberIds, context: JSON.parse(context), runKey })).length;
    }
  }
  return entered;
}

function passes(trigger: ReturnType<typeof triggerOf>, e: MemberEvent): boolean {
  if (trigger.kind === 'event') return matchesFilters(e.payload, trigger.filters);
  if (trigger.kind === 'geofence') return !trigger.store_ids.length || trigger.store_ids.includes(e.payload.store_id as string);
  return true;
}

async function graphsOf(trx: Db, tenantId: string, versionIds: string[]): Promise<Map<string, JourneyGraph>> {
  if (!versionIds.length) return new Map();
  const rows = await trx.selectFrom('journey_versions').select(['id', 'graph']).where('tenant_id', '=', tenantId).where('id', 'in', [...new Set(versionIds)]).execute();
  return new Map(rows.map((r) => [r.id, r.graph]));
}
