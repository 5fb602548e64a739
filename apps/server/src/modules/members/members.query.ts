import { sql } from 'kysely';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { recordAudit } from '../audit/audit.service.ts';
import * as repo from './members.repo.ts';
import { getMemberRow, serializeMember } from './members.service.ts';
import { maskEmail, maskPhone, normalizeEmail, normalizePhone } from './personal-data.ts';
import { prefixPattern } from '../../db/like.ts';

export interface MemberQuery {
  limit: number;
  cursor?: string;
  phone?: string;
  member_no?: string;
  name_prefix?: string;
  identity_type?: string;
  identity_value?: string;
  app_id?: string;
  status?: repo.MemberRow['status'];
  tag_id?: string;
  /** `key:value` filters on custom fields. */
  custom?: string[];
  reveal?: boolean;
}

/** Search and list, newest first. Phones and emails are masked unless revealed (permission + audit). */
export async function listMembers(deps: AppDeps, ctx: RequestContext, query: MemberQuery) {
  const before = decodeCursor(query.cursor);
  let q = deps.db.selectFrom('members as m').selectAll('m').where('m.tenant_id', '=', ctx.tenantId).orderBy('m.id', 'desc').limit(query.limit + 1);
  if (before) q = q.where('m.id', '<', before);
  if (query.status) q = q.where('m.status', '=', query.status);
  if (query.member_no) q = q.where('m.member_no', '=', query.member_no);
  if (query.name_prefix) q = q.where('m.name', 'like', prefixPattern(query.name_prefix));
  if (query.phone !== undefined) q = q.where('m.phone', '=', normalizePhone(query.phone) ?? query.phone);
  if (query.identity_type && query.identity_value) {
    const value = query.identity_type === 'phone' ? (normalizePhone(query.identity_value) ?? query.identity_value) : query.identity_type === 'email' ? normalizeEmail(query.identity_value) : query.identity_value;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('member_identities as i')
          .select('i.member_id')
          .whereRef('i.tenant_id', '=', 'm.tenant_id')
          .whereRef('i.member_id', '=', 'm.id')
          .where('i.type', '=', query.identity_type!)
          .where('i.app_id', '=', query.app_id ?? '')
          .where('i.value', '=', value),
      ),
    );
  }
  if (query.tag_id) {
    q = q.where(({ exists, selectFrom }) =>
      exists(selectFrom('member_tags as t').select('t.member_id').whereRef('t.tenant_id', '=', 'm.tenant_id').whereRef('t.member_id', '=', 'm.id').where('t.tag_id', '=', query.tag_id!)),
    );
  }
  for (const filter of query.custom ?? []) {
    const separator = filter.indexOf(':');
    if (separator < 1) throw new AppError('VALIDATION_FAILED', 'custom filters look like key:value', { errors: [{ field: 'query.custom', code: 'invalid_filter', message: 'expected key:value' }] });
    const key = filter.slice(0, separator);
    const raw = filter.slice(separator + 1);
    // Match the JSON value whatever its type: "true" finds a boolean, "3" a number, anything a string.
    const candidates = [raw, ...(raw === 'true' || raw === 'false' ? [raw === 'true'] : []), ...(Number.isFinite(Number(raw)) && raw !== '' ? [Number(raw)] : [])];
    q = q.where((eb) => eb.or(candidates.map((value) => eb(sql`m.custom_fields`, '@>', sql`${JSON.stringify({ [key]: value })}::jsonb`))));
  }
  const page = toPage(await q.execute(), query.limit);
  const masked = await revealOrMask(deps, ctx, query.reveal, page.data.map((m) => m.id));
  return { data: page.data.map((row) => serializeMember(row, { masked })), next_cursor: page.next_cursor };
}

export async function getMember(deps: AppDeps, ctx: RequestContext, id: string, options: { reveal?: boolean } = {}) {
  const row = await getMemberRow(deps.db, ctx, id);
  const masked = await revealOrMask(deps, ctx, options.reveal, [id]);
  return serializeMember(row, { masked });
}

/** Member 360: profile, identities, consent, tags, and every section other modules registered. */
export async function getMember360(deps: AppDeps, ctx: RequestContext, id: string, options: { reveal?: boolean } = {}) {
  const member = await getMember(deps, ctx, id, options);
  const identities = await repo.identitiesOf(deps.db, ctx.tenantId, id);
  const consents = await deps.db.selectFrom('member_consents').select(['channel', 'granted', 'source', 'wording_version', 'updated_at']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', id).execute();
  const tags = await deps.db
    .selectFrom('member_tags as mt')
    .innerJoin('tags as t', (join) => join.onRef('t.tenant_id', '=', 'mt.tenant_id').onRef('t.id', '=', 'mt.tag_id'))
    .innerJoin('tag_groups as g', (join) => join.onRef('g.tenant_id', '=', 't.tenant_id').onRef('g.id', '=', 't.group_id'))
    .select(['t.id', 't.name', 'g.name as group_name', 'mt.added_at', 'mt.added_by'])
    .where('mt.tenant_id', '=', ctx.tenantId)
    .where('mt.member_id', '=', id)
    .orderBy('g.name')
    .execute();
  const sections: Record<string, unknown> = {};
  for (const section of deps.memberHooks.sections()) sections[section.name] = await section.load(deps, ctx, id);
  return {
    member,
    identities: identities.map((i) => ({
      type: i.type,
      app_id: i.app_id || null,
      value: !member.pii_masked ? i.value : i.type === 'phone' ? maskPhone(i.value) : i.type === 'email' ? maskEmail(i.value) : i.value,
      created_at: i.created_at.toISOString(),
    })),
    consents: consents.map((c) => ({ ...c, updated_at: c.updated_at.toISOString() })),
    tags: tags.map((t) => ({ ...t, added_at: t.added_at.toISOString() })),
    sections,
  };
}

/**
 * PIPL habit: personal contact data is shown only on request, to roles allowed to see it, and every
 * such view is audited (who looked at whom, when, from which request).
 */
async function revealOrMask(deps: AppDeps, ctx: RequestContext, reveal: boolean | undefined, memberIds: string[]): Promise<boolean> {
  if (!reveal) return true;
  if (!ctx.actor.permissions.has('members:read_pii')) throw new AppError('FORBIDDEN', 'Seeing phone numbers and emails needs the permission members:read_pii');
  if (memberIds.length > 0) {
    await recordAudit(deps.db, ctx, {
      action: 'member.pii_viewed',
      resourceType: 'member',
      resourceId: memberIds.length === 1 ? memberIds[0] : undefined,
      details: { member_ids: memberIds },
    });
  }
  return false;
}
