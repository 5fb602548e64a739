import { Liquid } from 'liquidjs';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { taskQuerySchema, taskRuleInputSchema } from '@hearth/contracts/guides';
import { isUniqueViolation } from '../../db/errors.ts';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { emitEvents } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { activeMemberIds, memberNumbers } from '../members/members.service.ts';
import { getSegment, segmentMemberIds } from '../segments/segments.service.ts';
import { sendContactMessage } from '../wecom/wecom.service.ts';
import { findGuide, resolveGuides } from './guides.service.ts';
import { tenantZone } from './settings.service.ts';
import type { TaskKind } from './guides.tables.ts';

const liquid = new Liquid({ strictFilters: true });
const RUN_PAGE = 500;
type RuleInput = z.infer<typeof taskRuleInputSchema>;
type TaskRow = { tenant_id: string; member_id: string; id: string; guide_id: string; kind: TaskKind; rule_id: string | null; title: string; due_at: Date; status: 'open' | 'done'; done_at: Date | null; done_by: string | null; created_at: Date };

export interface TaskSpec {
  memberId: string;
  kind: TaskKind;
  ruleId?: string;
  /** For sources that must make a task once (welcome, a journey step): a second call with the key adds nothing. */
  sourceKey?: string;
  titleTemplate: string;
  dueInDays: number;
}

export async function createTaskRule(deps: AppDeps, ctx: RequestContext, input: RuleInput) {
  await checkRule(deps, ctx, input);
  const now = deps.clock.now();
  const id = uuidv7();
  await withTransaction(deps.db, async (trx) => {
    await trx.insertInto('guide_task_rules').values({ tenant_id: ctx.tenantId, id, name: input.name, segment_id: input.segment_id, title_template: input.title_template, due_in_days: input.due_in_days, status: input.status, last_run_at: null, created_at: now, updated_at: now }).execute();
    await recordAudit(trx, ctx, { action: 'guide_task_rule.create', resourceType: 'guide_task_rule', resourceId: id, details: { segment_id: input.segment_id } });
  });
  return getTaskRule(deps, ctx, id);
}

export async function updateTaskRule(deps: AppDeps, ctx: RequestContext, id: string, input: RuleInput) {
  await getTaskRule(deps, ctx, id);
  await checkRule(deps, ctx, input);
  await withTransaction(deps.db, async (trx) => {
    await trx.updateTable('guide_task_rules').set({ ...input, updated_at: deps.clock.now() }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).execute();
    await recordAudit(trx, ctx, { action: 'guide_task_rule.update', resourceType: 'guide_task_rule', resourceId: id, details: { status: input.status } });
  });
  return getTaskRule(deps, ctx, id);
}

export async function getTaskRule(deps: AppDeps, ctx: RequestContext, id: string) {
  const row = await deps.db.selectFrom('guide_task_rules').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Task rule');
  return serializeRule(row);
}

export async function listTaskRules(deps: AppDeps, ctx: RequestContext) {
  const rows = await deps.db.selectFrom('guide_task_rules').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('id', 'desc').execute();
  return { data: rows.map(serializeRule), next_cursor: null };
}

/**
 * Gives every member of the rule's segment a task for their guide, page by page (each page one transaction).
 * A member who still has an open task of the rule gets none (a partial unique index, so two runs at once
 * cannot both add one); members with no guide and no guide at their home store are counted and skipped.
 */
export async function runTaskRule(deps: AppDeps, ctx: RequestContext, ruleId: string) {
  const rule = await deps.db.selectFrom('guide_task_rules').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', ruleId).executeTakeFirst();
  if (!rule) throw notFound('Task rule');
  if (rule.status !== 'active') throw new AppError('GUIDE_TASK_RULE_PAUSED', 'The rule is paused', { errors: [{ field: 'status', code: 'paused', message: 'resume the rule first' }] });
  const totals = { created: 0, already_open: 0, without_guide: 0 };
  let after: string | null = null;
  for (;;) {
    const ids = await segmentMemberIds(deps.db, ctx.tenantId, rule.segment_id, after, RUN_PAGE);
    if (!ids.length) break;
    after = ids.at(-1)!;
    const page = await createTasks(deps, ctx, ids.map((memberId) => ({ memberId, kind: 'rule', ruleId, titleTemplate: rule.title_template, dueInDays: rule.due_in_days })));
    totals.created += page.created.length;
    totals.already_open += page.duplicates;
    totals.without_guide += page.withoutGuide;
    if (ids.length < RUN_PAGE) break;
  }
  await deps.db.updateTable('guide_task_rules').set({ last_run_at: deps.clock.now() }).where('tenant_id', '=', ctx.tenantId).where('id', '=', ruleId).execute();
  return totals;
}

/**
 * Creates tasks for members' guides in one transaction (the caller's, when it has one: a journey step commits its
 * task with the step). The API journeys and other modules call; welcome and rules use it too.
 */
export async function createTasks(deps: AppDeps, ctx: RequestContext, specs: TaskSpec[]): Promise<{ created: { id: string; memberId: string; guideId: string }[]; duplicates: number; withoutGuide: number }> {
  if (!specs.length) return { created: [], duplicates: 0, withoutGuide: 0 };
  const zone = await tenantZone(deps.db, ctx.tenantId);
  return withTransaction(deps.db, async (trx) => {
    const memberIds = [...new Set(specs.map((s) => s.memberId))];
    const [guides, numbers] = await Promise.all([resolveGuides(trx, deps, ctx, memberIds), memberNumbers(trx, ctx.tenantId, memberIds)]);
    const now = deps.clock.now();
    const rows = [];
    for (const spec of specs) {
      const guideId = guides.get(spec.memberId);
      if (!guideId) continue;
      const due = DateTime.fromJSDate(now, { zone }).plus({ days: spec.dueInDays }).endOf('day');
      const title = (await liquid.parseAndRender(spec.titleTemplate, { member_no: numbers.get(spec.memberId) ?? '', due_date: due.toISODate() })).trim().slice(0, 200) || '跟进会员';
      rows.push({ tenant_id: ctx.tenantId, member_id: spec.memberId, id: uuidv7(), guide_id: guideId, kind: spec.kind, rule_id: spec.ruleId ?? null, source_key: spec.sourceKey ?? null, title, due_at: due.toJSDate(), done_at: null, done_by: null, created_at: now, updated_at: now });
    }
    const withoutGuide = specs.length - rows.length;
    if (!rows.length) return { created: [], duplicates: 0, withoutGuide };
    // Either unique index (open task of the rule, source key) makes a repeat add nothing.
    const inserted = await trx.insertInto('guide_tasks').values(rows).onConflict((oc) => oc.doNothing()).returning(['id', 'member_id', 'guide_id', 'kind', 'rule_id']).execute();
    if (inserted.length) {
      await trx.insertInto('guide_task_history').values(inserted.map((t) => ({ tenant_id: ctx.tenantId, member_id: t.member_id, task_id: t.id, id: uuidv7(), action: 'created' as const, actor_label: ctx.actor.label, at: now }))).execute();
      await emitEvents(trx, deps.jobs, ctx.actor, inserted.map((t) => ({ tenantId: ctx.tenantId, type: 'guide.task_created', payload: { task_id: t.id, member_id: t.member_id, guide_id: t.guide_id, kind: t.kind, rule_id: t.rule_id } })), ctx.requestId);
    }
    return { created: inserted.map((t) => ({ id: t.id, memberId: t.member_id, guideId: t.guide_id })), duplicates: rows.length - inserted.length, withoutGuide };
  });
}

/** An operator's one-off task for a member's guide. */
export async function createManualTask(deps: AppDeps, ctx: RequestContext, input: { member_id: string; title: string; due_in_days: number }) {
  if (!(await activeMemberIds(deps.db, ctx.tenantId, [input.member_id])).size) throw validationError([{ field: 'member_id', code: 'unknown_member', message: 'no such active member' }]);
  const result = await createTasks(deps, ctx, [{ memberId: input.member_id, kind: 'manual', titleTemplate: input.title, dueInDays: input.due_in_days }]);
  if (!result.created.length) throw new AppError('GUIDE_NOT_ASSIGNED', 'The member has no guide and none works at their home store', { errors: [{ field: 'member_id', code: 'no_guide', message: 'assign a guide first' }] });
  return getTask(deps, ctx, result.created[0]!.id);
}

/**
 * Done or undone, by the task's guide or an operator who manages guides, under the task's row lock; the same
 * state again changes nothing. Undoing a rule's task while the rule gave the member a newer open one is refused.
 */
export async function setTaskDone(deps: AppDeps, ctx: RequestContext, taskId: string, done: boolean) {
  const now = deps.clock.now();
  await withTransaction(deps.db, async (trx) => {
    const task = await lockTask(trx, ctx, taskId);
    if ((task.status === 'done') === done) return;
    await trx
      .updateTable('guide_tasks')
      .set(done ? { status: 'done', done_at: now, done_by: ctx.actor.label, updated_at: now } : { status: 'open', done_at: null, done_by: null, updated_at: now })
      .where('tenant_id', '=', ctx.tenantId)
      .where('member_id', '=', task.member_id)
      .where('id', '=', taskId)
      .execute()
      .catch((error: unknown) => {
        if (isUniqueViolation(error, 'guide_tasks_open_rule_key')) throw new AppError('GUIDE_TASK_DUPLICATE', 'The member has a newer open task of this rule', { errors: [{ field: 'id', code: 'open_task_exists', message: 'complete or use the newer task' }] });
        throw error;
      });
    await trx.insertInto('guide_task_history').values({ tenant_id: ctx.tenantId, member_id: task.member_id, task_id: taskId, id: uuidv7(), action: done ? 'done' : 'undone', actor_label: ctx.actor.label, at: now }).execute();
    await emitEvents(trx, deps.jobs, ctx.actor, [{ tenantId: ctx.tenantId, type: done ? 'guide.task_done' : 'guide.task_undone', payload: { task_id: taskId, member_id: task.member_id, guide_id: task.guide_id } }], ctx.requestId);
  });
  return getTask(deps, ctx, taskId);
}

export async function getTask(deps: AppDeps, ctx: RequestContext, taskId: string) {
  const task = await visibleTask(deps.db, ctx, taskId);
  const [history, messages, numbers] = await Promise.all([
    deps.db.selectFrom('guide_task_history').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', task.member_id).where('task_id', '=', taskId).orderBy('id').execute(),
    deps.db.selectFrom('guide_task_messages').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', task.member_id).where('task_id', '=', taskId).orderBy('id').execute(),
    memberNumbers(deps.db, ctx.tenantId, [task.member_id]),
  ]);
  return {
    ...serializeTask(task, numbers),
    history: history.map((h) => ({ action: h.action, by: h.actor_label, at: h.at.toISOString() })),
    messages: messages.map((m) => ({ id: m.id, text: m.text, wecom_ref: m.wecom_ref, sent_at: m.sent_at.toISOString() })),
  };
}

/** Newest first; a guide without `guides:manage` sees only their own tasks. */
export async function listTasks(deps: AppDeps, ctx: RequestContext, query: z.infer<typeof taskQuerySchema>) {
  const before = decodeCursor(query.cursor);
  let q = deps.db.selectFrom('guide_tasks').select(taskColumns).where('tenant_id', '=', ctx.tenantId).orderBy('id', 'desc').limit(query.limit + 1);
  const guideId = mayManage(ctx) ? query.guide_id : ctx.actor.id;
  if (guideId) q = q.where('guide_id', '=', guideId);
  if (before) q = q.where('id', '<', before);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.member_id) q = q.where('member_id', '=', query.member_id);
  if (query.rule_id) q = q.where('rule_id', '=', query.rule_id);
  if (query.kind) q = q.where('kind', '=', query.kind);
  const page = toPage(await q.execute(), query.limit);
  const numbers = await memberNumbers(deps.db, ctx.tenantId, [...new Set(page.data.map((t) => t.member_id))]);
  return { data: page.data.map((t) => serializeTask(t, numbers)), next_cursor: page.next_cursor };
}

export const taskColumns = ['tenant_id', 'member_id', 'id', 'guide_id', 'kind', 'rule_id', 'title', 'due_at', 'status', 'done_at', 'done_by', 'created_at'] as const;

export function serializeTask(t: TaskRow, numbers: Map<string, string>) {
  return { id: t.id, member_id: t.member_id, member_no: numbers.get(t.member_id) ?? '', guide_id: t.guide_id, kind: t.kind, rule_id: t.rule_id, title: t.title, due_at: t.due_at.toISOString(), status: t.status, done_at: t.done_at?.toISOString() ?? null, done_by: t.done_by, created_at: t.created_at.toISOString() };
}

/** Operators who manage guides see every task; a guide only theirs (another guide's task reads as not found). */
export const mayManage = (ctx: RequestContext) => ctx.actor.permissions.has('guides:manage');

export async function lockTask(trx: Db, ctx: RequestContext, taskId: string): Promise<TaskRow> {
  let q = trx.selectFrom('guide_tasks').select(taskColumns).where('tenant_id', '=', ctx.tenantId).where('id', '=', taskId);
  if (!mayManage(ctx)) q = q.where('guide_id', '=', ctx.actor.id ?? '');
  const row = await q.forUpdate().executeTakeFirst();
  if (!row) throw notFound('Task');
  return row;
}

async function visibleTask(db: Db, ctx: RequestContext, taskId: string): Promise<TaskRow> {
  let q = db.selectFrom('guide_tasks').select(taskColumns).where('tenant_id', '=', ctx.tenantId).where('id', '=', taskId);
  if (!mayManage(ctx)) q = q.where('guide_id', '=', ctx.actor.id ?? '');
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('Task');
  return row;
}

async function checkRule(deps: AppDeps, ctx: RequestContext, input: RuleInput) {
  await getSegment(deps, ctx, input.segment_id).catch(() => Promise.reject(validationError([{ field: 'segment_id', code: 'unknown_segment', message: 'no such segment' }])));
  const problem = titleTemplateProblem(input.title_template);
  if (problem) throw validationError([{ field: 'title_template', code: 'invalid_template', message: problem }]);
}

/** Why a task title template would not render (a rule's, or a journey step's), or null when it will. */
export function titleTemplateProblem(template: string): string | null {
  try {
    liquid.parse(template);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0]! : 'not a valid template';
  }
}

function serializeRule(r: { id: string; name: string; segment_id: string; title_template: string; due_in_days: number; status: 'active' | 'paused'; last_run_at: Date | null; created_at: Date }) {
  return { id: r.id, name: r.name, segment_id: r.segment_id, title_template: r.title_template, due_in_days: r.due_in_days, status: r.status, last_run_at: r.last_run_at?.toISOString() ?? null, created_at: r.created_at.toISOString() };
}

/**
 * A 1-to-1 message from a task: a WeCom message task (add_msg_template) from the task's guide to the member, which
 * the guide confirms in WeCom. Recorded on the task (and it starts a conversion window, like completing the task).
 * WeCom is called before the record is written, so a refusal (not a WeCom contact of the guide) records nothing.
 */
export async function sendTaskMessage(deps: AppDeps, ctx: RequestContext, taskId: string, text: string) {
  const task = await visibleTask(deps.db, ctx, taskId);
  const guide = await findGuide(deps.db, ctx.tenantId, task.guide_id);
  if (!guide?.wecom_user_id) throw new AppError('GUIDE_NOT_ON_WECOM', 'The task’s guide has no WeCom user id', { errors: [{ field: 'guide_id', code: 'no_wecom_user', message: 'set the guide’s WeCom user id first' }] });
  const sent = await sendContactMessage(deps, ctx, { staffUserId: guide.wecom_user_id, memberId: task.member_id, text });
  const now = deps.clock.now();
  await withTransaction(deps.db, async (trx) => {
    await trx.insertInto('guide_task_messages').values({ tenant_id: ctx.tenantId, member_id: task.member_id, task_id: taskId, id: uuidv7(), guide_id: task.guide_id, text, wecom_ref: sent.id, sent_at: now }).execute();
    await trx.insertInto('guide_task_history').values({ tenant_id: ctx.tenantId, member_id: task.member_id, task_id: taskId, id: uuidv7(), action: 'messaged', actor_label: ctx.actor.label, at: now }).execute();
  });
  return getTask(deps, ctx, taskId);
}
