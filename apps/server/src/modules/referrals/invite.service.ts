import crypto from 'node:crypto';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import QRCode from 'qrcode';
import { referralSettingsSchema, type Invite, type ReferralSettings } from '@hearth/contracts/referrals';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { formatCode, newCode, parseCode } from '../coupons/codes.ts';
import { getTemplate } from '../coupons/templates.service.ts';
import { getMemberRow } from '../members/members.service.ts';
import './referrals.tables.ts';

export async function getReferralSettings(db: Db, tenantId: string): Promise<ReferralSettings> {
  const row = await db.selectFrom('referral_settings').select('settings').where('tenant_id', '=', tenantId).executeTakeFirst();
  return referralSettingsSchema.parse(row?.settings ?? {});
}

export async function updateReferralSettings(deps: AppDeps, ctx: RequestContext, input: ReferralSettings): Promise<ReferralSettings> {
  // A template of another tenant answers 404 here rather than failing at the first payout.
  for (const id of [input.referrer_coupon_template_id, input.referee_coupon_template_id]) if (id) await getTemplate(deps, ctx, id);
  await withTransaction(deps.db, async (trx) => {
    const settings = JSON.stringify(input);
    await trx.insertInto('referral_settings').values({ tenant_id: ctx.tenantId, settings }).onConflict((oc) => oc.column('tenant_id').doUpdateSet({ settings, updated_at: sql`now()` })).execute();
    await recordAudit(trx, ctx, { action: 'referral.settings', resourceType: 'referral_settings', resourceId: ctx.tenantId, details: { ...input } });
  });
  return input;
}

/**
 * The member's invite: a code in the coupon scheme (70 random bits and a check symbol, so a mistyped code is
 * refused before any lookup), made on first ask. Two first asks at once: the key keeps one, the other reads it.
 */
export async function getInvite(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<Invite> {
  const member = await getMemberRow(deps.db, ctx, memberId);
  if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', `The member is ${member.status}`);
  let code = await codeOf(deps.db, ctx.tenantId, memberId);
  if (!code) {
    try {
      await deps.db.insertInto('referral_codes').values({ tenant_id: ctx.tenantId, member_id: memberId, code: newCode() }).onConflict((oc) => oc.columns(['tenant_id', 'member_id']).doNothing()).execute();
    } catch (error) {
      // 70 random bits: a clash of two codes is not expected in the life of the system, but never silent.
      if (!isUniqueViolation(error, 'referral_codes_code')) throw error;
      return getInvite(deps, ctx, memberId);
    }
    code = (await codeOf(deps.db, ctx.tenantId, memberId))!;
  }
  const slug = (await deps.db.selectFrom('tenants').select('slug').where('id', '=', ctx.tenantId).executeTakeFirstOrThrow()).slug;
  return {
    code: formatCode(code),
    link: `/m/invite?brand=${encodeURIComponent(slug)}&code=${code}`,
    poster_url: memberPosterPath(ctx, memberId),
  };
}

const memberPosterPath = (ctx: RequestContext, memberId: string) => (ctx.actor.type === 'member' ? '/api/v1/me/referrals/poster.svg' : `/api/v1/members/${memberId}/referral-poster.svg`);

/** The QR of the invite link for the poster. */
export async function invitePoster(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<string> {
  const invite = await getInvite(deps, ctx, memberId);
  return QRCode.toString(invite.link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** The referrer of a typed or scanned code; a malformed code or one of no member is 404 on the `code` field. */
export async function referrerOf(db: Db, tenantId: string, input: string): Promise<string> {
  const code = parseCode(input);
  const row = code ? await db.selectFrom('referral_codes').select('member_id').where('tenant_id', '=', tenantId).where('code', '=', code).executeTakeFirst() : undefined;
  if (!row) throw new AppError('NOT_FOUND', 'No such invite code', { errors: [{ field: 'code', code: 'unknown', message: 'not an invite code of this brand' }] });
  return row.member_id;
}

/** A share (by the member) or a click (by anyone who opened the link), counted once per visitor and local day. */
export async function trackVisit(deps: AppDeps, tenantId: string, referrerId: string, kind: 'share' | 'click', visitor: string): Promise<{ counted: boolean }> {
  const now = deps.clock.now();
  const zone = (await deps.db.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow()).time_zone;
  const day = DateTime.fromJSDate(now, { zone }).toISODate()!;
  const inserted = await deps.db
    .insertInto('referral_visits')
    .values({ tenant_id: tenantId, member_id: referrerId, kind, day, visitor_hash: fingerprint(tenantId, visitor), created_at: now })
    .onConflict((oc) => oc.doNothing())
    .returning('day')
    .executeTakeFirst();
  return { counted: !!inserted };
}

/** Device ids, visitor ids and addresses are compared, never read back: a tenant-salted SHA-256 is enough. */
export function fingerprint(tenantId: string, value: string): string {
  return crypto.createHash('sha256').update(`${tenantId}:${value.trim().toLowerCase().replace(/\s+/g, '')}`).digest('base64url');
}

async function codeOf(db: Db, tenantId: string, memberId: string): Promise<string | undefined> {
  return (await db.selectFrom('referral_codes').select('code').where('tenant_id', '=', tenantId).where('member_id', '=', memberId).executeTakeFirst())?.code;
}
