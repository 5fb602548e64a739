import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Group, GroupInput } from '@hearth/contracts/groups';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getStore } from '../stores/stores.service.ts';
import { listPrograms } from '../tiers/tiers.service.ts';
import { clearPoolFull } from './routing.service.ts';
import { groupSettings } from './settings.service.ts';
import { joinQrFor } from './wecom-sync.service.ts';
import './groups.tables.ts';

export type GroupRow = Selectable<DB['community_groups']>;

export async function createGroup(deps: AppDeps, ctx: RequestContext, input: GroupInput): Promise<Group> {
  await checkReferences(deps, ctx, input);
  const id = uuidv7();
  const qr = await joinQrFor(deps, ctx, input);
  await withTransaction(deps.db, async (trx) => {
    await trx.insertInto('community_groups').values({ tenant_id: ctx.tenantId, id, ...groupValues(input), ...qr }).execute().catch(chatConflict);
    await recordAudit(trx, ctx, { action: 'groups.create', resourceType: 'community_group', resourceId: id, details: { name: input.name, chat_id: input.chat_id ?? null } });
    await emitEvent(trx, deps.jobs, ctx, 'group.created', { group_id: id, chat_id: input.chat_id ?? null, pool_id: input.pool_id ?? null });
    await clearPoolFull(trx, ctx.tenantId, input.pool_id ?? null);
  });
  return getGroup(deps, ctx.tenantId, id);
}

export async function updateGroup(deps: AppDeps, ctx: RequestContext, id: string, input: GroupInput): Promise<Group> {
  const existing = await getGroupRow(deps.db, ctx.tenantId, id);
  await checkReferences(deps, ctx, input);
  const qr = await joinQrFor(deps, ctx, input, existing);
  await withTransaction(deps.db, async (trx) => {
    await trx.updateTable('community_groups').set({ ...groupValues(input), ...qr, updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).execute().catch(chatConflict);
    await clearPoolFull(trx, ctx.tenantId, input.pool_id ?? null);
    await recordAudit(trx, ctx, { action: 'groups.update', resourceType: 'community_group', resourceId: id, details: { name: input.name, status: input.status, capacity: input.capacity } });
  });
  return getGroup(deps, ctx.tenantId, id);
}

export async function getGroup(deps: Pick<AppDeps, 'db' | 'clock'>, tenantId: string, id: string): Promise<Group> {
  const [group] = await withSeats(deps, tenantId, [await getGroupRow(deps.db, tenantId, id)]);
  return group!;
}

export async function getGroupRow(db: Db, tenantId: string, id: string): Promise<GroupRow> {
  const row = await db.selectFrom('community_groups').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Group');
  return row;
}

/** The Hearth group that stands for a WeCom customer group, if one does. */
export async function findGroupByChat(db: Db, tenantId: string, chatId: string): Promise<GroupRow | undefined> {
  return db.selectFrom('community_groups').selectAll().where('tenant_id', '=', tenantId).where('chat_id', '=', chatId).executeTakeFirst();
}

export async function listGroups({ db, clock }: Pick<AppDeps, 'db' | 'clock'>, tenantId: string, query: { pool_id?: string; store_id?: string; theme?: string; status?: Group['status']; limit: number; cursor?: string }) {
  let q = db.selectFrom('community_groups').selectAll().where('tenant_id', '=', tenantId);
  if (query.pool_id) q = q.where('pool_id', '=', query.pool_id);
  if (query.store_id) q = q.where('store_id', '=', query.store_id);
  if (query.theme) q = q.where('theme', '=', query.theme);
  if (query.status) q = q.where('status', '=', query.status);
  const after = decodeCursor(query.cursor);
  if (after) q = q.where('id', '<', after);
  const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
  const page = toPage(rows, query.limit);
  return { data: await withSeats({ db, clock }, tenantId, page.data), next_cursor: page.next_cursor };
}

/**
 * The groups with their held seats and the seats left for routing. Holds count until they expire or their
 * scanner joins; the safety margin is taken off every group's capacity.
 */
export async function withSeats({ db, clock }: Pick<AppDeps, 'db' | 'clock'>, tenantId: string, rows: GroupRow[]): Promise<Group[]> {
  if (!rows.length) return [];
  const [settings, held] = await Promise.all([
    groupSettings(db, tenantId),
    db
      .selectFrom('group_route_holds')
      .select(['group_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', tenantId)
      .where('group_id', 'in', rows.map((r) => r.id))
      .where('joined_at', 'is', null)
      .where('expires_at', '>', clock.now())
      .groupBy('group_id')
      .execute(),
  ]);
  const heldBy = new Map(held.map((h) => [h.group_id, Number(h.n)]));
  return rows.map((row) => {
    const heldSeats = heldBy.get(row.id) ?? 0;
    return serializeGroup(row, heldSeats, Math.max(0, row.capacity - settings.safety_margin - row.member_count - heldSeats));
  });
}

function serializeGroup(row: GroupRow, heldSeats: number, seatsLeft: number): Group {
  return {
    id: row.id,
    name: row.name,
    store_id: row.store_id,
    theme: row.theme,
    tier_id: row.tier_id,
    pool_id: row.pool_id,
    chat_id: row.chat_id,
    owner_userid: row.owner_userid,
    join_qr_url: row.join_qr_url,
    capacity: row.capacity,
    welcome_text: row.welcome_text,
    status: row.status,
    member_count: row.member_count,
    held_seats: heldSeats,
    seats_left: seatsLeft,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function groupValues(input: GroupInput) {
  return {
    name: input.name,
    store_id: input.store_id ?? null,
    theme: input.theme ?? null,
    tier_id: input.tier_id ?? null,
    pool_id: input.pool_id ?? null,
    chat_id: input.chat_id ?? null,
    owner_userid: input.owner_userid ?? null,
    capacity: input.capacity,
    welcome_text: input.welcome_text ?? null,
    status: input.status,
  };
}

function chatConflict(error: unknown): never {
  if (isUniqueViolation(error, 'community_groups_chat_key')) throw new AppError('CONFLICT', 'Another group already stands for this WeCom chat', { errors: [{ field: 'chat_id', code: 'taken', message: 'another group has this chat' }] });
  throw error;
}

/** The store, tier and pool a group names must be the brand's own: a clear 400 naming the field otherwise. */
async function checkReferences(deps: AppDeps, ctx: RequestContext, input: GroupInput) {
  if (input.store_id) await checkStore(deps, ctx, input.store_id, 'store_id');
  if (input.tier_id) {
    const programs = await listPrograms(deps, ctx);
    if (!programs.some((p) => p.tiers.some((t) => t.id === input.tier_id))) throw validationError([{ field: 'tier_id', code: 'unknown_tier', message: 'no such tier' }]);
  }
  if (input.pool_id) {
    const pool = await deps.db.selectFrom('group_pools').select('status').where('tenant_id', '=', ctx.tenantId).where('id', '=', input.pool_id).executeTakeFirst();
    if (!pool) throw validationError([{ field: 'pool_id', code: 'unknown_pool', message: 'no such pool' }]);
  }
}

export async function checkStore(deps: AppDeps, ctx: RequestContext, storeId: string, field: string) {
  try {
    await getStore(deps, ctx, storeId);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') throw validationError([{ field, code: 'unknown_store', message: 'no such store' }]);
    throw error;
  }
}
