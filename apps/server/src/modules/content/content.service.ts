import { sql, type Selectable } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { Content, ContentInput } from '@hearth/contracts/content';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError, type FieldError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { existingSkus } from '../products/products.service.ts';
import { getSegment } from '../segments/segments.service.ts';
import './content.tables.ts';
import { containsPattern } from '../../db/like.ts';

export type ContentRow = Selectable<DB['content_items']>;
type Stats = Content['stats'];

/** A new item, always a draft: publishing is its own step (content.published). */
export async function createContent(deps: AppDeps, ctx: RequestContext, input: ContentInput): Promise<Content> {
  await checkReferences(deps, ctx, input);
  const now = deps.clock.now();
  const row = await withTransaction(deps.db, async (trx) => {
    const inserted = await trx.insertInto('content_items').values({ tenant_id: ctx.tenantId, id: uuidv7(), ...columns(input), status: 'draft', created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'content.create', resourceType: 'content', resourceId: inserted.id, details: { kind: input.kind, title: input.title } });
    await emitEvent(trx, deps.jobs, ctx, 'content.created', { content_id: inserted.id, kind: inserted.kind });
    return inserted;
  });
  return (await serialize(deps.db, ctx.tenantId, [row]))[0]!;
}

/** Replaces an item's fields (any status); its status and counters stay. */
export async function updateContent(deps: AppDeps, ctx: RequestContext, id: string, input: ContentInput): Promise<Content> {
  await checkReferences(deps, ctx, input);
  const row = await withTransaction(deps.db, async (trx) => {
    await lockRow(trx, ctx.tenantId, id);
    const now = deps.clock.now();
    const fields = columns(input);
    // A publish or unpublish time moved into the future is announced again when it comes (the schedule job
    // announces what has a null marker); an earlier announcement stands for a time that did not change.
    const rearm = (at: 'publish_at' | 'unpublish_at', marker: 'publish_announced_at' | 'unpublish_announced_at') =>
      sql<Date | null>`case when ${sql.ref(at)} is distinct from ${fields[at]}::timestamptz and ${fields[at]}::timestamptz > ${now}::timestamptz then null else ${sql.ref(marker)} end`;
    const updated = await trx
      .updateTable('content_items')
      .set({ ...fields, updated_at: now, publish_announced_at: rearm('publish_at', 'publish_announced_at'), unpublish_announced_at: rearm('unpublish_at', 'unpublish_announced_at') })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'content.update', resourceType: 'content', resourceId: id, details: { title: input.title, status: updated.status } });
    await emitEvent(trx, deps.jobs, ctx, 'content.updated', { content_id: id, status: updated.status });
    return updated;
  });
  return (await serialize(deps.db, ctx.tenantId, [row]))[0]!;
}

/**
 * Publishes (from draft or archived; publishing a published item changes nothing). Members see it from
 * publish_at (or now) until unpublish_at; content.published carries that window so a journey can time a push.
 */
export async function publishContent(deps: AppDeps, ctx: RequestContext, id: string): Promise<Content> {
  return changeStatus(deps, ctx, id, 'published');
}

/** Takes an item off the member center for good (it can be published again). */
export async function archiveContent(deps: AppDeps, ctx: RequestContext, id: string): Promise<Content> {
  return changeStatus(deps, ctx, id, 'archived');
}

async function changeStatus(deps: AppDeps, ctx: RequestContext, id: string, to: 'published' | 'archived'): Promise<Content> {
  const row = await withTransaction(deps.db, async (trx) => {
    const current = await lockRow(trx, ctx.tenantId, id);
    if (current.status === to) return current;
    const now = deps.clock.now();
    const updated = await trx
      .updateTable('content_items')
      // A publish whose window already opened is its own announcement; a later publish_at is announced by the schedule job.
      .set({
        status: to,
        updated_at: now,
        ...(to === 'published'
          ? { published_at: now, publish_announced_at: sql<Date | null>`case when publish_at is null or publish_at <= ${now} then ${now}::timestamptz end`, unpublish_announced_at: null }
          : {}),
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: `content.${to === 'published' ? 'publish' : 'archive'}`, resourceType: 'content', resourceId: id, details: { from: current.status } });
    await emitEvent(trx, deps.jobs, ctx, `content.${to}`, {
      content_id: id,
      kind: updated.kind,
      title: updated.title,
      audience_segment_id: updated.audience_segment_id,
      publish_at: updated.publish_at?.toISOString() ?? null,
      unpublish_at: updated.unpublish_at?.toISOString() ?? null,
    });
    return updated;
  });
  return (await serialize(deps.db, ctx.tenantId, [row]))[0]!;
}

export async function getContent(deps: AppDeps, ctx: RequestContext, id: string): Promise<Content> {
  const row = await findRow(deps.db, ctx.tenantId, id);
  if (!row) throw notFound('Content');
  return (await serialize(deps.db, ctx.tenantId, [row]))[0]!;
}

export async function listContent(deps: AppDeps, ctx: RequestContext, query: { limit: number; cursor?: string; status?: ContentRow['status']; kind?: ContentRow['kind']; tag?: string; q?: string }) {
  const after = decodeCursor(query.cursor);
  let q = deps.db.selectFrom('content_items').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (after) q = q.where('id', '<', after);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.kind) q = q.where('kind', '=', query.kind);
  if (query.tag) q = q.where(sql<boolean>`${query.tag} = any(tags)`);
  if (query.q) q = q.where('title', 'ilike', containsPattern(query.q));
  const page = toPage(await q.orderBy('id', 'desc').limit(query.limit + 1).execute(), query.limit);
  return { data: await serialize(deps.db, ctx.tenantId, page.data), next_cursor: page.next_cursor };
}

/** The item's totals and, per local day of the tenant over the last `days` days, views and share taps. */
export async function contentStats(deps: AppDeps, ctx: RequestContext, id: string, days: number) {
  const row = await findRow(deps.db, ctx.tenantId, id);
  if (!row) throw notFound('Content');
  const zone = await tenantZone(deps.db, ctx.tenantId);
  const today = DateTime.fromJSDate(deps.clock.now(), { zone });
  const from = today.minus({ days: days - 1 }).toISODate()!;
  const t = ctx.tenantId;
  const { rows } = await sql<{ day: string; views: number; shares: number }>`
    select d::date::text as day,
      (select count(*)::int from content_views v where v.tenant_id = ${t} and v.content_id = ${id} and v.day = d::date) as views,
      (select coalesce(sum(taps), 0)::int from content_shares s where s.tenant_id = ${t} and s.content_id = ${id} and s.day = d::date) as shares
    from generate_series(${from}::date, ${today.toISODate()!}::date, interval '1 day') d
    order by d`.execute(deps.db);
  return { item: (await statsOf(deps.db, t, [id])).get(id) ?? emptyStats, days: rows };
}

export async function findRow(db: Db, tenantId: string, id: string) {
  return db.selectFrom('content_items').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export async function tenantZone(db: Db, tenantId: string): Promise<string> {
  return (await db.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow()).time_zone;
}

const emptyStats: Stats = { views: 0, unique_viewers: 0, shares: 0, sharers: 0 };

async function statsOf(db: Db, tenantId: string, ids: string[]): Promise<Map<string, Stats>> {
  if (!ids.length) return new Map();
  const [views, shares] = await Promise.all([
    db.selectFrom('content_views').select(['content_id', sql<number>`count(*)::int`.as('views'), sql<number>`count(distinct member_id)::int`.as('viewers')]).where('tenant_id', '=', tenantId).where('content_id', 'in', ids).groupBy('content_id').execute(),
    db.selectFrom('content_shares').select(['content_id', sql<number>`sum(taps)::int`.as('shares'), sql<number>`count(distinct member_id)::int`.as('sharers')]).where('tenant_id', '=', tenantId).where('content_id', 'in', ids).groupBy('content_id').execute(),
  ]);
  const out = new Map<string, Stats>(ids.map((id) => [id, { ...emptyStats }]));
  for (const v of views) Object.assign(out.get(v.content_id)!, { views: v.views, unique_viewers: v.viewers });
  for (const s of shares) Object.assign(out.get(s.content_id)!, { shares: s.shares, sharers: s.sharers });
  return out;
}

async function serialize(db: Db, tenantId: string, rows: ContentRow[]): Promise<Content[]> {
  const stats = await statsOf(db, tenantId, rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    summary: r.summary,
    body: r.body,
    video_url: r.video_url,
    cover_url: r.cover_url,
    tags: r.tags,
    skus: r.skus,
    audience_segment_id: r.audience_segment_id,
    publish_at: r.publish_at?.toISOString() ?? null,
    unpublish_at: r.unpublish_at?.toISOString() ?? null,
    status: r.status,
    published_at: r.published_at?.toISOString() ?? null,
    stats: stats.get(r.id) ?? emptyStats,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  }));
}

function columns(input: ContentInput) {
  return {
    kind: input.kind,
    title: input.title,
    summary: input.summary ?? null,
    body: input.body,
    video_url: input.video_url ?? null,
    cover_url: input.cover_url ?? null,
    tags: [...new Set(input.tags)],
    skus: [...new Set(input.skus)],
    audience_segment_id: input.audience_segment_id ?? null,
    publish_at: input.publish_at ? new Date(input.publish_at) : null,
    unpublish_at: input.unpublish_at ? new Date(input.unpublish_at) : null,
  };
}

/** Unknown SKUs and another tenant's (or a deleted) segment are refused by field, before anything is written. */
async function checkReferences(deps: AppDeps, ctx: RequestContext, input: ContentInput) {
  const errors: FieldError[] = [];
  const known = await existingSkus(deps, ctx, input.skus);
  input.skus.forEach((sku, i) => known.has(sku) || errors.push({ field: `skus.${i}`, code: 'unknown', message: `no product with SKU ${sku}` }));
  if (input.audience_segment_id) {
    await getSegment(deps, ctx, input.audience_segment_id).catch((error: unknown) => {
      if (!(error instanceof AppError && error.code === 'NOT_FOUND')) throw error;
      errors.push({ field: 'audience_segment_id', code: 'unknown', message: 'no such segment' });
    });
  }
  if (errors.length) throw validationError(errors);
}

async function lockRow(trx: Db, tenantId: string, id: string) {
  const row = await trx.selectFrom('content_items').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('Content');
  return row;
}
