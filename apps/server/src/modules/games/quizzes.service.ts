import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Quiz, QuizInput } from '@hearth/contracts/quizzes';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getTemplate } from '../coupons/templates.service.ts';
import { memberNumbers } from '../members/members.service.ts';
import { grantReward } from './rewards.ts';
import './games.tables.ts';

export type QuizRow = Selectable<DB['quizzes']>;
export type Question = Quiz['questions'][number];

/** A quiz (答题), open from starts_at to ends_at; its questions keep the ids given and get new ones otherwise. */
export async function createQuiz(deps: AppDeps, ctx: RequestContext, input: QuizInput): Promise<Quiz> {
  await checkReward(deps, ctx, input);
  const now = deps.clock.now();
  const row = await withTransaction(deps.db, async (trx) => {
    const inserted = await trx.insertInto('quizzes').values({ tenant_id: ctx.tenantId, id: uuidv7(), ...columns(input), created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'quiz.create', resourceType: 'quiz', resourceId: inserted.id, details: { title: input.title, questions: input.questions.length } });
    await emitEvent(trx, deps.jobs, ctx, 'quiz.created', { quiz_id: inserted.id, starts_at: inserted.starts_at.toISOString(), ends_at: inserted.ends_at.toISOString() });
    return inserted;
  });
  return (await serializeQuizzes(deps.db, ctx.tenantId, [row]))[0]!;
}

/**
 * Replaces a quiz's fields. Attempts already made keep the score they got; a reward already given stays given
 * (a changed reward applies to members who pass from now on).
 */
export async function updateQuiz(deps: AppDeps, ctx: RequestContext, id: string, input: QuizInput): Promise<Quiz> {
  await checkReward(deps, ctx, input);
  const row = await withTransaction(deps.db, async (trx) => {
    const current = await trx.selectFrom('quizzes').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw notFound('Quiz');
    const updated = await trx.updateTable('quizzes').set({ ...columns(input), updated_at: deps.clock.now() }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'quiz.update', resourceType: 'quiz', resourceId: id, details: { title: input.title, questions: input.questions.length } });
    await emitEvent(trx, deps.jobs, ctx, 'quiz.updated', { quiz_id: id });
    return updated;
  });
  return (await serializeQuizzes(deps.db, ctx.tenantId, [row]))[0]!;
}

export async function closeQuiz(deps: AppDeps, ctx: RequestContext, id: string): Promise<Quiz> {
  const row = await withTransaction(deps.db, async (trx) => {
    const updated = await trx.updateTable('quizzes').set({ status: 'closed', updated_at: deps.clock.now() }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).returningAll().executeTakeFirst();
    if (!updated) throw notFound('Quiz');
    await recordAudit(trx, ctx, { action: 'quiz.close', resourceType: 'quiz', resourceId: id });
    await emitEvent(trx, deps.jobs, ctx, 'quiz.closed', { quiz_id: id });
    return updated;
  });
  return (await serializeQuizzes(deps.db, ctx.tenantId, [row]))[0]!;
}

export async function getQuiz(deps: AppDeps, ctx: RequestContext, id: string): Promise<Quiz> {
  return (await serializeQuizzes(deps.db, ctx.tenantId, [await getQuizRow(deps.db, ctx.tenantId, id)]))[0]!;
}

export async function listQuizzes(deps: AppDeps, ctx: RequestContext, query: { limit: number; cursor?: string; status?: 'open' | 'closed' }) {
  const after = decodeCursor(query.cursor);
  let q = deps.db.selectFrom('quizzes').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (after) q = q.where('id', '<', after);
  if (query.status) q = q.where('status', '=', query.status);
  const page = toPage(await q.orderBy('id', 'desc').limit(query.limit + 1).execute(), query.limit);
  return { data: await serializeQuizzes(deps.db, ctx.tenantId, page.data), next_cursor: page.next_cursor };
}

/** A quiz's attempts, newest first (member ids only: a quiz result holds no personal data). */
export async function listAttempts(deps: AppDeps, ctx: RequestContext, quizId: string, query: { limit: number; cursor?: string; passed?: boolean; member_id?: string }) {
  await getQuizRow(deps.db, ctx.tenantId, quizId);
  const after = decodeCursor(query.cursor);
  let q = deps.db.selectFrom('quiz_attempts').select(['id', 'quiz_id', 'member_id', 'period', 'score', 'max_score', 'passed', 'created_at']).where('tenant_id', '=', ctx.tenantId).where('quiz_id', '=', quizId);
  if (after) q = q.where('id', '<', after);
  if (query.passed !== undefined) q = q.where('passed', '=', query.passed);
  if (query.member_id) q = q.where('member_id', '=', query.member_id);
  const page = toPage(await q.orderBy('id', 'desc').limit(query.limit + 1).execute(), query.limit);
  const numbers = await memberNumbers(deps.db, ctx.tenantId, [...new Set(page.data.map((a) => a.member_id))]);
  return { data: page.data.map((a) => ({ ...a, member_no: numbers.get(a.member_id) ?? null, created_at: a.created_at.toISOString() })), next_cursor: page.next_cursor };
}

type RewardRow = Selectable<DB['quiz_rewards']>;

/** The rewards given (or refused) for passing, newest first; `status=failed` lists those waiting for a retry. */
export async function listQuizRewards(deps: AppDeps, ctx: RequestContext, quizId: string, query: { limit: number; cursor?: string; status?: 'fulfilled' | 'failed' }) {
  await getQuizRow(deps.db, ctx.tenantId, quizId);
  const after = decodeCursor(query.cursor);
  let q = deps.db.selectFrom('quiz_rewards').selectAll().where('tenant_id', '=', ctx.tenantId).where('quiz_id', '=', quizId);
  if (after) q = q.where('attempt_id', '<', after);
  if (query.status) q = q.where('status', '=', query.status);
  const rows = await q.orderBy('attempt_id', 'desc').limit(query.limit + 1).execute();
  const page = toPage(rows.map((r) => ({ ...r, id: r.attempt_id })), query.limit);
  const numbers = await memberNumbers(deps.db, ctx.tenantId, [...new Set(page.data.map((r) => r.member_id))]);
  return { data: page.data.map((r) => serializeReward(r, numbers)), next_cursor: page.next_cursor };
}

/**
 * Gives a refused reward again (after the operator added coupon stock or resumed the template), with the key of
 * the first try, so it is never given twice; under the reward row's lock, so two retries at once give it once.
 */
export async function retryQuizReward(deps: AppDeps, ctx: RequestContext, quizId: string, memberId: string) {
  const quiz = await getQuizRow(deps.db, ctx.tenantId, quizId);
  return withTransaction(deps.db, async (trx) => {
    const row = await trx.selectFrom('quiz_rewards').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('quiz_id', '=', quizId).forUpdate().executeTakeFirst();
    if (!row) throw notFound('Quiz reward');
    if (row.status !== 'failed') throw new AppError('QUIZ_REWARD_NOT_FAILED', 'Only a failed reward can be retried; this one was given', { errors: [{ field: 'member_id', code: 'already_given', message: 'the reward was given' }] });
    const granted = await grantReward(trx, deps, ctx, memberId, { kind: row.kind, points: row.points, coupon_template_id: row.coupon_template_id }, `quiz:${quizId}:${memberId}`, `答题通过 ${quiz.title} / quiz passed`);
    const updated = await trx.updateTable('quiz_rewards').set({ status: granted.status, ref: granted.ref, error: granted.error }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('quiz_id', '=', quizId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'quiz_reward.retry', resourceType: 'quiz', resourceId: quizId, details: { member_id: memberId, status: granted.status } });
    if (granted.status === 'fulfilled') await emitEvent(trx, deps.jobs, ctx, 'quiz.rewarded', { quiz_id: quizId, member_id: memberId, attempt_id: row.attempt_id, kind: row.kind, status: granted.status });
    return serializeReward(updated, await memberNumbers(trx, ctx.tenantId, [memberId]));
  });
}

function serializeReward(r: RewardRow, numbers: Map<string, string>) {
  return { member_id: r.member_id, member_no: numbers.get(r.member_id) ?? null, attempt_id: r.attempt_id, kind: r.kind, status: r.status, points: r.points, coupon_template_id: r.coupon_template_id, ref: r.ref, error: r.error, created_at: r.created_at.toISOString() };
}

export async function getQuizRow(db: Db, tenantId: string, id: string): Promise<QuizRow> {
  const row = await db.selectFrom('quizzes').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Quiz');
  return row;
}

export const questionsOf = (row: QuizRow) => row.questions as Question[];
export const maxScore = (row: QuizRow) => questionsOf(row).reduce((s, q) => s + q.points, 0);
export const rewardOf = (row: QuizRow): Quiz['reward'] => (row.reward_kind ? { kind: row.reward_kind, points: row.reward_points, coupon_template_id: row.reward_coupon_template_id } : null);

async function serializeQuizzes(db: Db, tenantId: string, rows: QuizRow[]): Promise<Quiz[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [attempts, rewards] = await Promise.all([
    db
      .selectFrom('quiz_attempts')
      .select(['quiz_id', sql<number>`count(*)::int`.as('attempts'), sql<number>`count(distinct member_id)::int`.as('members'), sql<number>`count(distinct member_id) filter (where passed)::int`.as('passed'), sql<number>`coalesce(avg(score), 0)::float8`.as('avg')])
      .where('tenant_id', '=', tenantId)
      .where('quiz_id', 'in', ids)
      .groupBy('quiz_id')
      .execute(),
    db.selectFrom('quiz_rewards').select(['quiz_id', sql<number>`count(*)::int`.as('n')]).where('tenant_id', '=', tenantId).where('quiz_id', 'in', ids).where('status', '=', 'fulfilled').groupBy('quiz_id').execute(),
  ]);
  const attemptsBy = new Map(attempts.map((a) => [a.quiz_id, a]));
  const rewardsBy = new Map(rewards.map((r) => [r.quiz_id, r.n]));
  return rows.map((r) => {
    const a = attemptsBy.get(r.id);
    return {
      id: r.id,
      title: r.title,
      description: r.description,
      starts_at: r.starts_at.toISOString(),
      ends_at: r.ends_at.toISOString(),
      attempt_rule: r.attempt_rule,
      pass_score: r.pass_score,
      max_score: maxScore(r),
      reward: rewardOf(r),
      questions: questionsOf(r),
      status: r.status,
      stats: { attempts: a?.attempts ?? 0, members: a?.members ?? 0, passed_members: a?.passed ?? 0, rewarded: rewardsBy.get(r.id) ?? 0, average_score: Math.round((a?.avg ?? 0) * 100) / 100 },
      created_at: r.created_at.toISOString(),
      updated_at: r.updated_at.toISOString(),
    };
  });
}

function columns(input: QuizInput) {
  const questions: Question[] = input.questions.map((q) => ({ id: q.id ?? uuidv7(), kind: q.kind, prompt: q.prompt, options: q.options, correct: [...q.correct].sort((x, y) => x - y), points: q.points }));
  return {
    title: input.title,
    description: input.description ?? null,
    starts_at: new Date(input.starts_at),
    ends_at: new Date(input.ends_at),
    attempt_rule: input.attempt_rule,
    pass_score: input.pass_score,
    reward_kind: input.reward?.kind ?? null,
    reward_points: input.reward?.kind === 'points' ? input.reward.points! : null,
    reward_coupon_template_id: input.reward?.kind === 'coupon' ? input.reward.coupon_template_id! : null,
    questions: JSON.stringify(questions),
  };
}

async function checkReward(deps: AppDeps, ctx: RequestContext, input: QuizInput) {
  const ids = input.questions.flatMap((q) => (q.id ? [q.id] : []));
  if (new Set(ids).size !== ids.length) throw validationError([{ field: 'questions', code: 'duplicate_id', message: 'two questions share an id' }]);
  const template = input.reward?.kind === 'coupon' ? input.reward.coupon_template_id : undefined;
  if (!template) return;
  // Another tenant's template is unknown here, and so is a deleted one: refused now rather than failing at each pass.
  await getTemplate(deps, ctx, template).catch((error: unknown) => {
    throw error instanceof AppError && error.code === 'NOT_FOUND' ? validationError([{ field: 'reward.coupon_template_id', code: 'unknown', message: 'no such coupon template' }]) : error;
  });
}
