import { sql, type ExpressionBuilder } from 'kysely';
import { DateTime } from 'luxon';
import type { MyContent } from '@hearth/contracts/content';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { decodeTimeCursor, encodeCursor, timeCursorKey } from '../../http/pagination.ts';
import { trackEvents } from '../members/events.service.ts';
import { productsBySku } from '../products/products.service.ts';
import { segmentsOfMember } from '../segments/segments.service.ts';
import { tenantZone, type ContentRow } from './content.service.ts';
import './content.tables.ts';

/** Behaviour event types written for the member center's content: `share` is what the influence index weighs by default. */
export const CONTENT_VIEW_EVENT = 'content_view';
export const SHARE_EVENT = 'share';

/**
 * What the member may see now: published, inside its publish/unpublish window, and for everyone or for a
 * segment the member is in (asked of the segments service, once per list for the segments in play).
 * Newest first by when it became visible.
 */
export async function listMyContent(deps: AppDeps, ctx: RequestContext, memberId: string, query: { limit: number; cursor?: string; tag?: string }) {
  const segments = await memberAudiences(deps, ctx, memberId);
  let q = deps.db.selectFrom('content_items').selectAll().select(sql<Date>`greatest(publish_at, published_at)`.as('visible_from')).where(visibleNow(ctx.tenantId, deps.clock.now(), segments));
  const after = decodeTimeCursor(query.cursor);
  if (after) q = q.where(sql<boolean>`(greatest(publish_at, published_at), id) < (${after.at}, ${after.id}::uuid)`);
  if (query.tag) q = q.where(sql<boolean>`${query.tag} = any(tags)`);
  const rows = await q.orderBy(sql`greatest(publish_at, published_at)`, 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return { data: await serializeMine(deps, ctx, page), next_cursor: more && last ? encodeCursor(timeCursorKey(last.visible_from, last.id)) : null };
}

/** One item as the member center shows it; anything the member may not see now answers 404. */
export async function getMyContent(deps: AppDeps, ctx: RequestContext, memberId: string, id: string): Promise<MyContent> {
  return (await serializeMine(deps, ctx, [await visibleItem(deps, ctx, memberId, id)]))[0]!;
}

/**
 * Records that the member opened the item. A view counts once per member, item and local day of the tenant:
 * the (member, item, day) primary key settles concurrent opens (the first insert wins, the others insert
 * nothing), and only the counted view becomes a `content_view` behaviour event, keyed by the same triple so
 * it can never be stored twice either.
 */
export async function recordView(deps: AppDeps, ctx: RequestContext, memberId: string, id: string) {
  const item = await visibleItem(deps, ctx, memberId, id);
  const now = deps.clock.now();
  const day = DateTime.fromJSDate(now, { zone: await tenantZone(deps.db, ctx.tenantId) }).toISODate()!;
  return withTransaction(deps.db, async (trx) => {
    const inserted = await trx
      .insertInto('content_views')
      .values({ tenant_id: ctx.tenantId, member_id: memberId, content_id: id, day, viewed_at: now })
      .onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'content_id', 'day']).doNothing())
      .returning('day')
      .executeTakeFirst();
    if (!inserted) return { counted: false, day };
    await trackEvents({ ...deps, db: trx }, ctx, [
      { client_event_id: `content_view:${id}:${memberId}:${day}`, type: CONTENT_VIEW_EVENT, occurred_at: now.toISOString(), member_id: memberId, properties: { content_id: id, kind: item.kind, tags: item.tags } },
    ]);
    return { counted: true, day };
  });
}

/**
 * Records a share tap. Every tap is counted in the item's stats; the member's first share of the item in a
 * local day becomes a `share` behaviour event, which the influence index weighs (a member tapping share ten
 * times is not ten times the influence).
 */
export async function recordShare(deps: AppDeps, ctx: RequestContext, memberId: string, id: string, channel: string) {
  const item = await visibleItem(deps, ctx, memberId, id);
  const now = deps.clock.now();
  const day = DateTime.fromJSDate(now, { zone: await tenantZone(deps.db, ctx.tenantId) }).toISODate()!;
  return withTransaction(deps.db, async (trx) => {
    const { taps } = await trx
      .insertInto('content_shares')
      .values({ tenant_id: ctx.tenantId, member_id: memberId, content_id: id, day, taps: 1, channels: [channel], first_at: now })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'member_id', 'content_id', 'day']).doUpdateSet({
          taps: sql<number>`content_shares.taps + 1`,
          channels: sql<string[]>`case when ${channel} = any(content_shares.channels) then content_shares.channels else content_shares.channels || array[${channel}::text] end`,
        }),
      )
      .returning('taps')
      .executeTakeFirstOrThrow();
    const counted = taps === 1;
    if (counted) {
      await trackEvents({ ...deps, db: trx }, ctx, [
        { client_event_id: `content_share:${id}:${memberId}:${day}`, type: SHARE_EVENT, occurred_at: now.toISOString(), member_id: memberId, properties: { object: 'content', content_id: id, kind: item.kind, channel } },
      ]);
    }
    return { recorded: true, counted, day };
  });
}

/** The member's own view and share rows, for the privacy export. */
export async function memberContentActivity(deps: Pick<AppDeps, 'db'>, tenantId: string, memberId: string) {
  const [views, shares] = await Promise.all([
    deps.db.selectFrom('content_views').select(['content_id', sql<string>`day::text`.as('day'), 'viewed_at']).where('tenant_id', '=', tenantId).where('member_id', '=', memberId).orderBy('viewed_at').execute(),
    deps.db.selectFrom('content_shares').select(['content_id', sql<string>`day::text`.as('day'), 'taps', 'channels']).where('tenant_id', '=', tenantId).where('member_id', '=', memberId).orderBy('first_at').execute(),
  ]);
  return { views: views.map((v) => ({ ...v, viewed_at: v.viewed_at.toISOString() })), shares };
}

async function visibleItem(deps: AppDeps, ctx: RequestContext, memberId: string, id: string): Promise<ContentRow> {
  const segments = await memberAudiences(deps, ctx, memberId);
  const row = await deps.db.selectFrom('content_items').selectAll().where('id', '=', id).where(visibleNow(ctx.tenantId, deps.clock.now(), segments)).executeTakeFirst();
  if (!row) throw notFound('Content');
  return row;
}

/** The audience segments of currently published items that the member belongs to. */
async function memberAudiences(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<string[]> {
  const inPlay = await deps.db
    .selectFrom('content_items')
    .select('audience_segment_id')
    .distinct()
    .where('tenant_id', '=', ctx.tenantId)
    .where('status', '=', 'published')
    .where('audience_segment_id', 'is not', null)
    .execute();
  return [...(await segmentsOfMember(deps.db, ctx.tenantId, memberId, inPlay.map((r) => r.audience_segment_id!)))];
}

function visibleNow(tenantId: string, now: Date, segments: string[]) {
  return (eb: ExpressionBuilder<DB, 'content_items'>) =>
    eb.and([
      eb('tenant_id', '=', tenantId),
      eb('status', '=', 'published'),
      eb.or([eb('publish_at', 'is', null), eb('publish_at', '<=', now)]),
      eb.or([eb('unpublish_at', 'is', null), eb('unpublish_at', '>', now)]),
      segments.length ? eb.or([eb('audience_segment_id', 'is', null), eb('audience_segment_id', 'in', segments)]) : eb('audience_segment_id', 'is', null),
    ]);
}

async function serializeMine(deps: AppDeps, ctx: RequestContext, rows: ContentRow[]): Promise<MyContent[]> {
  const products = await productsBySku(deps.db, ctx.tenantId, rows.flatMap((r) => r.skus));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    summary: r.summary,
    body: r.body,
    video_url: r.video_url,
    cover_url: r.cover_url,
    tags: r.tags,
    products: r.skus.flatMap((sku) => {
      const p = products.get(sku);
      return p ? [{ sku, ...p }] : [];
    }),
    published_at: new Date(Math.max(r.published_at!.getTime(), r.publish_at?.getTime() ?? 0)).toISOString(),
  }));
}
