import { sql } from 'kysely';
import type { z } from 'zod';
import type { Application, FeedbackForm, experienceRewardSchema, feedbackInputSchema } from '@hearth/contracts/experience';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, validationError, type FieldError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { issueCoupon } from '../coupons/issuance.service.ts';
import { adjustPoints } from '../points/points.service.ts';
import { getApplicationRow, serializeApplications } from './applications.service.ts';
import { getProgramRow, parsed, type ProgramRow } from './programs.service.ts';

type FeedbackInput = z.infer<typeof feedbackInputSchema>;
type Reward = z.infer<typeof experienceRewardSchema>;

/**
 * A selected member's feedback, checked against the program's form. Late feedback follows the program's
 * policy (rewarded, accepted without reward, or refused). In one transaction under the application's row
 * lock: the feedback (one per application), the member's feedback-quality score, and the reward — points and
 * coupons keyed by the application, a badge row keyed by member and program — so it is given exactly once,
 * however often or concurrently the member sends.
 */
export async function submitFeedback(deps: AppDeps, ctx: RequestContext, memberId: string, applicationId: string, input: FeedbackInput): Promise<Application> {
  const application = await getApplicationRow(deps.db, ctx.tenantId, applicationId, memberId);
  const program = await getProgramRow(deps.db, ctx.tenantId, application.program_id);
  const form = parsed<FeedbackForm>(program.feedback_form);
  const clean = checkFeedback(form, input);
  const now = deps.clock.now();
  const late = now > program.feedback_due_at;
  if (late && program.late_policy === 'refuse') throw new AppError('EXPERIENCE_FEEDBACK_CLOSED', 'The feedback deadline has passed');
  return withTransaction(deps.db, async (trx) => {
    const row = await getApplicationRow(trx, ctx.tenantId, applicationId, memberId, true);
    if (row.status !== 'selected') throw new AppError('EXPERIENCE_NOT_SELECTED', 'Only selected members give feedback');
    const earlier = await trx.selectFrom('experience_feedback').select('application_id').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('application_id', '=', applicationId).executeTakeFirst();
    if (earlier) throw new AppError('EXPERIENCE_FEEDBACK_EXISTS', 'Feedback for this program was already given');
    const quality = feedbackQuality(form, clean, late);
    await trx
      .insertInto('experience_feedback')
      .values({ tenant_id: ctx.tenantId, member_id: memberId, application_id: applicationId, program_id: program.id, ratings: JSON.stringify(clean.ratings), text: clean.text, photo_urls: JSON.stringify(clean.photo_urls), submitted_at: now, late, quality })
      .execute();
    await raiseQuality(trx, ctx.tenantId, memberId, quality, now);
    await emitEvent(trx, deps.jobs, ctx, 'experience.feedback_submitted', { program_id: program.id, application_id: applicationId, member_id: memberId, late, quality });
    const reward = parsed<Reward>(program.reward);
    if (reward.kind !== 'none' && (!late || program.late_policy === 'reward')) {
      // A refused reward (coupon paused or out of stock) must not lose the feedback: it is rolled back to a
      // savepoint, its reason kept, and an operator retries it (retryReward).
      await sql`savepoint experience_reward`.execute(trx);
      try {
        await reward_(deps, trx, ctx, memberId, program, applicationId, reward, now);
        await sql`release savepoint experience_reward`.execute(trx);
      } catch (error) {
        await sql`rollback to savepoint experience_reward`.execute(trx);
        if (!(error instanceof AppError)) throw error;
        await feedbackRow(trx, ctx.tenantId, memberId, applicationId).set({ reward_error: `${error.code}: ${error.message}` }).execute();
      }
    }
    return (await serializeApplications(trx, ctx.tenantId, [row]))[0]!;
  });
}

/** Gives a complete feedback's reward that was refused at submission (the coupon is back in stock …); once. */
export async function retryReward(deps: AppDeps, ctx: RequestContext, applicationId: string): Promise<Application> {
  return withTransaction(deps.db, async (trx) => {
    const row = await getApplicationRow(trx, ctx.tenantId, applicationId, undefined, true);
    const feedback = await trx.selectFrom('experience_feedback').select(['rewarded_at', 'reward_error']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', row.member_id).where('application_id', '=', applicationId).executeTakeFirst();
    if (!feedback?.reward_error || feedback.rewarded_at) throw new AppError('CONFLICT', 'This application has no refused reward to give', { errors: [{ field: 'application_id', code: 'nothing_to_retry', message: 'no refused reward' }] });
    const program = await getProgramRow(trx, ctx.tenantId, row.program_id);
    const reward = parsed<Reward>(program.reward);
    if (reward.kind !== 'none') await reward_(deps, trx, ctx, row.member_id, program, applicationId, reward, deps.clock.now());
    return (await serializeApplications(trx, ctx.tenantId, [row]))[0]!;
  });
}

async function reward_(deps: AppDeps, trx: Db, ctx: RequestContext, memberId: string, program: ProgramRow, applicationId: string, reward: Exclude<Reward, { kind: 'none' }>, now: Date) {
  const ref = await giveReward({ ...deps, db: trx }, ctx, memberId, program, applicationId, reward, now);
  await feedbackRow(trx, ctx.tenantId, memberId, applicationId).set({ rewarded_at: now, reward_ref: ref, reward_error: null }).execute();
  await emitEvent(trx, deps.jobs, ctx, 'experience.rewarded', { program_id: program.id, application_id: applicationId, member_id: memberId, reward: reward.kind, reward_ref: ref });
}

const feedbackRow = (trx: Db, tenantId: string, memberId: string, applicationId: string) =>
  trx.updateTable('experience_feedback').where('tenant_id', '=', tenantId).where('member_id', '=', memberId).where('application_id', '=', applicationId);

/**
 * Quality of one feedback, 0–100: text length up to twice the form's minimum (at least 100 characters) 40,
 * photos up to three (or the form's maximum) 30, share of aspects rated (optional ones count) 10, on time 20.
 */
export function feedbackQuality(form: FeedbackForm, feedback: { ratings: Record<string, number>; text: string; photo_urls: string[] }, late: boolean): number {
  const length = [...feedback.text].length;
  const textPart = 40 * Math.min(1, length / Math.max(2 * form.text_min_length, 100));
  const photoTarget = Math.min(3, form.photos_max);
  const photoPart = photoTarget === 0 ? 30 : 30 * Math.min(1, feedback.photo_urls.length / photoTarget);
  const aspectPart = (10 * Object.keys(feedback.ratings).length) / form.aspects.length;
  return Math.round(textPart + photoPart + aspectPart + (late ? 0 : 20));
}

/** The member's score is the mean quality of all their feedback; the first feedback sets it. */
async function raiseQuality(trx: Db, tenantId: string, memberId: string, quality: number, now: Date) {
  await trx
    .insertInto('experience_member_quality')
    .values({ tenant_id: tenantId, member_id: memberId, feedback_count: 1, quality_sum: quality, quality_score: quality, updated_at: now })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'member_id']).doUpdateSet({
        feedback_count: sql`experience_member_quality.feedback_count + 1`,
        quality_sum: sql`experience_member_quality.quality_sum + ${quality}`,
        quality_score: sql`round((experience_member_quality.quality_sum + ${quality})::numeric / (experience_member_quality.feedback_count + 1))::int`,
        updated_at: now,
      }),
    )
    .execute();
}

async function giveReward(deps: AppDeps, ctx: RequestContext, memberId: string, program: ProgramRow, applicationId: string, reward: Exclude<Reward, { kind: 'none' }>, now: Date): Promise<string> {
  const key = `experience:${applicationId}`;
  switch (reward.kind) {
    case 'points': {
      const adjusted = await adjustPoints(deps, ctx, memberId, { points: reward.points, reason: `体验官反馈 ${program.name} / experience feedback`, external_id: key });
      return `points:${adjusted.transaction_id}`;
    }
    case 'coupon': {
      const issued = await issueCoupon(deps, ctx, { template_id: reward.template_id, member_id: memberId, quantity: 1, issuance_key: key });
      return `coupon:${issued.coupons[0]!.id}`;
    }
    case 'badge':
      await deps.db.insertInto('experience_badges').values({ tenant_id: ctx.tenantId, member_id: memberId, program_id: program.id, badge: reward.badge, awarded_at: now }).onConflict((oc) => oc.doNothing()).execute();
      return `badge:${reward.badge}`;
  }
}

/** The feedback checked against the form: every required aspect rated 1–5, no unknown aspects, text of the minimum length, photo count and URLs. */
export function checkFeedback(form: FeedbackForm, input: FeedbackInput): { ratings: Record<string, number>; text: string; photo_urls: string[] } {
  const errors: FieldError[] = [];
  const aspects = new Map(form.aspects.map((a) => [a.key, a]));
  for (const key of Object.keys(input.ratings)) if (!aspects.has(key)) errors.push({ field: `ratings.${key}`, code: 'unknown_aspect', message: 'no such aspect' });
  const ratings: Record<string, number> = {};
  for (const a of form.aspects) {
    const value = input.ratings[a.key];
    if (value === undefined) {
      if (a.required) errors.push({ field: `ratings.${a.key}`, code: 'required', message: `${a.label}: rate 1 to 5` });
    } else if (!Number.isInteger(value) || value < 1 || value > 5) {
      errors.push({ field: `ratings.${a.key}`, code: 'out_of_range', message: 'a whole number from 1 to 5' });
    } else ratings[a.key] = value;
  }
  const text = input.text.trim();
  if ([...text].length < form.text_min_length) errors.push({ field: 'text', code: 'too_short', message: `at least ${form.text_min_length} characters` });
  const photos = input.photo_urls.map((u) => u.trim());
  if (photos.length < form.photos_min || photos.length > form.photos_max) errors.push({ field: 'photo_urls', code: 'photo_count', message: `between ${form.photos_min} and ${form.photos_max} photos` });
  photos.forEach((url, i) => {
    if (!/^https?:\/\/\S+$/i.test(url)) errors.push({ field: `photo_urls.${i}`, code: 'invalid_url', message: 'an http(s) URL' });
  });
  if (errors.length) throw validationError(errors);
  return { ratings, text, photo_urls: photos };
}
