import crypto from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Broadcast } from '@hearth/contracts/messaging';
import type { z } from 'zod';
import type { broadcastInputSchema } from '@hearth/contracts/messaging';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getSegment, segmentMemberIds } from '../segments/segments.service.ts';
import { messagingContext } from './deliver.job.ts';
import { sendMessage } from './send.service.ts';
import { getTemplateRow } from './templates.service.ts';

type BroadcastRow = Selectable<DB['message_broadcasts']>;
export const BROADCAST_CHUNK_JOB = 'messaging.broadcast_chunk';
const CHUNK = 500;

/**
 * A one-off send to a segment at a chosen time. Members are split by a deterministic hash of (broadcast,
 * member) into the holdout (nothing sent, recorded for conversion counting) and the A/B/n variants by their
 * weights; every send goes through sendMessage, so caps, quiet hours and consent apply as to journeys.
 */
export async function createBroadcast(deps: AppDeps, ctx: RequestContext, input: z.infer<typeof broadcastInputSchema>): Promise<Broadcast> {
  if (input.variants.reduce((sum, v) => sum + v.weight_bp, 0) !== 10_000) throw validationError([{ field: 'variants', code: 'weights', message: 'variant weights must add up to 10000' }]);
  if (new Set(input.variants.map((v) => v.key)).size !== input.variants.length) throw validationError([{ field: 'variants', code: 'duplicate', message: 'variant keys must differ' }]);
  // Arms are told apart in the delivery log by their template, and two arms with one template test nothing.
  if (new Set(input.variants.map((v) => v.template_id)).size !== input.variants.length) throw validationError([{ field: 'variants', code: 'duplicate_template', message: 'each variant needs its own template' }]);
  await getSegment(deps, ctx, input.segment_id);
  for (const [i, v] of input.variants.entries()) {
    const template = await getTemplateRow(deps.db, ctx.tenantId, v.template_id);
    if (template.channel !== input.channel) throw validationError([{ field: `variants.${i}.template_id`, code: 'wrong_channel', message: `template is for ${template.channel}` }]);
  }
  const sendAt = input.send_at ? new Date(input.send_at) : deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('message_broadcasts')
      .values({ tenant_id: ctx.tenantId, id: uuidv7(), name: input.name, segment_id: input.segment_id, channel: input.channel, category: input.category, variants: JSON.stringify(input.variants), holdout_bp: input.holdout_bp, send_at: sendAt, cursor: null, created_by: ctx.actor.label, finished_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    await enqueueChunk(trx, deps.jobs, ctx.tenantId, row.id, null, sendAt);
    await recordAudit(trx, ctx, { action: 'broadcast.create', resourceType: 'broadcast', resourceId: row.id, details: { name: row.name, segment_id: row.segment_id, channel: row.channel } });
    return serializeBroadcast(row);
  });
}

export async function cancelBroadcast(deps: AppDeps, ctx: RequestContext, id: string): Promise<Broadcast> {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .updateTable('message_broadcasts')
      .set({ status: 'canceled', finished_at: deps.clock.now() })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .where('status', 'in', ['scheduled', 'running'])
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      // Through the transaction: on PGlite (one connection) a read on deps.db would wait for this very transaction.
      await getBroadcast({ ...deps, db: trx }, ctx, id);
      throw new AppError('CONFLICT', 'The broadcast has already finished');
    }
    await recordAudit(trx, ctx, { action: 'broadcast.cancel', resourceType: 'broadcast', resourceId: id });
    return serializeBroadcast(row);
  });
}

export async function getBroadcast(deps: AppDeps, ctx: RequestContext, id: string): Promise<Broadcast> {
  const row = await deps.db.selectFrom('message_broadcasts').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Broadcast');
  return serializeBroadcast(row);
}

/** Per arm: members reached and how far their messages got (a clicked message was delivered, and so on); the holdout's size. */
export async function broadcastStats(deps: AppDeps, ctx: RequestContext, id: string) {
  const broadcast = await getBroadcast(deps, ctx, id);
  const rows = await deps.db
    .selectFrom('message_deliveries')
    .select(['template_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', ctx.tenantId)
    .where('source_kind', '=', 'broadcast')
    .where('source_id', '=', id)
    .groupBy(['template_id', 'status'])
    .execute();
  const arms = broadcast.variants.map((v) => {
    const mine = rows.filter((r) => r.template_id === v.template_id);
    const count = (...statuses: string[]) => mine.filter((r) => statuses.includes(r.status)).reduce((sum, r) => sum + Number(r.n), 0);
    return {
      key: v.key,
      template_id: v.template_id,
      members: count('queued', 'delayed', 'sending', 'sent', 'delivered', 'failed', 'bounced', 'clicked', 'suppressed'),
      suppressed: count('suppressed'),
      pending: count('queued', 'delayed', 'sending'),
      sent: count('sent', 'delivered', 'clicked'),
      delivered: count('delivered', 'clicked'),
      clicked: count('clicked'),
      failed: count('failed', 'bounced'),
    };
  });
  return { broadcast_id: id, arms, holdout: broadcast.counts.holdout };
}

export async function listBroadcasts(deps: AppDeps, ctx: RequestContext, query: { limit: number; cursor?: string }) {
  const before = decodeCursor(query.cursor);
  const rows = await deps.db
    .selectFrom('message_broadcasts')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .$if(before !== undefined, (q) => q.where('id', '<', before!))
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = toPage(rows, query.limit);
  return { data: page.data.map(serializeBroadcast), next_cursor: page.next_cursor };
}

export function registerBroadcastJobs(registry: JobRegistry) {
  // One chunk per job, each enqueuing the next in its own transaction: a 100k-member broadcast is 200 jobs
  // that interleave with other work instead of one long job that holds a worker (and a lock) for minutes.
  registry.define<{ broadcast_id: string; after: string | null }>({ name: BROADCAST_CHUNK_JOB, handler: ({ deps, job, payload }) => runChunk(deps, job.tenant_id, payload.broadcast_id, payload.after) });
}

/** Which arm a member is in: a hash of (broadcast, member) in 0…9999 — the holdout first, then the variants by weight. */
export function armOf(broadcast: Pick<BroadcastRow, 'id' | 'holdout_bp' | 'variants'>, memberId: string): { key: string; template_id: string } | 'holdout' {
  const bucket = crypto.createHash('sha256').update(`${broadcast.id}:${memberId}`).digest().readUInt32BE(0) % 10_000;
  if (bucket < broadcast.holdout_bp) return 'holdout';
  // The rest of the range, rescaled, is split by the variants' weights.
  const position = ((bucket - broadcast.holdout_bp) * 10_000) / (10_000 - broadcast.holdout_bp);
  let edge = 0;
  for (const variant of broadcast.variants) {
    edge += variant.weight_bp;
    if (position < edge) return variant;
  }
  return broadcast.variants.at(-1)!;
}

/** Sends to the next CHUNK members after `after` (key order) and enqueues the chunk after it, in the job's transaction. */
async function runChunk(deps: AppDeps, tenantId: string, broadcastId: string, after: string | null) {
  const broadcast = await deps.db.selectFrom('message_broadcasts').selectAll().where('tenant_id', '=', tenantId).where('id', '=', broadcastId).forUpdate().executeTakeFirst();
  if (!broadcast || broadcast.status === 'canceled' || broadcast.status === 'done') return { skipped: broadcast?.status ?? 'missing' };
  const ctx = messagingContext(tenantId);
  const members = await segmentMemberIds(deps.db, tenantId, broadcast.segment_id, after, CHUNK);
  const counts = { queued: 0, delayed: 0, suppressed: 0, holdout: 0 };
  const holdouts: string[] = [];
  for (const memberId of members) {
    const arm = armOf(broadcast, memberId);
    if (arm === 'holdout') {
      holdouts.push(memberId);
      continue;
    }
    const result = await sendMessage(deps, ctx, { memberId, channel: broadcast.channel as Broadcast['channel'], templateId: arm.template_id, category: broadcast.category, dedupeKey: `broadcast:${broadcast.id}:${memberId}`, source: { kind: 'broadcast', id: broadcast.id } });
    counts[result.status]++;
  }
  if (holdouts.length) {
    await deps.db
      .insertInto('message_broadcast_holdouts')
      .values(holdouts.map((member_id) => ({ tenant_id: tenantId, member_id, broadcast_id: broadcast.id })))
      .onConflict((oc) => oc.doNothing())
      .execute();
    counts.holdout = holdouts.length;
  }
  const last = members.at(-1) ?? null;
  const done = members.length < CHUNK;
  await deps.db
    .updateTable('message_broadcasts')
    .set({
      status: done ? 'done' : 'running',
      cursor: last ?? broadcast.cursor,
      processed: sql`processed + ${members.length}`,
      queued: sql`queued + ${counts.queued}`,
      delayed: sql`delayed + ${counts.delayed}`,
      suppressed: sql`suppressed + ${counts.suppressed}`,
      holdout: sql`holdout + ${counts.holdout}`,
      finished_at: done ? deps.clock.now() : null,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', broadcast.id)
    .execute();
  if (!done) await enqueueChunk(deps.db, deps.jobs, tenantId, broadcast.id, last, deps.clock.now());
  return { members: members.length, ...counts };
}

async function enqueueChunk(db: AppDeps['db'], registry: JobRegistry, tenantId: string, broadcastId: string, after: string | null, runAt: Date) {
  await enqueueJob(db, registry, { tenantId, name: BROADCAST_CHUNK_JOB, key: `broadcast:${broadcastId}:${after ?? 'start'}`, runAt, payload: { broadcast_id: broadcastId, after } });
}

export function serializeBroadcast(row: BroadcastRow): Broadcast {
  return {
    id: row.id,
    name: row.name,
    segment_id: row.segment_id,
    channel: row.channel as Broadcast['channel'],
    category: row.category,
    variants: row.variants,
    holdout_bp: row.holdout_bp,
    send_at: row.send_at.toISOString(),
    status: row.status,
    counts: { processed: row.processed, queued: row.queued, delayed: row.delayed, suppressed: row.suppressed, holdout: row.holdout },
    created_at: row.created_at.toISOString(),
    finished_at: row.finished_at?.toISOString() ?? null,
  };
}
