import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { MemberPrice, Quote, memberPriceInputSchema } from '@hearth/contracts/pricing';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound, validationError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getMemberRow } from '../members/members.service.ts';
import { paidMembershipAt } from '../membership/membership.service.ts';
import { listPlans } from '../membership/plans.service.ts';
import { productsBySku } from '../products/products.service.ts';
import { currentTierIds, listPrograms } from '../tiers/tiers.service.ts';
import './pricing.tables.ts';

type PriceRow = Selectable<DB['member_prices']>;

/**
 * A member price version for a SKU and a tier or paid plan. Versions of one (sku, audience) are effective-dated:
 * the one in force at t is the latest that started by t, unless it has ended (effective_until).
 */
export async function createMemberPrice(deps: AppDeps, ctx: RequestContext, input: z.infer<typeof memberPriceInputSchema>): Promise<MemberPrice> {
  const names = await audienceNames(deps, ctx);
  if (!names.has(`${input.audience}:${input.audience_id}`)) throw validationError([{ field: 'audience_id', code: 'unknown', message: `no such ${input.audience} in this brand` }]);
  if (!(await productsBySku(deps.db, ctx.tenantId, [input.sku])).size) throw validationError([{ field: 'sku', code: 'unknown_sku', message: 'no such product' }]);
  const from = input.effective_from ? new Date(input.effective_from) : deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('member_prices')
      .values({ tenant_id: ctx.tenantId, id: uuidv7(), sku: input.sku, audience: input.audience, audience_id: input.audience_id, price_fen: input.price_fen, effective_from: from, effective_until: input.effective_until ? new Date(input.effective_until) : null, created_by: ctx.actor.label })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'sku', 'audience', 'audience_id', 'effective_from']).doUpdateSet({ price_fen: input.price_fen, effective_until: input.effective_until ? new Date(input.effective_until) : null, created_by: ctx.actor.label }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'member_price.set', resourceType: 'member_price', resourceId: row.id, details: { sku: row.sku, audience: row.audience, audience_id: row.audience_id, price_fen: row.price_fen } });
    return serializePrice(row, names);
  });
}

/** Ends a version now (or deletes it when it has not started yet): history that applied stays. */
export async function endMemberPrice(deps: AppDeps, ctx: RequestContext, id: string): Promise<void> {
  const now = deps.clock.now();
  await withTransaction(deps.db, async (trx) => {
    const row = await trx.selectFrom('member_prices').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound('Member price');
    if (row.effective_from >= now) await trx.deleteFrom('member_prices').where('tenant_id', '=', ctx.tenantId).where('id', '=', id).execute();
    else if (!row.effective_until || row.effective_until > now) await trx.updateTable('member_prices').set({ effective_until: now }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).execute();
    await recordAudit(trx, ctx, { action: 'member_price.end', resourceType: 'member_price', resourceId: id, details: { sku: row.sku } });
  });
}

export async function listMemberPrices(deps: AppDeps, ctx: RequestContext, query: { sku?: string }): Promise<MemberPrice[]> {
  let q = deps.db.selectFrom('member_prices').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (query.sku) q = q.where('sku', '=', query.sku);
  const rows = await q.orderBy('sku').orderBy('audience').orderBy('audience_id').orderBy('effective_from', 'desc').limit(2000).execute();
  const names = await audienceNames(deps, ctx);
  return rows.map((r) => serializePrice(r, names));
}

/**
 * What a member pays for a cart: per line the list price, the lowest member price the member is entitled to at
 * `at` (their tier in every ladder, their paid plan) with where it comes from, and the saving in fen.
 */
export async function quote(deps: AppDeps, ctx: RequestContext, input: { member_id: string; lines: { sku: string; qty: number }[]; at?: string }): Promise<Quote> {
  const member = await getMemberRow(deps.db, ctx, input.member_id);
  const at = input.at ? new Date(input.at) : deps.clock.now();
  const skus = [...new Set(input.lines.map((l) => l.sku))];
  const products = await productsBySku(deps.db, ctx.tenantId, skus);
  const unknown = input.lines.flatMap((l, i) => (products.has(l.sku) ? [] : [{ field: `lines.${i}.sku`, code: 'unknown_sku', message: 'no such product' }]));
  if (unknown.length) throw validationError(unknown);
  const [tierIds, paid] = await Promise.all([currentTierIds(deps.db, ctx.tenantId, member.id), paidMembershipAt(deps.db, ctx.tenantId, member.id, at)]);
  const best = await bestPrices(deps.db, ctx.tenantId, skus, tierIds, paid?.plan_id ?? null, at);
  const names = best.size ? await audienceNames(deps, ctx) : new Map<string, string>();
  const lines = input.lines.map((l) => {
    const list = products.get(l.sku)!.list_price_fen;
    const price = best.get(l.sku);
    const wins = price !== undefined && price.price_fen < list;
    const unit = wins ? price.price_fen : list;
    return {
      sku: l.sku,
      qty: l.qty,
      list_price_fen: list,
      member_price_fen: unit,
      source: wins ? { kind: price.audience, id: price.audience_id, name: names.get(`${price.audience}:${price.audience_id}`) ?? null, price_id: price.id } : { kind: 'list' as const, id: null, name: null, price_id: null },
      saving_fen: (list - unit) * l.qty,
    };
  });
  const listTotal = lines.reduce((s, l) => s + l.list_price_fen * l.qty, 0);
  const saving = lines.reduce((s, l) => s + l.saving_fen, 0);
  return { member_id: member.id, at: at.toISOString(), lines, list_total_fen: listTotal, member_total_fen: listTotal - saving, saving_fen: saving };
}

/** Per SKU, the cheapest version in force at `at` among the member's audiences (plan before tier on a tie). */
export async function bestPrices(db: Db, tenantId: string, skus: string[], tierIds: string[], planId: string | null, at: Date): Promise<Map<string, PriceRow>> {
  const audiences = [...tierIds.map((id) => ['tier', id] as const), ...(planId ? [['plan', planId] as const] : [])];
  if (!audiences.length) return new Map();
  const rows = await sql<PriceRow>`
    select distinct on (sku, audience, audience_id) *
    from member_prices
    where tenant_id = ${tenantId} and sku = any(${skus}::text[]) and effective_from <= ${at}
      and (audience, audience_id) in (select * from unnest(${audiences.map((a) => a[0])}::text[], ${audiences.map((a) => a[1])}::uuid[]))
    order by sku, audience, audience_id, effective_from desc`.execute(db);
  const best = new Map<string, PriceRow>();
  for (const row of rows.rows) {
    if (row.effective_until && new Date(row.effective_until) <= at) continue;
    const price = Number(row.price_fen);
    const current = best.get(row.sku);
    if (!current || price < current.price_fen || (price === current.price_fen && row.audience === 'plan')) best.set(row.sku, { ...row, price_fen: price });
  }
  return best;
}

/** "tier:<id>" and "plan:<id>" → display name, through the tiers and membership services. */
async function audienceNames(deps: AppDeps, ctx: RequestContext): Promise<Map<string, string>> {
  const [programs, plans] = await Promise.all([listPrograms(deps, ctx), listPlans(deps, ctx)]);
  const names = new Map<string, string>();
  for (const p of programs) for (const t of p.tiers) names.set(`tier:${t.id}`, programs.length > 1 ? `${p.name} · ${t.name}` : t.name);
  for (const p of plans) names.set(`plan:${p.id}`, p.name);
  return names;
}

function serializePrice(r: PriceRow, names: Map<string, string>): MemberPrice {
  return {
    id: r.id,
    sku: r.sku,
    audience: r.audience,
    audience_id: r.audience_id,
    audience_name: names.get(`${r.audience}:${r.audience_id}`) ?? null,
    price_fen: Number(r.price_fen),
    effective_from: r.effective_from.toISOString(),
    effective_until: r.effective_until?.toISOString() ?? null,
    created_at: r.created_at.toISOString(),
  };
}
