import { sql } from 'kysely';
import type { MemberHooks } from '../members/member-hooks.ts';
import { listMyApplications } from './applications.service.ts';
import { qualityScoresOf } from './scoring.ts';

/**
 * Merges move the merged member's applications (with their feedback and reminders, by cascade) to the
 * survivor, except for programs the survivor applied to as well: those stay with the merged member as history.
 * Quality counts add up. Erasure forgets the shipping address, the questionnaire answers and the feedback's
 * free text and photos (they may describe the person); ratings stay, anonymous, in the programs' reports.
 */
export function registerExperienceMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'experience',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      const moved = await sql`
        update experience_applications f set member_id = ${toMemberId}
        where f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId}
          and not exists (select 1 from experience_applications t where t.tenant_id = f.tenant_id and t.member_id = ${toMemberId} and t.program_id = f.program_id)`.execute(trx);
      await sql`
        update experience_badges f set member_id = ${toMemberId}
        where f.tenant_id = ${ctx.tenantId} and f.member_id = ${fromMemberId}
          and not exists (select 1 from experience_badges t where t.tenant_id = f.tenant_id and t.member_id = ${toMemberId} and t.program_id = f.program_id)`.execute(trx);
      await sql`
        insert into experience_member_quality (tenant_id, member_id, feedback_count, quality_sum, quality_score, updated_at)
        select tenant_id, ${toMemberId}, feedback_count, quality_sum, quality_score, updated_at from experience_member_quality
        where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}
        on conflict (tenant_id, member_id) do update set
          feedback_count = experience_member_quality.feedback_count + excluded.feedback_count,
          quality_sum = experience_member_quality.quality_sum + excluded.quality_sum,
          quality_score = round((experience_member_quality.quality_sum + excluded.quality_sum)::numeric / (experience_member_quality.feedback_count + excluded.feedback_count))::int`.execute(trx);
      await sql`delete from experience_member_quality where tenant_id = ${ctx.tenantId} and member_id = ${fromMemberId}`.execute(trx);
      return Number(moved.numAffectedRows ?? 0);
    },
  });
  hooks.onErase({
    name: 'experience',
    erase: async (trx, ctx, memberId) => {
      const applications = await sql`
        update experience_applications set answers = '{}', address_recipient = null, address_phone = null, address_province = null,
          address_city = null, address_district = null, address_line = null
        where tenant_id = ${ctx.tenantId} and member_id = ${memberId}`.execute(trx);
      await sql`update experience_feedback set text = '', photo_urls = '[]' where tenant_id = ${ctx.tenantId} and member_id = ${memberId}`.execute(trx);
      return Number(applications.numAffectedRows ?? 0);
    },
  });
  hooks.addSection({
    name: 'experience',
    load: async (deps, ctx, memberId) => ({ quality_score: (await qualityScoresOf(deps.db, ctx.tenantId, [memberId])).get(memberId) ?? null, applications: await listMyApplications(deps, ctx, memberId) }),
    export: async (deps, ctx, memberId) => {
      const addresses = await deps.db
        .selectFrom('experience_applications')
        .select(['id as application_id', 'program_id', 'answers', 'address_recipient', 'address_phone', 'address_province', 'address_city', 'address_district', 'address_line', 'address_at'])
        .where('tenant_id', '=', ctx.tenantId)
        .where('member_id', '=', memberId)
        .execute();
      const feedback = await deps.db.selectFrom('experience_feedback').select(['application_id', 'ratings', 'text', 'photo_urls', 'submitted_at']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).execute();
      const badges = await deps.db.selectFrom('experience_badges').select(['program_id', 'badge', 'awarded_at']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).execute();
      return { quality_score: (await qualityScoresOf(deps.db, ctx.tenantId, [memberId])).get(memberId) ?? null, applications: addresses, feedback, badges };
    },
  });
}
