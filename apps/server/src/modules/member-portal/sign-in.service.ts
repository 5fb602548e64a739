import crypto from 'node:crypto';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { IdentityInput, Member } from '@hearth/contracts/members';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { Actor, AppDeps, RequestContext } from '../../deps.ts';
import { AppError, validationError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { findActiveTenant } from '../access/access.service.ts';
import { hashToken, randomToken } from '../access/secrets.ts';
import { maskPhone, normalizePhone } from '../members/personal-data.ts';
import { resolveMember } from '../members/resolve.service.ts';
import { adapters, providerConfigFor } from '../messaging/channels.service.ts';
import './member-portal.tables.ts';

export const CODE_TTL_SECONDS = 5 * 60;
export const RESEND_AFTER_SECONDS = 60;
export const SENDS_PER_HOUR = 5;
// A code takes this many wrong guesses before it is void: 5 guesses of 10^6 is a 1-in-200,000 chance.
export const ATTEMPTS_PER_CODE = 5;

export interface SignInRequest {
  brand: string;
  ip: string | null;
  requestId: string | null;
}

/**
 * Sends a 6-digit sign-in code to a phone. Per phone: one code a minute, five an hour, none while the
 * phone is locked after failed codes (per IP the route's rate limit applies). A new code replaces the
 * previous one. Only a hash of the code is stored.
 */
export async function sendSignInCode(deps: AppDeps, input: SignInRequest & { phone: string }) {
  const { tenant, phone, phoneHash } = await target(deps, input);
  const now = deps.clock.now();
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
  await withTransaction(deps.db, async (trx) => {
    const row = await lockPhone(trx, tenant.id, phoneHash);
    assertNotLocked(row.locked_until, now);
    if (row.last_sent_at && row.last_sent_at.getTime() + RESEND_AFTER_SECONDS * 1000 > now.getTime()) {
      throw throttled(new Date(row.last_sent_at.getTime() + RESEND_AFTER_SECONDS * 1000), now, 'resend_too_soon');
    }
    const windowOpen = row.window_started_at && row.window_started_at.getTime() + 3_600_000 > now.getTime();
    if (windowOpen && row.sends_in_window >= SENDS_PER_HOUR) throw throttled(new Date(row.window_started_at!.getTime() + 3_600_000), now, 'too_many_codes');
    await trx
      .updateTable('member_sign_in_codes')
      .set({
        code_hash: codeHash(phoneHash, code),
        code_expires_at: new Date(now.getTime() + CODE_TTL_SECONDS * 1000),
        code_attempts: 0,
        last_sent_at: now,
        window_started_at: windowOpen ? row.window_started_at : now,
        sends_in_window: windowOpen ? row.sends_in_window + 1 : 1,
        updated_at: now,
      })
      .where('tenant_id', '=', tenant.id)
      .where('phone_hash', '=', phoneHash)
      .execute();
  });
  await deliverCode(deps, tenant.id, phone, code);
  return { expires_in_seconds: CODE_TTL_SECONDS, resend_after_seconds: RESEND_AFTER_SECONDS };
}

/**
 * Checks a sign-in code and signs the member in, registering them when the phone is new (as a brand's
 * own sign-up would). Wrong codes count against the phone: after HEARTH_LOGIN_MAX_FAILURES the phone is
 * locked for HEARTH_LOGIN_LOCK_MINUTES, and a code dies after ATTEMPTS_PER_CODE guesses.
 */
export async function verifySignInCode(deps: AppDeps, input: SignInRequest & { phone: string; code: string; kind: 'cookie' | 'bearer' }) {
  const { tenant, phone, phoneHash } = await target(deps, input);
  const now = deps.clock.now();
  const outcome = await withTransaction(deps.db, async (trx) => {
    const row = await lockPhone(trx, tenant.id, phoneHash);
    assertNotLocked(row.locked_until, now);
    const live = row.code_hash && row.code_expires_at && row.code_expires_at > now;
    const given = codeHash(phoneHash, input.code.trim());
    if (live && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(row.code_hash!))) {
      await trx.updateTable('member_sign_in_codes').set({ code_hash: null, code_expires_at: null, code_attempts: 0, failures: 0, locked_until: null, updated_at: now }).where('tenant_id', '=', tenant.id).where('phone_hash', '=', phoneHash).execute();
      return { ok: true as const };
    }
    // A failure is committed before it is reported, or the count would roll back with the error.
    const failures = row.failures + 1;
    const lock = failures >= deps.config.login.maxFailures;
    const attempts = row.code_attempts + 1;
    await trx
      .updateTable('member_sign_in_codes')
      .set({
        failures: lock ? 0 : failures,
        locked_until: lock ? new Date(now.getTime() + deps.config.login.lockMinutes * 60_000) : row.locked_until,
        code_attempts: attempts,
        ...((lock || attempts >= ATTEMPTS_PER_CODE) && { code_hash: null, code_expires_at: null }),
        updated_at: now,
      })
      .where('tenant_id', '=', tenant.id)
      .where('phone_hash', '=', phoneHash)
      .execute();
    return { ok: false as const, lockedUntil: lock ? new Date(now.getTime() + deps.config.login.lockMinutes * 60_000) : null, reason: live ? 'wrong_code' : 'no_live_code' };
  });
  if (!outcome.ok) {
    if (outcome.lockedUntil) throw throttled(outcome.lockedUntil, now, 'locked');
    throw new AppError('SIGN_IN_CODE_INVALID', outcome.reason === 'wrong_code' ? 'The code is not correct' : 'The code has expired or was not requested; ask for a new one', {
      errors: [{ field: 'code', code: outcome.reason, message: outcome.reason === 'wrong_code' ? '验证码不正确' : '验证码已失效，请重新获取' }],
    });
  }
  return signInByIdentity(deps, { tenantId: tenant.id, identities: [{ type: 'phone', value: phone }], channel: 'web', profile: {}, kind: input.kind, method: 'sms', ip: input.ip, requestId: input.requestId });
}

/** Resolves (or registers) the member behind the identities and opens a session for them. */
export async function signInByIdentity(
  deps: AppDeps,
  input: { tenantId: string; identities: IdentityInput[]; channel: Member['channel']; profile: { nickname?: string }; kind: 'cookie' | 'bearer'; method: 'sms' | 'wechat'; openid?: string; ip: string | null; requestId: string | null },
) {
  const system: RequestContext = { tenantId: input.tenantId, actor: { type: 'system', id: null, label: 'member center sign-in', role: null, permissions: new Set() }, requestId: input.requestId, ip: input.ip };
  // Several identities of one person (openid and unionid) found on two members are one person: merge, as resolve does for a brand's own login.
  const { member, created } = await resolveMember(deps, system, { identities: input.identities, profile: { channel: input.channel, ...input.profile }, merge: true });
  if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', 'This membership is frozen; please contact the brand');
  const token = `hm_${randomToken(40)}`;
  const expiresAt = new Date(deps.clock.now().getTime() + deps.config.memberPortal.sessionDays * 86_400_000);
  const ctx = memberContext(input.tenantId, member.id, member.member_no, input.requestId, input.ip);
  await withTransaction(deps.db, async (trx) => {
    await trx.insertInto('member_sessions').values({ tenant_id: input.tenantId, member_id: member.id, id: uuidv7(), token_hash: hashToken(token), kind: input.kind, method: input.method, wechat_openid: input.openid ?? null, expires_at: expiresAt }).execute();
    await recordAudit(trx, ctx, { action: 'member.sign_in', resourceType: 'member', resourceId: member.id, details: { method: input.method, created } });
  });
  return { token, expiresAt, memberId: member.id, created };
}

export interface MemberPrincipal {
  tenantId: string;
  memberId: string;
  memberNo: string;
  wechatOpenid: string | null;
  /** The brand's time zone: the member center shows dates and times in it, wherever the phone is. */
  timeZone: string;
}

/** A member session token's owner; undefined when unknown, expired, or the member is no longer active. */
export async function authenticateMember(db: Db, token: string, now: Date): Promise<MemberPrincipal | undefined> {
  const row = await db
    .selectFrom('member_sessions as s')
    .innerJoin('members as m', (join) => join.onRef('m.tenant_id', '=', 's.tenant_id').onRef('m.id', '=', 's.member_id'))
    .innerJoin('tenants as t', 't.id', 's.tenant_id')
    .select(['s.tenant_id', 's.member_id', 'm.member_no', 'm.status', 't.status as tenant_status', 't.time_zone', 's.expires_at', 's.wechat_openid'])
    .where('s.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.expires_at <= now || row.status !== 'active' || row.tenant_status !== 'active') return undefined;
  return { tenantId: row.tenant_id, memberId: row.member_id, memberNo: row.member_no, wechatOpenid: row.wechat_openid, timeZone: row.time_zone };
}

export async function endMemberSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('member_sessions').where('token_hash', '=', hashToken(token)).execute();
}

/** Every session of a member (after an erasure, on a merge of the member into another). */
export async function endAllMemberSessions(db: Db, tenantId: string, memberId: string): Promise<number> {
  const rows = await db.deleteFrom('member_sessions').where('tenant_id', '=', tenantId).where('member_id', '=', memberId).executeTakeFirst();
  return Number(rows.numDeletedRows);
}

/** Forgets codes, sends and locks nobody needs any more (hourly). */
export async function cleanSignInCodes(db: Db, now: Date): Promise<number> {
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const deleted = await db
    .deleteFrom('member_sign_in_codes')
    .where('updated_at', '<', dayAgo)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .executeTakeFirst();
  await db.deleteFrom('member_sessions').where('expires_at', '<', now).execute();
  return Number(deleted.numDeletedRows);
}

export function memberActor(memberId: string, memberNo: string): Actor {
  return { type: 'member', id: memberId, label: `member ${memberNo}`, role: null, permissions: new Set() };
}

export function memberContext(tenantId: string, memberId: string, memberNo: string, requestId: string | null, ip: string | null): RequestContext {
  return { tenantId, actor: memberActor(memberId, memberNo), requestId, ip };
}

async function target(deps: AppDeps, input: SignInRequest & { phone: string }) {
  const tenant = await findActiveTenant(deps.db, input.brand);
  if (!tenant) throw validationError([{ field: 'brand', code: 'unknown_brand', message: 'no such brand' }]);
  const phone = normalizePhone(input.phone);
  if (!phone) throw validationError([{ field: 'phone', code: 'invalid_phone', message: '手机号格式不正确 / not a valid phone number' }]);
  // The tenant in the hash keeps one phone's rows apart across brands; the table holds no number.
  return { tenant, phone, phoneHash: crypto.createHash('sha256').update(`${tenant.id}:${phone}`).digest('base64url') };
}

/** Creates the phone's row if needed and locks it: sends and checks for one phone happen one at a time. */
function lockPhone(trx: Db, tenantId: string, phoneHash: string) {
  return trx
    .insertInto('member_sign_in_codes')
    .values({ tenant_id: tenantId, phone_hash: phoneHash })
    .onConflict((oc) => oc.columns(['tenant_id', 'phone_hash']).doUpdateSet({ updated_at: sql`member_sign_in_codes.updated_at` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

// Six digits have only 10^6 values, so no hash hides a code from someone holding the table; the hash keeps
// codes out of backups and logs, and the five-minute life and attempt limits are what protect them.
function codeHash(phoneHash: string, code: string): string {
  return crypto.createHash('sha256').update(`${phoneHash}:${code}`).digest('base64url');
}

function assertNotLocked(lockedUntil: Date | null, now: Date) {
  if (lockedUntil && lockedUntil > now) throw throttled(lockedUntil, now, 'locked');
}

function throttled(until: Date, now: Date, reason: 'resend_too_soon' | 'too_many_codes' | 'locked') {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  const message = reason === 'locked' ? `Too many wrong codes; try again in ${Math.ceil(seconds / 60)} minutes` : `Too many codes requested; try again in ${seconds} seconds`;
  return new AppError('SIGN_IN_THROTTLED', message, { headers: { 'retry-after': String(seconds) }, errors: [{ field: 'phone', code: reason, message }] });
}

/**
 * The code goes out as a transactional SMS through the brand's SMS provider (messaging's channel adapter)
 * when one is enabled with a `sign_in_template` setting: the provider-approved template whose parameter
 * `code` carries it. Not through sendMessage: that keeps each message's variables in its delivery log, and
 * a sign-in code must not be stored, nor is the phone a member yet. Without a provider, development writes
 * the code to the server log (the browser test reads it there) and production logs that it could not send.
 */
async function deliverCode(deps: AppDeps, tenantId: string, phone: string, code: string) {
  const config = await providerConfigFor(deps, deps.db, tenantId, 'sms');
  const template = config?.settings.sign_in_template;
  if (config && typeof template === 'string' && template) {
    try {
      await adapters.sms.send(
        {
          tenantId,
          memberId: '',
          deliveryId: uuidv7(),
          channel: 'sms',
          to: phone,
          rendered: { locale: 'zh-CN', variant: null, subject: null, body: `验证码 ${code}，5 分钟内有效。`, text: null, link: null, fields: { code } },
          providerTemplate: template,
          smsSignName: null,
          category: 'transactional',
        },
        { db: deps.db, config, now: () => deps.clock.now(), secretsKey: deps.config.secretsKey },
      );
    } catch (err) {
      deps.log.warn({ phone: maskPhone(phone), err: (err as Error).message }, 'member sign-in code: the SMS provider refused it');
      throw new AppError('SMS_UNAVAILABLE', 'The code could not be sent; try again in a minute');
    }
    return;
  }
  if (deps.config.env === 'production') {
    deps.log.warn({ phone: maskPhone(phone) }, 'member sign-in code not delivered: no SMS provider with a sign_in_template is enabled');
    return;
  }
  deps.log.info({ phone: maskPhone(phone), sign_in_code: code }, `member sign-in code ${code} (development: not sent by SMS)`);
}
