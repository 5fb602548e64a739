import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import type { ChannelCodeFunnel } from '@hearth/contracts/channel-codes';
import type { Order } from '@hearth/contracts/orders';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { getMemberRow, openidsOfMember, unionidsOfMember, updateMember } from '../members/members.service.ts';
import { contactIdsByUnionids } from '../wecom/wecom.service.ts';
import { findCodeRow, getChannelCode } from './codes.service.ts';
import './channel-codes.tables.ts';

// What happened through each code, and the first code each member came through. Every write is idempotent by a
// unique index (a follow per code and person, a registration and a first order per member, one attribution per member).

type Code = NonNullable<Awaited<ReturnType<typeof findCodeRow>>>;

export async function recordScan(db: Db, tenantId: string, codeId: string, subject: string, at: Date) {
  await db.insertInto('channel_code_touches').values({ tenant_id: tenantId, id: uuidv7(), code_id: codeId, kind: 'scan', subject, member_id: null, order_id: null, occurred_at: at }).execute();
}

/** A follow of the official account or a WeCom add through the code: counted once per person; a known member is attributed. */
export async function recordFollow(deps: AppDeps, ctx: RequestContext, code: Code, subject: string, memberId: string | null, at: Date) {
  await withTransaction(deps.db, async (trx) => {
    await trx.insertInto('channel_code_touches').values({ tenant_id: ctx.tenantId, id: uuidv7(), code_id: code.id, kind: 'follow', subject, member_id: memberId, order_id: null, occurred_at: at }).onConflict((oc) => oc.columns(['tenant_id', 'code_id', 'subject']).where(sql<boolean>`(kind = 'follow')`).doNothing()).execute();
    if (memberId) await attribute({ ...deps, db: trx }, ctx, memberId, code, at);
  });
}

/**
 * A new member's registration, credited to the first code they came through: the one their sign-up carried (the
 * member center's cookie), else the earliest follow of one of their openids or WeCom contacts. Once per member.
 */
export async function recordRegistration(deps: AppDeps, ctx: RequestContext, memberId: string, carried: Code | undefined, at: Date): Promise<boolean> {
  return withTransaction(deps.db, async (trx) => {
    const inTrx = { ...deps, db: trx };
    const code = carried ?? (await firstFollowedCode(trx, ctx.tenantId, memberId));
    if (!code) return false;
    await attribute(inTrx, ctx, memberId, code, at);
    const first = await trx.selectFrom('channel_code_attributions').select(['code_id', 'registered']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).forUpdate().executeTakeFirstOrThrow();
    if (first.registered) return false;
    await trx.updateTable('channel_code_attributions').set({ registered: true }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).execute();
    await trx.insertInto('channel_code_touches').values({ tenant_id: ctx.tenantId, id: uuidv7(), code_id: first.code_id, kind: 'register', subject: `member:${memberId}`, member_id: memberId, order_id: null, occurred_at: at }).onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'kind']).where(sql<boolean>`(kind in ('register', 'first_order'))`).doNothing()).execute();
    await emitEvent(trx, deps.jobs, ctx, 'channel_code.registered', { code_id: first.code_id, member_id: memberId });
    return true;
  });
}

/** Order hook: an attributed member's first order after they came through their code. */
export async function recordFirstOrder(trx: Db, deps: AppDeps, ctx: RequestContext, order: Order) {
  if (!order.member_id) return;
  const occurred = new Date(order.occurred_at);
  const done = await trx
    .updateTable('channel_code_attributions')
    .set({ first_order_id: order.id })
    .where('tenant_id', '=', ctx.tenantId)
    .where('member_id', '=', order.member_id)
    .where('first_order_id', 'is', null)
    .where('attributed_at', '<=', occurred)
    .returning('code_id')
    .executeTakeFirst();
  if (!done) return;
  await trx.insertInto('channel_code_touches').values({ tenant_id: ctx.tenantId, id: uuidv7(), code_id: done.code_id, kind: 'first_order', subject: `member:${order.member_id}`, member_id: order.member_id, order_id: order.id, occurred_at: occurred }).onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'kind']).where(sql<boolean>`(kind in ('register', 'first_order'))`).doNothing()).execute();
  await emitEvent(trx, deps.jobs, ctx, 'channel_code.first_order', { code_id: done.code_id, member_id: order.member_id, order_id: order.id });
}

/**
 * Scans → follows → registrations → first orders of one code over local days [from, to] in the tenant's zone, with a
 * row per day. Registrations and first orders are distinct members by construction (one of each per member).
 */
export async function codeFunnel(db: Db, tenantId: string, codeId: string, query: { from?: string; to?: string }, now: Date): Promise<ChannelCodeFunnel> {
  await getChannelCode(db, tenantId, codeId);
  const tenant = await db.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow();
  const zone = tenant.time_zone;
  const to = query.to ?? DateTime.fromJSDate(now, { zone }).toISODate()!;
  const from = query.from ?? DateTime.fromISO(to, { zone }).minus({ days: 29 }).toISODate()!;
  const start = DateTime.fromISO(from, { zone }).startOf('day').toJSDate();
  const end = DateTime.fromISO(to, { zone }).plus({ days: 1 }).startOf('day').toJSDate();
  const { rows } = await sql<{ day: string; scans: string; scanners: string; follows: string; registrations: string; first_orders: string }>`
    select to_char((occurred_at at time zone ${zone})::date, 'YYYY-MM-DD') as day,
           count(*) filter (where kind = 'scan') as scans,
           count(distinct subject) filter (where kind = 'scan') as scanners,
           count(*) filter (where kind = 'follow') as follows,
           count(*) filter (where kind = 'register') as registrations,
           count(*) filter (where kind = 'first_order') as first_orders
    from channel_code_touches
    where tenant_id = ${tenantId} and code_id = ${codeId} and occurred_at >= ${start} and occurred_at < ${end}
    group by 1 order by 1`.execute(db);
  const totals = await sql<{ scans: string; scanners: string; follows: string; registrations: string; first_orders: string }>`
    select count(*) filter (where kind = 'scan') as scans, count(distinct subject) filter (where kind = 'scan') as scanners,
           count(*) filter (where kind = 'follow') as follows, count(*) filter (where kind = 'register') as registrations,
           count(*) filter (where kind = 'first_order') as first_orders
    from channel_code_touches where tenant_id = ${tenantId} and code_id = ${codeId} and occurred_at >= ${start} and occurred_at < ${end}`.execute(db);
  const steps = (r: { scans: string; scanners: string; follows: string; registrations: string; first_orders: string }) => ({ scans: Number(r.scans), scanners: Number(r.scanners), follows: Number(r.follows), registrations: Number(r.registrations), first_orders: Number(r.first_orders) });
  return { code_id: codeId, from, to, totals: steps(totals.rows[0]!), days: rows.map((r) => ({ day: r.day, ...steps(r) })) };
}

/**
 * The first code a member came through, once: their acquisition channel (the attribution row) and, when the member has
 * no campaign yet, the code's campaign on the member through the members service.
 */
async function attribute(deps: AppDeps, ctx: RequestContext, memberId: string, code: Code, at: Date) {
  const inserted = await deps.db.insertInto('channel_code_attributions').values({ tenant_id: ctx.tenantId, member_id: memberId, code_id: code.id, attributed_at: at, first_order_id: null }).onConflict((oc) => oc.columns(['tenant_id', 'member_id']).doNothing()).returning('code_id').executeTakeFirst();
  if (!inserted || !code.campaign) return;
  const member = await getMemberRow(deps.db, ctx, memberId);
  if (member.campaign === null && member.status === 'active') await updateMember(deps, ctx, memberId, { campaign: code.campaign });
}

async function firstFollowedCode(db: Db, tenantId: string, memberId: string): Promise<Code | undefined> {
  const [openids, unionids] = await Promise.all([openidsOfMember(db, tenantId, memberId), unionidsOfMember(db, tenantId, memberId)]);
  const external = await contactIdsByUnionids(db, tenantId, unionids);
  const subjects = [...openids.map((o) => `oa:${o}`), ...external.map((e) => `wecom:${e}`)];
  if (!subjects.length) return undefined;
  const touch = await db.selectFrom('channel_code_touches').select('code_id').where('tenant_id', '=', tenantId).where(sql<boolean>`(kind = 'follow')`).where('subject', 'in', subjects).orderBy('occurred_at').limit(1).executeTakeFirst();
  return touch ? findCodeRow(db, tenantId, touch.code_id) : undefined;
}
