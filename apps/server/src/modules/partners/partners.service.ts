import crypto from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { Partner, PartnerBenefit, partnerBenefitInputSchema, partnerBenefitUpdateSchema, partnerInputSchema, partnerUpdateSchema } from '@hearth/contracts/partners';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { sealSecret } from '../../secret-box.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { normalizeEligibility } from '../pricing/eligibility.ts';
import './partners.tables.ts';

export type PartnerRow = Selectable<DB['partners']>;
export type BenefitRow = Selectable<DB['partner_benefits']>;

export async function createPartner(deps: AppDeps, ctx: RequestContext, input: z.infer<typeof partnerInputSchema>): Promise<Partner> {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('partners')
      .values({ tenant_id: ctx.tenantId, id: uuidv7(), ...partnerColumns(input), secret_sealed: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'partner.create', resourceType: 'partner', resourceId: row.id, details: { name: row.name } });
    return serializePartner(row);
  });
}

export async function updatePartner(deps: AppDeps, ctx: RequestContext, id: string, input: z.infer<typeof partnerUpdateSchema>): Promise<Partner> {
  return withTransaction(deps.db, async (trx) => {
    await getPartnerRow(trx, ctx.tenantId, id);
    const row = await trx
      .updateTable('partners')
      .set({ ...partnerColumns(input), ...(input.status ? { status: input.status } : {}), updated_at: sql`now()` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'partner.update', resourceType: 'partner', resourceId: id, details: { fields: Object.keys(input) } });
    return serializePartner(row);
  });
}

/**
 * A new HMAC key for the partner, shown once: we sign callbacks with it and the partner signs its redemption
 * reports with it. Stored sealed (AES-256-GCM under HEARTH_SECRETS_KEY), so a dump alone does not reveal it.
 */
export async function rotatePartnerSecret(deps: AppDeps, ctx: RequestContext, id: string): Promise<{ secret: string }> {
  const secret = `hps_${crypto.randomBytes(32).toString('base64url')}`;
  const sealed = sealSecret(deps.config.secretsKey, secret);
  await withTransaction(deps.db, async (trx) => {
    await getPartnerRow(trx, ctx.tenantId, id);
    await trx.updateTable('partners').set({ secret_sealed: sealed, updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).execute();
    await recordAudit(trx, ctx, { action: 'partner.secret_rotate', resourceType: 'partner', resourceId: id, details: {} });
  });
  return { secret };
}

export async function listPartners(deps: AppDeps, ctx: RequestContext): Promise<Partner[]> {
  const rows = await deps.db.selectFrom('partners').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('id', 'desc').execute();
  return rows.map(serializePartner);
}

export async function getPartner(deps: AppDeps, ctx: RequestContext, id: string): Promise<Partner> {
  return serializePartner(await getPartnerRow(deps.db, ctx.tenantId, id));
}

export async function getPartnerRow(db: Db, tenantId: string, id: string): Promise<PartnerRow> {
  const row = await db.selectFrom('partners').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Partner');
  return row;
}

export async function createBenefit(deps: AppDeps, ctx: RequestContext, input: z.infer<typeof partnerBenefitInputSchema>): Promise<PartnerBenefit> {
  return withTransaction(deps.db, async (trx) => {
    await getPartnerRow(trx, ctx.tenantId, input.partner_id);
    const row = await trx
      .insertInto('partner_benefits')
      .values({
        tenant_id: ctx.tenantId,
        id: uuidv7(),
        partner_id: input.partner_id,
        name: input.name,
        description: input.description ?? null,
        kind: input.kind,
        period: input.period,
        eligibility: JSON.stringify(input.eligibility),
        low_stock_threshold: input.low_stock_threshold,
        low_stock_since: null,
        benefit_ref: input.benefit_ref ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'partner_benefit.create', resourceType: 'partner_benefit', resourceId: row.id, details: { partner_id: row.partner_id, kind: row.kind } });
    return (await serializeBenefits(trx, ctx.tenantId, [row]))[0]!;
  });
}

export async function updateBenefit(deps: AppDeps, ctx: RequestContext, id: string, input: z.infer<typeof partnerBenefitUpdateSchema>): Promise<PartnerBenefit> {
  return withTransaction(deps.db, async (trx) => {
    await getBenefitRow(trx, ctx.tenantId, id);
    const { eligibility, description, benefit_ref, ...rest } = input;
    const row = await trx
      .updateTable('partner_benefits')
      .set({
        ...rest,
        ...(eligibility ? { eligibility: JSON.stringify(eligibility) } : {}),
        ...(description !== undefined ? { description } : {}),
        ...(benefit_ref !== undefined ? { benefit_ref } : {}),
        updated_at: sql`now()`,
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'partner_benefit.update', resourceType: 'partner_benefit', resourceId: id, details: { fields: Object.keys(input) } });
    return (await serializeBenefits(trx, ctx.tenantId, [row]))[0]!;
  });
}

export async function listBenefits(deps: AppDeps, ctx: RequestContext, partnerId?: string): Promise<PartnerBenefit[]> {
  let q = deps.db.selectFrom('partner_benefits').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (partnerId) q = q.where('partner_id', '=', partnerId);
  return serializeBenefits(deps.db, ctx.tenantId, await q.orderBy('id', 'desc').execute());
}

export async function getBenefit(deps: AppDeps, ctx: RequestContext, id: string): Promise<PartnerBenefit> {
  return (await serializeBenefits(deps.db, ctx.tenantId, [await getBenefitRow(deps.db, ctx.tenantId, id)]))[0]!;
}

export async function getBenefitRow(db: Db, tenantId: string, id: string): Promise<BenefitRow> {
  const row = await db.selectFrom('partner_benefits').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Partner benefit');
  return row;
}

/** Benefits with their pool's stock: one grouped count over the pools' codes. */
export async function serializeBenefits(db: Db, tenantId: string, rows: BenefitRow[]): Promise<PartnerBenefit[]> {
  const pools = rows.filter((r) => r.kind === 'code_pool').map((r) => r.id);
  const stock = new Map<string, { total: number; available: number }>();
  if (pools.length) {
    const counts = await db
      .selectFrom('partner_codes')
      .select(['benefit_id', sql<number>`count(*)::int`.as('total'), sql<number>`(count(*) filter (where status = 'available'))::int`.as('available')])
      .where('tenant_id', '=', tenantId)
      .where('benefit_id', 'in', pools)
      .groupBy('benefit_id')
      .execute();
    for (const c of counts) stock.set(c.benefit_id, c);
  }
  return rows.map((r) => {
    const s = r.kind === 'code_pool' ? (stock.get(r.id) ?? { total: 0, available: 0 }) : null;
    return {
      id: r.id,
      partner_id: r.partner_id,
      name: r.name,
      description: r.description,
      kind: r.kind,
      period: r.period,
      eligibility: normalizeEligibility(r.eligibility),
      low_stock_threshold: r.low_stock_threshold,
      low_stock: s !== null && s.available <= r.low_stock_threshold,
      stock: s && { total: s.total, available: s.available, allocated: s.total - s.available },
      benefit_ref: r.benefit_ref,
      status: r.status,
      created_at: r.created_at.toISOString(),
    };
  });
}

function partnerColumns(input: z.infer<typeof partnerUpdateSchema>) {
  const out: Partial<Record<'name' | 'industry' | 'contact_name' | 'contact_phone' | 'contact_email' | 'settlement_terms' | 'callback_url', string | null>> = {};
  for (const key of ['name', 'industry', 'contact_name', 'contact_phone', 'contact_email', 'settlement_terms', 'callback_url'] as const) {
    if (input[key] !== undefined) out[key] = input[key] ?? null;
  }
  return out as { name: string } & typeof out;
}

function serializePartner(row: PartnerRow): Partner {
  return {
    id: row.id,
    name: row.name,
    industry: row.industry,
    contact_name: row.contact_name,
    contact_phone: row.contact_phone,
    contact_email: row.contact_email,
    settlement_terms: row.settlement_terms,
    callback_url: row.callback_url,
    has_secret: row.secret_sealed !== null,
    status: row.status,
    created_at: row.created_at.toISOString(),
  };
}
