import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Reward } from '@hearth/contracts/points';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import './points.tables.ts';

export interface RewardInput {
  name: string;
  description?: string | null;
  points_price: number;
  stock: number | null;
  status: 'active' | 'inactive';
}

export async function createReward(deps: AppDeps, ctx: RequestContext, input: RewardInput): Promise<Reward> {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('rewards')
      .values({ tenant_id: ctx.tenantId, id: uuidv7(), name: input.name, description: input.description ?? null, points_price: input.points_price, stock: input.stock, status: input.status })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'reward.create', resourceType: 'reward', resourceId: row.id, details: { name: row.name, points_price: row.points_price } });
    return serializeReward(row);
  });
}

export async function updateReward(deps: AppDeps, ctx: RequestContext, id: string, input: RewardInput): Promise<Reward> {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .updateTable('rewards')
      .set({ name: input.name, description: input.description ?? null, points_price: input.points_price, stock: input.stock, status: input.status, updated_at: sql`now()` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('Reward');
    await recordAudit(trx, ctx, { action: 'reward.update', resourceType: 'reward', resourceId: id, details: { ...input } });
    return serializeReward(row);
  });
}

export async function listRewards(deps: AppDeps, ctx: RequestContext): Promise<Reward[]> {
  const rows = await deps.db.selectFrom('rewards').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('status').orderBy('points_price').limit(500).execute();
  return rows.map(serializeReward);
}

function serializeReward(row: { id: string; name: string; description: string | null; points_price: number; stock: number | null; status: 'active' | 'inactive'; created_at: Date }): Reward {
  return { id: row.id, name: row.name, description: row.description, points_price: row.points_price, stock: row.stock, status: row.status, created_at: row.created_at.toISOString() };
}
