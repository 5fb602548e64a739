import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import { savingsKinds, type Savings, type SavingsKind } from '@hearth/contracts/benefits';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { couponSavingsFen } from '../coupons/coupons.service.ts';
import { getMemberRow } from '../members/members.service.ts';
import './benefits.tables.ts';

export interface SavingsEntry {
  memberId: string;
  kind: Exclude<SavingsKind, 'coupon'>;
  amountFen: number;
  /** The recording module's id for what saved the money (a benefit use, an order line's member price …). */
  sourceId: string;
  occurredAt: Date;
}

/**
 * Records what a member saved, in the caller's transaction, once per (kind, sourceId): the same source again
 * changes nothing, so callers may record from retried work. Member prices (pricing module) and benefit uses
 * come in here; coupons are read from the coupons module instead of copied.
 */
export async function recordSavings(_deps: Pick<AppDeps, 'clock'>, trx: Db, ctx: Pick<RequestContext, 'tenantId'>, entry: SavingsEntry): Promise<boolean> {
  if (!Number.isInteger(entry.amountFen) || entry.amountFen < 0) throw new Error(`recordSavings: amountFen must be a whole number of fen ≥ 0, got ${entry.amountFen}`);
  if (entry.amountFen === 0) return false;
  const inserted = await trx
    .insertInto('member_savings')
    .values({ tenant_id: ctx.tenantId, member_id: entry.memberId, id: uuidv7(), kind: entry.kind, amount_fen: entry.amountFen, source_id: entry.sourceId, occurred_at: entry.occurredAt })
    .onConflict((oc) => oc.constraint('member_savings_source').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Sets a saving that can change after it was recorded (an order line's member price, less what was refunded):
 * the amount replaces the recorded one, and 0 removes it. Idempotent like recordSavings.
 */
export async function setSavings(trx: Db, ctx: Pick<RequestContext, 'tenantId'>, entry: SavingsEntry): Promise<void> {
  if (!Number.isInteger(entry.amountFen) || entry.amountFen < 0) throw new Error(`setSavings: amountFen must be a whole number of fen ≥ 0, got ${entry.amountFen}`);
  if (entry.amountFen === 0) {
    await cancelSavings(trx, ctx, entry);
    return;
  }
  await trx
    .insertInto('member_savings')
    .values({ tenant_id: ctx.tenantId, member_id: entry.memberId, id: uuidv7(), kind: entry.kind, amount_fen: entry.amountFen, source_id: entry.sourceId, occurred_at: entry.occurredAt })
    .onConflict((oc) => oc.constraint('member_savings_source').doUpdateSet({ amount_fen: entry.amountFen, member_id: entry.memberId }))
    .execute();
}

/** Takes a recorded saving back (a benefit use undone, an order canceled); nothing recorded: nothing to do. */
export async function cancelSavings(trx: Db, ctx: Pick<RequestContext, 'tenantId'>, entry: { memberId: string; kind: Exclude<SavingsKind, 'coupon'>; sourceId: string }): Promise<boolean> {
  const result = await trx.deleteFrom('member_savings').where('tenant_id', '=', ctx.tenantId).where('kind', '=', entry.kind).where('source_id', '=', entry.sourceId).where('member_id', '=', entry.memberId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * What the member saved this calendar year (the tenant's zone) by kind: benefit uses, member prices and
 * other recorded savings, plus the discounts of coupons they redeemed (from the coupons module).
 * "本年已为您节省 ¥X" for renewal reminders and the member center.
 */
export async function getSavings(deps: AppDeps, ctx: RequestContext, memberId: string, year?: number): Promise<Savings> {
  await getMemberRow(deps.db, ctx, memberId);
  const zone = (await deps.db.selectFrom('tenants').select('time_zone').where('id', '=', ctx.tenantId).executeTakeFirstOrThrow()).time_zone;
  const now = DateTime.fromJSDate(deps.clock.now(), { zone });
  const start = DateTime.fromObject({ year: year ?? now.year, month: 1, day: 1 }, { zone });
  const from = start.toJSDate();
  const to = start.plus({ years: 1 }).toJSDate();
  const rows = await deps.db
    .selectFrom('member_savings')
    .select(['kind', sql<number>`sum(amount_fen)::bigint`.as('fen')])
    .where('tenant_id', '=', ctx.tenantId)
    .where('member_id', '=', memberId)
    .where('occurred_at', '>=', from)
    .where('occurred_at', '<', to)
    .groupBy('kind')
    .execute();
  const byKind = Object.fromEntries(savingsKinds.map((k) => [k, 0])) as Record<SavingsKind, number>;
  for (const r of rows) byKind[r.kind] = Number(r.fen);
  byKind.coupon = await couponSavingsFen(deps.db, ctx.tenantId, memberId, from, to);
  const total = Object.values(byKind).reduce((a, b) => a + b, 0);
  const yuan = yuanText(total);
  return {
    member_id: memberId,
    year: start.year,
    from: from.toISOString(),
    to: to.toISOString(),
    total_fen: total,
    by_kind: byKind,
    message: { zh: `${start.year === now.year ? '本年' : `${start.year} 年`}已为您节省 ¥${yuan}`, en: `You saved ¥${yuan} ${start.year === now.year ? 'this year' : `in ${start.year}`}` },
  };
}

/** ¥ with two decimals from integer fen, by string arithmetic (no float rounding). */
export function yuanText(fen: number): string {
  const s = String(Math.abs(fen)).padStart(3, '0');
  const yuan = s.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${fen < 0 ? '-' : ''}${yuan}.${s.slice(-2)}`;
}
