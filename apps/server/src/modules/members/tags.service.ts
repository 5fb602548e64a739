import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { isUniqueViolation } from '../../db/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { normalizePhone } from './personal-data.ts';

const MAX_BULK = 50_000;
const EVENT_CHUNK = 1_000;
// PostgreSQL allows 65,535 parameters per statement; 5,000 rows of up to 6 columns stay below it.
const SQL_CHUNK = 5_000;

function chunks<T>(items: T[], size = SQL_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function createTagGroup(deps: AppDeps, ctx: RequestContext, name: string) {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('tag_groups')
      .values({ tenant_id: ctx.tenantId, id: uuidv7(), name })
      .returning(['id', 'name', 'created_at'])
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        throw isUniqueViolation(error, 'tag_groups_name_key') ? taken('name') : error;
      });
    await recordAudit(trx, ctx, { action: 'tag_group.create', resourceType: 'tag_group', resourceId: row.id, details: { name } });
    return { id: row.id, name: row.name, created_at: row.created_at.toISOString(), tags: [] as { id: string; name: string }[] };
  });
}

export async function createTag(deps: AppDeps, ctx: RequestContext, input: { group_id: string; name: string }) {
  return withTransaction(deps.db, async (trx) => {
    const group = await trx.selectFrom('tag_groups').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', input.group_id).executeTakeFirst();
    if (!group) throw validationError([{ field: 'group_id', code: 'unknown_group', message: 'no such tag group' }]);
    const row = await trx
      .insertInto('tags')
      .values({ tenant_id: ctx.tenantId, id: uuidv7(), group_id: input.group_id, name: input.name })
      .returning(['id', 'group_id', 'name'])
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        throw isUniqueViolation(error, 'tags_name_key') ? taken('name') : error;
      });
    await recordAudit(trx, ctx, { action: 'tag.create', resourceType: 'tag', resourceId: row.id, details: { name: input.name } });
    return row;
  });
}

/** Tag groups with their tags and how many members carry each. */
export async function listTagGroups(deps: AppDeps, ctx: RequestContext) {
  const groups = await deps.db.selectFrom('tag_groups').select(['id', 'name', 'created_at']).where('tenant_id', '=', ctx.tenantId).orderBy('name').execute();
  const tags = await deps.db
    .selectFrom('tags as t')
    .leftJoin('member_tags as mt', (join) => join.onRef('mt.tenant_id', '=', 't.tenant_id').onRef('mt.tag_id', '=', 't.id'))
    .select(['t.id', 't.group_id', 't.name', sql<number>`count(mt.member_id)::int`.as('member_count')])
    .where('t.tenant_id', '=', ctx.tenantId)
    .groupBy(['t.id', 't.group_id', 't.name'])
    .orderBy('t.name')
    .execute();
  return {
    data: groups.map((g) => ({
      id: g.id,
      name: g.name,
      created_at: g.created_at.toISOString(),
      tags: tags.filter((t) => t.group_id === g.id).map(({ group_id: _g, ...t }) => t),
    })),
  };
}

/** Which of these tags the member carries, for eligibility checks in other modules. */
export async function tagsOfMember(db: AppDeps['db'], tenantId: string, memberId: string, tagIds: readonly string[]): Promise<Set<string>> {
  if (!tagIds.length) return new Set();
  const rows = await db.selectFrom('member_tags').select('tag_id').where('tenant_id', '=', tenantId).where('member_id', '=', memberId).where('tag_id', 'in', [...tagIds]).execute();
  return new Set(rows.map((r) => r.tag_id));
}

export interface TaggingRequest {
  tag_id: string;
  action: 'add' | 'remove';
  member_ids?: string[];
  /** CSV text whose first column (or a `phone` column) holds phone numbers. */
  phones_csv?: string;
}

/** Adds or removes a tag for many members at once (ids or a CSV of phones), with history, in one transaction. */
export async function tagMembers(deps: AppDeps, ctx: RequestContext, request: TaggingRequest) {
  const phones = request.phones_csv ? phonesFromCsv(request.phones_csv) : [];
  if ((request.member_ids?.length ?? 0) + phones.length > MAX_BULK) throw new AppError('PAYLOAD_TOO_LARGE', `At most ${MAX_BULK} members per request`);
  return withTransaction(deps.db, async (trx) => {
    const tag = await trx.selectFrom('tags').select(['id', 'name']).where('tenant_id', '=', ctx.tenantId).where('id', '=', request.tag_id).executeTakeFirst();
    if (!tag) throw notFound('Tag');
    const ids = new Set<string>();
    const notFoundValues: string[] = [];
    for (const chunk of chunks(request.member_ids ?? [])) {
      const rows = await trx.selectFrom('members').select('id').where('tenant_id', '=', ctx.tenantId).where('id', 'in', chunk).where('status', 'in', ['active', 'frozen']).execute();
      for (const row of rows) ids.add(row.id);
    }
    for (const id of request.member_ids ?? []) if (!ids.has(id)) notFoundValues.push(id);
    if (phones.length) {
      const valid = phones.map((p) => ({ raw: p, e164: normalizePhone(p) }));
      const byPhone = new Map<string, string>();
      for (const chunk of chunks(valid.flatMap((v) => (v.e164 ? [v.e164] : [])))) {
        const rows = await trx
          .selectFrom('member_identities')
          .select(['member_id', 'value'])
          .where('tenant_id', '=', ctx.tenantId)
          .where('type', '=', 'phone')
          .where('app_id', '=', '')
          .where('value', 'in', chunk)
          .execute();
        for (const row of rows) byPhone.set(row.value, row.member_id);
      }
      for (const { raw, e164 } of valid) {
        const id = e164 ? byPhone.get(e164) : undefined;
        if (id) ids.add(id);
        else notFoundValues.push(raw);
      }
    }
    const memberIds = [...ids];
    const changed: string[] = [];
    for (const chunk of chunks(memberIds)) {
      const done = request.action === 'add' ? await addTag(trx, ctx, tag.id, chunk) : await removeTag(trx, ctx, tag.id, chunk);
      changed.push(...done);
      if (done.length === 0) continue;
      await trx
        .insertInto('member_tag_history')
        .values(done.map((memberId) => ({ tenant_id: ctx.tenantId, member_id: memberId, id: uuidv7(), tag_id: tag.id, action: request.action === 'add' ? ('added' as const) : ('removed' as const), actor_label: ctx.actor.label })))
        .execute();
    }
    await recordAudit(trx, ctx, { action: request.action === 'add' ? 'member.tag_add' : 'member.tag_remove', resourceType: 'tag', resourceId: tag.id, details: { matched: memberIds.length, changed: changed.length, not_found: notFoundValues.length } });
    for (const chunk of chunks(changed, EVENT_CHUNK)) {
      await emitEvent(trx, deps.jobs, ctx, 'member.tagged', { tag_id: tag.id, action: request.action, member_ids: chunk });
    }
    // Phones that matched nobody are reported as a count only, so the reply carries no personal data.
    return { matched: memberIds.length, changed: changed.length, not_found: notFoundValues.length, not_found_member_ids: notFoundValues.filter((v) => request.member_ids?.includes(v)) };
  });
}

async function addTag(trx: AppDeps['db'], ctx: RequestContext, tagId: string, memberIds: string[]): Promise<string[]> {
  const rows = await trx
    .insertInto('member_tags')
    .values(memberIds.map((memberId) => ({ tenant_id: ctx.tenantId, member_id: memberId, tag_id: tagId, added_by: ctx.actor.label })))
    .onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'tag_id']).doNothing())
    .returning('member_id')
    .execute();
  return rows.map((r) => r.member_id);
}

async function removeTag(trx: AppDeps['db'], ctx: RequestContext, tagId: string, memberIds: string[]): Promise<string[]> {
  const rows = await trx.deleteFrom('member_tags').where('tenant_id', '=', ctx.tenantId).where('tag_id', '=', tagId).where('member_id', 'in', memberIds).returning('member_id').execute();
  return rows.map((r) => r.member_id);
}

function phonesFromCsv(csv: string): string[] {
  const rows: string[][] = parse(csv, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true });
  if (rows.length === 0) return [];
  const header = rows[0]!.map((h) => h.toLowerCase());
  const column = Math.max(0, header.findIndex((h) => h === 'phone' || h === '手机号' || h === '手机'));
  const hasHeader = normalizePhone(rows[0]![column] ?? '') === undefined;
  return rows.slice(hasHeader ? 1 : 0).map((r) => r[column] ?? '').filter(Boolean);
}

const taken = (field: string) => new AppError('CONFLICT', 'That name is already used', { errors: [{ field, code: 'taken', message: 'already used' }] });
