import { sql } from 'kysely';
import type { FeedbackForm } from '@hearth/contracts/experience';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { memberNumbers } from '../members/members.service.ts';
import { getProgramRow, parsed } from './programs.service.ts';

const COMMENTS = 200;

/** The program in numbers for the product team: funnel, ratings per aspect with their 1–5 distribution, latest comments. */
export async function programReport(deps: AppDeps, ctx: RequestContext, programId: string) {
  const program = await getProgramRow(deps.db, ctx.tenantId, programId);
  const form = parsed<FeedbackForm>(program.feedback_form);
  const funnel = await deps.db
    .selectFrom('experience_applications')
    .select((eb) => [
      eb.fn.countAll<number>().as('applied'),
      sql<number>`count(*) filter (where status = 'selected')`.as('selected'),
      sql<number>`count(*) filter (where shipped_at is not null)`.as('shipped'),
      sql<number>`count(*) filter (where delivered_at is not null)`.as('delivered'),
    ])
    .where('tenant_id', '=', ctx.tenantId)
    .where('program_id', '=', programId)
    .executeTakeFirstOrThrow();
  const feedback = await deps.db
    .selectFrom('experience_feedback as f')
    .innerJoin('experience_applications as a', (j) => j.onRef('a.tenant_id', '=', 'f.tenant_id').onRef('a.member_id', '=', 'f.member_id').onRef('a.id', '=', 'f.application_id'))
    .select(['f.member_id', 'a.province', 'f.ratings', 'f.text', 'f.photo_urls', 'f.submitted_at', 'f.late', 'f.quality', 'f.rewarded_at'])
    .where('f.tenant_id', '=', ctx.tenantId)
    .where('f.program_id', '=', programId)
    .orderBy('f.submitted_at', 'desc')
    .execute();
  const aspects = form.aspects.map((a) => {
    const distribution = [0, 0, 0, 0, 0];
    for (const f of feedback) {
      const rating = parsed<Record<string, number>>(f.ratings)[a.key];
      if (rating) distribution[rating - 1]! += 1;
    }
    const count = distribution.reduce((s, n) => s + n, 0);
    const sum = distribution.reduce((s, n, i) => s + n * (i + 1), 0);
    return { key: a.key, label: a.label, count, average: count ? Math.round((sum / count) * 100) / 100 : null, distribution };
  });
  const latest = feedback.slice(0, COMMENTS);
  const numbers = await memberNumbers(deps.db, ctx.tenantId, latest.map((f) => f.member_id));
  return {
    program_id: programId,
    applied: Number(funnel.applied),
    selected: Number(funnel.selected),
    shipped: Number(funnel.shipped),
    delivered: Number(funnel.delivered),
    feedback: feedback.length,
    late: feedback.filter((f) => f.late).length,
    rewarded: feedback.filter((f) => f.rewarded_at).length,
    average_quality: feedback.length ? Math.round(feedback.reduce((s, f) => s + f.quality, 0) / feedback.length) : null,
    aspects,
    comments: latest.map((f) => ({ member_no: numbers.get(f.member_id) ?? null, province: f.province, text: f.text, photo_urls: parsed<string[]>(f.photo_urls), submitted_at: f.submitted_at.toISOString(), late: f.late })),
  };
}

/**
 * Every feedback of the program as CSV for the product team (UTF-8 with BOM so Excel reads the Chinese; cells
 * Excel would take for formulas quoted as text). Member numbers only, no contact data. Audited.
 */
export async function* feedbackCsv(deps: AppDeps, ctx: RequestContext, programId: string): AsyncGenerator<string> {
  const program = await getProgramRow(deps.db, ctx.tenantId, programId);
  const form = parsed<FeedbackForm>(program.feedback_form);
  await recordAudit(deps.db, ctx, { action: 'experience.feedback_export', resourceType: 'experience_program', resourceId: programId });
  yield `\uFEFF${['会员号 member_no', '省份 province', '提交时间 submitted_at', '逾期 late', '质量分 quality', ...form.aspects.map((a) => `${a.label} (${a.key})`), '评价 text', '图片 photos'].map(csvCell).join(',')}\n`;
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    let q = deps.db
      .selectFrom('experience_feedback as f')
      .innerJoin('experience_applications as a', (j) => j.onRef('a.tenant_id', '=', 'f.tenant_id').onRef('a.member_id', '=', 'f.member_id').onRef('a.id', '=', 'f.application_id'))
      .select(['f.member_id', 'f.application_id', 'a.province', 'f.ratings', 'f.text', 'f.photo_urls', 'f.submitted_at', 'f.late', 'f.quality'])
      .where('f.tenant_id', '=', ctx.tenantId)
      .where('f.program_id', '=', programId)
      .orderBy('f.submitted_at')
      .orderBy('f.application_id')
      .limit(500);
    if (after) q = q.where(sql<boolean>`(f.submitted_at, f.application_id) > (${after.at}, ${after.id}::uuid)`);
    const rows = await q.execute();
    if (!rows.length) return;
    const numbers = await memberNumbers(deps.db, ctx.tenantId, rows.map((r) => r.member_id));
    yield rows
      .map((r) => {
        const ratings = parsed<Record<string, number>>(r.ratings);
        return [numbers.get(r.member_id) ?? '', r.province ?? '', r.submitted_at.toISOString(), r.late ? 'yes' : 'no', r.quality, ...form.aspects.map((a) => ratings[a.key] ?? ''), r.text, parsed<string[]>(r.photo_urls).join(' ')].map(csvCell).join(',');
      })
      .join('\n') + '\n';
    const last = rows.at(-1)!;
    after = { at: last.submitted_at, id: last.application_id };
  }
}

function csvCell(value: string | number): string {
  let text = String(value);
  // A cell starting with = + - @ is a formula to Excel: make it text.
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
