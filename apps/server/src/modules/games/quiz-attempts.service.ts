import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { myAttemptResultSchema, myQuizSchema } from '@hearth/contracts/quizzes';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError, type FieldError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { getMemberRow } from '../members/members.service.ts';
import { localDay } from './lotteries.service.ts';
import { getQuizRow, maxScore, questionsOf, rewardOf, type Question, type QuizRow } from './quizzes.service.ts';
import { grantReward } from './rewards.ts';
import './games.tables.ts';

type MyQuiz = z.infer<typeof myQuizSchema>;
type AttemptResult = z.infer<typeof myAttemptResultSchema>;
type Answer = { question_id: string; choices: number[] };

/** Quizzes open now, as the member sees them: no right answers, and whether today's (or the only) attempt is left. */
export async function myQuizzes(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<MyQuiz[]> {
  const now = deps.clock.now();
  const rows = await deps.db.selectFrom('quizzes').selectAll().where('tenant_id', '=', ctx.tenantId).where('status', '=', 'open').where('starts_at', '<=', now).where('ends_at', '>', now).orderBy('ends_at').execute();
  return Promise.all(rows.map((r) => mine(deps, ctx, memberId, r)));
}

/** One quiz for the member; one that is not open now answers 404. */
export async function myQuiz(deps: AppDeps, ctx: RequestContext, memberId: string, id: string): Promise<MyQuiz> {
  const row = await getQuizRow(deps.db, ctx.tenantId, id);
  if (!isOpen(row, deps.clock.now())) throw notFound('Quiz');
  return mine(deps, ctx, memberId, row);
}

/**
 * Scores the member's answers. A question counts when the chosen options are exactly the right ones (no part
 * marks on multiple choice). The attempt's period (its local day, or "once") is in a unique key, so a second
 * attempt in the period — also two submitted at once — is refused with 409. The reward is given on the first
 * pass only: the (member, quiz) key of quiz_rewards decides, and the grant is keyed by member and quiz in the
 * points or coupon module as well.
 */
export async function submitAttempt(deps: AppDeps, ctx: RequestContext, memberId: string, id: string, answers: Answer[]): Promise<AttemptResult> {
  const quiz = await getQuizRow(deps.db, ctx.tenantId, id);
  const now = deps.clock.now();
  if (!isOpen(quiz, now)) throw new AppError('QUIZ_NOT_OPEN', 'The quiz is not open now');
  const member = await getMemberRow(deps.db, ctx, memberId);
  if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', 'The member is not active');
  const questions = questionsOf(quiz);
  const byQuestion = checkAnswers(questions, answers);
  const results = questions.map((q) => ({ question_id: q.id, correct: sameChoices(byQuestion.get(q.id) ?? [], q.correct) }));
  const score = questions.reduce((s, q, i) => s + (results[i]!.correct ? q.points : 0), 0);
  const max = maxScore(quiz);
  const passed = score >= quiz.pass_score;
  const period = await periodOf(deps, ctx, quiz, now);
  return withTransaction(deps.db, async (trx) => {
    const attemptId = uuidv7();
    const inserted = await trx
      .insertInto('quiz_attempts')
      .values({ tenant_id: ctx.tenantId, member_id: memberId, id: attemptId, quiz_id: id, period, answers: JSON.stringify(answers), score, max_score: max, passed, created_at: now })
      .onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'quiz_id', 'period']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      const message = quiz.attempt_rule === 'daily' ? 'one attempt per day: try again tomorrow' : 'one attempt per member';
      throw new AppError('QUIZ_ALREADY_ATTEMPTED', 'The attempt for this period is used', { errors: [{ field: 'quiz_id', code: 'already_attempted', message }] });
    }
    const reward = rewardOf(quiz);
    let given: AttemptResult['reward'] = null;
    if (passed && reward) {
      const claimed = await trx
        .insertInto('quiz_rewards')
        .values({ tenant_id: ctx.tenantId, member_id: memberId, quiz_id: id, attempt_id: attemptId, kind: reward.kind, points: reward.points, coupon_template_id: reward.coupon_template_id, status: 'fulfilled', created_at: now })
        .onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'quiz_id']).doNothing())
        .returning('quiz_id')
        .executeTakeFirst();
      if (claimed) {
        const granted = await grantReward(trx, deps, ctx, memberId, reward, `quiz:${id}:${memberId}`, `答题通过 ${quiz.title} / quiz passed`);
        await trx.updateTable('quiz_rewards').set({ status: granted.status, ref: granted.ref, error: granted.error }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('quiz_id', '=', id).execute();
        given = { kind: reward.kind, status: granted.status, points: reward.points, coupon_template_id: reward.coupon_template_id, error: granted.error };
        await emitEvent(trx, deps.jobs, ctx, 'quiz.rewarded', { quiz_id: id, member_id: memberId, attempt_id: attemptId, kind: reward.kind, status: granted.status });
      }
    }
    await emitEvent(trx, deps.jobs, ctx, 'quiz.completed', { quiz_id: id, member_id: memberId, attempt_id: attemptId, score, max_score: max, passed });
    return { id: attemptId, quiz_id: id, member_id: memberId, period, score, max_score: max, passed, created_at: now.toISOString(), results, reward: given };
  });
}

async function mine(deps: AppDeps, ctx: RequestContext, memberId: string, row: QuizRow): Promise<MyQuiz> {
  const period = await periodOf(deps, ctx, row, deps.clock.now());
  const { rows } = await sql<{ used: boolean; best: number | null; passed: boolean; rewarded: boolean }>`
    select exists (select 1 from quiz_attempts where tenant_id = ${ctx.tenantId} and member_id = ${memberId} and quiz_id = ${row.id} and period = ${period}) as used,
      (select max(score) from quiz_attempts where tenant_id = ${ctx.tenantId} and member_id = ${memberId} and quiz_id = ${row.id}) as best,
      exists (select 1 from quiz_attempts where tenant_id = ${ctx.tenantId} and member_id = ${memberId} and quiz_id = ${row.id} and passed) as passed,
      exists (select 1 from quiz_rewards where tenant_id = ${ctx.tenantId} and member_id = ${memberId} and quiz_id = ${row.id} and status = 'fulfilled') as rewarded`.execute(deps.db);
  const s = rows[0]!;
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    ends_at: row.ends_at.toISOString(),
    attempt_rule: row.attempt_rule,
    pass_score: row.pass_score,
    max_score: maxScore(row),
    reward: rewardOf(row),
    questions: questionsOf(row).map(({ correct: _hidden, ...q }) => q),
    can_attempt: !s.used,
    best: s.best === null ? null : { score: s.best, passed: s.passed },
    rewarded: s.rewarded,
  };
}

function checkAnswers(questions: Question[], answers: Answer[]): Map<string, number[]> {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const errors: FieldError[] = [];
  const out = new Map<string, number[]>();
  answers.forEach((a, i) => {
    const q = byId.get(a.question_id);
    if (!q) return void errors.push({ field: `answers.${i}.question_id`, code: 'unknown', message: 'not a question of this quiz' });
    if (out.has(a.question_id)) return void errors.push({ field: `answers.${i}.question_id`, code: 'duplicate', message: 'answered twice' });
    if (q.kind === 'single' && a.choices.length > 1) errors.push({ field: `answers.${i}.choices`, code: 'single_choice', message: 'choose one option' });
    if (a.choices.some((c) => c >= q.options.length)) errors.push({ field: `answers.${i}.choices`, code: 'unknown_option', message: `options are 0 to ${q.options.length - 1}` });
    out.set(a.question_id, a.choices);
  });
  if (errors.length) throw validationError(errors);
  return out;
}

const sameChoices = (chosen: number[], correct: number[]) => new Set(chosen).size === correct.length && correct.every((c) => chosen.includes(c));
const isOpen = (quiz: QuizRow, now: Date) => quiz.status === 'open' && quiz.starts_at <= now && now < quiz.ends_at;
const periodOf = async (deps: AppDeps, ctx: RequestContext, quiz: QuizRow, now: Date) => (quiz.attempt_rule === 'once' ? 'once' : (await localDay(deps.db, ctx.tenantId, now)).day);
