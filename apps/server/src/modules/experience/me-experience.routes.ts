import { z } from 'zod';
import { idParamsSchema, problemSchema } from '@hearth/contracts/common';
import { addressInputSchema, applicationSchema, applyInputSchema, feedbackInputSchema, memberQualitySchema, myProgramSchema, type Program } from '@hearth/contracts/experience';
import type { Eligibility } from '@hearth/contracts/eligibility';
import type { AppDeps, RequestContext } from '../../deps.ts';
import type { Api } from '../../http/api.ts';
import { notFound } from '../../http/errors.ts';
import { memberSecurity, signedIn } from '../member-portal/member-auth.ts';
import { checkEligibility } from '../pricing/eligibility.ts';
import { apply, getApplicationRow, listMyApplications, serializeApplications } from './applications.service.ts';
import { submitFeedback } from './feedback.service.ts';
import { setAddress } from './fulfilment.service.ts';
import { serializePrograms, type ProgramRow } from './programs.service.ts';

const tags = ['member center'];
const errors = { 400: problemSchema, 404: problemSchema, 409: problemSchema };
type Mine = z.infer<typeof applicationSchema>;

/** The member's side: programs open to them, applying, their applications, address and feedback. */
export function meExperienceRoutes(me: Api, deps: AppDeps) {
  me.get('/programs', { schema: { tags, summary: 'Experience-officer programs: recruiting or coming, and those I applied to', security: memberSecurity, response: { 200: z.object({ data: z.array(myProgramSchema) }) } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const now = deps.clock.now();
    const mine = await listMyApplications(deps, ctx, memberId);
    const applied = new Set(mine.map((a) => a.program_id));
    const rows = await deps.db
      .selectFrom('experience_programs')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where((eb) => eb.or([eb.and([eb('status', '=', 'active'), eb('apply_until', '>', now)]), ...(applied.size ? [eb('id', 'in', [...applied])] : [])]))
      .orderBy('apply_from')
      .limit(100)
      .execute();
    return { data: await forMember(deps, ctx, memberId, rows, mine) };
  });

  me.get('/programs/:id', { schema: { tags, summary: 'A program with my eligibility and application', security: memberSecurity, params: idParamsSchema, response: { 200: myProgramSchema, 404: problemSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const row = await deps.db.selectFrom('experience_programs').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', request.params.id).executeTakeFirst();
    const mine = (await listMyApplications(deps, ctx, memberId)).filter((a) => a.program_id === request.params.id);
    if (!row || (row.status !== 'active' && !mine.length)) throw notFound('Experience program');
    return (await forMember(deps, ctx, memberId, [row], mine))[0]!;
  });

  me.post('/programs/:id/applications', { schema: { tags, summary: 'Apply (once) with the questionnaire’s answers', security: memberSecurity, params: idParamsSchema, body: applyInputSchema, response: { 201: mineSchema, ...errors } } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    return reply.status(201).send(forMe(await apply(deps, ctx, memberId, request.params.id, request.body)));
  });

  me.get('/applications', { schema: { tags, summary: 'My applications, newest first', security: memberSecurity, response: { 200: z.object({ data: z.array(mineSchema), quality: memberQualitySchema }) } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const [mine, quality, badges] = await Promise.all([
      listMyApplications(deps, ctx, memberId),
      deps.db.selectFrom('experience_member_quality').select(['feedback_count', 'quality_score']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst(),
      deps.db.selectFrom('experience_badges').select(['badge', 'program_id', 'awarded_at']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy('awarded_at').execute(),
    ]);
    return { data: mine.map(forMe), quality: { feedback_count: quality?.feedback_count ?? 0, quality_score: quality?.quality_score ?? null, badges: badges.map((b) => ({ ...b, awarded_at: b.awarded_at.toISOString() })) } };
  });

  me.get('/applications/:id', { schema: { tags, summary: 'One of my applications', security: memberSecurity, params: idParamsSchema, response: { 200: mineSchema, 404: problemSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    const row = await getApplicationRow(deps.db, ctx.tenantId, request.params.id, memberId);
    return forMe((await serializeApplications(deps.db, ctx.tenantId, [row]))[0]!);
  });

  me.put('/applications/:id/address', { schema: { tags, summary: 'Where to ship the product (selected members, until shipped)', security: memberSecurity, params: idParamsSchema, body: addressInputSchema, response: { 200: mineSchema, ...errors } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return forMe(await setAddress(deps, ctx, memberId, request.params.id, request.body));
  });

  me.post('/applications/:id/feedback', { schema: { tags, summary: 'Give feedback (once): ratings per aspect 1–5, text, photo URLs; complete feedback earns the reward', security: memberSecurity, params: idParamsSchema, body: feedbackInputSchema, response: { 201: mineSchema, ...errors } } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    return reply.status(201).send(forMe(await submitFeedback(deps, ctx, memberId, request.params.id, request.body)));
  });
}

const mineSchema = applicationSchema.omit({ score_parts: true, rank: true });
/** Members see their status and parcel, not how they ranked against others. */
const forMe = ({ score_parts: _p, rank: _r, ...rest }: Mine) => rest;

async function forMember(deps: AppDeps, ctx: RequestContext, memberId: string, rows: ProgramRow[], mine: Mine[]) {
  const programs = await serializePrograms(deps.db, ctx.tenantId, rows, deps.clock.now());
  const out = [];
  for (const p of programs) {
    const application = mine.find((a) => a.program_id === p.id);
    const eligible = (await checkEligibility(deps.db, ctx.tenantId, memberId, p.eligibility as Eligibility, deps.clock.now())).eligible;
    out.push({ ...publicPart(p), eligible, my_application: application ? forMe(application) : null });
  }
  return out;
}

function publicPart({ counts: _c, eligibility: _e, region_quotas: _q, selected_message: _m, reminder_days: _d, status: _s, ...rest }: Program) {
  return rest;
}
