import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { Guide, guideInputSchema, guideUpdateSchema } from '@hearth/contracts/guides';
import { isUniqueViolation } from '../../db/errors.ts';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { findOperatorAccount, operatorNames } from '../access/operators.service.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { activeMemberIds, homeStoresOf, memberNumbers } from '../members/members.service.ts';
import { getStore } from '../stores/stores.service.ts';
import { membersOfStaff } from '../wecom/wecom.service.ts';
import type { AssignmentSource } from './guides.tables.ts';

type GuideRow = { operator_id: string; store_id: string; wecom_user_id: string | null; status: 'active' | 'left'; left_at: Date | null; created_at: Date };

/** Makes an operator a guide of a store. Any role may be a guide; store staff are the usual ones. */
export async function createGuide(deps: AppDeps, ctx: RequestContext, input: z.infer<typeof guideInputSchema>): Promise<Guide> {
  const operator = await findOperatorAccount(deps, ctx, input.operator_id);
  if (!operator) throw validationError([{ field: 'operator_id', code: 'unknown_operator', message: 'no such operator' }]);
  await checkStore(deps, ctx, input.store_id);
  const now = deps.clock.now();
  await withTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('guides')
      .values({ tenant_id: ctx.tenantId, operator_id: input.operator_id, store_id: input.store_id, wecom_user_id: input.wecom_user_id, left_at: null, created_at: now, updated_at: now })
      .execute()
      .catch(rethrowConflicts);
    await recordAudit(trx, ctx, { action: 'guide.create', resourceType: 'guide', resourceId: input.operator_id, details: { store_id: input.store_id } });
  });
  if (input.wecom_user_id) await adoptWecomFollows(deps, ctx, input.operator_id, input.wecom_user_id);
  return getGuide(deps, ctx, input.operator_id);
}

export async function updateGuide(deps: AppDeps, ctx: RequestContext, id: string, input: z.infer<typeof guideUpdateSchema>): Promise<Guide> {
  if (input.store_id) await checkStore(deps, ctx, input.store_id);
  await withTransaction(deps.db, async (trx) => {
    const updated = await trx
      .updateTable('guides')
      .set({ ...(input.store_id && { store_id: input.store_id }), ...(input.wecom_user_id !== undefined && { wecom_user_id: input.wecom_user_id }), updated_at: deps.clock.now() })
      .where('tenant_id', '=', ctx.tenantId)
      .where('operator_id', '=', id)
      .executeTakeFirst()
      .catch(rethrowConflicts);
    if (!Number(updated.numUpdatedRows)) throw notFound('Guide');
    await recordAudit(trx, ctx, { action: 'guide.update', resourceType: 'guide', resourceId: id, details: { changed: Object.keys(input) } });
  });
  if (input.wecom_user_id) await adoptWecomFollows(deps, ctx, id, input.wecom_user_id);
  return getGuide(deps, ctx, id);
}

export async function getGuide(deps: AppDeps, ctx: RequestContext, id: string): Promise<Guide> {
  const row = await findGuide(deps.db, ctx.tenantId, id);
  if (!row) throw notFound('Guide');
  return (await serializeGuides(deps.db, ctx.tenantId, [row]))[0]!;
}

export async function findGuide(db: Db, tenantId: string, id: string): Promise<GuideRow | undefined> {
  return db.selectFrom('guides').select(['operator_id', 'store_id', 'wecom_user_id', 'status', 'left_at', 'created_at']).where('tenant_id', '=', tenantId).where('operator_id', '=', id).executeTakeFirst();
}

export async function listGuides(deps: AppDeps, ctx: RequestContext, query: { limit: number; cursor?: string; store_id?: string; status?: 'active' | 'left' }) {
  const after = decodeCursor(query.cursor);
  let q = deps.db.selectFrom('guides').select(['operator_id', 'store_id', 'wecom_user_id', 'status', 'left_at', 'created_at']).where('tenant_id', '=', ctx.tenantId).orderBy('operator_id').limit(query.limit + 1);
  if (after) q = q.where('operator_id', '>', after);
  if (query.store_id) q = q.where('store_id', '=', query.store_id);
  if (query.status) q = q.where('status', '=', query.status);
  const page = toPage(await q.execute(), query.limit, (r) => r.operator_id);
  return { data: await serializeGuides(deps.db, ctx.tenantId, page.data), next_cursor: page.next_cursor };
}

/** A guide's members, in key order. */
export async function listGuideMembers(deps: AppDeps, ctx: RequestContext, guideId: string, query: { limit: number; cursor?: string }) {
  if (!(await findGuide(deps.db, ctx.tenantId, guideId))) throw notFound('Guide');
  const after = decodeCursor(query.cursor);
  let q = deps.db.selectFrom('guide_members').selectAll().where('tenant_id', '=', ctx.tenantId).where('guide_id', '=', guideId).orderBy('member_id').limit(query.limit + 1);
  if (after) q = q.where('member_id', '>', after);
  const page = toPage(await q.execute(), query.limit, (r) => r.member_id);
  const numbers = await memberNumbers(deps.db, ctx.tenantId, page.data.map((r) => r.member_id));
  return { data: page.data.map((r) => serializeAssignment(r, numbers)), next_cursor: page.next_cursor };
}

/** A member's guide (or none) and every change of guide, newest first. */
export async function getMemberGuide(deps: AppDeps, ctx: RequestContext, memberId: string) {
  const [current, history] = await Promise.all([
    deps.db.selectFrom('guide_members').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst(),
    deps.db.selectFrom('guide_member_history').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy('id', 'desc').limit(50).execute(),
  ]);
  const numbers = await memberNumbers(deps.db, ctx.tenantId, [memberId]);
  if (!numbers.size) throw notFound('Member');
  return {
    guide: current ? serializeAssignment(current, numbers) : null,
    history: history.map((h) => ({ from_guide_id: h.from_guide_id, to_guide_id: h.to_guide_id, source: h.source, reason: h.reason, by: h.actor_label, at: h.at.toISOString() })),
  };
}

/** Explicit assignment by an operator: it wins over WeCom follows and home stores from now on. */
export async function assignMembers(deps: AppDeps, ctx: RequestContext, input: { member_ids: string[]; guide_id: string; reason: string }) {
  const guide = await findGuide(deps.db, ctx.tenantId, input.guide_id);
  if (!guide || guide.status !== 'active') throw validationError([{ field: 'guide_id', code: 'unknown_guide', message: 'no such active guide' }]);
  const ids = [...new Set(input.member_ids)];
  const active = await activeMemberIds(deps.db, ctx.tenantId, ids);
  const unknown = ids.findIndex((id) => !active.has(id));
  if (unknown >= 0) throw validationError([{ field: `member_ids.${unknown}`, code: 'unknown_member', message: 'no such active member' }]);
  return withTransaction(deps.db, async (trx) => {
    const moved = await setGuides(trx, deps, ctx, ids.map((memberId) => ({ memberId, guideId: input.guide_id })), 'explicit', input.reason, { override: true });
    await recordAudit(trx, ctx, { action: 'guide.assign', resourceType: 'guide', resourceId: input.guide_id, details: { members: ids.length, moved } });
    return { assigned: moved };
  });
}

/**
 * The staff a member added on WeCom becomes their guide, unless an operator chose one explicitly. Called by the
 * WeCom follow subscription; a staff user who is not a guide changes nothing.
 */
export async function assignFromWecomFollow(deps: AppDeps, ctx: RequestContext, input: { memberId: string; staffUserId: string }) {
  const guide = await deps.db.selectFrom('guides').select('operator_id').where('tenant_id', '=', ctx.tenantId).where('wecom_user_id', '=', input.staffUserId).where('status', '=', 'active').executeTakeFirst();
  if (!guide || !(await activeMemberIds(deps.db, ctx.tenantId, [input.memberId])).size) return 0;
  return withTransaction(deps.db, (trx) => setGuides(trx, deps, ctx, [{ memberId: input.memberId, guideId: guide.operator_id }], 'wecom', 'WeCom 添加好友', { override: 'unless_explicit' }));
}

/**
 * A guide linked to a WeCom staff user takes the members who had already added that staff member (follows synced
 * before the link), as a later follow would give them; operators' explicit choices stay. In chunks of 1,000.
 */
async function adoptWecomFollows(deps: AppDeps, ctx: RequestContext, guideId: string, staffUserId: string) {
  const follows = await membersOfStaff(deps.db, ctx.tenantId, staffUserId);
  for (let i = 0; i < follows.length; i += 1000) {
    const ids = [...new Set(follows.slice(i, i + 1000).map((f) => f.member_id))];
    const active = await activeMemberIds(deps.db, ctx.tenantId, ids);
    await withTransaction(deps.db, (trx) => setGuides(trx, deps, ctx, ids.filter((id) => active.has(id)).map((memberId) => ({ memberId, guideId })), 'wecom', 'WeCom 好友', { override: 'unless_explicit' }));
  }
}

/**
 * The guide of each member, assigning the least-loaded active guide of the member's home store to members who
 * have none yet (and keeping it: a member's guide does not change from one task to the next).
 */
export async function resolveGuides(trx: Db, deps: AppDeps, ctx: RequestContext, memberIds: readonly string[]): Promise<Map<string, string>> {
  if (!memberIds.length) return new Map();
  const current = await trx.selectFrom('guide_members').select(['member_id', 'guide_id']).where('tenant_id', '=', ctx.tenantId).where('member_id', 'in', [...memberIds]).execute();
  const result = new Map(current.map((r) => [r.member_id, r.guide_id]));
  const homeless = memberIds.filter((id) => !result.has(id));
  const homes = await homeStoresOf(trx, ctx.tenantId, homeless);
  if (!homes.size) return result;
  const storeIds = [...new Set(homes.values())];
  const loads = await trx
    .selectFrom('guides as g')
    .leftJoin('guide_members as gm', (j) => j.onRef('gm.tenant_id', '=', 'g.tenant_id').onRef('gm.guide_id', '=', 'g.operator_id'))
    .select(['g.operator_id', 'g.store_id', sql<number>`count(gm.member_id)::int`.as('n')])
    .where('g.tenant_id', '=', ctx.tenantId)
    .where('g.store_id', 'in', storeIds)
    .where('g.status', '=', 'active')
    .groupBy(['g.operator_id', 'g.store_id'])
    .execute();
  const picks: { memberId: string; guideId: string }[] = [];
  for (const [memberId, storeId] of homes) {
    const guides = loads.filter((l) => l.store_id === storeId);
    if (!guides.length) continue;
    const least = guides.reduce((a, b) => (b.n < a.n || (b.n === a.n && b.operator_id < a.operator_id) ? b : a));
    least.n += 1;
    picks.push({ memberId, guideId: least.operator_id });
  }
  if (!picks.length) return result;
  await setGuides(trx, deps, ctx, picks, 'store', '所属门店', { override: false });
  const settled = await trx.selectFrom('guide_members').select(['member_id', 'guide_id']).where('tenant_id', '=', ctx.tenantId).where('member_id', 'in', picks.map((p) => p.memberId)).execute();
  for (const r of settled) result.set(r.member_id, r.guide_id);
  return result;
}

/**
 * A guide leaves: their members and open tasks go to `toGuideId`, or are shared among the store's other active
 * guides, fewest members first (members with no guide left fall back to their home store's guide later).
 * One transaction; every moved member gets a history row.
 */
export async function guideLeaves(deps: AppDeps, ctx: RequestContext, guideId: string, input: { to_guide_id: string | null; reason: string }) {
  return withTransaction(deps.db, async (trx) => {
    const guide = await trx.selectFrom('guides').select(['operator_id', 'store_id', 'status']).where('tenant_id', '=', ctx.tenantId).where('operator_id', '=', guideId).forUpdate().executeTakeFirst();
    if (!guide) throw notFound('Guide');
    if (input.to_guide_id === guideId) throw validationError([{ field: 'to_guide_id', code: 'same_guide', message: 'choose another guide' }]);
    let targets: string[];
    if (input.to_guide_id) {
      const to = await findGuide(trx, ctx.tenantId, input.to_guide_id);
      if (!to || to.status !== 'active') throw validationError([{ field: 'to_guide_id', code: 'unknown_guide', message: 'no such active guide' }]);
      targets = [input.to_guide_id];
    } else {
      const others = await trx
        .selectFrom('guides as g')
        .leftJoin('guide_members as gm', (j) => j.onRef('gm.tenant_id', '=', 'g.tenant_id').onRef('gm.guide_id', '=', 'g.operator_id'))
        .select(['g.operator_id', sql<number>`count(gm.member_id)::int`.as('n')])
        .where('g.tenant_id', '=', ctx.tenantId)
        .where('g.store_id', '=', guide.store_id)
        .where('g.status', '=', 'active')
        .where('g.operator_id', '<>', guideId)
        .groupBy('g.operator_id')
        .orderBy('n')
        .orderBy('g.operator_id')
        .execute();
      targets = others.map((o) => o.operator_id);
    }
    const now = deps.clock.now();
    await trx.updateTable('guides').set({ status: 'left', left_at: now, updated_at: now }).where('tenant_id', '=', ctx.tenantId).where('operator_id', '=', guideId).execute();
    const members = (await trx.selectFrom('guide_members').select('member_id').where('tenant_id', '=', ctx.tenantId).where('guide_id', '=', guideId).orderBy('member_id').execute()).map((r) => r.member_id);
    let moved = 0;
    if (targets.length) {
      const plan = members.map((memberId, i) => ({ memberId, guideId: targets[i % targets.length]! }));
      moved = await setGuides(trx, deps, ctx, plan, 'explicit', input.reason || '导购离职', { override: true });
      // Open tasks follow their member to the new guide.
      await sql`update guide_tasks t set guide_id = gm.guide_id, updated_at = ${now}
        from guide_members gm where gm.tenant_id = t.tenant_id and gm.member_id = t.member_id
        and t.tenant_id = ${ctx.tenantId} and t.guide_id = ${guideId} and t.status = 'open'`.execute(trx);
    } else if (members.length) {
      await trx.insertInto('guide_member_history').values(members.map((memberId) => historyRow(ctx, memberId, guideId, null, 'explicit', input.reason || '导购离职', now))).execute();
      await trx.deleteFrom('guide_members').where('tenant_id', '=', ctx.tenantId).where('guide_id', '=', guideId).execute();
    }
    await recordAudit(trx, ctx, { action: 'guide.leave', resourceType: 'guide', resourceId: guideId, details: { members: members.length, moved, to: targets } });
    await emitEvent(trx, deps.jobs, ctx, 'guide.left', { guide_id: guideId, members: members.length, moved });
    return { members: members.length, moved, unassigned: targets.length ? 0 : members.length };
  });
}

/**
 * Writes members' guides with their history rows. `override`: true replaces any guide, 'unless_explicit' keeps an
 * operator's explicit choice, false only fills members without a guide (two concurrent fills: the first wins).
 * Returns how many members changed guide.
 */
async function setGuides(trx: Db, deps: AppDeps, ctx: RequestContext, plan: { memberId: string; guideId: string }[], source: AssignmentSource, reason: string, options: { override: boolean | 'unless_explicit' }): Promise<number> {
  if (!plan.length) return 0;
  const now = deps.clock.now();
  const before = new Map(
    (await trx.selectFrom('guide_members').select(['member_id', 'guide_id', 'source']).where('tenant_id', '=', ctx.tenantId).where('member_id', 'in', plan.map((p) => p.memberId)).forUpdate().execute()).map((r) => [r.member_id, r]),
  );
  const changes = plan.filter((p) => {
    const was = before.get(p.memberId);
    if (!was) return true;
    if (was.guide_id === p.guideId) return false;
    return options.override === true || (options.override === 'unless_explicit' && was.source !== 'explicit');
  });
  if (!changes.length) return 0;
  const written = await trx
    .insertInto('guide_members')
    .values(changes.map((c) => ({ tenant_id: ctx.tenantId, member_id: c.memberId, guide_id: c.guideId, source, assigned_at: now })))
    .onConflict((oc) => (options.override ? oc.columns(['tenant_id', 'member_id']).doUpdateSet({ guide_id: sql`excluded.guide_id`, source: sql`excluded.source`, assigned_at: sql`excluded.assigned_at` }) : oc.columns(['tenant_id', 'member_id']).doNothing()))
    .returning('member_id')
    .execute();
  const done = new Set(written.map((w) => w.member_id));
  const rows = changes.filter((c) => done.has(c.memberId)).map((c) => historyRow(ctx, c.memberId, before.get(c.memberId)?.guide_id ?? null, c.guideId, source, reason, now));
  if (rows.length) await trx.insertInto('guide_member_history').values(rows).execute();
  return rows.length;
}

function historyRow(ctx: RequestContext, memberId: string, from: string | null, to: string | null, source: string, reason: string, at: Date) {
  return { tenant_id: ctx.tenantId, member_id: memberId, id: uuidv7(), from_guide_id: from, to_guide_id: to, source, reason, actor_label: ctx.actor.label, at };
}

async function serializeGuides(db: Db, tenantId: string, rows: GuideRow[]): Promise<Guide[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.operator_id);
  const [names, members, tasks] = await Promise.all([
    operatorNames(db, tenantId, ids),
    db.selectFrom('guide_members').select(['guide_id', sql<number>`count(*)::int`.as('n')]).where('tenant_id', '=', tenantId).where('guide_id', 'in', ids).groupBy('guide_id').execute(),
    db.selectFrom('guide_tasks').select(['guide_id', sql<number>`count(*)::int`.as('n')]).where('tenant_id', '=', tenantId).where('guide_id', 'in', ids).where('status', '=', 'open').groupBy('guide_id').execute(),
  ]);
  const count = (list: { guide_id: string; n: number }[], id: string) => list.find((r) => r.guide_id === id)?.n ?? 0;
  return rows.map((r) => ({
    id: r.operator_id,
    name: names.get(r.operator_id)?.name ?? '',
    email: names.get(r.operator_id)?.email ?? '',
    store_id: r.store_id,
    wecom_user_id: r.wecom_user_id,
    status: r.status,
    members: count(members, r.operator_id),
    open_tasks: count(tasks, r.operator_id),
    left_at: r.left_at?.toISOString() ?? null,
    created_at: r.created_at.toISOString(),
  }));
}

function serializeAssignment(r: { member_id: string; guide_id: string; source: AssignmentSource; assigned_at: Date }, numbers: Map<string, string>) {
  return { member_id: r.member_id, member_no: numbers.get(r.member_id) ?? '', guide_id: r.guide_id, source: r.source, assigned_at: r.assigned_at.toISOString() };
}

async function checkStore(deps: AppDeps, ctx: RequestContext, storeId: string) {
  await getStore(deps, ctx, storeId).catch(() => Promise.reject(validationError([{ field: 'store_id', code: 'unknown_store', message: 'no such store' }])));
}

function rethrowConflicts(error: unknown): never {
  if (isUniqueViolation(error, 'guides_pkey')) throw new AppError('CONFLICT', 'This operator is a guide already', { errors: [{ field: 'operator_id', code: 'taken', message: 'already a guide' }] });
  if (isUniqueViolation(error, 'guides_wecom_user_key')) throw new AppError('CONFLICT', 'Another guide has this WeCom user id', { errors: [{ field: 'wecom_user_id', code: 'taken', message: 'already used by another guide' }] });
  throw error;
}
