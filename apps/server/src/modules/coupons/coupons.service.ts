import { sql, type Selectable } from 'kysely';
import QRCode from 'qrcode';
import type { Coupon } from '@hearth/contracts/coupons';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound, validationError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { getMemberRow } from '../members/members.service.ts';
import { formatCode, parseCode } from './codes.ts';
import './coupons.tables.ts';

export type CouponRow = Selectable<DB['coupons']>;

export async function listMemberCoupons(deps: AppDeps, ctx: RequestContext, memberId: string, query: { status?: Coupon['status']; limit: number; cursor?: string }) {
  await getMemberRow(deps.db, ctx, memberId);
  let q = deps.db.selectFrom('coupons').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId);
  if (query.status) q = q.where('status', '=', query.status);
  const after = decodeCursor(query.cursor);
  if (after) q = q.where('id', '<', after);
  const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
  const page = toPage(rows, query.limit);
  return { data: await serializeCoupons(deps.db, ctx.tenantId, page.data, deps.clock.now()), next_cursor: page.next_cursor };
}

/** One of the member's coupons; another member's id is not found. */
export async function getMemberCoupon(deps: AppDeps, ctx: RequestContext, memberId: string, couponId: string): Promise<Coupon> {
  const row = await deps.db.selectFrom('coupons').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('id', '=', couponId).executeTakeFirst();
  if (!row) throw notFound('Coupon');
  return (await serializeCoupons(deps.db, ctx.tenantId, [row], deps.clock.now()))[0]!;
}

/** A coupon by what was typed or scanned; a code whose check symbol fails is a 400 naming the field. */
export async function getCouponByCode(deps: AppDeps, ctx: RequestContext, input: string, field = 'code'): Promise<CouponRow> {
  const code = requireCode(input, field);
  const row = await deps.db.selectFrom('coupons').selectAll().where('tenant_id', '=', ctx.tenantId).where('code', '=', code).executeTakeFirst();
  if (!row) throw notFound('Coupon');
  return row;
}

export function requireCode(input: string, field = 'code'): string {
  const code = parseCode(input);
  if (!code) throw validationError([{ field, code: 'invalid_code', message: 'not a coupon code: a symbol is mistyped or two are swapped' }]);
  return code;
}

export async function lookupCoupon(deps: AppDeps, ctx: RequestContext, code: string): Promise<Coupon> {
  const row = await getCouponByCode(deps, ctx, code);
  return (await serializeCoupons(deps.db, ctx.tenantId, [row], deps.clock.now()))[0]!;
}

/** The member's QR code for a coupon: it encodes the bare code, which QR's alphanumeric mode keeps small. */
export async function couponQr(deps: AppDeps, ctx: RequestContext, memberId: string, couponId: string, format: 'svg' | 'png'): Promise<string | Buffer> {
  const row = await deps.db.selectFrom('coupons').select('code').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('id', '=', couponId).executeTakeFirst();
  if (!row) throw notFound('Coupon');
  const options = { errorCorrectionLevel: 'M' as const, margin: 2 };
  return format === 'svg' ? QRCode.toString(row.code, { ...options, type: 'svg' }) : QRCode.toBuffer(row.code, { ...options, type: 'png', width: 320 });
}

/**
 * A coupon as clients see it. A reservation whose time ran out, or validity that ended before the hourly
 * expiry job got to it, already shows as what it is.
 */
export async function serializeCoupons(db: Db, tenantId: string, rows: CouponRow[], now: Date = new Date()): Promise<Coupon[]> {
  if (!rows.length) return [];
  const templates = new Map(
    (await db.selectFrom('coupon_templates').select(['id', 'name', 'kind']).where('tenant_id', '=', tenantId).where('id', 'in', [...new Set(rows.map((r) => r.template_id))]).execute()).map((t) => [t.id, t]),
  );
  return rows.map((row) => {
    const template = templates.get(row.template_id)!;
    return serializeCoupon(row, template, now);
  });
}

export function serializeCoupon(row: CouponRow, template: { name: string; kind: Coupon['kind'] }, now: Date): Coupon {
  return {
    id: row.id,
    code: formatCode(row.code),
    member_id: row.member_id,
    template_id: row.template_id,
    template_name: template.name,
    kind: template.kind,
    status: effectiveStatus(row, now),
    starts_at: row.starts_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    reserved_until: row.status === 'reserved' ? (row.reserved_until?.toISOString() ?? null) : null,
    redeemed_at: row.redeemed_at?.toISOString() ?? null,
    store_id: row.store_id,
    order_external_id: row.order_external_id,
    discount_fen: row.discount_fen,
    qr_payload: row.code,
    created_at: row.created_at.toISOString(),
  };
}

export function effectiveStatus(row: Pick<CouponRow, 'status' | 'expires_at' | 'reserved_until'>, now: Date): Coupon['status'] {
  if ((row.status === 'available' || row.status === 'reserved') && row.expires_at <= now) return 'expired';
  if (row.status === 'reserved' && row.reserved_until! <= now) return 'available';
  return row.status;
}

/** Issued and redeemed per template, with the discount given and the paid totals of the orders involved. */
export async function couponReport(deps: AppDeps, ctx: RequestContext, range: { from?: string; to?: string }) {
  const from = range.from ? new Date(range.from) : new Date(0);
  const to = range.to ? new Date(range.to) : new Date('9999-12-31T00:00:00Z');
  // Revenue influenced reads the orders' paid totals by external id (read-only, like the analytics module):
  // a coupon is often confirmed before the POS sends its order, so the order's id is not known at confirm.
  const result = await sql<{ template_id: string; template_name: string; issued: number; redeemed: number; discount_fen: number; revenue_influenced_fen: number }>`
    select t.id as template_id, t.name as template_name,
      (select count(*) from coupons c where c.tenant_id = t.tenant_id and c.template_id = t.id and c.created_at >= ${from} and c.created_at < ${to})::int as issued,
      (select count(*) from coupons c where c.tenant_id = t.tenant_id and c.template_id = t.id and c.status = 'redeemed' and c.redeemed_at >= ${from} and c.redeemed_at < ${to})::int as redeemed,
      (select coalesce(sum(c.discount_fen), 0) from coupons c where c.tenant_id = t.tenant_id and c.template_id = t.id and c.status = 'redeemed' and c.redeemed_at >= ${from} and c.redeemed_at < ${to})::bigint as discount_fen,
      (select coalesce(sum(o.total_paid_fen), 0) from orders o where o.tenant_id = t.tenant_id and o.external_id in (
         select c.order_external_id from coupons c where c.tenant_id = t.tenant_id and c.template_id = t.id and c.status = 'redeemed'
           and c.order_external_id is not null and c.redeemed_at >= ${from} and c.redeemed_at < ${to}))::bigint as revenue_influenced_fen
    from coupon_templates t where t.tenant_id = ${ctx.tenantId}
    order by t.id desc`.execute(deps.db);
  return result.rows;
}

/** What a member's redeemed coupons took off their orders in [from, to): their part of the member's savings. */
export async function couponSavingsFen(db: Db, tenantId: string, memberId: string, from: Date, to: Date): Promise<number> {
  const row = await db
    .selectFrom('coupons')
    .select(sql<number>`coalesce(sum(discount_fen), 0)::bigint`.as('fen'))
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('status', '=', 'redeemed')
    .where('redeemed_at', '>=', from)
    .where('redeemed_at', '<', to)
    .executeTakeFirstOrThrow();
  return Number(row.fen);
}
