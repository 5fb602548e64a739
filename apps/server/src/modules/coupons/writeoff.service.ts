import { sql, type Selectable } from 'kysely';
import { DateTime } from 'luxon';
import type { Cart, Coupon, CouponQuote } from '@hearth/contracts/coupons';
import type { Order } from '@hearth/contracts/orders';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { canInlineEvent, emitEvent, emitEvents, eventRow } from '../../jobs/outbox.ts';
import { effectiveStatus, requireCode, serializeCoupon, type CouponRow } from './coupons.service.ts';
import { getSettings } from './templates.service.ts';

type Template = Selectable<DB['coupon_templates']>;

// Write-off (核销) at a store or POS. Every change of a coupon's state is one conditional UPDATE on its row
// (`… where status = 'available' …`): whichever of any number of simultaneous attempts commits first wins,
// the others match no row and are told why with a stable 409 code. A template's value terms never change
// once a coupon of it exists, so a quote read just before the update is still the right one.

/** What a coupon is worth for a cart (or, without a cart, whether it can be used at all); writes nothing. */
export async function verifyCoupon(deps: AppDeps, ctx: RequestContext, input: { code: string; cart?: Cart }): Promise<CouponQuote> {
  const { coupon, template, categories } = await loadForWriteOff(deps.db, ctx.tenantId, input.code, input.cart);
  const now = deps.clock.now();
  const q = quote(coupon, template, input.cart, categories, now);
  return { coupon: serializeCoupon(coupon, template, now), ...q };
}

/** Holds the coupon for one POS transaction for the tenant's reservation minutes; the same transaction again renews it. */
export async function reserveCoupon(deps: AppDeps, ctx: RequestContext, input: { code: string; cart: Cart; pos_transaction_id: string }): Promise<CouponQuote> {
  const { coupon, template, categories } = await loadForWriteOff(deps.db, ctx.tenantId, input.code, input.cart);
  const now = deps.clock.now();
  const q = quote(coupon, template, input.cart, categories, now, input.pos_transaction_id);
  if (!q.applicable) throw notApplicable(q.reason!);
  const settings = await getSettings(deps.db, ctx.tenantId);
  const until = DateTime.fromJSDate(now).plus({ minutes: settings.reservation_minutes }).toJSDate();
  const updated = await sql<CouponRow>`
    update coupons set status = 'reserved', reservation_ref = ${input.pos_transaction_id}, reserved_until = ${until}, discount_fen = ${q.discount_fen},
      store_id = ${input.cart.store_id ?? null}::uuid, updated_at = now()
    where tenant_id = ${ctx.tenantId} and code = ${coupon.code} and starts_at <= ${now} and expires_at > ${now}
      and (status = 'available' or (status = 'reserved' and (reserved_until <= ${now} or reservation_ref = ${input.pos_transaction_id})))
    returning *`.execute(deps.db);
  const row = updated.rows[0];
  if (!row) throw await whyNot(deps.db, ctx.tenantId, coupon.code, input.pos_transaction_id, now);
  return { coupon: serializeCoupon(row, template, now), ...q };
}

/**
 * Uses the coupon, once. With a reservation of this POS transaction its quote is used (a cart, if sent,
 * is quoted again); without one the cart is required. The same pos_transaction_id again answers with
 * the coupon as it was confirmed (`replayed`), any other attempt on a used coupon gets 409
 * COUPON_ALREADY_REDEEMED. One read and one write statement; `coupon.redeemed` is written by the same
 * statement when no job subscribes to it.
 */
export async function confirmCoupon(
  deps: AppDeps,
  ctx: RequestContext,
  input: { code: string; cart?: Cart; pos_transaction_id: string; order_external_id?: string | null; store_id?: string | null },
): Promise<{ coupon: Coupon; replayed: boolean }> {
  const { coupon, template, categories } = await loadForWriteOff(deps.db, ctx.tenantId, input.code, input.cart);
  const now = deps.clock.now();
  const ref = input.pos_transaction_id;
  if (coupon.status === 'redeemed' && coupon.redemption_ref === ref) return { coupon: serializeCoupon(coupon, template, now), replayed: true };
  const reservedHere = coupon.status === 'reserved' && coupon.reservation_ref === ref && coupon.reserved_until! > now;
  let discount: number;
  if (input.cart) {
    const q = quote(coupon, template, input.cart, categories, now, ref);
    if (!q.applicable) throw notApplicable(q.reason!);
    discount = q.discount_fen;
  } else if (reservedHere) {
    discount = coupon.discount_fen!;
  } else {
    const status = effectiveStatus(coupon, now);
    if (status !== 'available') throw await whyNot(deps.db, ctx.tenantId, coupon.code, ref, now);
    throw new AppError('VALIDATION_FAILED', 'Send the cart, or reserve the coupon first', { errors: [{ field: 'cart', code: 'required', message: 'required without a reservation' }] });
  }
  const storeId = input.store_id ?? input.cart?.store_id ?? (reservedHere ? coupon.store_id : null);
  const inline = canInlineEvent(deps.jobs, 'coupon.redeemed');
  const event = eventRow(ctx, 'coupon.redeemed', {});
  const result = await sql<CouponRow>`
    with done as (
      update coupons set status = 'redeemed', redemption_ref = ${ref}, redeemed_at = ${now}, store_id = ${storeId}::uuid,
        order_external_id = ${input.order_external_id ?? null}, discount_fen = ${discount}::bigint, reservation_ref = null, reserved_until = null, updated_at = now()
      where tenant_id = ${ctx.tenantId} and code = ${coupon.code} and starts_at <= ${now} and expires_at > ${now}
        and (status = 'available' or (status = 'reserved' and (reserved_until <= ${now} or reservation_ref = ${ref})))
      returning *
    ),
    event as (
      insert into domain_events (tenant_id, id, type, payload, actor_type, actor_id, request_id)
      select tenant_id, ${event.id}::uuid, 'coupon.redeemed',
        jsonb_build_object('coupon_id', id, 'member_id', member_id, 'template_id', template_id, 'discount_fen', discount_fen, 'store_id', store_id, 'order_external_id', order_external_id),
        ${ctx.actor.type}::text, ${ctx.actor.id}::text, ${ctx.requestId}::text
      from done where ${inline}::boolean
    )
    select * from done`.execute(deps.db);
  const row = result.rows[0];
  if (!row) {
    const reason = await whyNot(deps.db, ctx.tenantId, coupon.code, ref, now);
    if (reason instanceof AppError) throw reason;
    return { coupon: serializeCoupon(reason, template, now), replayed: true };
  }
  if (!inline) await emitEvent(deps.db, deps.jobs, ctx, 'coupon.redeemed', redeemedPayload(row));
  return { coupon: serializeCoupon(row, template, now), replayed: false };
}

/** Lets go of a reservation; canceling one already let go of is a no-op. */
export async function cancelReservation(deps: AppDeps, ctx: RequestContext, input: { code: string; pos_transaction_id: string }): Promise<Coupon> {
  const { coupon, template } = await loadForWriteOff(deps.db, ctx.tenantId, input.code);
  const now = deps.clock.now();
  const result = await deps.db
    .updateTable('coupons')
    .set({ status: 'available', reservation_ref: null, reserved_until: null, discount_fen: null, store_id: null, updated_at: sql`now()` })
    .where('tenant_id', '=', ctx.tenantId)
    .where('code', '=', coupon.code)
    .where('status', '=', 'reserved')
    .where('reservation_ref', '=', input.pos_transaction_id)
    .returningAll()
    .executeTakeFirst();
  if (result) return serializeCoupon(result, template, now);
  const current = await deps.db.selectFrom('coupons').selectAll().where('tenant_id', '=', ctx.tenantId).where('code', '=', coupon.code).executeTakeFirstOrThrow();
  const status = effectiveStatus(current, now);
  if (status === 'available' || status === 'expired') return serializeCoupon(current, template, now);
  if (status === 'redeemed') throw conflict('COUPON_ALREADY_REDEEMED', 'The coupon was already used');
  throw conflict('COUPON_RESERVED', 'The coupon is reserved by another POS transaction');
}

/**
 * A full refund of an order gives its coupons back when the tenant's policy says so and they are still
 * valid (an expired one stays used: restoring it would hand back nothing). Runs in the refund's transaction.
 */
export async function restoreForRefund(trx: Db, deps: AppDeps, ctx: RequestContext, order: Order): Promise<number> {
  if (order.status !== 'refunded') return 0;
  const settings = await getSettings(trx, ctx.tenantId);
  if (settings.refund_policy === 'never') return 0;
  const restored = await trx
    .updateTable('coupons')
    .set({ status: 'available', redemption_ref: null, redeemed_at: null, store_id: null, order_external_id: null, discount_fen: null, restored_count: sql`restored_count + 1`, updated_at: sql`now()` })
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_external_id', '=', order.external_id)
    .where('status', '=', 'redeemed')
    .where('expires_at', '>', deps.clock.now())
    .returning(['id', 'member_id', 'template_id'])
    .execute();
  await emitEvents(
    trx,
    deps.jobs,
    ctx.actor,
    restored.map((c) => ({ tenantId: ctx.tenantId, type: 'coupon.restored', payload: { coupon_id: c.id, member_id: c.member_id, template_id: c.template_id, order_id: order.id } })),
    ctx.requestId,
  );
  return restored.length;
}

/**
 * The quote: in-scope lines (SKUs or categories; none named: the whole cart), the threshold on them, and
 * the value in integer fen — cash up to what the lines hold, percent rounded down and capped, the free
 * item's unit price (after its line discount), the shipping.
 */
export function quote(coupon: CouponRow, template: Template, cart: Cart | undefined, categoriesBySku: Map<string, string[]>, now: Date, ref?: string): Omit<CouponQuote, 'coupon'> {
  const no = (reason: string, eligible = 0) => ({ applicable: false, reason, eligible_fen: eligible, discount_fen: 0 });
  const status = effectiveStatus(coupon, now);
  if (status !== 'available' && !(status === 'reserved' && ref !== undefined && coupon.reservation_ref === ref)) return no(status);
  if (coupon.starts_at > now) return no('not_started');
  // Without a cart: usable or not, and a cash coupon's face value.
  if (!cart) return { applicable: true, reason: null, eligible_fen: 0, discount_fen: template.kind === 'cash' ? template.value_fen! : 0 };
  if (template.channels.length && !template.channels.includes(cart.channel)) return no('channel');
  if (template.store_ids.length && !(cart.store_id && template.store_ids.includes(cart.store_id))) return no('store');
  if (cart.other_coupon_codes.length && !template.stackable_with_coupons) return no('not_stackable_with_coupons');
  if (cart.member_discount_fen > 0 && !template.stackable_with_member_discounts) return no('not_stackable_with_member_discounts');
  const scoped = template.skus.length > 0 || template.categories.length > 0;
  const inScope = (sku: string) => !scoped || template.skus.includes(sku) || (categoriesBySku.get(sku) ?? []).some((c) => template.categories.includes(c));
  const lines = cart.lines.map((l) => ({ ...l, net: l.qty * l.unit_price_fen - l.discount_fen }));
  const eligible = lines.filter((l) => inScope(l.sku)).reduce((sum, l) => sum + l.net, 0);
  if (scoped && eligible === 0 && template.kind !== 'free_shipping') return no('no_eligible_lines');
  if (eligible < template.min_spend_fen) return no('min_spend', eligible);
  let discount: number;
  switch (template.kind) {
    case 'cash':
      discount = Math.min(template.value_fen!, eligible);
      break;
    case 'percent':
      discount = Math.min(template.cap_fen!, Math.floor((eligible * template.percent_off_bp!) / 10000));
      break;
    case 'free_item': {
      const line = lines.find((l) => l.sku === template.free_sku);
      if (!line) return no('free_sku_missing', eligible);
      discount = Math.floor(line.net / line.qty) * Math.min(template.free_qty ?? 1, line.qty);
      break;
    }
    case 'free_shipping':
      if (cart.shipping_fen === 0) return no('no_shipping', eligible);
      discount = cart.shipping_fen;
      break;
  }
  return { applicable: true, reason: null, eligible_fen: eligible, discount_fen: discount };
}

/** The coupon, its template and (when the template names categories) the cart's SKUs' categories, in one statement. */
async function loadForWriteOff(db: Db, tenantId: string, input: string, cart?: Cart) {
  const code = requireCode(input);
  const skus = cart ? [...new Set(cart.lines.map((l) => l.sku))] : [];
  const result = await sql<{ coupon: Record<string, unknown>; template: Record<string, unknown>; categories: { sku: string; path: string[] }[] | null }>`
    select to_jsonb(c) as coupon, to_jsonb(t) as template,
      case when cardinality(t.categories) > 0 then
        (select jsonb_agg(jsonb_build_object('sku', p.sku, 'path', p.category_path)) from products p where p.tenant_id = c.tenant_id and p.sku = any(${skus}::text[]))
      end as categories
    from coupons c join coupon_templates t on t.tenant_id = c.tenant_id and t.id = c.template_id
    where c.tenant_id = ${tenantId} and c.code = ${code}`.execute(db);
  const found = result.rows[0];
  if (!found) throw notFound('Coupon');
  const c = found.coupon;
  const date = (v: unknown) => (v ? new Date(v as string) : null);
  const coupon = { ...c, starts_at: date(c.starts_at)!, expires_at: date(c.expires_at)!, reserved_until: date(c.reserved_until), redeemed_at: date(c.redeemed_at), expiring_notified_at: date(c.expiring_notified_at), created_at: date(c.created_at)!, updated_at: date(c.updated_at)! } as CouponRow;
  const template = { ...found.template, created_at: date(found.template.created_at)!, updated_at: date(found.template.updated_at)! } as Template;
  const categories = new Map((found.categories ?? []).map((p) => [p.sku, p.path]));
  return { coupon, template, categories };
}

/** Why a conditional update matched no row: a 409 with a stable code, or the coupon itself when this very transaction already confirmed it. */
async function whyNot(db: Db, tenantId: string, code: string, ref: string, now: Date): Promise<AppError | CouponRow> {
  const row = await db.selectFrom('coupons').selectAll().where('tenant_id', '=', tenantId).where('code', '=', code).executeTakeFirstOrThrow();
  if (row.status === 'redeemed') return row.redemption_ref === ref ? row : conflict('COUPON_ALREADY_REDEEMED', 'The coupon was already used');
  if (row.expires_at <= now || row.status === 'expired') return conflict('COUPON_EXPIRED', 'The coupon has expired');
  if (row.starts_at > now) return conflict('COUPON_NOT_STARTED', 'The coupon is not valid yet');
  return conflict('COUPON_RESERVED', 'The coupon is reserved by another POS transaction');
}

function conflict(code: 'COUPON_ALREADY_REDEEMED' | 'COUPON_EXPIRED' | 'COUPON_NOT_STARTED' | 'COUPON_RESERVED', message: string): AppError {
  return new AppError(code, message, { errors: [{ field: 'code', code: code.toLowerCase(), message }] });
}

function notApplicable(reason: string): AppError {
  if (['redeemed', 'expired', 'reserved', 'not_started'].includes(reason)) {
    return conflict(reason === 'redeemed' ? 'COUPON_ALREADY_REDEEMED' : reason === 'expired' ? 'COUPON_EXPIRED' : reason === 'reserved' ? 'COUPON_RESERVED' : 'COUPON_NOT_STARTED', `The coupon is ${reason}`);
  }
  return new AppError('COUPON_NOT_APPLICABLE', `The coupon does not apply to this cart (${reason})`, { errors: [{ field: 'cart', code: reason, message: reason }] });
}

function redeemedPayload(row: CouponRow) {
  return { coupon_id: row.id, member_id: row.member_id, template_id: row.template_id, discount_fen: row.discount_fen, store_id: row.store_id, order_external_id: row.order_external_id };
}
