import crypto from 'node:crypto';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import * as repo from './members.repo.ts';
import { serializeMember } from './members.service.ts';

declare module '../../db/schema.ts' {
  interface DB {
    member_code_secrets: { tenant_id: string; member_id: string; secret: string; created_at: Date | undefined };
    member_code_uses: { tenant_id: string; member_id: string; step: number; used_at: Date | undefined };
  }
}

export const CODE_STEP_SECONDS = 60;
// A code from the previous step is still accepted: the screen may have been shown seconds before the scan.
const ACCEPTED_PAST_STEPS = 1;

/**
 * The member card's QR content: `<member number>.<step>.<signature>`, where the step is the current
 * minute and the signature an HMAC with the member's own secret, so it changes every 60 s, cannot be
 * forged from the number, and (being recorded when verified) works once.
 */
export async function currentMemberCode(deps: AppDeps, ctx: RequestContext, memberId: string) {
  const member = await repo.findMember(deps.db, ctx.tenantId, memberId);
  if (!member || member.status !== 'active') throw notFound('Member');
  const secret = await memberSecret(deps, ctx.tenantId, memberId);
  const step = stepAt(deps.clock.now());
  return {
    code: `${member.member_no}.${step}.${signature(secret, member.member_no, step)}`,
    expires_at: new Date((step + 1 + ACCEPTED_PAST_STEPS) * CODE_STEP_SECONDS * 1000).toISOString(),
    refresh_after_seconds: CODE_STEP_SECONDS - (Math.floor(deps.clock.now().getTime() / 1000) % CODE_STEP_SECONDS),
  };
}

/**
 * The card's codes for this minute and the next `steps - 1`, so the member center keeps showing a valid
 * code offline for that long. The secret never leaves the server: each code is only accepted in its own
 * minute and the one after, and once.
 */
export async function memberCodeWindow(deps: AppDeps, ctx: RequestContext, memberId: string, steps: number) {
  const member = await repo.findMember(deps.db, ctx.tenantId, memberId);
  if (!member || member.status !== 'active') throw notFound('Member');
  const secret = await memberSecret(deps, ctx.tenantId, memberId);
  const first = stepAt(deps.clock.now());
  const at = (step: number) => new Date(step * CODE_STEP_SECONDS * 1000).toISOString();
  return Array.from({ length: steps }, (_, i) => first + i).map((step) => ({
    code: `${member.member_no}.${step}.${signature(secret, member.member_no, step)}`,
    shows_from: at(step),
    shows_until: at(step + 1),
  }));
}

/** Checks a scanned code at the counter; an expired, forged or already used code is refused. */
export async function verifyMemberCode(deps: AppDeps, ctx: RequestContext, code: string) {
  const match = /^(M\d{8,})\.(\d{1,12})\.([A-Za-z0-9_-]{16})$/.exec(code.trim());
  if (!match) throw refused('malformed', 'This is not a member code');
  const [, memberNo, stepText, given] = match as unknown as [string, string, string, string];
  const step = Number(stepText);
  const now = stepAt(deps.clock.now());
  if (step > now || step < now - ACCEPTED_PAST_STEPS) throw refused('expired', 'This member code has expired; ask the member to refresh it');
  const member = await deps.db.selectFrom('members').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_no', '=', memberNo).executeTakeFirst();
  if (!member || member.status !== 'active') throw refused('invalid', 'This member code is not valid');
  const secret = await deps.db.selectFrom('member_code_secrets').select('secret').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', member.id).executeTakeFirst();
  const expected = secret ? signature(secret.secret, memberNo, step) : '';
  if (!secret || !crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected))) throw refused('invalid', 'This member code is not valid');
  const first = await deps.db
    .insertInto('member_code_uses')
    .values({ tenant_id: ctx.tenantId, member_id: member.id, step })
    .onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'step']).doNothing())
    .returning('step')
    .executeTakeFirst();
  if (!first) throw refused('replayed', 'This member code was already used; ask the member to refresh it');
  await recordAudit(deps.db, ctx, { action: 'member_code.verify', resourceType: 'member', resourceId: member.id });
  return { member: serializeMember(member, { masked: true }) };
}

function stepAt(time: Date): number {
  return Math.floor(time.getTime() / 1000 / CODE_STEP_SECONDS);
}

function signature(secret: string, memberNo: string, step: number): string {
  return crypto.createHmac('sha256', secret).update(`${memberNo}.${step}`).digest('base64url').slice(0, 16);
}

async function memberSecret(deps: AppDeps, tenantId: string, memberId: string): Promise<string> {
  await deps.db
    .insertInto('member_code_secrets')
    .values({ tenant_id: tenantId, member_id: memberId, secret: crypto.randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.columns(['tenant_id', 'member_id']).doNothing())
    .execute();
  const row = await deps.db.selectFrom('member_code_secrets').select('secret').where('tenant_id', '=', tenantId).where('member_id', '=', memberId).executeTakeFirstOrThrow();
  return row.secret;
}

const refused = (reason: string, message: string) =>
  new AppError('MEMBER_CODE_REFUSED', message, { errors: [{ field: 'code', code: reason, message }] });
