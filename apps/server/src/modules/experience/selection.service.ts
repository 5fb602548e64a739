import type { MessageChannel } from '@hearth/contracts/messaging';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, validationError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { sendMessage } from '../messaging/send.service.ts';
import { memberNumbers } from '../members/members.service.ts';
import { getProgramRow, lockProgram, parsed } from './programs.service.ts';

/**
 * The proposal: open applicants best score first (earlier applicant on a tie), each taken while places
 * remain and their province's quota is not full, counting those already selected. A suggestion only: the
 * operator confirms it (or their own pick) with confirmSelection.
 */
export async function proposeSelection(deps: AppDeps, ctx: RequestContext, programId: string) {
  const program = await getProgramRow(deps.db, ctx.tenantId, programId);
  const quotas = parsed<Record<string, number>>(program.region_quotas);
  const rows = await deps.db
    .selectFrom('experience_applications')
    .select(['id', 'member_id', 'province', 'status', 'score'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('program_id', '=', programId)
    .where('status', 'in', ['applied', 'selected'])
    .orderBy('score', 'desc')
    .orderBy('id')
    .execute();
  const perProvince = new Map<string, number>();
  const taken = (p: string | null) => (p ? (perProvince.get(p) ?? 0) : 0);
  const selected = rows.filter((r) => r.status === 'selected');
  for (const r of selected) if (r.province) perProvince.set(r.province, taken(r.province) + 1);
  let free = Math.max(0, program.places - selected.length);
  const proposed: typeof rows = [];
  const skipped: typeof rows = [];
  for (const r of rows) {
    if (r.status !== 'applied' || free === 0) continue;
    const quota = r.province ? quotas[r.province] : undefined;
    if (quota !== undefined && taken(r.province) >= quota) {
      skipped.push(r);
      continue;
    }
    proposed.push(r);
    free -= 1;
    if (r.province) perProvince.set(r.province, taken(r.province) + 1);
  }
  const numbers = await memberNumbers(deps.db, ctx.tenantId, proposed.map((r) => r.member_id));
  return {
    places: program.places,
    already_selected: selected.length,
    proposed: proposed.map((r) => ({ application_id: r.id, member_no: numbers.get(r.member_id) ?? null, province: r.province, score: r.score / 100 })),
    skipped_for_quota: skipped.map((r) => ({ application_id: r.id, province: r.province, score: r.score / 100 })),
  };
}

/**
 * Selects the given applicants in one transaction under the program's row lock, so two operators confirming
 * at once run one after the other and the second sees the first's selections: never more selected than
 * places, nor than a province's quota (either refusal selects nobody). Each newly selected member gets
 * `experience.selected` and, when the program names a template, a message through messaging (dedupe key
 * per application, so a retried confirmation sends nothing twice). Already selected ids are left as they are.
 */
export async function confirmSelection(deps: AppDeps, ctx: RequestContext, programId: string, input: { application_ids: string[]; reject_others: boolean }) {
  return withTransaction(deps.db, async (trx) => {
    const program = await lockProgram(trx, ctx.tenantId, programId);
    const ids = [...new Set(input.application_ids)];
    const rows = await trx
      .selectFrom('experience_applications')
      .select(['id', 'member_id', 'province', 'status'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('program_id', '=', programId)
      .where('id', 'in', ids)
      .execute();
    const found = new Set(rows.map((r) => r.id));
    const unknown = input.application_ids.map((id, i) => ({ id, i })).filter(({ id }) => !found.has(id));
    if (unknown.length) throw validationError(unknown.map(({ i }) => ({ field: `application_ids.${i}`, code: 'unknown_application', message: 'no such application in this program' })));
    const fresh = rows.filter((r) => r.status !== 'selected');
    const current = await trx
      .selectFrom('experience_applications')
      .select(['province', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', ctx.tenantId)
      .where('program_id', '=', programId)
      .where('status', '=', 'selected')
      .groupBy('province')
      .execute();
    const total = current.reduce((sum, c) => sum + Number(c.n), 0);
    if (total + fresh.length > program.places) {
      throw new AppError('EXPERIENCE_PLACES_EXCEEDED', `${program.places - total} places are left; ${fresh.length} were chosen`, { errors: [{ field: 'application_ids', code: 'too_many', message: `at most ${Math.max(0, program.places - total)} more` }] });
    }
    const quotas = parsed<Record<string, number>>(program.region_quotas);
    const counts = new Map(current.map((c) => [c.province, Number(c.n)]));
    for (const r of fresh) if (r.province) counts.set(r.province, (counts.get(r.province) ?? 0) + 1);
    for (const [province, quota] of Object.entries(quotas)) {
      if ((counts.get(province) ?? 0) > quota) {
        throw new AppError('EXPERIENCE_QUOTA_EXCEEDED', `${province} has a quota of ${quota}`, { errors: [{ field: 'application_ids', code: 'quota_exceeded', message: `${province}: at most ${quota}` }] });
      }
    }
    const now = deps.clock.now();
    if (fresh.length) {
      await trx.updateTable('experience_applications').set({ status: 'selected', selected_at: now }).where('tenant_id', '=', ctx.tenantId).where('program_id', '=', programId).where('id', 'in', fresh.map((r) => r.id)).execute();
    }
    let rejected = 0;
    if (input.reject_others) {
      const result = await trx.updateTable('experience_applications').set({ status: 'not_selected' }).where('tenant_id', '=', ctx.tenantId).where('program_id', '=', programId).where('status', '=', 'applied').executeTakeFirst();
      rejected = Number(result.numUpdatedRows);
    }
    const message = parsed<{ channel: MessageChannel; template_id: string } | null>(program.selected_message);
    const tx = { ...deps, db: trx };
    for (const r of fresh) {
      await emitEvent(trx, deps.jobs, ctx, 'experience.selected', { program_id: programId, application_id: r.id, member_id: r.member_id, feedback_due_at: program.feedback_due_at.toISOString() });
      if (message) {
        await sendMessage(tx, ctx, {
          memberId: r.member_id,
          channel: message.channel,
          templateId: message.template_id,
          variables: { program: { id: program.id, name: program.name, feedback_due_at: program.feedback_due_at.toISOString() } },
          category: 'transactional',
          dedupeKey: `experience.selected:${r.id}`,
          source: { kind: 'system', id: program.id },
        });
      }
    }
    await recordAudit(trx, ctx, { action: 'experience.selection_confirm', resourceType: 'experience_program', resourceId: programId, details: { selected: fresh.length, not_selected: rejected } });
    return { selected: fresh.length, total_selected: total + fresh.length, not_selected: rejected };
  });
}

