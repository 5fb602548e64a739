import crypto from 'node:crypto';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { distributionSettingsSchema, type DistributionSettings, type Promoter } from '@hearth/contracts/distribution';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { formatCode, newCode, parseCode } from '../coupons/codes.ts';
import { getMemberRow, memberNumbers } from '../members/members.service.ts';
import { currentTierIds } from '../tiers/tiers.service.ts';
import './distribution.tables.ts';

export type PromoterRow = { member_id: string; code: string; recruiter_id: string | null; status: Promoter['status']; source: Promoter['source']; applied_at: Date; approved_at: Date | null };

export async function getDistributionSettings(db: Db, tenantId: string): Promise<DistributionSettings> {
  const row = await db.selectFrom('distribution_settings').select('settings').where('tenant_id', '=', tenantId).executeTakeFirst();
  return distributionSettingsSchema.parse(row?.settings ?? {});
}

/**
 * Chinese law (禁止传销条例) treats commission over more than two levels as a pyramid scheme: a plan with a
 * third level is refused with its own code, never truncated.
 */
export async function updateDistributionSettings(deps: AppDeps, ctx: RequestContext, input: DistributionSettings): Promise<DistributionSettings> {
  if (input.levels.length > 2) throw thirdLevel('levels', 'a commission plan pays at most two levels: the selling promoter and their recruiter');
  await withTransaction(deps.db, async (trx) => {
    const settings = JSON.stringify(input);
    await trx.insertInto('distribution_settings').values({ tenant_id: ctx.tenantId, settings }).onConflict((oc) => oc.column('tenant_id').doUpdateSet({ settings, updated_at: sql`now()` })).execute();
    await recordAudit(trx, ctx, { action: 'distribution.settings', resourceType: 'distribution_settings', resourceId: ctx.tenantId, details: { levels: input.levels.length, attribution_days: input.attribution_days } });
  });
  return input;
}

/**
 * A member applies, optionally naming the promoter who recruited them. The recruiter must be an approved
 * promoter who was not recruited themselves, else the chain would have three levels, which is refused. The
 * recruiter is fixed at application (applying again returns the application), so a promoter who already has
 * recruits can never get a recruiter of their own.
 */
export async function applyAsPromoter(deps: AppDeps, ctx: RequestContext, memberId: string, input: { recruiter_code?: string }): Promise<Promoter> {
  const member = await getMemberRow(deps.db, ctx, memberId);
  if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', `The member is ${member.status}`);
  return withTransaction(deps.db, async (trx) => {
    let recruiterId: string | null = null;
    if (input.recruiter_code) {
      const recruiter = await promoterByCode(trx, ctx.tenantId, input.recruiter_code);
      if (!recruiter || recruiter.status !== 'approved') throw new AppError('NOT_FOUND', 'No such promoter code', { errors: [{ field: 'recruiter_code', code: 'unknown', message: 'not an approved promoter of this brand' }] });
      if (recruiter.member_id === memberId) throw new AppError('VALIDATION_FAILED', 'A promoter cannot recruit themselves', { errors: [{ field: 'recruiter_code', code: 'own_code', message: 'this is your own code' }] });
      // Locked so a recruiter cannot be recruited while someone signs up under them.
      const locked = await trx.selectFrom('promoters').select('recruiter_id').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', recruiter.member_id).forUpdate().executeTakeFirstOrThrow();
      if (locked.recruiter_id) throw thirdLevel('recruiter_code', 'this promoter was recruited by another; joining under them would make a third level');
      recruiterId = recruiter.member_id;
    }
    const existing = await trx.selectFrom('promoters').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).forUpdate().executeTakeFirst();
    if (existing) return serialize(trx, ctx.tenantId, existing);
    const row = await trx.insertInto('promoters').values({ tenant_id: ctx.tenantId, member_id: memberId, code: newCode(), recruiter_id: recruiterId, status: 'applied', source: 'application', applied_at: deps.clock.now(), approved_at: null }).returningAll().executeTakeFirstOrThrow();
    await emitEvent(trx, deps.jobs, ctx, 'promoter.applied', { member_id: memberId, recruiter_id: recruiterId });
    return serialize(trx, ctx.tenantId, row);
  });
}

export async function decidePromoter(deps: AppDeps, ctx: RequestContext, memberId: string, decision: 'approve' | 'reject' | 'suspend'): Promise<Promoter> {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx.selectFrom('promoters').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).forUpdate().executeTakeFirst();
    if (!row) throw notFound('Promoter');
    const allowed = decision === 'suspend' ? row.status === 'approved' : row.status === 'applied' || (decision === 'approve' && row.status === 'suspended');
    if (!allowed) throw new AppError('PROMOTER_TRANSITION_REFUSED', `A promoter ${row.status} cannot be ${decision}d`);
    const status = decision === 'approve' ? 'approved' : decision === 'reject' ? 'rejected' : 'suspended';
    const updated = await trx.updateTable('promoters').set({ status, approved_at: status === 'approved' ? deps.clock.now() : row.approved_at }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: `promoter.${decision}`, resourceType: 'promoter', resourceId: memberId, details: {} });
    await emitEvent(trx, deps.jobs, ctx, `promoter.${status}`, { member_id: memberId });
    return serialize(trx, ctx.tenantId, updated);
  });
}

/** The member's promoter row; a member of an automatic tier becomes an approved promoter on first ask. */
export async function getPromoter(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<Promoter> {
  const row = await findPromoterRow(deps.db, ctx.tenantId, memberId);
  if (row) return serialize(deps.db, ctx.tenantId, row);
  const settings = await getDistributionSettings(deps.db, ctx.tenantId);
  if (settings.auto_tier_ids.length) {
    const tiers = await currentTierIds(deps.db, ctx.tenantId, memberId);
    if (tiers.some((id) => settings.auto_tier_ids.includes(id))) {
      const now = deps.clock.now();
      await deps.db.insertInto('promoters').values({ tenant_id: ctx.tenantId, member_id: memberId, code: newCode(), recruiter_id: null, status: 'approved', source: 'tier', applied_at: now, approved_at: now }).onConflict((oc) => oc.columns(['tenant_id', 'member_id']).doNothing()).execute();
      return serialize(deps.db, ctx.tenantId, (await findPromoterRow(deps.db, ctx.tenantId, memberId))!);
    }
  }
  throw notFound('Promoter');
}

/** A signed-in member opened a promoter's link: their next orders within the window belong to that promoter. */
export async function recordVisit(deps: AppDeps, ctx: RequestContext, memberId: string, code: string): Promise<{ promoter_id: string }> {
  const promoter = await promoterByCode(deps.db, ctx.tenantId, code);
  if (!promoter || promoter.status !== 'approved') throw new AppError('NOT_FOUND', 'No such promoter code', { errors: [{ field: 'code', code: 'unknown', message: 'not an approved promoter of this brand' }] });
  const now = deps.clock.now();
  await countClick(deps.db, ctx.tenantId, promoter.member_id, memberId, now);
  // A promoter's own purchases earn them nothing: the link they open is not recorded for them.
  if (promoter.member_id !== memberId) {
    await deps.db.insertInto('distribution_attributions').values({ tenant_id: ctx.tenantId, member_id: memberId, promoter_id: promoter.member_id, visited_at: now })
      .onConflict((oc) => oc.columns(['tenant_id', 'member_id']).doUpdateSet({ promoter_id: promoter.member_id, visited_at: now })).execute();
  }
  return { promoter_id: promoter.member_id };
}

/** An anonymous click on a promoter link, counted once per visitor and local day. */
export async function recordClick(deps: AppDeps, tenantId: string, code: string, visitor: string): Promise<{ counted: boolean }> {
  const promoter = await promoterByCode(deps.db, tenantId, code);
  if (!promoter || promoter.status !== 'approved') throw new AppError('NOT_FOUND', 'No such promoter code', { errors: [{ field: 'code', code: 'unknown', message: 'not an approved promoter of this brand' }] });
  return { counted: await countClick(deps.db, tenantId, promoter.member_id, visitor, deps.clock.now()) };
}

async function countClick(db: Db, tenantId: string, promoterId: string, visitor: string, now: Date): Promise<boolean> {
  const zone = (await db.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow()).time_zone;
  const hash = crypto.createHash('sha256').update(`${tenantId}:${visitor}`).digest('base64url');
  const row = await db.insertInto('distribution_clicks').values({ tenant_id: tenantId, promoter_id: promoterId, day: DateTime.fromJSDate(now, { zone }).toISODate()!, visitor_hash: hash }).onConflict((oc) => oc.doNothing()).returning('day').executeTakeFirst();
  return !!row;
}

export async function findPromoterRow(db: Db, tenantId: string, memberId: string): Promise<PromoterRow | undefined> {
  return db.selectFrom('promoters').selectAll().where('tenant_id', '=', tenantId).where('member_id', '=', memberId).executeTakeFirst();
}

async function promoterByCode(db: Db, tenantId: string, input: string): Promise<PromoterRow | undefined> {
  const code = parseCode(input);
  return code ? db.selectFrom('promoters').selectAll().where('tenant_id', '=', tenantId).where('code', '=', code).executeTakeFirst() : undefined;
}

const thirdLevel = (field: string, message: string) => new AppError('DISTRIBUTION_THIRD_LEVEL', 'Distribution pays at most two levels', { errors: [{ field, code: 'third_level', message }] });

async function slugOf(db: Db, tenantId: string) {
  return (await db.selectFrom('tenants').select('slug').where('id', '=', tenantId).executeTakeFirstOrThrow()).slug;
}

async function serialize(db: Db, tenantId: string, row: PromoterRow): Promise<Promoter> {
  return (await serializePromoters(db, tenantId, [row]))[0]!;
}

/** Promoters as the API shows them, with their own and their recruiter's member numbers. */
export async function serializePromoters(db: Db, tenantId: string, rows: readonly PromoterRow[]): Promise<Promoter[]> {
  if (!rows.length) return [];
  const ids = rows.flatMap((r) => (r.recruiter_id ? [r.member_id, r.recruiter_id] : [r.member_id]));
  const [numbers, slug] = await Promise.all([memberNumbers(db, tenantId, [...new Set(ids)]), slugOf(db, tenantId)]);
  return rows.map((r) => toPromoter(r, numbers, slug));
}

function toPromoter(row: PromoterRow, numbers: Map<string, string>, slug: string): Promoter {
  return {
    member_id: row.member_id,
    member_no: numbers.get(row.member_id) ?? null,
    code: formatCode(row.code),
    link: `/m/?brand=${encodeURIComponent(slug)}&promoter=${row.code}`,
    recruiter_id: row.recruiter_id,
    recruiter_no: row.recruiter_id ? (numbers.get(row.recruiter_id) ?? null) : null,
    status: row.status,
    source: row.source,
    applied_at: row.applied_at.toISOString(),
    approved_at: row.approved_at?.toISOString() ?? null,
  };
}
