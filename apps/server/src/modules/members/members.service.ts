import type { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import type { IdentityInput, Member, memberCreateSchema, memberProfileSchema, memberUpdateSchema } from '@hearth/contracts/members';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError, type FieldError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getStore } from '../stores/stores.service.ts';
import { listCustomFields, validateCustomFields } from './custom-fields.ts';
import * as repo from './members.repo.ts';
import { maskEmail, maskPhone, normalizeEmail, normalizePhone } from './personal-data.ts';

export type MemberCreate = z.infer<typeof memberCreateSchema>;
export type MemberProfile = z.infer<typeof memberProfileSchema>;
export type MemberUpdate = z.infer<typeof memberUpdateSchema>;

/** Registers a member with the identities given (plus phone and email as identities). */
export async function createMember(deps: AppDeps, ctx: RequestContext, input: MemberCreate): Promise<Member> {
  const identities = normalizeIdentities(input.identities ?? []);
  return withTransaction(deps.db, async (trx) => {
    const row = await registerMember({ ...deps, db: trx }, ctx, input, identities);
    return serializeMember(row, { masked: true });
  });
}

/**
 * The shared path of every registration (create, resolve, import): validates the profile, takes the
 * identities' locks, refuses identities owned by someone else, numbers the member, records it.
 * Must run inside a transaction.
 */
export async function registerMember(
  deps: AppDeps,
  ctx: RequestContext,
  input: MemberProfile & { channel: MemberCreate['channel']; registered_at?: string },
  identities: repo.IdentityKey[],
): Promise<repo.MemberRow> {
  const trx = deps.db;
  const profile = await profileColumns(deps, ctx, input);
  // A phone or email that arrives only as an identity is still the member's phone or email.
  for (const kind of ['phone', 'email'] as const) profile[kind] ??= identities.find((i) => i.type === kind)?.value ?? null;
  const allIdentities = withProfileIdentities(identities, profile);
  await repo.lockIdentities(trx, ctx.tenantId, allIdentities);
  await assertIdentitiesFree(trx, ctx.tenantId, allIdentities, null);
  const row = await trx
    .insertInto('members')
    .values({
      tenant_id: ctx.tenantId,
      id: uuidv7(),
      member_no: await repo.nextMemberNumber(trx, ctx.tenantId),
      ...profile,
      custom_fields: JSON.stringify(profile.custom_fields ?? {}),
      channel: input.channel,
      registered_at: input.registered_at ?? deps.clock.now(),
      status: 'active',
      merged_into: null,
      erased_at: null,
    } as never)
    .returningAll()
    .executeTakeFirstOrThrow();
  await repo.insertIdentities(trx, ctx.tenantId, row.id, allIdentities);
  await recordAudit(trx, ctx, { action: 'member.register', resourceType: 'member', resourceId: row.id, details: { member_no: row.member_no, channel: row.channel } });
  await emitEvent(trx, deps.jobs, ctx, 'member.registered', { member_id: row.id, member_no: row.member_no, channel: row.channel });
  return row;
}

export async function getMemberRow(db: Db, ctx: RequestContext, id: string): Promise<repo.MemberRow> {
  const row = await repo.findMember(db, ctx.tenantId, id);
  if (!row) throw notFound('Member');
  return row;
}

export async function updateMember(deps: AppDeps, ctx: RequestContext, id: string, changes: MemberUpdate): Promise<Member> {
  return withTransaction(deps.db, async (trx) => {
    const before = await repo.findMember(trx, ctx.tenantId, id, { forUpdate: true });
    if (!before) throw notFound('Member');
    assertWritable(before);
    const { status, ...profileChanges } = changes;
    const columns = await profileColumns({ ...deps, db: trx }, ctx, profileChanges, before.custom_fields);
    // Phone and email are identities too: the old value stops finding this member, the new one starts.
    for (const kind of ['phone', 'email'] as const) {
      const next = columns[kind];
      if (next === undefined || next === before[kind]) continue;
      if (before[kind]) {
        await trx.deleteFrom('member_identities').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', id).where('type', '=', kind).where('value', '=', before[kind]!).execute();
      }
      if (next) {
        const key = { type: kind, app_id: '', value: next };
        await repo.lockIdentities(trx, ctx.tenantId, [key]);
        await assertIdentitiesFree(trx, ctx.tenantId, [key], id);
        await repo.insertIdentities(trx, ctx.tenantId, id, [key]);
      }
    }
    const row = await trx
      .updateTable('members')
      .set({
        ...columns,
        ...(columns.custom_fields !== undefined && { custom_fields: JSON.stringify(columns.custom_fields) }),
        ...(status !== undefined && { status }),
        updated_at: deps.clock.now(),
      } as never)
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // Field names only: audit rows and events must never carry the personal data itself.
    const changed = Object.keys(changes).filter((k) => changes[k as keyof MemberUpdate] !== undefined);
    await recordAudit(trx, ctx, { action: 'member.update', resourceType: 'member', resourceId: id, details: { changed } });
    await emitEvent(trx, deps.jobs, ctx, 'member.updated', { member_id: id, changed });
    return serializeMember(row, { masked: true });
  });
}

export function assertWritable(row: repo.MemberRow) {
  if (row.status === 'merged' || row.status === 'erased') {
    throw new AppError('MEMBER_NOT_ACTIVE', row.status === 'merged' ? `This member was merged into ${row.merged_into}` : 'This member was erased');
  }
}

/** Identities as stored: app id '' where none applies, phone in E.164, email lower-case. */
export function normalizeIdentities(identities: IdentityInput[], fieldPrefix = 'identities'): repo.IdentityKey[] {
  const errors: FieldError[] = [];
  const keys = identities.map((identity, index) => {
    let value = identity.value;
    if (identity.type === 'phone') {
      const phone = normalizePhone(value);
      if (!phone) errors.push({ field: `${fieldPrefix}.${index}.value`, code: 'invalid_phone', message: 'not a valid phone number' });
      value = phone ?? value;
    }
    if (identity.type === 'email') value = normalizeEmail(value);
    return { type: identity.type, app_id: identity.app_id ?? '', value };
  });
  if (errors.length) throw validationError(errors);
  return keys;
}

/** Refuses identities that already belong to another member (the one being changed may keep its own). */
export async function assertIdentitiesFree(db: Db, tenantId: string, identities: repo.IdentityKey[], memberId: string | null) {
  const owned = (await repo.findIdentities(db, tenantId, identities)).filter((i) => i.member_id !== memberId);
  if (owned.length === 0) return;
  throw new AppError('MEMBER_IDENTITY_TAKEN', 'An identity belongs to another member; resolve with merge=true to merge them', {
    errors: owned.map((i) => ({ field: i.type === 'phone' || i.type === 'email' ? i.type : 'identities', code: 'identity_taken', message: `${i.type} belongs to member ${i.member_id}` })),
  });
}

function withProfileIdentities(identities: repo.IdentityKey[], profile: { phone?: string | null; email?: string | null }): repo.IdentityKey[] {
  const all = [...identities];
  if (profile.phone) all.push({ type: 'phone', app_id: '', value: profile.phone });
  if (profile.email) all.push({ type: 'email', app_id: '', value: profile.email });
  return all.filter((a, i) => all.findIndex((b) => b.type === a.type && b.app_id === a.app_id && b.value === a.value) === i);
}

/** Profile fields → columns, validated: phone, home store, custom fields. Undefined stays absent. */
export async function profileColumns(deps: AppDeps, ctx: RequestContext, profile: MemberProfile, currentCustom: Record<string, unknown> = {}) {
  const errors: FieldError[] = [];
  const columns: Record<string, unknown> & { phone?: string | null; email?: string | null; custom_fields?: Record<string, unknown> } = {};
  for (const key of ['name', 'nickname', 'gender', 'province', 'city', 'district', 'home_store_id', 'campaign'] as const) {
    if (profile[key] !== undefined) columns[key] = profile[key];
  }
  if (profile.phone !== undefined) {
    const phone = profile.phone === null ? null : normalizePhone(profile.phone);
    if (phone === undefined) errors.push({ field: 'phone', code: 'invalid_phone', message: 'not a valid phone number' });
    else columns.phone = phone;
  }
  if (profile.email !== undefined) columns.email = profile.email === null ? null : normalizeEmail(profile.email);
  if (profile.birthday !== undefined) {
    columns.birthday_month = profile.birthday?.month ?? null;
    columns.birthday_day = profile.birthday?.day ?? null;
    columns.birth_year = profile.birthday?.year ?? null;
  }
  if (profile.home_store_id) {
    await getStore(deps, ctx, profile.home_store_id).catch(() => errors.push({ field: 'home_store_id', code: 'unknown_store', message: 'no such store' }));
  }
  if (errors.length) throw validationError(errors);
  if (profile.custom_fields !== undefined) {
    const values = validateCustomFields(await listCustomFields(deps.db, ctx.tenantId), profile.custom_fields);
    const merged = { ...currentCustom, ...values };
    for (const [key, value] of Object.entries(merged)) if (value === null) delete merged[key];
    columns.custom_fields = merged;
  }
  return columns;
}

export function serializeMember(row: repo.MemberRow, options: { masked: boolean }): Member {
  const masked = options.masked;
  return {
    id: row.id,
    member_no: row.member_no,
    name: row.name,
    nickname: row.nickname,
    gender: row.gender,
    birthday: row.birthday_month && row.birthday_day ? { month: row.birthday_month, day: row.birthday_day, year: row.birth_year } : null,
    phone: row.phone && masked ? maskPhone(row.phone) : row.phone,
    email: row.email && masked ? maskEmail(row.email) : row.email,
    province: row.province,
    city: row.city,
    district: row.district,
    home_store_id: row.home_store_id,
    channel: row.channel as Member['channel'],
    campaign: row.campaign,
    registered_at: row.registered_at.toISOString(),
    status: row.status,
    merged_into: row.merged_into,
    custom_fields: row.custom_fields,
    pii_masked: masked && (row.phone !== null || row.email !== null),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/**
 * The member an order or event belongs to, for other modules: by id (following a merge to the survivor)
 * or by any identity. Undefined when nobody matches.
 */
export async function findMemberIdFor(db: Db, tenantId: string, by: { member_id?: string | null; identity?: IdentityInput }): Promise<string | undefined> {
  if (by.member_id) {
    let row = await repo.findMember(db, tenantId, by.member_id);
    for (let hops = 0; row?.status === 'merged' && row.merged_into && hops < 10; hops++) row = await repo.findMember(db, tenantId, row.merged_into);
    return row && row.status !== 'merged' ? row.id : undefined;
  }
  if (by.identity) {
    const [key] = normalizeIdentities([by.identity], 'identity');
    const [found] = await repo.findIdentities(db, tenantId, [key!]);
    return found?.member_id;
  }
  return undefined;
}

/**
 * For bulk work in other modules (coupon issuance): which of these ids are active members, and which
 * active member each E.164 phone belongs to, in one statement each.
 */
export async function activeMemberIds(db: Db, tenantId: string, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.selectFrom('members').select('id').where('tenant_id', '=', tenantId).where('id', 'in', [...ids]).where('status', '=', 'active').execute();
  return new Set(rows.map((r) => r.id));
}

export async function memberIdsByPhone(db: Db, tenantId: string, phones: readonly string[]): Promise<Map<string, string>> {
  const found = await repo.findIdentities(db, tenantId, phones.map((value) => ({ type: 'phone', app_id: '', value })));
  return new Map(found.map((i) => [i.value, i.member_id]));
}

/** Which member each WeChat unionid belongs to, in one statement (WeCom contacts are mapped by it). */
export async function memberIdsByUnionid(db: Db, tenantId: string, unionids: readonly string[]): Promise<Map<string, string>> {
  const found = await repo.findIdentities(db, tenantId, unionids.map((value) => ({ type: 'wechat_unionid', app_id: '', value })));
  return new Map(found.map((i) => [i.value, i.member_id]));
}

/** A member's official-account openids (any app): channel codes match follows recorded before the member existed. */
export async function openidsOfMember(db: Db, tenantId: string, memberId: string): Promise<string[]> {
  const rows = await db.selectFrom('member_identities').select('value').where('tenant_id', '=', tenantId).where('member_id', '=', memberId).where('type', '=', 'wechat_openid').execute();
  return rows.map((r) => r.value);
}

/** A member's WeChat unionids (usually one): lets other modules match what they hold under it. */
export async function unionidsOfMember(db: Db, tenantId: string, memberId: string): Promise<string[]> {
  const rows = await db.selectFrom('member_identities').select('value').where('tenant_id', '=', tenantId).where('member_id', '=', memberId).where('type', '=', 'wechat_unionid').execute();
  return rows.map((r) => r.value);
}

/** Active members born in a month (1–12), in key order after `afterId`: the birthday-gift job's chunks. */
export async function memberIdsBornInMonth(db: Db, tenantId: string, month: number, afterId: string | null, limit: number): Promise<string[]> {
  let q = db.selectFrom('members').select('id').where('tenant_id', '=', tenantId).where('birthday_month', '=', month).where('status', '=', 'active');
  if (afterId) q = q.where('id', '>', afterId);
  return (await q.orderBy('id').limit(limit).execute()).map((r) => r.id);
}

/** Member numbers of some members (for lists other modules show). */
export async function memberNumbers(db: Db, tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('members').select(['id', 'member_no']).where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.member_no]));
}

/** The home store of each of these active members that has one (guides: the store's guide follows them up). */
export async function homeStoresOf(db: Db, tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('members').select(['id', 'home_store_id']).where('tenant_id', '=', tenantId).where('id', 'in', [...ids]).where('status', '=', 'active').where('home_store_id', 'is not', null).execute();
  return new Map(rows.map((r) => [r.id, r.home_store_id!]));
}
