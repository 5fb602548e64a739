import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { MemberSample, Preview, Rule, Segment, SegmentInput, SegmentUpdate } from '@hearth/contracts/segments';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { emitEvents } from '../../jobs/outbox.ts';
import { csvRecords, detectEncoding, saveUpload } from '../../imports/csv-files.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { maskEmail, maskPhone, normalizePhone } from '../members/personal-data.ts';
import { describeRule, matchingMembers, scopeFor } from './compile.ts';
import { segmentsActor } from './membership.ts';
import './segments.tables.ts';

type SegmentRow = Selectable<DB['segments']>;

/** Count and a masked sample of the members a rule matches right now: one query. */
export async function previewSegment(deps: AppDeps, ctx: RequestContext, input: { rule: Rule; sample_size: number }): Promise<Preview> {
  const started = performance.now();
  describeRule(deps.segmentConditions, input.rule);
  const scope = await scopeFor(deps.db, ctx.tenantId, deps.clock.now());
  const result = await sql<{ count: number; sample: SampleRow[] | null }>`
    with target as (${matchingMembers(deps.segmentConditions, input.rule, scope)})
    select (select count(*)::int from target) as count,
      (select json_agg(s) from (
        select m.id, m.member_no, m.name, m.phone, m.city, m.registered_at from members m
        where m.tenant_id = ${ctx.tenantId} and m.id in (select id from target order by id desc limit ${input.sample_size})
        order by m.id desc) s) as sample`.execute(deps.db);
  const row = result.rows[0]!;
  return { count: row.count, sample: (row.sample ?? []).map(maskSample), took_ms: Math.round(performance.now() - started) };
}

export async function createSegment(deps: AppDeps, ctx: RequestContext, input: SegmentInput): Promise<Segment> {
  const shape = input.rule ? describeRule(deps.segmentConditions, input.rule) : { dependsOn: [], timeBased: false };
  return withTransaction(deps.db, async (trx) => {
    if (input.writes_tag_id) await checkTag(trx, ctx.tenantId, input.writes_tag_id, input.rule);
    const row = await trx
      .insertInto('segments')
      .values({
        tenant_id: ctx.tenantId,
        id: uuidv7(),
        name: input.name,
        description: input.description ?? null,
        kind: input.kind,
        rule: input.rule ? JSON.stringify(input.rule) : null,
        depends_on: shape.dependsOn,
        time_based: shape.timeBased,
        writes_tag_id: input.writes_tag_id ?? null,
        computed_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'segment.create', resourceType: 'segment', resourceId: row.id, details: { name: row.name, kind: row.kind } });
    if (row.kind === 'dynamic') await scheduleRecompute(trx, deps, ctx.tenantId, row.id, row.updated_at);
    return serializeSegment(row, 0);
  });
}

export async function updateSegment(deps: AppDeps, ctx: RequestContext, id: string, input: SegmentUpdate): Promise<Segment> {
  return withTransaction(deps.db, async (trx) => {
    const current = await getSegmentRow(trx, ctx.tenantId, id, true);
    if (input.rule && current.kind === 'static') throw validationError([{ field: 'rule', code: 'static_segment', message: 'a static segment has no rule' }]);
    const rule = (input.rule ?? current.rule) as Rule | null;
    const tagId = input.writes_tag_id === undefined ? current.writes_tag_id : input.writes_tag_id;
    if (tagId) await checkTag(trx, ctx.tenantId, tagId, rule ?? undefined);
    const shape = rule ? describeRule(deps.segmentConditions, rule) : { dependsOn: [], timeBased: false };
    const row = await trx
      .updateTable('segments')
      .set({
        name: input.name ?? current.name,
        description: input.description === undefined ? current.description : input.description,
        rule: rule ? JSON.stringify(rule) : null,
        depends_on: shape.dependsOn,
        time_based: shape.timeBased,
        writes_tag_id: tagId,
        status: input.status ?? current.status,
        updated_at: sql`now()`,
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'segment.update', resourceType: 'segment', resourceId: id, details: { changed: Object.keys(input) } });
    if (row.kind === 'dynamic' && row.status === 'active') await scheduleRecompute(trx, deps, ctx.tenantId, id, row.updated_at);
    return serializeSegment(row, await countMembers(trx, ctx.tenantId, id));
  });
}

export async function getSegment(deps: AppDeps, ctx: RequestContext, id: string): Promise<Segment> {
  const row = await getSegmentRow(deps.db, ctx.tenantId, id);
  return serializeSegment(row, await countMembers(deps.db, ctx.tenantId, id));
}

export async function listSegments(deps: AppDeps, ctx: RequestContext, query: { limit: number; cursor?: string; status?: 'active' | 'archived' }) {
  const before = decodeCursor(query.cursor);
  const rows = await deps.db
    .selectFrom('segments')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .$if(before !== undefined, (q) => q.where('id', '<', before!))
    .$if(query.status !== undefined, (q) => q.where('status', '=', query.status!))
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = toPage(rows, query.limit);
  const counts = page.data.length
    ? new Map(
        (
          await deps.db
            .selectFrom('segment_members')
            .select(['segment_id', sql<number>`count(*)::int`.as('n')])
            .where('tenant_id', '=', ctx.tenantId)
            .where('segment_id', 'in', page.data.map((r) => r.id))
            .groupBy('segment_id')
            .execute()
        ).map((r) => [r.segment_id, r.n]),
      )
    : new Map<string, number>();
  return { data: page.data.map((r) => serializeSegment(r, counts.get(r.id) ?? 0)), next_cursor: page.next_cursor };
}

/** The segment's members, newest entry first by member id, masked. */
export async function listSegmentMembers(deps: AppDeps, ctx: RequestContext, id: string, query: { limit: number; cursor?: string }) {
  await getSegmentRow(deps.db, ctx.tenantId, id);
  const before = decodeCursor(query.cursor);
  const rows = await deps.db
    .selectFrom('segment_members as sm')
    .innerJoin('members as m', (j) => j.onRef('m.tenant_id', '=', 'sm.tenant_id').onRef('m.id', '=', 'sm.member_id'))
    .select(['m.id', 'm.member_no', 'm.name', 'm.phone', 'm.city', 'm.registered_at', 'sm.entered_at'])
    .where('sm.tenant_id', '=', ctx.tenantId)
    .where('sm.segment_id', '=', id)
    .$if(before !== undefined, (q) => q.where('sm.member_id', '<', before!))
    .orderBy('sm.member_id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = toPage(rows, query.limit);
  return { data: page.data.map((r) => ({ ...maskSample(r), entered_at: r.entered_at.toISOString() })), next_cursor: page.next_cursor };
}

/** Which of these segments the member is in now (live or static), for eligibility checks in other modules. */
export async function segmentsOfMember(db: AppDeps['db'], tenantId: string, memberId: string, segmentIds: readonly string[]): Promise<Set<string>> {
  if (!segmentIds.length) return new Set();
  const rows = await db.selectFrom('segment_members').select('segment_id').where('tenant_id', '=', tenantId).where('member_id', '=', memberId).where('segment_id', 'in', [...segmentIds]).execute();
  return new Set(rows.map((r) => r.segment_id));
}

export async function listMembershipHistory(deps: AppDeps, ctx: RequestContext, id: string, query: { limit: number; cursor?: string }) {
  await getSegmentRow(deps.db, ctx.tenantId, id);
  const before = decodeCursor(query.cursor);
  const rows = await deps.db
    .selectFrom('segment_membership_history')
    .select(['id', 'member_id', 'action', 'cause', 'occurred_at'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('segment_id', '=', id)
    .$if(before !== undefined, (q) => q.where('id', '<', before!))
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = toPage(rows, query.limit);
  return { data: page.data.map(({ id: _id, ...r }) => ({ ...r, occurred_at: r.occurred_at.toISOString() })), next_cursor: page.next_cursor };
}

/** Adds or removes members of a static segment by id. */
export async function changeStaticMembers(deps: AppDeps, ctx: RequestContext, id: string, input: { action: 'add' | 'remove'; member_ids: string[] }) {
  return withTransaction(deps.db, async (trx) => {
    const segment = await getSegmentRow(trx, ctx.tenantId, id, true);
    if (segment.kind !== 'static') throw new AppError('CONFLICT', 'Only a static segment takes a list of members', { errors: [{ field: 'kind', code: 'dynamic_segment', message: 'its members follow its rule' }] });
    const known = (await trx.selectFrom('members').select('id').where('tenant_id', '=', ctx.tenantId).where('id', 'in', input.member_ids).where('status', 'in', ['active', 'frozen']).execute()).map((r) => r.id);
    const changed = input.action === 'add' ? await addListed(trx, deps, ctx, id, known) : await removeListed(trx, deps, ctx, id, known);
    await recordAudit(trx, ctx, { action: `segment.members_${input.action}`, resourceType: 'segment', resourceId: id, details: { requested: input.member_ids.length, changed } });
    return { matched: known.length, changed, not_found: input.member_ids.length - known.length };
  });
}

const LIST_BATCH = 1000;
const listColumns: Record<string, 'member_no' | 'phone' | 'member_id'> = { member_no: 'member_no', 会员号: 'member_no', 会员编号: 'member_no', phone: 'phone', 手机号: 'phone', 手机: 'phone', member_id: 'member_id', 会员id: 'member_id' };

/**
 * Fills a static segment from an uploaded CSV with a member_no (会员号), phone (手机号) or member_id column.
 * Each batch of 1,000 rows is resolved with one query and added with one insert; lines that match no
 * member are reported by number, never by content.
 */
export async function importStaticList(deps: AppDeps, ctx: RequestContext, id: string, upload: Readable) {
  const segment = await getSegmentRow(deps.db, ctx.tenantId, id);
  if (segment.kind !== 'static') throw new AppError('CONFLICT', 'Only a static segment takes a list of members', { errors: [{ field: 'kind', code: 'dynamic_segment', message: 'its members follow its rule' }] });
  const { filePath } = await saveUpload(deps.config.dataDir, ctx.tenantId, `segment-${id}-${uuidv7()}`, upload);
  try {
    const encoding = await detectEncoding(filePath);
    const totals = { rows: 0, added: 0, not_found: 0, not_found_lines: [] as number[] };
    let batch: { line: number; column: string; value: string }[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const rows = batch;
      batch = [];
      await withTransaction(deps.db, async (trx) => {
        const found = new Map<string, string>();
        const ids = rows.filter((r) => r.column === 'member_id' && /^[0-9a-f-]{36}$/i.test(r.value)).map((r) => r.value.toLowerCase());
        const numbers = rows.filter((r) => r.column === 'member_no').map((r) => r.value);
        const phones = rows.filter((r) => r.column === 'phone').map((r) => normalizePhone(r.value) ?? r.value);
        const matches = await sql<{ key: string; id: string }>`
          select 'member_id:' || m.id as key, m.id from members m where m.tenant_id = ${ctx.tenantId} and m.status in ('active', 'frozen') and m.id = any(${ids}::uuid[])
          union all select 'member_no:' || m.member_no, m.id from members m where m.tenant_id = ${ctx.tenantId} and m.status in ('active', 'frozen') and m.member_no = any(${numbers}::text[])
          union all select 'phone:' || i.value, i.member_id from member_identities i where i.tenant_id = ${ctx.tenantId} and i.type = 'phone' and i.app_id = '' and i.value = any(${phones}::text[])`.execute(trx);
        for (const m of matches.rows) found.set(m.key, m.id);
        const memberIds = new Set<string>();
        for (const r of rows) {
          const value = r.column === 'phone' ? (normalizePhone(r.value) ?? r.value) : r.column === 'member_id' ? r.value.toLowerCase() : r.value;
          const memberId = found.get(`${r.column}:${value}`);
          if (memberId) memberIds.add(memberId);
          else {
            totals.not_found += 1;
            if (totals.not_found_lines.length < 100) totals.not_found_lines.push(r.line);
          }
        }
        totals.added += await addListed(trx, deps, ctx, id, [...memberIds]);
      });
    };
    for await (const { record, info } of csvRecords(filePath, encoding, (h) => listColumns[h.trim().toLowerCase()] ?? h.trim().toLowerCase())) {
      const column = (['member_id', 'member_no', 'phone'] as const).find((c) => record[c]);
      totals.rows += 1;
      if (!column) {
        totals.not_found += 1;
        if (totals.not_found_lines.length < 100) totals.not_found_lines.push(info.lines);
        continue;
      }
      batch.push({ line: info.lines, column, value: record[column]! });
      if (batch.length >= LIST_BATCH) await flush();
    }
    await flush();
    await recordAudit(deps.db, ctx, { action: 'segment.list_import', resourceType: 'segment', resourceId: id, details: { rows: totals.rows, added: totals.added, not_found: totals.not_found } });
    return totals;
  } finally {
    await fs.promises.rm(filePath, { force: true });
  }
}

const exportHeader = ['member_no', 'name', 'phone', 'email', 'gender', 'province', 'city', 'registered_at', 'entered_at'];

/**
 * The segment's members as CSV lines, 1,000 per query. Phone, email and name are masked unless revealed,
 * which needs members:read_pii; every export is audited with what it revealed.
 */
export async function exportSegment(deps: AppDeps, ctx: RequestContext, id: string, reveal: boolean): Promise<AsyncGenerator<string>> {
  if (reveal && !ctx.actor.permissions.has('members:read_pii')) throw new AppError('FORBIDDEN', 'Exporting full phone numbers and emails needs the permission members:read_pii');
  const segment = await getSegmentRow(deps.db, ctx.tenantId, id);
  const members = await countMembers(deps.db, ctx.tenantId, id);
  await recordAudit(deps.db, ctx, { action: 'segment.export', resourceType: 'segment', resourceId: id, details: { name: segment.name, members, revealed: reveal } });
  const db = deps.db;
  return (async function* () {
    yield `\uFEFF${exportHeader.join(',')}\n`;
    let after: string | null = null;
    for (;;) {
      const rows = await db
        .selectFrom('segment_members as sm')
        .innerJoin('members as m', (j) => j.onRef('m.tenant_id', '=', 'sm.tenant_id').onRef('m.id', '=', 'sm.member_id'))
        .select(['sm.member_id', 'm.member_no', 'm.name', 'm.phone', 'm.email', 'm.gender', 'm.province', 'm.city', 'm.registered_at', 'sm.entered_at'])
        .where('sm.tenant_id', '=', ctx.tenantId)
        .where('sm.segment_id', '=', id)
        .$if(after !== null, (q) => q.where('sm.member_id', '>', after!))
        .orderBy('sm.member_id')
        .limit(1000)
        .execute();
      if (!rows.length) return;
      after = rows[rows.length - 1]!.member_id;
      yield rows
        .map((r) =>
          [
            r.member_no,
            reveal ? r.name : maskName(r.name),
            r.phone ? (reveal ? r.phone : maskPhone(r.phone)) : null,
            r.email ? (reveal ? r.email : maskEmail(r.email)) : null,
            r.gender,
            r.province,
            r.city,
            r.registered_at.toISOString(),
            r.entered_at.toISOString(),
          ]
            .map(csvCell)
            .join(','),
        )
        .join('\n') + '\n';
    }
  })();
}

async function addListed(trx: AppDeps['db'], deps: AppDeps, ctx: RequestContext, segmentId: string, memberIds: string[]): Promise<number> {
  if (!memberIds.length) return 0;
  const added = await trx
    .insertInto('segment_members')
    .values(memberIds.map((memberId) => ({ tenant_id: ctx.tenantId, segment_id: segmentId, member_id: memberId })))
    .onConflict((oc) => oc.columns(['tenant_id', 'segment_id', 'member_id']).doNothing())
    .returning('member_id')
    .execute();
  await listHistory(trx, deps, ctx, segmentId, added.map((r) => r.member_id), 'entered');
  return added.length;
}

async function removeListed(trx: AppDeps['db'], deps: AppDeps, ctx: RequestContext, segmentId: string, memberIds: string[]): Promise<number> {
  if (!memberIds.length) return 0;
  const removed = await trx.deleteFrom('segment_members').where('tenant_id', '=', ctx.tenantId).where('segment_id', '=', segmentId).where('member_id', 'in', memberIds).returning('member_id').execute();
  await listHistory(trx, deps, ctx, segmentId, removed.map((r) => r.member_id), 'exited');
  return removed.length;
}

async function listHistory(trx: AppDeps['db'], deps: AppDeps, ctx: RequestContext, segmentId: string, memberIds: string[], action: 'entered' | 'exited') {
  if (!memberIds.length) return;
  await trx
    .insertInto('segment_membership_history')
    .values(memberIds.map((memberId) => ({ tenant_id: ctx.tenantId, member_id: memberId, id: uuidv7(), segment_id: segmentId, action, cause: 'list' })))
    .execute();
  await emitEvents(trx, deps.jobs, segmentsActor, memberIds.map((memberId) => ({ tenantId: ctx.tenantId, type: `segment.${action}`, payload: { segment_id: segmentId, member_id: memberId, cause: 'list' } })));
}

async function scheduleRecompute(trx: AppDeps['db'], deps: AppDeps, tenantId: string, segmentId: string, version: Date) {
  await enqueueJob(trx, deps.jobs, { tenantId, name: 'segments.recompute', key: `recompute:${segmentId}:${version.getTime()}`, payload: { segment_id: segmentId } });
}

/** A rule-computed tag must not be a condition of its own rule: entering would change the rule's input. */
async function checkTag(trx: AppDeps['db'], tenantId: string, tagId: string, rule: Rule | undefined) {
  const tag = await trx.selectFrom('tags').select('id').where('tenant_id', '=', tenantId).where('id', '=', tagId).executeTakeFirst();
  if (!tag) throw validationError([{ field: 'writes_tag_id', code: 'unknown_tag', message: 'no such tag' }]);
  const uses = (node: Rule): boolean => ('type' in node ? node.type === 'tags' && node.tag_ids.includes(tagId) : node.op === 'not' ? uses(node.rule) : node.rules.some(uses));
  if (rule && uses(rule)) throw validationError([{ field: 'writes_tag_id', code: 'tag_in_rule', message: 'the segment’s rule cannot depend on the tag it writes' }]);
}

export async function getSegmentRow(db: AppDeps['db'], tenantId: string, id: string, lock = false): Promise<SegmentRow> {
  const row = await db
    .selectFrom('segments')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw notFound('Segment');
  return row;
}

async function countMembers(db: AppDeps['db'], tenantId: string, id: string): Promise<number> {
  const row = await db.selectFrom('segment_members').select(sql<number>`count(*)::int`.as('n')).where('tenant_id', '=', tenantId).where('segment_id', '=', id).executeTakeFirstOrThrow();
  return row.n;
}

function serializeSegment(row: SegmentRow, memberCount: number): Segment {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    kind: row.kind,
    status: row.status,
    rule: (row.rule as Rule | null) ?? null,
    writes_tag_id: row.writes_tag_id,
    depends_on: row.depends_on,
    time_based: row.time_based,
    member_count: memberCount,
    computed_at: row.computed_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

interface SampleRow {
  id: string;
  member_no: string;
  name: string | null;
  phone: string | null;
  city: string | null;
  registered_at: Date | string;
}

function maskSample(r: SampleRow): MemberSample {
  return { id: r.id, member_no: r.member_no, name: maskName(r.name), phone: r.phone ? maskPhone(r.phone) : null, city: r.city, registered_at: new Date(r.registered_at).toISOString() };
}

/** 张** : the family name only. */
function maskName(name: string | null): string | null {
  if (!name) return null;
  const chars = [...name];
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  // A cell starting with = + - @ is a formula to Excel: quote it as text.
  const text = /^[=+\-@]/.test(String(value)) ? `'${value}` : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Which of the given segments the member is in now (messaging picks a template variant by segment). */
export async function segmentsContaining(db: AppDeps['db'], tenantId: string, memberId: string, segmentIds: readonly string[]): Promise<Set<string>> {
  if (!segmentIds.length) return new Set();
  const rows = await db.selectFrom('segment_members').select('segment_id').where('tenant_id', '=', tenantId).where('member_id', '=', memberId).where('segment_id', 'in', segmentIds).execute();
  return new Set(rows.map((r) => r.segment_id));
}

/** A segment's member ids after `after` in key order, `limit` of them: a fan-out walks a segment with this. */
export async function segmentMemberIds(db: AppDeps['db'], tenantId: string, segmentId: string, after: string | null, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('segment_members')
    .select('member_id')
    .where('tenant_id', '=', tenantId)
    .where('segment_id', '=', segmentId)
    .$if(after !== null, (q) => q.where('member_id', '>', after!))
    .orderBy('member_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.member_id);
}
