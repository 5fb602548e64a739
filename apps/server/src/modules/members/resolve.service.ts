import type { z } from 'zod';
import type { IdentityInput, Member, resolveRequestSchema } from '@hearth/contracts/members';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { stitchAnonymous } from './events.service.ts';
import * as repo from './members.repo.ts';
import { mergeMembers } from './merge.service.ts';
import { assertIdentitiesFree, normalizeIdentities, registerMember, serializeMember, updateMember, type MemberProfile } from './members.service.ts';
import { normalizeEmail, normalizePhone } from './personal-data.ts';

export type ResolveRequest = z.infer<typeof resolveRequestSchema>;

/**
 * Finds the member behind any of the identities, or registers one: the call every POS, mini program
 * and shop makes at login. Identity locks make it atomic: two first logins of one person at the same
 * moment make one member. Identities found on several members are a 409 unless merge=true, which merges
 * them into the earliest registered.
 */
export async function resolveMember(deps: AppDeps, ctx: RequestContext, input: ResolveRequest): Promise<{ member: Member; created: boolean; merged_member_ids: string[] }> {
  const keys = withContactIdentities(normalizeIdentities(input.identities), input.profile);
  const known = await findKnownMember(deps, ctx, keys, input);
  if (known) return { member: serializeMember(known, { masked: true }), created: false, merged_member_ids: [] };
  return withTransaction(deps.db, async (trx) => {
    const inTrx = { ...deps, db: trx };
    await repo.lockIdentities(trx, ctx.tenantId, keys);
    const found = await repo.findIdentities(trx, ctx.tenantId, keys);
    const memberIds = [...new Set(found.map((f) => f.member_id))];

    if (memberIds.length === 0) {
      const channel = input.profile?.channel;
      if (!channel) throw validationError([{ field: 'profile.channel', code: 'required', message: 'needed to register a new member' }]);
      const row = await registerMember(inTrx, ctx, { ...input.profile, channel }, keys);
      if (input.anonymous_id) await stitchAnonymous(trx, ctx.tenantId, input.anonymous_id, row.id);
      return { member: serializeMember(row, { masked: true }), created: true, merged_member_ids: [] };
    }

    let survivorId = memberIds[0]!;
    const mergedIds: string[] = [];
    if (memberIds.length > 1) {
      if (!input.merge) {
        throw new AppError('MEMBER_IDENTITY_TAKEN', 'These identities belong to different members; send merge=true to merge them', {
          errors: found.map((f) => ({ field: 'identities', code: 'identity_taken', message: `${f.type} belongs to member ${f.member_id}` })),
        });
      }
      const rows = await trx.selectFrom('members').select(['id', 'registered_at']).where('tenant_id', '=', ctx.tenantId).where('id', 'in', memberIds).orderBy('registered_at').orderBy('id').execute();
      survivorId = rows[0]!.id;
      for (const other of rows.slice(1)) {
        await mergeMembers(inTrx, ctx, survivorId, other.id, 'resolve: identities of one person');
        mergedIds.push(other.id);
      }
    }

    const missing = keys.filter((k) => !found.some((f) => f.type === k.type && f.app_id === k.app_id && f.value === k.value));
    await assertIdentitiesFree(trx, ctx.tenantId, missing, survivorId);
    const current = (await repo.findMember(trx, ctx.tenantId, survivorId))!;
    // A new phone or email fills the empty profile field (which records it as an identity too);
    // when the profile already has one, the new value is kept as an additional identity.
    const viaProfile = missing.filter(
      (k, i) => (k.type === 'phone' || k.type === 'email') && current[k.type] === null && missing.findIndex((o) => o.type === k.type) === i,
    );
    await repo.insertIdentities(trx, ctx.tenantId, survivorId, missing.filter((k) => !viaProfile.includes(k)));

    // Fill what the profile lacks; never overwrite what the member or an operator already set.
    const fill: MemberProfile = {};
    for (const [key, value] of Object.entries(input.profile ?? {})) {
      if (key === 'channel' || key === 'phone' || key === 'email' || value === undefined || value === null) continue;
      const column = key === 'birthday' ? 'birthday_month' : key;
      if (column in current && current[column as keyof repo.MemberRow] === null) (fill as Record<string, unknown>)[key] = value;
    }
    for (const key of viaProfile) fill[key.type as 'phone' | 'email'] = key.value;
    if (input.anonymous_id) await stitchAnonymous(trx, ctx.tenantId, input.anonymous_id, survivorId);
    const member = Object.keys(fill).length > 0 ? await updateMember(inTrx, ctx, survivorId, fill) : serializeMember(current, { masked: true });
    return { member, created: false, merged_member_ids: mergedIds };
  });
}

/**
 * The everyday login: every identity is already known, all on one member, and the request adds nothing
 * to the profile. One read answers it, without a transaction or locks; anything else takes the locked path.
 */
async function findKnownMember(deps: AppDeps, ctx: RequestContext, keys: repo.IdentityKey[], input: ResolveRequest) {
  if (input.anonymous_id) return undefined;
  const rows = await deps.db
    .selectFrom('member_identities as i')
    .innerJoin('members as m', (join) => join.onRef('m.tenant_id', '=', 'i.tenant_id').onRef('m.id', '=', 'i.member_id'))
    .selectAll('m')
    .where('i.tenant_id', '=', ctx.tenantId)
    .where((eb) => eb.or(keys.map((k) => eb.and([eb('i.type', '=', k.type), eb('i.app_id', '=', k.app_id), eb('i.value', '=', k.value)]))))
    .execute();
  if (rows.length !== keys.length || rows.some((r) => r.id !== rows[0]!.id)) return undefined;
  const member = rows[0]!;
  const wouldFill = Object.entries(input.profile ?? {}).some(([key, value]) => {
    if (key === 'channel' || value === undefined || value === null) return false;
    const column = key === 'birthday' ? 'birthday_month' : key;
    return column in member && member[column as keyof repo.MemberRow] === null;
  });
  return wouldFill ? undefined : member;
}

/** A phone or email in the profile is an identity as well: it must find the same person next time. */
function withContactIdentities(keys: repo.IdentityKey[], profile: ResolveRequest['profile']): repo.IdentityKey[] {
  const extra: IdentityInput[] = [];
  const phone = profile?.phone ? normalizePhone(profile.phone) : undefined;
  if (profile?.phone && !phone) throw validationError([{ field: 'profile.phone', code: 'invalid_phone', message: 'not a valid phone number' }]);
  if (phone) extra.push({ type: 'phone', value: phone });
  if (profile?.email) extra.push({ type: 'email', value: normalizeEmail(profile.email) });
  const all = [...keys, ...extra.map((i) => ({ type: i.type, app_id: '', value: i.value }))];
  return all.filter((a, i) => all.findIndex((b) => b.type === a.type && b.app_id === a.app_id && b.value === a.value) === i);
}

/**
 * Attaches one more identity to a member. If it belongs to another member that is a 409, unless the
 * caller asks to merge that member into this one.
 */
export async function attachIdentity(deps: AppDeps, ctx: RequestContext, memberId: string, identity: IdentityInput, merge: boolean) {
  const [key] = normalizeIdentities([identity], 'identity');
  return withTransaction(deps.db, async (trx) => {
    const inTrx = { ...deps, db: trx };
    const member = await repo.findMember(trx, ctx.tenantId, memberId, { forUpdate: true });
    if (!member) throw notFound('Member');
    await repo.lockIdentities(trx, ctx.tenantId, [key!]);
    const [owner] = await repo.findIdentities(trx, ctx.tenantId, [key!]);
    if (owner && owner.member_id !== memberId) {
      if (!merge) await assertIdentitiesFree(trx, ctx.tenantId, [key!], memberId);
      await mergeMembers(inTrx, ctx, memberId, owner.member_id, `attach ${key!.type}`);
    } else if (!owner) {
      if ((key!.type === 'phone' || key!.type === 'email') && member[key!.type] === null) {
        await updateMember(inTrx, ctx, memberId, { [key!.type]: key!.value });
      } else {
        await repo.insertIdentities(trx, ctx.tenantId, memberId, [key!]);
        await recordAudit(trx, ctx, { action: 'member.identity_attach', resourceType: 'member', resourceId: memberId, details: { type: key!.type, app_id: key!.app_id || null } });
      }
    }
    return repo.identitiesOf(trx, ctx.tenantId, memberId);
  });
}
