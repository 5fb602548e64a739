import { randomBytes } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Pool, PoolInput } from '@hearth/contracts/groups';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { checkStore, withSeats } from './catalogue.service.ts';
import './groups.tables.ts';

type PoolRow = Selectable<DB['group_pools']>;
/** A pool without its link: the link depends on where the brand's members reach Hearth (the route knows). */
export type PoolView = Omit<Pool, 'link'>;

export async function createPool(deps: AppDeps, ctx: RequestContext, input: PoolInput): Promise<PoolView> {
  if (input.store_id) await checkStore(deps, ctx, input.store_id, 'store_id');
  const id = uuidv7();
  // 8 base64url characters (48 bits): short enough for a small printed QR, too many to guess a pool.
  const code = randomBytes(6).toString('base64url');
  await withTransaction(deps.db, async (trx) => {
    await trx.insertInto('group_pools').values({ tenant_id: ctx.tenantId, id, code, all_full_since: null, ...poolValues(input) }).execute();
    await recordAudit(trx, ctx, { action: 'groups.pool_create', resourceType: 'group_pool', resourceId: id, details: { name: input.name, kind: input.kind } });
  });
  return getPool(deps, ctx.tenantId, id);
}

export async function updatePool(deps: AppDeps, ctx: RequestContext, id: string, input: PoolInput): Promise<PoolView> {
  await getPoolRow(deps.db, ctx.tenantId, id);
  if (input.store_id) await checkStore(deps, ctx, input.store_id, 'store_id');
  await withTransaction(deps.db, async (trx) => {
    await trx.updateTable('group_pools').set({ ...poolValues(input), updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).execute();
    await recordAudit(trx, ctx, { action: 'groups.pool_update', resourceType: 'group_pool', resourceId: id, details: { name: input.name, status: input.status } });
  });
  return getPool(deps, ctx.tenantId, id);
}

export async function getPoolRow(db: Db, tenantId: string, id: string): Promise<PoolRow> {
  const row = await db.selectFrom('group_pools').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Group pool');
  return row;
}

export async function findPoolByCode(db: Db, tenantId: string, code: string): Promise<PoolRow | undefined> {
  return db.selectFrom('group_pools').selectAll().where('tenant_id', '=', tenantId).where('code', '=', code).executeTakeFirst();
}

export async function getPool(deps: Pick<AppDeps, 'db' | 'clock'>, tenantId: string, id: string): Promise<PoolView> {
  const [pool] = await viewPools(deps, tenantId, [await getPoolRow(deps.db, tenantId, id)]);
  return pool!;
}

/** Every pool (a brand has tens, not thousands), newest first, with its groups and the seats left in them. */
export async function listPools(deps: Pick<AppDeps, 'db' | 'clock'>, tenantId: string): Promise<PoolView[]> {
  const rows = await deps.db.selectFrom('group_pools').selectAll().where('tenant_id', '=', tenantId).orderBy('id', 'desc').execute();
  return viewPools(deps, tenantId, rows);
}

async function viewPools(deps: Pick<AppDeps, 'db' | 'clock'>, tenantId: string, pools: PoolRow[]): Promise<PoolView[]> {
  if (!pools.length) return [];
  const groups = await deps.db.selectFrom('community_groups').selectAll().where('tenant_id', '=', tenantId).where('pool_id', 'in', pools.map((p) => p.id)).where('status', '!=', 'archived').execute();
  const seats = await withSeats(deps, tenantId, groups);
  return pools.map((pool) => {
    const mine = seats.filter((g) => g.pool_id === pool.id);
    const routable = mine.filter((g) => g.status === 'active' && g.join_qr_url);
    return {
      id: pool.id,
      name: pool.name,
      kind: pool.kind,
      store_id: pool.store_id,
      theme: pool.theme,
      welcome_text: pool.welcome_text,
      status: pool.status,
      code: pool.code,
      groups: mine.length,
      seats_left: routable.reduce((sum, g) => sum + g.seats_left, 0),
      all_full_since: pool.all_full_since?.toISOString() ?? null,
      created_at: pool.created_at.toISOString(),
    };
  });
}

function poolValues(input: PoolInput) {
  return { name: input.name, kind: input.kind, store_id: input.kind === 'store' ? (input.store_id ?? null) : null, theme: input.kind === 'theme' ? (input.theme ?? null) : null, welcome_text: input.welcome_text ?? null, status: input.status };
}
