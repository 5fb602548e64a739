import { sql } from 'kysely';
import type { Referral, ReferralSettings } from '@hearth/contracts/referrals';
import { isUniqueViolation } from '../../db/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { getMemberRow } from '../members/members.service.ts';
import { fingerprint, getReferralSettings, referrerOf } from './invite.service.ts';
import { getReferral } from './referrals.query.ts';
import './referrals.tables.ts';

type Flag = Referral['flags'][number];

/**
 * Links a new member to the referrer whose code they entered. The new member's key makes a second link
 * impossible (409), and one's own code is refused by construction. What only looks like the same person
 * (the referrer's phone or device, an address or device another invitee of the referrer used, a burst of
 * joins within an hour) is linked but goes to review: nothing is paid until an operator approves.
 * The referrer's advisory lock makes the burst count exact when many join at once.
 */
export async function joinReferral(deps: AppDeps, ctx: RequestContext, memberId: string, input: { code: string; device_id?: string; address?: string }): Promise<Referral> {
  const member = await getMemberRow(deps.db, ctx, memberId);
  if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', `The member is ${member.status}`);
  const settings = await getReferralSettings(deps.db, ctx.tenantId);
  if (!settings.enabled) throw new AppError('REFERRALS_DISABLED', 'Referrals are switched off');
  const referrerId = await referrerOf(deps.db, ctx.tenantId, input.code);
  if (referrerId === memberId) throw new AppError('REFERRAL_REFUSED', 'A member cannot use their own invite code', { errors: [{ field: 'code', code: 'own_code', message: 'this is your own code' }] });
  const now = deps.clock.now();
  if (now.getTime() - member.registered_at.getTime() > settings.join_window_hours * 3_600_000) {
    throw new AppError('REFERRAL_REFUSED', `Invite codes are accepted within ${settings.join_window_hours} hours of joining`, { errors: [{ field: 'code', code: 'too_late', message: 'only new members can enter an invite code' }] });
  }
  const referrer = await getMemberRow(deps.db, ctx, referrerId);
  const deviceHash = input.device_id ? fingerprint(ctx.tenantId, input.device_id) : null;
  const addressHash = input.address ? fingerprint(ctx.tenantId, input.address) : null;
  try {
    return await link(deps, ctx, { memberId, referrerId, member, referrer, deviceHash, addressHash, settings, now });
  } catch (error) {
    // Two codes entered at once by one new member: the key keeps the first.
    if (isUniqueViolation(error, 'referrals_pkey')) throw alreadyReferred();
    throw error;
  }
}

interface Link {
  memberId: string;
  referrerId: string;
  member: { phone: string | null };
  referrer: { phone: string | null };
  deviceHash: string | null;
  addressHash: string | null;
  settings: ReferralSettings;
  now: Date;
}

async function link(deps: AppDeps, ctx: RequestContext, { memberId, referrerId, member, referrer, deviceHash, addressHash, settings, now }: Link): Promise<Referral> {
  return withTransaction(deps.db, async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`referrals:${ctx.tenantId}:${referrerId}`}, 0))`.execute(trx);
    const earlier = await trx.selectFrom('referrals').select('referrer_id').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst();
    if (earlier) throw alreadyReferred();
    const flags: Flag[] = [];
    if (member.phone && member.phone === referrer.phone) flags.push('same_phone');
    if (deviceHash) {
      const seen = await sql<{ n: number }>`select (
          exists (select 1 from referral_visits where tenant_id = ${ctx.tenantId} and member_id = ${referrerId} and kind = 'share' and visitor_hash = ${deviceHash})
          or exists (select 1 from referrals where tenant_id = ${ctx.tenantId} and referrer_id = ${referrerId} and device_hash = ${deviceHash})
          or exists (select 1 from referrals where tenant_id = ${ctx.tenantId} and member_id = ${referrerId} and device_hash = ${deviceHash}))::int as n`.execute(trx);
      if (seen.rows[0]!.n) flags.push('same_device');
    }
    if (addressHash) {
      const seen = await trx.selectFrom('referrals').select('member_id').where('tenant_id', '=', ctx.tenantId).where((eb) => eb.or([eb('referrer_id', '=', referrerId), eb('member_id', '=', referrerId)])).where('address_hash', '=', addressHash).executeTakeFirst();
      if (seen) flags.push('same_address');
    }
    const lastHour = await trx.selectFrom('referrals').select(sql<number>`count(*)::int`.as('n')).where('tenant_id', '=', ctx.tenantId).where('referrer_id', '=', referrerId).where('joined_at', '>', new Date(now.getTime() - 3_600_000)).executeTakeFirstOrThrow();
    if (lastHour.n >= settings.burst_per_hour) flags.push('burst');
    const status = flags.length ? 'pending_review' : 'joined';
    await trx.insertInto('referrals').values({ tenant_id: ctx.tenantId, member_id: memberId, referrer_id: referrerId, status, flags: JSON.stringify(flags), device_hash: deviceHash, address_hash: addressHash, joined_at: now, order_id: null, qualifies_at: null, rewarded_at: null, reviewed_by: null, reviewed_at: null, review_note: null }).execute();
    await emitEvent(trx, deps.jobs, ctx, 'referral.joined', { member_id: memberId, referrer_id: referrerId });
    if (flags.length) await emitEvent(trx, deps.jobs, ctx, 'referral.flagged', { member_id: memberId, referrer_id: referrerId, flags });
    return getReferral(trx, ctx.tenantId, memberId);
  });
}

const alreadyReferred = () => new AppError('REFERRAL_EXISTS', 'This member was already referred', { errors: [{ field: 'code', code: 'already_referred', message: 'a member can be referred once' }] });
