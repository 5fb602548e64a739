import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { BenefitGrant, benefitGrantInputSchema } from '@hearth/contracts/benefits';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getMemberRow } from '../members/members.service.ts';
import type { GrantRow } from './entitlements.ts';
import { lockMemberBenefits } from './uses.service.ts';

export type GrantInput = z.infer<typeof benefitGrantInputSchema>;

/**
 * A campaign grants a member a benefit for a while, with uses of its own or under the benefit's usage limit.
 * Idempotent by grant_key: the same key again returns the first grant (another member or benefit: 409).
 */
export async function grantBenefit(deps: AppDeps, ctx: RequestContext, memberId: string, input: GrantInput): Promise<{ grant: BenefitGrant; replayed: boolean }> {
  try {
    return await withTransaction(deps.db, async (trx) => {
      await getMemberRow(trx, ctx, memberId);
      const benefit = await trx.selectFrom('benefits').select(['id', 'name']).where('tenant_id', '=', ctx.tenantId).where('id', '=', input.benefit_id).executeTakeFirst();
      if (!benefit) throw validationError([{ field: 'benefit_id', code: 'unknown_benefit', message: 'not a benefit of this brand' }]);
      await lockMemberBenefits(trx, ctx.tenantId, memberId);
      const earlier = await trx.selectFrom('benefit_grants').selectAll().where('tenant_id', '=', ctx.tenantId).where('grant_key', '=', input.grant_key).executeTakeFirst();
      if (earlier) return { grant: (await serializeGrants(trx, [sameGrant(earlier, memberId, input)]))[0]!, replayed: true };
      const now = deps.clock.now();
      const validFrom = input.valid_from ? new Date(input.valid_from) : now;
      if (new Date(input.valid_until) <= validFrom) throw validationError([{ field: 'valid_until', code: 'before_start', message: 'ends before it starts' }]);
      const row = await trx
        .insertInto('benefit_grants')
        .values({
          tenant_id: ctx.tenantId,
          member_id: memberId,
          id: uuidv7(),
          benefit_id: input.benefit_id,
          grant_key: input.grant_key,
          valid_from: validFrom,
          valid_until: new Date(input.valid_until),
          uses: input.uses ?? null,
          campaign: input.campaign ?? null,
          reason: input.reason,
          created_by: ctx.actor.label,
          revoked_at: null,
          revoke_reason: null,
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, ctx, { action: 'benefit.grant', resourceType: 'benefit_grant', resourceId: row.id, details: { member_id: memberId, benefit_id: row.benefit_id, uses: row.uses, valid_until: row.valid_until.toISOString() } });
      await emitEvent(trx, deps.jobs, ctx, 'benefit.granted', { member_id: memberId, benefit_id: row.benefit_id, grant_id: row.id, grant_key: row.grant_key, campaign: row.campaign, uses: row.uses, valid_from: row.valid_from.toISOString(), valid_until: row.valid_until.toISOString() });
      return { grant: (await serializeGrants(trx, [row]))[0]!, replayed: false };
    });
  } catch (error) {
    // The same key sent twice at once: the second finds the first.
    if (isUniqueViolation(error, 'benefit_grants_key')) return grantBenefit(deps, ctx, memberId, input);
    throw error;
  }
}

/** Ends a grant at once; uses already made stay. Revoking again changes nothing. */
export async function revokeGrant(deps: AppDeps, ctx: RequestContext, memberId: string, grantId: string, reason: string): Promise<BenefitGrant> {
  return withTransaction(deps.db, async (trx) => {
    await getMemberRow(trx, ctx, memberId);
    await lockMemberBenefits(trx, ctx.tenantId, memberId);
    const row = await trx.selectFrom('benefit_grants').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('id', '=', grantId).executeTakeFirst();
    if (!row) throw notFound('Benefit grant');
    if (row.revoked_at) return (await serializeGrants(trx, [row]))[0]!;
    const now = deps.clock.now();
    const revoked = await trx.updateTable('benefit_grants').set({ revoked_at: now, revoke_reason: reason }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('id', '=', grantId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'benefit.grant_revoke', resourceType: 'benefit_grant', resourceId: grantId, details: { member_id: memberId, benefit_id: row.benefit_id, reason } });
    await emitEvent(trx, deps.jobs, ctx, 'benefit.grant_revoked', { member_id: memberId, benefit_id: row.benefit_id, grant_id: grantId, reason });
    return (await serializeGrants(trx, [revoked]))[0]!;
  });
}

export async function listGrants(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<BenefitGrant[]> {
  await getMemberRow(deps.db, ctx, memberId);
  const rows = await deps.db.selectFrom('benefit_grants').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy('id', 'desc').limit(500).execute();
  return serializeGrants(deps.db, rows);
}

function sameGrant(earlier: GrantRow, memberId: string, input: GrantInput): GrantRow {
  if (earlier.member_id !== memberId || earlier.benefit_id !== input.benefit_id) {
    throw new AppError('CONFLICT', 'This grant_key was already used for another member or benefit', { errors: [{ field: 'grant_key', code: 'different_content', message: 'use a new grant_key' }] });
  }
  return earlier;
}

async function serializeGrants(db: Db, rows: GrantRow[]): Promise<BenefitGrant[]> {
  if (!rows.length) return [];
  const used = await db
    .selectFrom('benefit_uses')
    .select(['grant_id', sql<number>`sum(quantity)::int`.as('used')])
    .where('tenant_id', '=', rows[0]!.tenant_id)
    .where('member_id', 'in', [...new Set(rows.map((r) => r.member_id))])
    .where('grant_id', 'in', rows.map((r) => r.id))
    .where('undone_at', 'is', null)
    .groupBy('grant_id')
    .execute();
  const usedBy = new Map(used.map((u) => [u.grant_id, u.used]));
  return rows.map((r) => ({
    id: r.id,
    member_id: r.member_id,
    benefit_id: r.benefit_id,
    grant_key: r.grant_key,
    valid_from: r.valid_from.toISOString(),
    valid_until: r.valid_until.toISOString(),
    uses: r.uses,
    used: usedBy.get(r.id) ?? 0,
    campaign: r.campaign,
    reason: r.reason,
    revoked_at: r.revoked_at?.toISOString() ?? null,
    revoke_reason: r.revoke_reason,
    created_at: r.created_at.toISOString(),
  }));
}
