import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { benefitConfigSchema, type Benefit, type BenefitInput, type BenefitType } from '@hearth/contracts/benefits';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getTemplate } from '../coupons/templates.service.ts';
import { listPlans } from '../membership/plans.service.ts';
import { tiersReferencingBenefit } from '../tiers/tier-benefits.ts';
import './benefits.tables.ts';

export type BenefitRow = Selectable<DB['benefits']>;

export async function createBenefit(deps: AppDeps, ctx: RequestContext, input: BenefitInput): Promise<Benefit> {
  await checkConfig(deps, ctx, input);
  try {
    return await withTransaction(deps.db, async (trx) => {
      const now = deps.clock.now();
      const row = await trx.insertInto('benefits').values({ tenant_id: ctx.tenantId, id: uuidv7(), ...columns(input), created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
      await recordAudit(trx, ctx, { action: 'benefit.create', resourceType: 'benefit', resourceId: row.id, details: { code: row.code, type: row.type } });
      return serializeBenefit(row);
    });
  } catch (error) {
    throw codeTaken(error);
  }
}

/** Changes apply from now on: uses already made keep what they were. */
export async function updateBenefit(deps: AppDeps, ctx: RequestContext, id: string, input: BenefitInput): Promise<Benefit> {
  await checkConfig(deps, ctx, input);
  try {
    return await withTransaction(deps.db, async (trx) => {
      const row = await trx.updateTable('benefits').set({ ...columns(input), updated_at: deps.clock.now() }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).returningAll().executeTakeFirst();
      if (!row) throw notFound('Benefit');
      await recordAudit(trx, ctx, { action: 'benefit.update', resourceType: 'benefit', resourceId: id, details: { code: row.code, type: row.type, status: row.status } });
      return serializeBenefit(row);
    });
  } catch (error) {
    throw codeTaken(error);
  }
}

/**
 * Deletes a benefit nobody has used, been granted or been given, and no tier or plan lists; otherwise 409
 * BENEFIT_IN_USE (pause it instead: a paused benefit is entitled to nobody).
 */
export async function deleteBenefit(deps: AppDeps, ctx: RequestContext, id: string): Promise<void> {
  await withTransaction(deps.db, async (trx) => {
    const row = await trx.selectFrom('benefits').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound('Benefit');
    const tiers = await tiersReferencingBenefit(trx, ctx.tenantId, id);
    const plans = (await listPlans({ ...deps, db: trx }, ctx)).filter((p) => p.benefit_ids.includes(id));
    const used = await sql<{ n: number }>`select (
        (select count(*) from (select 1 from benefit_uses where tenant_id = ${ctx.tenantId} and benefit_id = ${id} limit 1) u)
      + (select count(*) from (select 1 from benefit_grants where tenant_id = ${ctx.tenantId} and benefit_id = ${id} limit 1) g))::int as n`.execute(trx);
    const holders = [...tiers.map((t) => `tier ${t.name}`), ...plans.map((p) => `plan ${p.name}`)];
    if (holders.length || used.rows[0]!.n > 0) {
      throw new AppError('BENEFIT_IN_USE', holders.length ? `Listed by ${holders.join(', ')}; remove it there first or pause it` : 'Members have used or been granted this benefit; pause it instead');
    }
    await trx.deleteFrom('benefits').where('tenant_id', '=', ctx.tenantId).where('id', '=', id).execute();
    await recordAudit(trx, ctx, { action: 'benefit.delete', resourceType: 'benefit', resourceId: id, details: {} });
  });
}

export async function listBenefits(deps: AppDeps, ctx: RequestContext, filter: { type?: BenefitType; status?: 'active' | 'paused' } = {}): Promise<Benefit[]> {
  let q = deps.db.selectFrom('benefits').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (filter.type) q = q.where('type', '=', filter.type);
  if (filter.status) q = q.where('status', '=', filter.status);
  return (await q.orderBy('type').orderBy('code').limit(1000).execute()).map(serializeBenefit);
}

export async function getBenefit(deps: AppDeps, ctx: RequestContext, id: string): Promise<Benefit> {
  return serializeBenefit(await getBenefitRow(deps.db, ctx.tenantId, id));
}

export async function getBenefitRow(db: Db, tenantId: string, id: string): Promise<BenefitRow> {
  const row = await db.selectFrom('benefits').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Benefit');
  return row;
}

export async function benefitRowsByIds(db: Db, tenantId: string, ids: readonly string[]): Promise<BenefitRow[]> {
  if (!ids.length) return [];
  return db.selectFrom('benefits').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', [...new Set(ids)]).execute();
}

/** For modules that keep benefit references (tiers): 400 naming the field when an id is not in the catalogue. */
export async function assertBenefitIds(db: Db, tenantId: string, ids: readonly string[], field: string): Promise<void> {
  const found = new Set((await benefitRowsByIds(db, tenantId, ids)).map((r) => r.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw validationError([{ field, code: 'unknown_benefit', message: `Unknown benefits: ${missing.join(', ')}` }]);
}

export function serializeBenefit(row: BenefitRow): Benefit {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    name_en: row.name_en,
    description: row.description,
    type: row.type,
    status: row.status,
    usage_limit: row.limit_period && row.limit_uses ? { period: row.limit_period, uses: row.limit_uses } : null,
    value_fen: row.value_fen,
    config: benefitConfigSchema.parse(row.config),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function columns(input: BenefitInput) {
  return {
    code: input.code,
    name: input.name,
    name_en: input.name_en ?? null,
    description: input.description ?? null,
    type: input.config.type,
    status: input.status,
    limit_period: input.usage_limit?.period ?? null,
    limit_uses: input.usage_limit?.uses ?? null,
    value_fen: input.value_fen ?? null,
    config: JSON.stringify(input.config),
  };
}

/** References the schema cannot check: a birthday coupon's template must be one of the tenant's. */
async function checkConfig(deps: AppDeps, ctx: RequestContext, input: BenefitInput) {
  const c = input.config;
  if (c.type === 'birthday_gift' && c.gift.kind === 'coupon') {
    try {
      await getTemplate(deps, ctx, c.gift.template_id);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') throw validationError([{ field: 'config.gift.template_id', code: 'unknown_template', message: 'not a coupon template of this brand' }]);
      throw error;
    }
  }
}

function codeTaken(error: unknown) {
  if (isUniqueViolation(error, 'benefits_tenant_id_code_key')) {
    return new AppError('BENEFIT_CODE_TAKEN', 'Another benefit has this code', { errors: [{ field: 'code', code: 'taken', message: 'already used by another benefit' }] });
  }
  return error;
}
