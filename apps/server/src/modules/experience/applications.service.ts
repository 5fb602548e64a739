import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Application, Question } from '@hearth/contracts/experience';
import type { Eligibility } from '@hearth/contracts/eligibility';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError, type FieldError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { memberContact } from '../members/contact.service.ts';
import { maskPhone, normalizePhone } from '../members/personal-data.ts';
import { memberNumbers } from '../members/members.service.ts';
import { checkEligibility } from '../pricing/eligibility.ts';
import { getProgramRow, parsed, phaseOf } from './programs.service.ts';
import { scoreMembers } from './scoring.ts';

export type ApplicationRow = Selectable<DB['experience_applications']>;
type FeedbackRow = Selectable<DB['experience_feedback']>;

/**
 * A member applies to a program once, inside its recruitment window, if its eligibility admits them, with
 * answers that fit the questionnaire. The application is scored at once (scoring.ts) and the score and its
 * parts are stored; a second application answers 409 (the unique index decides between two at once).
 */
export async function apply(deps: AppDeps, ctx: RequestContext, memberId: string, programId: string, input: { answers: Record<string, unknown>; province?: string }): Promise<Application> {
  const program = await getProgramRow(deps.db, ctx.tenantId, programId);
  const now = deps.clock.now();
  if (program.status !== 'active' || phaseOf(program, now, 0) !== 'recruiting') throw new AppError('EXPERIENCE_NOT_OPEN', 'This program is not recruiting now');
  const answers = checkAnswers(parsed<Question[]>(program.questionnaire), input.answers);
  const contact = await memberContact(deps.db, ctx.tenantId, memberId);
  if (!contact || contact.status !== 'active') throw notFound('Member');
  const province = input.province ?? contact.province ?? null;
  if (!province && Object.keys(parsed<Record<string, number>>(program.region_quotas)).length) {
    throw validationError([{ field: 'province', code: 'required', message: 'this program selects by region: give your province' }]);
  }
  const eligibility = await checkEligibility(deps.db, ctx.tenantId, memberId, parsed<Eligibility>(program.eligibility), now);
  if (!eligibility.eligible) throw new AppError('MEMBER_NOT_ELIGIBLE', 'This program is for other members');
  const score = (await scoreMembers(deps.db, ctx.tenantId, [memberId], now)).get(memberId)!;
  try {
    return await withTransaction(deps.db, async (trx) => {
      const row = await trx
        .insertInto('experience_applications')
        .values({ tenant_id: ctx.tenantId, member_id: memberId, id: uuidv7(), program_id: programId, province, answers: JSON.stringify(answers), score: score.score, score_parts: JSON.stringify(score.parts), scored_at: now, created_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      await emitEvent(trx, deps.jobs, ctx, 'experience.applied', { program_id: programId, application_id: row.id, member_id: memberId, score: row.score / 100 });
      return (await serializeApplications(trx, ctx.tenantId, [row]))[0]!;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'experience_applications_once')) throw new AppError('EXPERIENCE_ALREADY_APPLIED', 'You have already applied to this program');
    throw error;
  }
}

/** A program's applications ranked by score (then by who applied first); the cursor is the last rank. */
export async function listApplications(deps: AppDeps, ctx: RequestContext, programId: string, query: { status?: Application['status']; shipped?: boolean; limit: number; cursor?: string }) {
  await getProgramRow(deps.db, ctx.tenantId, programId);
  const ranked = deps.db
    .selectFrom('experience_applications')
    .selectAll()
    .select(sql<number>`row_number() over (order by score desc, id)`.as('rank'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('program_id', '=', programId);
  let q = deps.db.selectFrom(ranked.as('r')).selectAll().orderBy('rank').limit(query.limit + 1);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.shipped !== undefined) q = q.where('shipped_at', query.shipped ? 'is not' : 'is', null);
  const after = Number(query.cursor);
  if (query.cursor && Number.isInteger(after)) q = q.where('rank', '>', after);
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  const data = await serializeApplications(deps.db, ctx.tenantId, page);
  return { data, next_cursor: rows.length > query.limit ? String(page.at(-1)!.rank) : null };
}

export async function getApplication(deps: AppDeps, ctx: RequestContext, id: string): Promise<Application> {
  return (await serializeApplications(deps.db, ctx.tenantId, [await getApplicationRow(deps.db, ctx.tenantId, id)]))[0]!;
}

/** The member's own applications, newest first. */
export async function listMyApplications(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<Application[]> {
  const rows = await deps.db.selectFrom('experience_applications').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy('id', 'desc').limit(200).execute();
  return serializeApplications(deps.db, ctx.tenantId, rows);
}

/** Scores every open application of a program again (after new weights, a CLV fit or the daily influence run). */
export async function rescore(deps: AppDeps, ctx: RequestContext, programId: string): Promise<{ rescored: number }> {
  await getProgramRow(deps.db, ctx.tenantId, programId);
  const rows = await deps.db.selectFrom('experience_applications').select(['member_id', 'id']).where('tenant_id', '=', ctx.tenantId).where('program_id', '=', programId).where('status', '=', 'applied').execute();
  const now = deps.clock.now();
  const scores = await scoreMembers(deps.db, ctx.tenantId, rows.map((r) => r.member_id), now);
  await withTransaction(deps.db, async (trx) => {
    for (const r of rows) {
      const s = scores.get(r.member_id)!;
      await trx.updateTable('experience_applications').set({ score: s.score, score_parts: JSON.stringify(s.parts), scored_at: now }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', r.member_id).where('id', '=', r.id).where('status', '=', 'applied').execute();
    }
  });
  return { rescored: rows.length };
}

/** One application (of one member when given); `lock` takes its row lock for the caller's transaction. */
export async function getApplicationRow(db: Db, tenantId: string, id: string, memberId?: string, lock = false): Promise<ApplicationRow> {
  let q = db.selectFrom('experience_applications').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
  if (memberId) q = q.where('member_id', '=', memberId);
  const row = await (lock ? q.forUpdate() : q).executeTakeFirst();
  if (!row) throw notFound('Application');
  return row;
}

export async function serializeApplications(db: Db, tenantId: string, rows: (ApplicationRow & { rank?: number })[]): Promise<Application[]> {
  if (!rows.length) return [];
  const [numbers, feedback] = await Promise.all([
    memberNumbers(db, tenantId, [...new Set(rows.map((r) => r.member_id))]),
    db.selectFrom('experience_feedback').selectAll().where('tenant_id', '=', tenantId).where('application_id', 'in', rows.map((r) => r.id)).execute(),
  ]);
  const byApplication = new Map(feedback.map((f) => [f.application_id, f]));
  return rows.map((r) => ({
    id: r.id,
    program_id: r.program_id,
    member_id: r.member_id,
    member_no: numbers.get(r.member_id) ?? null,
    province: r.province,
    answers: parsed(r.answers),
    status: r.status,
    score: r.score / 100,
    score_parts: parsed(r.score_parts),
    scored_at: r.scored_at.toISOString(),
    rank: r.rank === undefined ? null : Number(r.rank),
    selected_at: r.selected_at?.toISOString() ?? null,
    address: r.address_line ? maskedAddress(r) : null,
    shipment: { carrier: r.carrier, tracking_no: r.tracking_no, shipped_at: r.shipped_at?.toISOString() ?? null, delivered_at: r.delivered_at?.toISOString() ?? null },
    feedback: feedbackOut(byApplication.get(r.id)),
    created_at: r.created_at.toISOString(),
  }));
}

export function feedbackOut(f: FeedbackRow | undefined): Application['feedback'] {
  if (!f) return null;
  return { ratings: parsed(f.ratings), text: f.text, photo_urls: parsed(f.photo_urls), submitted_at: f.submitted_at.toISOString(), late: f.late, quality: f.quality, rewarded: f.rewarded_at !== null, reward_error: f.reward_error };
}

/** 王* · 138****1234 · 上海市 上海市 徐汇区 · 漕溪****: enough to check a parcel, not to find a home. */
function maskedAddress(r: ApplicationRow) {
  const phone = normalizePhone(r.address_phone ?? '');
  return {
    recipient: `${[...(r.address_recipient ?? '')].slice(0, 1).join('')}*`,
    phone: phone ? maskPhone(phone) : '****',
    province: r.address_province ?? '',
    city: r.address_city ?? '',
    district: r.address_district,
    line: `${[...(r.address_line ?? '')].slice(0, 2).join('')}****`,
  };
}

/** Answers checked against the questionnaire: required ones given, each of its type; unknown keys refused. */
export function checkAnswers(questions: Question[], answers: Record<string, unknown>): Record<string, unknown> {
  const errors: FieldError[] = [];
  const byKey = new Map(questions.map((q) => [q.key, q]));
  for (const key of Object.keys(answers)) if (!byKey.has(key)) errors.push({ field: `answers.${key}`, code: 'unknown_question', message: 'no such question' });
  const out: Record<string, unknown> = {};
  for (const q of questions) {
    const value = answers[q.key];
    const field = `answers.${q.key}`;
    const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
    if (empty) {
      if (q.required) errors.push({ field, code: 'required', message: `${q.label}: required` });
      continue;
    }
    const problem = answerProblem(q, value);
    if (problem) errors.push({ field, code: 'invalid_answer', message: problem });
    else out[q.key] = typeof value === 'string' ? value.trim() : value;
  }
  if (errors.length) throw validationError(errors);
  return out;
}

function answerProblem(q: Question, value: unknown): string | null {
  switch (q.type) {
    case 'text':
      return typeof value === 'string' && [...value].length <= q.max_length ? null : `text of at most ${q.max_length} characters`;
    case 'single':
      return typeof value === 'string' && q.options!.includes(value) ? null : 'one of the options';
    case 'multi':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && q.options!.includes(v)) && new Set(value).size === value.length ? null : 'distinct options of the list';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'a number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'true or false';
  }
}
