import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound, validationError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../../db/database.ts';
import type { PlanPeriod } from './periods.ts';
import './membership.tables.ts';

export type PlanRow = Selectable<DB['membership_plans']>;

export interface PlanInput {
  name: string;
  description?: string | null;
  price_fen: number;
  period: PlanPeriod;
  trial_days: number;
  auto_renew_allowed: boolean;
  /** Benefit ids from the benefits module; kept as references, resolved there. */
  benefit_ids: string[];
  upgrade_to: string[];
  status: 'active' | 'inactive';
}

export async function createPlan(deps: AppDeps, ctx: RequestContext, input: PlanInput) {
  return withTransaction(deps.db, async (trx) => {
    const id = uuidv7();
    await checkUpgradeTargets(trx, ctx, id, input.upgrade_to);
    const row = await trx.insertInto('membership_plans').values({ tenant_id: ctx.tenantId, id, ...planColumns(input) }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'membership_plan.create', resourceType: 'membership_plan', resourceId: id, details: { name: row.name, price_fen: row.price_fen, period: row.period } });
    return serializePlan(row);
  });
}

export async function updatePlan(deps: AppDeps, ctx: RequestContext, id: string, input: PlanInput) {
  return withTransaction(deps.db, async (trx) => {
    await checkUpgradeTargets(trx, ctx, id, input.upgrade_to);
    const row = await trx
      .updateTable('membership_plans')
      .set({ ...planColumns(input), updated_at: sql`now()` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('Plan');
    await recordAudit(trx, ctx, { action: 'membership_plan.update', resourceType: 'membership_plan', resourceId: id, details: { name: row.name, price_fen: row.price_fen, period: row.period, status: row.status } });
    return serializePlan(row);
  });
}

/** Plans are never deleted (subscriptions and payments refer to them): DELETE retires one (inactive). */
export async function retirePlan(deps: AppDeps, ctx: RequestContext, id: string) {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx.updateTable('membership_plans').set({ status: 'inactive', updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) throw notFound('Plan');
    await recordAudit(trx, ctx, { action: 'membership_plan.retire', resourceType: 'membership_plan', resourceId: id, details: {} });
    return serializePlan(row);
  });
}

export async function listPlans(deps: AppDeps, ctx: RequestContext) {
  const rows = await deps.db.selectFrom('membership_plans').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('status').orderBy('price_fen').execute();
  return rows.map(serializePlan);
}

export async function getPlanRow(db: Db, tenantId: string, id: string): Promise<PlanRow> {
  const row = await db.selectFrom('membership_plans').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Plan');
  return row;
}

export async function getPlan(deps: AppDeps, ctx: RequestContext, id: string) {
  return serializePlan(await getPlanRow(deps.db, ctx.tenantId, id));
}

export function serializePlan(row: PlanRow) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    price_fen: row.price_fen,
    period: row.period,
    trial_days: row.trial_days,
    auto_renew_allowed: row.auto_renew_allowed,
    benefit_ids: row.benefit_ids,
    upgrade_to: row.upgrade_to,
    status: row.status,
    created_at: row.created_at.toISOString(),
  };
}

function planColumns(input: PlanInput) {
  return {
    name: input.name,
    description: input.description ?? null,
    price_fen: input.price_fen,
    period: input.period,
    trial_days: input.trial_days,
    auto_renew_allowed: input.auto_renew_allowed,
    benefit_ids: [...new Set(input.benefit_ids)],
    upgrade_to: [...new Set(input.upgrade_to)],
    status: input.status,
  };
}

async function checkUpgradeTargets(trx: Db, ctx: RequestContext, id: string, targets: string[]) {
  if (!targets.length) return;
  if (targets.includes(id)) throw validationError([{ field: 'upgrade_to', code: 'self', message: 'A plan cannot upgrade to itself' }]);
  const found = await trx.selectFrom('membership_plans').select('id').where('tenant_id', '=', ctx.tenantId).where('id', 'in', targets).execute();
  const missing = targets.filter((t) => !found.some((f) => f.id === t));
  if (missing.length) throw validationError([{ field: 'upgrade_to', code: 'unknown_plan', message: `Unknown plans: ${missing.join(', ')}` }]);
}

export interface MembershipSettings {
  full_refund_days: number;
  grace_days: number;
  reminder_days: number;
  query_after_minutes: number;
  payment_timeout_minutes: number;
}

export async function getMembershipSettings(deps: AppDeps, ctx: RequestContext): Promise<MembershipSettings> {
  const row = await deps.db.selectFrom('membership_settings').select(['full_refund_days', 'grace_days', 'reminder_days', 'query_after_minutes', 'payment_timeout_minutes']).where('tenant_id', '=', ctx.tenantId).executeTakeFirst();
  return row ?? { full_refund_days: 7, grace_days: 7, reminder_days: 7, query_after_minutes: 5, payment_timeout_minutes: 120 };
}

export async function updateMembershipSettings(deps: AppDeps, ctx: RequestContext, input: MembershipSettings): Promise<MembershipSettings> {
  return withTransaction(deps.db, async (trx) => {
    await trx.insertInto('membership_settings').values({ tenant_id: ctx.tenantId, ...input }).onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...input, updated_at: sql`now()` })).execute();
    await recordAudit(trx, ctx, { action: 'membership.settings_update', resourceType: 'membership_settings', details: { ...input } });
    return input;
  });
}
