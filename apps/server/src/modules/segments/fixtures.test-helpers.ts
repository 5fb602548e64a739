import { memberCreateSchema } from '@hearth/contracts/members';
import { orderInputSchema } from '@hearth/contracts/orders';
import { storeCreateSchema } from '@hearth/contracts/stores';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { createMember } from '../members/members.service.ts';
import { createOrder } from '../orders/orders.service.ts';
import { createStore } from '../stores/stores.service.ts';

let counter = 0;
const DAY = 86_400_000;

/** A member with the given profile (defaults: registered through the store channel). */
export async function member(deps: AppDeps, ctx: RequestContext, profile: Record<string, unknown> = {}) {
  counter += 1;
  return createMember(deps, ctx, memberCreateSchema.parse({ channel: 'store', identities: [{ type: 'store_card', value: `SC${counter}-${Math.random().toString(36).slice(2, 8)}` }], ...profile }));
}

/** An order of one line, `daysAgo` days before the clock. */
export async function order(deps: AppDeps, ctx: RequestContext, memberId: string, fen: number, daysAgo: number, extra: { sku?: string; store_id?: string } = {}) {
  counter += 1;
  const occurred = new Date(deps.clock.now().getTime() - daysAgo * DAY).toISOString();
  const { order: created } = await createOrder(
    deps,
    ctx,
    orderInputSchema.parse({ external_id: `O${counter}-${Math.random().toString(36).slice(2, 8)}`, channel: 'store', store_id: extra.store_id, member_id: memberId, lines: [{ sku: extra.sku ?? 'P1', qty: 1, unit_price_fen: fen }], total_paid_fen: fen, occurred_at: occurred }),
  );
  return created;
}

export async function store(deps: AppDeps, ctx: RequestContext, code: string, latitude: number, longitude: number) {
  return createStore(deps, ctx, storeCreateSchema.parse({ code, name: `门店${code}`, latitude, longitude }));
}

export const daysAgo = (deps: AppDeps, days: number) => new Date(deps.clock.now().getTime() - days * DAY).toISOString();
