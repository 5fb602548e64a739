import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { BenefitUse, benefitUndoInputSchema, benefitUseInputSchema, Entitlement } from '@hearth/contracts/benefits';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getMemberRow } from '../members/members.service.ts';
import { getBenefitRow } from './catalogue.service.ts';
import { holdingsAt, serializeHolding, type Holding } from './entitlements.ts';
import { cancelSavings, recordSavings } from './savings.service.ts';

type UseRow = Selectable<DB['benefit_uses']>;
export type UseInput = z.infer<typeof benefitUseInputSchema>;

/** What the member may use now, with sources, validity and what is left this period. */
export async function listMemberBenefits(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<Entitlement[]> {
  await getMemberRow(deps.db, ctx, memberId);
  return (await holdingsAt(deps.db, ctx.tenantId, memberId, deps.clock.now())).map(serializeHolding);
}

/**
 * Every write about one member's benefits takes this lock first (transaction-scoped), so two uses at once
 * count one after the other: the second sees the first's row and a limit of 2 lets exactly 2 through.
 * Members never wait for each other (a 64-bit hash of tenant and member).
 */
export async function lockMemberBenefits(trx: Db, tenantId: string, memberId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`benefits:${tenantId}:${memberId}`}, 0))`.execute(trx);
}

/**
 * Uses a benefit the member holds now: from the period's allowance first (it renews), then from grants with
 * uses of their own, soonest ending first — one row per pool, all under the caller's use_key. The same key
 * again answers with the first use (also when undone). Refused when the member does not hold the benefit now
 * (409 BENEFIT_NOT_ENTITLED) or fewer uses are left than asked (409 BENEFIT_LIMIT_REACHED).
 */
export async function useBenefit(deps: AppDeps, ctx: RequestContext, memberId: string, benefitId: string, input: UseInput, options: { usedAt?: Date; source?: 'api' | 'birthday_gift' } = {}) {
  return withTransaction(deps.db, async (trx) => {
    await getMemberRow(trx, ctx, memberId);
    const benefit = await getBenefitRow(trx, ctx.tenantId, benefitId);
    await lockMemberBenefits(trx, ctx.tenantId, memberId);
    const earlier = await partsByKey(trx, ctx.tenantId, memberId, benefitId, input.use_key);
    const now = options.usedAt ?? deps.clock.now();
    if (earlier.length) {
      const [holding] = await holdingsAt(trx, ctx.tenantId, memberId, now, { benefitIds: [benefitId] });
      return { use: serializeUse(earlier), replayed: true, remaining: holding?.remaining ?? 0 };
    }
    const [holding] = await holdingsAt(trx, ctx.tenantId, memberId, now, { benefitIds: [benefitId] });
    if (!holding) throw new AppError('BENEFIT_NOT_ENTITLED', `The member does not hold ${benefit.name} now`, { errors: [{ field: 'benefit_id', code: 'not_entitled', message: 'not among the member’s benefits now' }] });
    const parts = allocate(holding, input.quantity);
    if (!parts) {
      throw new AppError('BENEFIT_LIMIT_REACHED', `${benefit.name}: ${holding.remaining ?? 0} uses left, ${input.quantity} asked`, { errors: [{ field: 'quantity', code: 'limit_reached', message: `${holding.remaining ?? 0} uses left` }] });
    }
    const value = input.value_fen ?? (benefit.value_fen ?? 0) * input.quantity;
    const rows = await trx
      .insertInto('benefit_uses')
      .values(parts.map((p, i) => ({
        tenant_id: ctx.tenantId,
        member_id: memberId,
        id: uuidv7(),
        benefit_id: benefitId,
        use_key: input.use_key,
        part: i,
        source_kind: p.kind,
        source_id: p.sourceId,
        grant_id: p.grantId,
        quantity: p.quantity,
        // The whole use's value sits on its first part, so sums over uses stay exact.
        value_fen: i === 0 ? value : 0,
        order_external_id: input.order_external_id ?? null,
        store_id: input.store_id ?? null,
        note: input.note ?? null,
        used_at: now,
        undone_at: null,
        undo_reason: null,
        created_by: ctx.actor.label,
      })))
      .returningAll()
      .execute();
    await recordSavings(deps, trx, ctx, { memberId, kind: 'benefit', amountFen: value, sourceId: `benefit_use:${rows[0]!.id}`, occurredAt: now });
    await emitEvent(trx, deps.jobs, ctx, 'benefit.used', {
      member_id: memberId,
      benefit_id: benefitId,
      benefit_type: benefit.type,
      use_id: rows[0]!.id,
      use_key: input.use_key,
      quantity: input.quantity,
      value_fen: value,
      sources: parts.map((p) => ({ kind: p.kind, id: p.sourceId, quantity: p.quantity })),
      via: options.source ?? 'api',
    });
    return { use: serializeUse(rows), replayed: false, remaining: holding.remaining === null ? null : holding.remaining - input.quantity };
  });
}

/** Gives a use back (the order was canceled): it no longer counts against the limit, and its saving goes. */
export async function undoUse(deps: AppDeps, ctx: RequestContext, memberId: string, benefitId: string, input: z.infer<typeof benefitUndoInputSchema>): Promise<BenefitUse> {
  return withTransaction(deps.db, async (trx) => {
    await getMemberRow(trx, ctx, memberId);
    await getBenefitRow(trx, ctx.tenantId, benefitId);
    await lockMemberBenefits(trx, ctx.tenantId, memberId);
    const parts = await partsByKey(trx, ctx.tenantId, memberId, benefitId, input.use_key);
    if (!parts.length) throw notFound('Benefit use');
    if (parts[0]!.undone_at) return serializeUse(parts);
    const now = deps.clock.now();
    const rows = await trx
      .updateTable('benefit_uses')
      .set({ undone_at: now, undo_reason: input.reason })
      .where('tenant_id', '=', ctx.tenantId)
      .where('member_id', '=', memberId)
      .where('benefit_id', '=', benefitId)
      .where('use_key', '=', input.use_key)
      .returningAll()
      .execute();
    await cancelSavings(trx, ctx, { memberId, kind: 'benefit', sourceId: `benefit_use:${parts[0]!.id}` });
    await recordAudit(trx, ctx, { action: 'benefit.use_undo', resourceType: 'benefit_use', resourceId: parts[0]!.id, details: { member_id: memberId, benefit_id: benefitId, reason: input.reason } });
    await emitEvent(trx, deps.jobs, ctx, 'benefit.use_undone', { member_id: memberId, benefit_id: benefitId, use_id: parts[0]!.id, use_key: input.use_key, reason: input.reason });
    return serializeUse(rows.sort((a, b) => a.part - b.part));
  });
}

/**
 * A full refund of an order gives back the benefit uses recorded against it (`order_external_id`), in the
 * refund's transaction: they no longer count against the limits nor as savings. Partial refunds keep them.
 */
export async function undoUsesForRefund(trx: Db, deps: AppDeps, ctx: RequestContext, order: { status: string; external_id: string; member_id: string | null }): Promise<number> {
  if (order.status !== 'refunded' || !order.member_id) return 0;
  const memberId = order.member_id;
  await lockMemberBenefits(trx, ctx.tenantId, memberId);
  const rows = await trx
    .updateTable('benefit_uses')
    .set({ undone_at: deps.clock.now(), undo_reason: 'order_refunded' })
    .where('tenant_id', '=', ctx.tenantId)
    .where('member_id', '=', memberId)
    .where('order_external_id', '=', order.external_id)
    .where('undone_at', 'is', null)
    .returning(['id', 'benefit_id', 'use_key', 'part'])
    .execute();
  for (const first of rows.filter((r) => r.part === 0)) {
    await cancelSavings(trx, ctx, { memberId, kind: 'benefit', sourceId: `benefit_use:${first.id}` });
    await emitEvent(trx, deps.jobs, ctx, 'benefit.use_undone', { member_id: memberId, benefit_id: first.benefit_id, use_id: first.id, use_key: first.use_key, reason: 'order_refunded' });
  }
  return rows.length;
}

export async function listMemberUses(deps: AppDeps, ctx: RequestContext, memberId: string, limit = 100): Promise<BenefitUse[]> {
  await getMemberRow(deps.db, ctx, memberId);
  const rows = await deps.db.selectFrom('benefit_uses').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy('used_at', 'desc').orderBy('part').limit(limit * 3).execute();
  const byUse = new Map<string, UseRow[]>();
  for (const r of rows) {
    const key = `${r.benefit_id}:${r.use_key}`;
    byUse.set(key, [...(byUse.get(key) ?? []), r]);
  }
  return [...byUse.values()].slice(0, limit).map((parts) => serializeUse(parts.sort((a, b) => a.part - b.part)));
}

interface Part {
  kind: 'tier' | 'plan' | 'grant';
  sourceId: string;
  grantId: string | null;
  quantity: number;
}

/** Splits a use over the pools, allowance first; null when they cannot cover it all. */
function allocate(h: Holding, quantity: number): Part[] | null {
  const parts: Part[] = [];
  let left = quantity;
  if (h.standard) {
    const room = h.benefit.limit_uses === null ? left : Math.max(0, h.benefit.limit_uses - h.usedThisPeriod);
    const take = Math.min(left, room);
    if (take > 0) parts.push({ kind: h.standard.kind, sourceId: h.standard.id, grantId: null, quantity: take });
    left -= take;
  }
  for (const pool of h.grantPools) {
    if (left === 0) break;
    const take = Math.min(left, pool.remaining);
    if (take > 0) parts.push({ kind: 'grant', sourceId: pool.grant.id, grantId: pool.grant.id, quantity: take });
    left -= take;
  }
  return left === 0 ? parts : null;
}

async function partsByKey(trx: Db, tenantId: string, memberId: string, benefitId: string, useKey: string): Promise<UseRow[]> {
  return trx.selectFrom('benefit_uses').selectAll().where('tenant_id', '=', tenantId).where('member_id', '=', memberId).where('benefit_id', '=', benefitId).where('use_key', '=', useKey).orderBy('part').execute();
}

export function serializeUse(parts: UseRow[]): BenefitUse {
  const first = parts[0]!;
  return {
    id: first.id,
    member_id: first.member_id,
    benefit_id: first.benefit_id,
    use_key: first.use_key,
    quantity: parts.reduce((sum, p) => sum + p.quantity, 0),
    value_fen: parts.reduce((sum, p) => sum + Number(p.value_fen), 0),
    sources: parts.map((p) => ({ kind: p.source_kind, id: p.source_id, quantity: p.quantity })),
    order_external_id: first.order_external_id,
    store_id: first.store_id,
    used_at: first.used_at.toISOString(),
    undone_at: first.undone_at?.toISOString() ?? null,
    undo_reason: first.undo_reason,
  };
}
