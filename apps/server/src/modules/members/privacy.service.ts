import crypto from 'node:crypto';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { consentUpdateSchema } from '@hearth/contracts/members';
import type { z } from 'zod';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import * as repo from './members.repo.ts';
import { assertWritable, getMemberRow, serializeMember } from './members.service.ts';

export type ConsentUpdate = z.infer<typeof consentUpdateSchema>;

/** Records what the member said about marketing on one channel, keeping every earlier statement. */
export async function setConsent(deps: AppDeps, ctx: RequestContext, memberId: string, input: ConsentUpdate) {
  return withTransaction(deps.db, async (trx) => {
    const member = await repo.findMember(trx, ctx.tenantId, memberId, { forUpdate: true });
    if (!member) throw notFound('Member');
    assertWritable(member);
    const row = { tenant_id: ctx.tenantId, member_id: memberId, channel: input.channel, granted: input.granted, source: input.source, wording_version: input.wording_version };
    const saved = await trx
      .insertInto('member_consents')
      .values(row)
      .onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'channel']).doUpdateSet({ granted: input.granted, source: input.source, wording_version: input.wording_version, updated_at: sql`now()` }))
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx.insertInto('member_consent_history').values({ ...row, id: uuidv7(), actor_label: ctx.actor.label }).execute();
    await recordAudit(trx, ctx, { action: 'consent.change', resourceType: 'member', resourceId: memberId, details: { channel: input.channel, granted: input.granted, source: input.source } });
    await emitEvent(trx, deps.jobs, ctx, 'consent.changed', { member_id: memberId, channel: input.channel, granted: input.granted });
    return { channel: saved.channel, granted: saved.granted, source: saved.source, wording_version: saved.wording_version, updated_at: saved.updated_at.toISOString() };
  });
}

/** The member's current consent per channel (channels never answered are absent). */
export async function getConsents(deps: AppDeps, ctx: RequestContext, memberId: string) {
  await getMemberRow(deps.db, ctx, memberId);
  const rows = await deps.db.selectFrom('member_consents').select(['channel', 'granted', 'updated_at']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).execute();
  return rows.map((r) => ({ channel: r.channel as ConsentUpdate['channel'], granted: r.granted, updated_at: r.updated_at.toISOString() }));
}

/** A link that withdraws one channel's consent for one member, valid without signing in. */
export async function unsubscribeLink(deps: AppDeps, ctx: RequestContext, memberId: string, channel: string): Promise<string> {
  await getMemberRow(deps.db, ctx, memberId);
  const signature = await sign(deps, ctx.tenantId, memberId, channel);
  return `/api/v1/public/unsubscribe?${new URLSearchParams({ tenant: ctx.tenantId, member: memberId, channel, sig: signature })}`;
}

/** Checks an unsubscribe link's signature and records the withdrawal (idempotent: a second click changes nothing). */
export async function unsubscribe(deps: AppDeps, params: { tenant: string; member: string; channel: ConsentUpdate['channel']; sig: string }, requestId: string) {
  const expected = await sign(deps, params.tenant, params.member, params.channel);
  const given = Buffer.from(params.sig);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, Buffer.from(expected))) {
    throw new AppError('INVALID_SIGNATURE', 'This unsubscribe link is not valid', { errors: [{ field: 'query.sig', code: 'invalid_signature', message: 'signature does not match' }] });
  }
  const ctx: RequestContext = {
    tenantId: params.tenant,
    actor: { type: 'system', id: null, label: 'unsubscribe link', role: null, permissions: new Set() },
    requestId,
    ip: null,
  };
  const current = await deps.db.selectFrom('member_consents').select('granted').where('tenant_id', '=', params.tenant).where('member_id', '=', params.member).where('channel', '=', params.channel).executeTakeFirst();
  if (current?.granted === false) return;
  await setConsent(deps, ctx, params.member, { channel: params.channel, granted: false, source: 'unsubscribe_link', wording_version: 'unsubscribe' });
}

async function sign(deps: AppDeps, tenantId: string, memberId: string, channel: string): Promise<string> {
  const secret = await repo.getTenantSecret(deps.db, tenantId, 'unsubscribe', () => crypto.randomBytes(32).toString('base64url'));
  return crypto.createHmac('sha256', secret).update(`${tenantId}.${memberId}.${channel}`).digest('base64url').slice(0, 32);
}

/** Everything Hearth holds about a person, for a data-subject request. Audited. */
export async function exportMember(deps: AppDeps, ctx: RequestContext, memberId: string) {
  const row = await getMemberRow(deps.db, ctx, memberId);
  const byMember = (table: 'member_identities' | 'member_consents' | 'member_consent_history' | 'member_tag_history') =>
    deps.db
      .selectFrom(table as 'member_consents')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('member_id', '=', memberId)
      .execute() as Promise<Record<string, unknown>[]>;
  const tags = await deps.db
    .selectFrom('member_tags as mt')
    .innerJoin('tags as t', (join) => join.onRef('t.tenant_id', '=', 'mt.tenant_id').onRef('t.id', '=', 'mt.tag_id'))
    .select(['t.name', 'mt.added_at', 'mt.added_by'])
    .where('mt.tenant_id', '=', ctx.tenantId)
    .where('mt.member_id', '=', memberId)
    .execute();
  const strip = <T extends Record<string, unknown>>(rows: T[]) => rows.map(({ tenant_id: _t, member_id: _m, ...rest }) => rest);
  const sections: Record<string, unknown> = {};
  for (const section of deps.memberHooks.sections()) sections[section.name] = await (section.export ?? section.load)(deps, ctx, memberId);
  await recordAudit(deps.db, ctx, { action: 'member.export', resourceType: 'member', resourceId: memberId });
  return {
    exported_at: new Date().toISOString(),
    profile: serializeMember(row, { masked: false }),
    identities: strip(await byMember('member_identities')),
    consents: strip(await byMember('member_consents')),
    consent_history: strip(await byMember('member_consent_history')),
    tags,
    tag_history: strip(await byMember('member_tag_history')),
    sections,
  };
}

/**
 * Erases a person's personal data: profile fields and identities are removed, tags and consent go,
 * other modules erase theirs through their handlers, and stored API replies that carried the profile
 * are dropped. The member row stays under its pseudonymous number so financial records keep their owner.
 */
export async function eraseMember(deps: AppDeps, ctx: RequestContext, memberId: string, reason: string) {
  return withTransaction(deps.db, async (trx) => {
    const member = await repo.findMember(trx, ctx.tenantId, memberId, { forUpdate: true });
    if (!member) throw notFound('Member');
    if (member.status === 'erased') return serializeMember(member, { masked: true });
    const scope = (table: 'member_identities' | 'member_consents' | 'member_tags' | 'member_tag_history') =>
      trx.deleteFrom(table).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).execute();
    for (const table of ['member_identities', 'member_consents', 'member_tags', 'member_tag_history'] as const) await scope(table);
    const erased: Record<string, number> = {};
    for (const handler of deps.memberHooks.eraseHandlers()) erased[handler.name] = await handler.erase(trx, ctx, memberId);
    const row = await trx
      .updateTable('members')
      .set({
        name: null, nickname: null, gender: null, birthday_month: null, birthday_day: null, birth_year: null, phone: null, email: null,
        province: null, city: null, district: null, campaign: null, custom_fields: '{}', status: 'erased', erased_at: sql`now()`, updated_at: sql`now()`,
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', memberId)
      .returningAll()
      .executeTakeFirstOrThrow();
    // Replayable replies of the last 24 hours may hold the profile (a create, an update): drop them.
    await trx.deleteFrom('idempotency_keys').where('tenant_id', '=', ctx.tenantId).where('response_body', 'like', `%${memberId}%`).execute();
    await recordAudit(trx, ctx, { action: 'member.erase', resourceType: 'member', resourceId: memberId, details: { reason, erased } });
    await emitEvent(trx, deps.jobs, ctx, 'member.erased', { member_id: memberId, member_no: row.member_no });
    return serializeMember(row, { masked: true });
  });
}
