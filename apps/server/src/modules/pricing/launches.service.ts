import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { launchInputSchema } from '@hearth/contracts/pricing';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getMemberRow } from '../members/members.service.ts';
import { productsBySku } from '../products/products.service.ts';
import { checkEligibility, normalizeEligibility } from './eligibility.ts';
import './pricing.tables.ts';

type LaunchRow = Selectable<DB['launches']>;
const HOUR = 3_600_000;

export async function createLaunch(deps: AppDeps, ctx: RequestContext, input: z.infer<typeof launchInputSchema>) {
  if (!(await productsBySku(deps.db, ctx.tenantId, [input.sku])).size) throw validationError([{ field: 'sku', code: 'unknown_sku', message: 'no such product' }]);
  if (input.closes_at && Date.parse(input.closes_at) <= Date.parse(input.opens_at)) throw validationError([{ field: 'closes_at', code: 'before_open', message: 'closes before it opens' }]);
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('launches')
      .values({
        tenant_id: ctx.tenantId,
        id: uuidv7(),
        name: input.name,
        sku: input.sku,
        quantity: input.quantity,
        opens_at: new Date(input.opens_at),
        closes_at: input.closes_at ? new Date(input.closes_at) : null,
        early_hours: input.early_hours,
        early_eligibility: JSON.stringify(input.early_eligibility),
        per_member_limit: input.per_member_limit,
        benefit_ref: input.benefit_ref ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'launch.create', resourceType: 'launch', resourceId: row.id, details: { sku: row.sku, quantity: row.quantity } });
    return serializeLaunch(row);
  });
}

export async function listLaunches(deps: AppDeps, ctx: RequestContext) {
  return (await deps.db.selectFrom('launches').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('id', 'desc').limit(200).execute()).map(serializeLaunch);
}

export async function getLaunch(deps: AppDeps, ctx: RequestContext, id: string) {
  return serializeLaunch(await getLaunchRow(deps.db, ctx.tenantId, id));
}

/** Whether the member may buy now and from when: the early audience's window opens early_hours before everyone's. */
export async function availability(deps: AppDeps, ctx: RequestContext, launchId: string, memberId: string) {
  const launch = await getLaunchRow(deps.db, ctx.tenantId, launchId);
  const member = await getMemberRow(deps.db, ctx, memberId);
  const now = deps.clock.now();
  const window = await windowFor(deps.db, ctx.tenantId, launch, member.id, now);
  const purchased = await purchasedBy(deps.db, ctx.tenantId, launch.id, member.id);
  const reason = now < window.opensAt ? 'not_open_yet' : launch.closes_at && now >= launch.closes_at ? 'closed' : launch.reserved >= launch.quantity ? 'sold_out' : purchased >= launch.per_member_limit ? 'limit_reached' : 'ok';
  return {
    launch_id: launch.id,
    member_id: member.id,
    may_buy_now: reason === 'ok',
    opens_for_member_at: window.opensAt.toISOString(),
    early_access: window.early,
    reason,
    remaining: launch.quantity - launch.reserved,
    purchased,
    per_member_limit: launch.per_member_limit,
  } as const;
}

/**
 * Reserves one unit for the member. The unit is taken by one conditional UPDATE (`reserved < quantity`), so
 * however many buy at once the launch is never oversold; the row lock it holds until commit also orders the
 * member's own attempts, so the per-member count read after it sees every earlier reservation.
 */
export async function reserveUnit(deps: AppDeps, ctx: RequestContext, launchId: string, memberId: string) {
  const launch = await getLaunchRow(deps.db, ctx.tenantId, launchId);
  const member = await getMemberRow(deps.db, ctx, memberId);
  if (member.status !== 'active') throw new AppError('MEMBER_NOT_ACTIVE', 'The member is not active', { errors: [{ field: 'member_id', code: 'not_active', message: `member is ${member.status}` }] });
  const now = deps.clock.now();
  const window = await windowFor(deps.db, ctx.tenantId, launch, member.id, now);
  if (now < window.opensAt) throw new AppError('LAUNCH_NOT_OPEN', `This member may buy from ${window.opensAt.toISOString()}`);
  if (launch.closes_at && now >= launch.closes_at) throw new AppError('LAUNCH_NOT_OPEN', 'The launch has closed');
  return withTransaction(deps.db, async (trx) => {
    const taken = await trx
      .updateTable('launches')
      .set({ reserved: sql`reserved + 1` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', launch.id)
      .where(sql<boolean>`reserved < quantity`)
      .returning('reserved')
      .executeTakeFirst();
    if (!taken) throw new AppError('LAUNCH_SOLD_OUT', 'Sold out');
    const count = await purchasedBy(trx, ctx.tenantId, launch.id, member.id);
    if (count >= launch.per_member_limit) throw new AppError('LAUNCH_LIMIT_REACHED', `At most ${launch.per_member_limit} per member`);
    const row = await trx
      .insertInto('launch_reservations')
      .values({ tenant_id: ctx.tenantId, member_id: member.id, id: uuidv7(), launch_id: launch.id, seq: count + 1, early: now < launch.opens_at })
      .returningAll()
      .executeTakeFirstOrThrow();
    await emitEvent(trx, deps.jobs, ctx, 'launch.reserved', { launch_id: launch.id, reservation_id: row.id, member_id: member.id, sku: launch.sku, early: row.early });
    return { id: row.id, launch_id: row.launch_id, member_id: row.member_id, sku: launch.sku, seq: row.seq, early: row.early, created_at: row.created_at.toISOString() };
  });
}

export async function listReservations(deps: AppDeps, ctx: RequestContext, launchId: string) {
  const launch = await getLaunchRow(deps.db, ctx.tenantId, launchId);
  const rows = await deps.db.selectFrom('launch_reservations').selectAll().where('tenant_id', '=', ctx.tenantId).where('launch_id', '=', launchId).orderBy('created_at').orderBy('id').limit(5000).execute();
  return rows.map((r) => ({ id: r.id, launch_id: r.launch_id, member_id: r.member_id, sku: launch.sku, seq: r.seq, early: r.early, created_at: r.created_at.toISOString() }));
}

async function windowFor(db: Db, tenantId: string, launch: LaunchRow, memberId: string, now: Date): Promise<{ opensAt: Date; early: boolean }> {
  if (launch.early_hours > 0 && (await checkEligibility(db, tenantId, memberId, normalizeEligibility(launch.early_eligibility), now)).eligible) {
    return { opensAt: new Date(launch.opens_at.getTime() - launch.early_hours * HOUR), early: true };
  }
  return { opensAt: launch.opens_at, early: false };
}

async function purchasedBy(db: Db, tenantId: string, launchId: string, memberId: string): Promise<number> {
  const r = await db.selectFrom('launch_reservations').select(sql<number>`count(*)::int`.as('n')).where('tenant_id', '=', tenantId).where('member_id', '=', memberId).where('launch_id', '=', launchId).executeTakeFirstOrThrow();
  return r.n;
}

async function getLaunchRow(db: Db, tenantId: string, id: string): Promise<LaunchRow> {
  const row = await db.selectFrom('launches').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Launch');
  return row;
}

function serializeLaunch(r: LaunchRow) {
  return {
    id: r.id,
    name: r.name,
    sku: r.sku,
    quantity: r.quantity,
    reserved: r.reserved,
    remaining: r.quantity - r.reserved,
    opens_at: r.opens_at.toISOString(),
    early_opens_at: new Date(r.opens_at.getTime() - r.early_hours * HOUR).toISOString(),
    closes_at: r.closes_at?.toISOString() ?? null,
    early_hours: r.early_hours,
    early_eligibility: normalizeEligibility(r.early_eligibility),
    per_member_limit: r.per_member_limit,
    benefit_ref: r.benefit_ref,
    created_at: r.created_at.toISOString(),
  };
}
