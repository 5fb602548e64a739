import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { CouponTemplate, CouponTemplateInput } from '@hearth/contracts/coupons';
import type { z } from 'zod';
import type { couponSettingsSchema, couponTemplateUpdateSchema } from '@hearth/contracts/coupons';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import './coupons.tables.ts';

export type TemplateRow = Selectable<DB['coupon_templates']>;
type Terms = CouponTemplateInput['terms'];
type CouponSettings = z.infer<typeof couponSettingsSchema>;

export async function createTemplate(deps: AppDeps, ctx: RequestContext, input: CouponTemplateInput): Promise<CouponTemplate> {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('coupon_templates')
      .values({ tenant_id: ctx.tenantId, id: uuidv7(), name: input.name, description: input.description ?? null, stock_total: input.stock_total ?? null, ...termColumns(input.terms) })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'coupon_template.create', resourceType: 'coupon_template', resourceId: row.id, details: { name: row.name, kind: row.kind } });
    return serializeTemplate(row);
  });
}

/**
 * Names change freely; the value terms only while nothing was issued, since coupons already in members'
 * hands promise what the template said when they got them (no versions: pause it and make a new one).
 */
export async function updateTemplate(deps: AppDeps, ctx: RequestContext, id: string, input: z.infer<typeof couponTemplateUpdateSchema>): Promise<CouponTemplate> {
  return withTransaction(deps.db, async (trx) => {
    const current = await lockTemplate(trx, ctx.tenantId, id);
    if (input.terms && current.issued_count > 0) {
      throw new AppError('COUPON_TEMPLATE_IN_USE', 'Coupons of this template were issued: its terms can no longer change', {
        errors: [{ field: 'terms', code: 'in_use', message: 'pause it and create a new template' }],
      });
    }
    const row = await trx
      .updateTable('coupon_templates')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description ?? null } : {}),
        ...(input.terms ? termColumns(input.terms) : {}),
        updated_at: sql`now()`,
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'coupon_template.update', resourceType: 'coupon_template', resourceId: id, details: { fields: Object.keys(input) } });
    return serializeTemplate(row);
  });
}

export async function setTemplateStatus(deps: AppDeps, ctx: RequestContext, id: string, status: 'active' | 'paused'): Promise<CouponTemplate> {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx.updateTable('coupon_templates').set({ status, updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) throw notFound('Coupon template');
    await recordAudit(trx, ctx, { action: status === 'paused' ? 'coupon_template.pause' : 'coupon_template.resume', resourceType: 'coupon_template', resourceId: id });
    return serializeTemplate(row);
  });
}

/** Stock only grows: coupons already issued keep their place in it. */
export async function addStock(deps: AppDeps, ctx: RequestContext, id: string, add: number): Promise<CouponTemplate> {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .updateTable('coupon_templates')
      .set({ stock_total: sql`stock_total + ${add}::int`, updated_at: sql`now()` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('Coupon template');
    await recordAudit(trx, ctx, { action: 'coupon_template.add_stock', resourceType: 'coupon_template', resourceId: id, details: { add, stock_total: row.stock_total } });
    return serializeTemplate(row);
  });
}

export async function getTemplate(deps: AppDeps, ctx: RequestContext, id: string): Promise<CouponTemplate> {
  const row = await deps.db.selectFrom('coupon_templates').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Coupon template');
  return serializeTemplate(row);
}

export async function listTemplates(deps: AppDeps, ctx: RequestContext): Promise<CouponTemplate[]> {
  const rows = await deps.db.selectFrom('coupon_templates').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('id', 'desc').limit(500).execute();
  return rows.map(serializeTemplate);
}

/** Locks a template row: issuance of one template is serialized on it (stock and per-member limits). */
export async function lockTemplate(trx: Db, tenantId: string, id: string): Promise<TemplateRow> {
  const row = await trx.selectFrom('coupon_templates').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('Coupon template');
  return row;
}

export async function getSettings(db: Db, tenantId: string): Promise<CouponSettings> {
  const row = await db.selectFrom('coupon_settings').select(['reservation_minutes', 'refund_policy', 'expiring_days']).where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ?? { reservation_minutes: 10, refund_policy: 'restore_if_valid', expiring_days: 3 };
}

export async function updateSettings(deps: AppDeps, ctx: RequestContext, input: CouponSettings): Promise<CouponSettings> {
  return withTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('coupon_settings')
      .values({ tenant_id: ctx.tenantId, ...input })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...input, updated_at: sql`now()` }))
      .execute();
    await recordAudit(trx, ctx, { action: 'coupon_settings.update', resourceType: 'coupon_settings', resourceId: ctx.tenantId, details: { ...input } });
    return getSettings(trx, ctx.tenantId);
  });
}

function termColumns(t: Terms) {
  return {
    kind: t.kind,
    value_fen: t.kind === 'cash' ? t.value_fen! : null,
    percent_off_bp: t.kind === 'percent' ? t.percent_off_bp! : null,
    cap_fen: t.kind === 'percent' ? t.cap_fen! : null,
    min_spend_fen: t.min_spend_fen,
    free_sku: t.kind === 'free_item' ? t.free_sku! : null,
    free_qty: t.kind === 'free_item' ? (t.free_qty ?? 1) : null,
    valid_from: t.valid_from ?? null,
    valid_until: t.valid_days ? null : (t.valid_until ?? null),
    valid_days: t.valid_days ?? null,
    per_member_limit: t.per_member_limit ?? null,
    channels: t.channels,
    store_ids: t.store_ids,
    categories: t.categories,
    skus: t.skus,
    stackable_with_coupons: t.stackable_with_coupons,
    stackable_with_member_discounts: t.stackable_with_member_discounts,
  };
}

/** node-postgres turns a `date` into a Date at local midnight; the calendar day is what it means. */
export function asDay(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`;
  return String(value);
}

export function serializeTemplate(row: TemplateRow): CouponTemplate {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    terms: {
      kind: row.kind,
      value_fen: row.value_fen,
      percent_off_bp: row.percent_off_bp,
      cap_fen: row.cap_fen,
      min_spend_fen: row.min_spend_fen,
      free_sku: row.free_sku,
      free_qty: row.free_qty,
      valid_from: asDay(row.valid_from),
      valid_until: asDay(row.valid_until),
      valid_days: row.valid_days,
      per_member_limit: row.per_member_limit,
      channels: row.channels,
      store_ids: row.store_ids,
      categories: row.categories,
      skus: row.skus,
      stackable_with_coupons: row.stackable_with_coupons,
      stackable_with_member_discounts: row.stackable_with_member_discounts,
    },
    stock_total: row.stock_total,
    issued_count: row.issued_count,
    status: row.status,
    in_use: row.issued_count > 0,
    created_at: row.created_at.toISOString(),
  };
}
