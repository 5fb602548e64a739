import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { memberDayInputSchema, memberDayScheduleSchema, type MemberDay, type MemberDaySchedule } from '@hearth/contracts/member-days';
import type { Eligibility } from '@hearth/contracts/eligibility';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound, validationError, type FieldError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getTemplate as getCouponTemplate } from '../coupons/templates.service.ts';
import { getTemplate as getMessageTemplate } from '../messaging/templates.service.ts';
import { listMemberPrices } from '../pricing/prices.service.ts';
import { productsBySku } from '../products/products.service.ts';
import { addDays, dayBounds, localDay, nextOccurrences, occurrencesBetween } from './schedule.ts';
import './member-days.tables.ts';

type Input = z.output<typeof memberDayInputSchema>;
export type MemberDayRow = Omit<Selectable<DB['member_days']>, 'start_date' | 'end_date'> & { start_date: string; end_date: string | null };

/** Days are materialized this far ahead; the sweep tops the horizon up (see extendOccurrences). */
export const HORIZON_DAYS = 400;
/** A program may start at most this far back, which bounds the days written for backdated orders. */
const MAX_PAST_DAYS = 366 * 2;

export async function createMemberDay(deps: AppDeps, ctx: RequestContext, input: Input): Promise<MemberDay> {
  const timeZone = await tenantZone(deps.db, ctx.tenantId);
  await checkInput(deps, ctx, input, localDay(deps.clock.now(), timeZone));
  return withTransaction(deps.db, async (trx) => {
    const id = uuidv7();
    await trx.insertInto('member_days').values({ tenant_id: ctx.tenantId, id, ...columns(input) }).execute();
    const row = await getRow(trx, ctx.tenantId, id);
    await materialize(trx, row, timeZone, deps.clock.now(), 'all');
    await recordAudit(trx, ctx, { action: 'member_day.create', resourceType: 'member_day', resourceId: id, details: { name: input.name } });
    return serialize(trx, row, deps.clock.now());
  });
}

/**
 * Replaces a program. Days that have started keep their row (their orders earned by it and the stats count
 * them); days still ahead are rewritten from the new schedule in the same transaction.
 */
export async function updateMemberDay(deps: AppDeps, ctx: RequestContext, id: string, input: Input): Promise<MemberDay> {
  const timeZone = await tenantZone(deps.db, ctx.tenantId);
  await getRow(deps.db, ctx.tenantId, id);
  await checkInput(deps, ctx, input, null);
  return withTransaction(deps.db, async (trx) => {
    await trx.selectFrom('member_days').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', id).forUpdate().execute();
    await trx.updateTable('member_days').set({ ...columns(input), updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).execute();
    const now = deps.clock.now();
    await trx.deleteFrom('member_day_occurrences').where('tenant_id', '=', ctx.tenantId).where('member_day_id', '=', id).where('starts_at', '>', now).where('started_at', 'is', null).execute();
    const row = await getRow(trx, ctx.tenantId, id);
    await materialize(trx, row, timeZone, now, 'future');
    await recordAudit(trx, ctx, { action: 'member_day.update', resourceType: 'member_day', resourceId: id, details: { active: input.active } });
    return serialize(trx, row, now);
  });
}

export async function getMemberDay(deps: AppDeps, ctx: RequestContext, id: string): Promise<MemberDay> {
  const row = await getRow(deps.db, ctx.tenantId, id);
  return serialize(deps.db, row, deps.clock.now());
}

export async function listMemberDays(deps: AppDeps, ctx: RequestContext): Promise<MemberDay[]> {
  const rows = await selectRows(deps.db, ctx.tenantId).orderBy('id', 'desc').limit(500).execute();
  return Promise.all(rows.map((r) => serialize(deps.db, r, deps.clock.now())));
}

/** The program's days from today on (the current one included), as materialized. */
export async function listOccurrences(deps: AppDeps, ctx: RequestContext, id: string, limit: number) {
  await getRow(deps.db, ctx.tenantId, id);
  const rows = await upcomingDays(deps.db, ctx.tenantId, deps.clock.now(), { memberDayId: id, limit });
  return rows.map((r) => ({ day: r.day, starts_at: r.starts_at.toISOString(), ends_at: r.ends_at.toISOString(), started: r.started_at !== null }));
}

/** What a schedule would give, without saving: the console's form shows it while the operator types. */
export async function previewSchedule(deps: AppDeps, ctx: RequestContext, input: { schedule: MemberDaySchedule; start_date: string; end_date?: string | null; count: number }) {
  const timeZone = await tenantZone(deps.db, ctx.tenantId);
  const today = localDay(deps.clock.now(), timeZone);
  const from = input.start_date > today ? input.start_date : today;
  return nextOccurrences(input.schedule, from, input.end_date ?? null, input.count).map((day) => {
    const { startsAt, endsAt } = dayBounds(day, timeZone);
    return { day, starts_at: startsAt.toISOString(), ends_at: endsAt.toISOString(), started: false };
  });
}

/** Days not yet ended, soonest first; of one program, or of every active program of the tenant. */
export async function upcomingDays(db: Db, tenantId: string, now: Date, options: { memberDayId?: string; limit: number }) {
  return db
    .selectFrom('member_day_occurrences as o')
    .innerJoin('member_days as d', (j) => j.onRef('d.tenant_id', '=', 'o.tenant_id').onRef('d.id', '=', 'o.member_day_id'))
    .select(['o.member_day_id', sql<string>`o.day::text`.as('day'), 'o.starts_at', 'o.ends_at', 'o.started_at'])
    .where('o.tenant_id', '=', tenantId)
    .where('o.ends_at', '>', now)
    .$if(options.memberDayId !== undefined, (q) => q.where('o.member_day_id', '=', options.memberDayId!))
    .$if(options.memberDayId === undefined, (q) => q.where('d.active', '=', true))
    .orderBy('o.starts_at')
    .orderBy('o.member_day_id')
    .limit(options.limit)
    .execute();
}

/**
 * Writes the program's days up to the horizon (from its start for a new program, from now for an edit), with
 * their instants in the tenant's zone. `on conflict do nothing`: a day already there (started) stays as it is.
 */
export async function materialize(trx: Db, row: MemberDayRow, timeZone: string, now: Date, which: 'all' | 'future', fromDay?: string) {
  const today = localDay(now, timeZone);
  const last = addDays(today, HORIZON_DAYS);
  const until = row.end_date && row.end_date < last ? row.end_date : last;
  const start = fromDay && fromDay > row.start_date ? fromDay : row.start_date;
  const days = occurrencesBetween(memberDayScheduleSchema.parse(row.schedule), start, until)
    .map((day) => ({ day, ...dayBounds(day, timeZone) }))
    .filter((d) => which === 'all' || d.startsAt > now);
  if (!days.length) return 0;
  await trx
    .insertInto('member_day_occurrences')
    .values(days.map((d) => ({ tenant_id: row.tenant_id, member_day_id: row.id, day: d.day, starts_at: d.startsAt, ends_at: d.endsAt, started_at: null, reminded_at: null })))
    .onConflict((oc) => oc.columns(['tenant_id', 'member_day_id', 'day']).doNothing())
    .execute();
  return days.length;
}

export async function getRow(db: Db, tenantId: string, id: string): Promise<MemberDayRow> {
  const row = await selectRows(db, tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Member day');
  return row;
}

function selectRows(db: Db, tenantId: string) {
  return db
    .selectFrom('member_days')
    .select(['tenant_id', 'id', 'name', 'description', 'schedule', 'active', 'points_multiplier_bp', 'coupon_pack', 'member_price_ids', 'skus', 'eligibility', 'reminder_lead_hours', 'reminder_template_id', 'created_at', 'updated_at'])
    .select([sql<string>`start_date::text`.as('start_date'), sql<string | null>`end_date::text`.as('end_date')])
    .where('tenant_id', '=', tenantId);
}

export async function tenantZone(db: Db, tenantId: string): Promise<string> {
  const row = await db.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow();
  return row.time_zone;
}

export const couponPackOf = (row: Pick<MemberDayRow, 'coupon_pack'>) => (row.coupon_pack ?? []) as { template_id: string; quantity: number }[];
export const eligibilityOf = (row: Pick<MemberDayRow, 'eligibility'>) => (row.eligibility ?? {}) as Eligibility;

async function serialize(db: Db, row: MemberDayRow, now: Date): Promise<MemberDay> {
  const next = await db
    .selectFrom('member_day_occurrences')
    .select(sql<string>`day::text`.as('day'))
    .where('tenant_id', '=', row.tenant_id)
    .where('member_day_id', '=', row.id)
    .where('ends_at', '>', now)
    .orderBy('starts_at')
    .limit(1)
    .executeTakeFirst();
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    schedule: memberDayScheduleSchema.parse(row.schedule),
    start_date: row.start_date,
    end_date: row.end_date,
    active: row.active,
    points_multiplier_bp: row.points_multiplier_bp,
    coupon_pack: couponPackOf(row),
    member_price_ids: (row.member_price_ids ?? []) as string[],
    skus: (row.skus ?? []) as string[],
    eligibility: eligibilityOf(row),
    reminder_lead_hours: row.reminder_lead_hours,
    reminder_template_id: row.reminder_template_id,
    next_day: next?.day ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

function columns(input: Input) {
  return {
    name: input.name,
    description: input.description ?? null,
    schedule: JSON.stringify(input.schedule.kind === 'dates' ? { ...input.schedule, dates: [...new Set(input.schedule.dates)].sort() } : input.schedule),
    start_date: input.start_date,
    end_date: input.end_date ?? null,
    active: input.active,
    points_multiplier_bp: input.points_multiplier_bp,
    coupon_pack: JSON.stringify(input.coupon_pack),
    member_price_ids: JSON.stringify([...new Set(input.member_price_ids)]),
    skus: JSON.stringify([...new Set(input.skus)]),
    eligibility: JSON.stringify(input.eligibility),
    reminder_lead_hours: input.reminder_lead_hours ?? null,
    reminder_template_id: input.reminder_template_id ?? null,
  };
}

/** Everything the schema cannot see: dates in order, and every reference naming something of this brand. */
async function checkInput(deps: AppDeps, ctx: RequestContext, input: Input, today: string | null) {
  const errors: FieldError[] = [];
  if (input.end_date && input.end_date < input.start_date) errors.push({ field: 'end_date', code: 'before_start', message: 'end_date is before start_date' });
  if (today && input.start_date < addDays(today, -MAX_PAST_DAYS)) errors.push({ field: 'start_date', code: 'too_early', message: 'start_date may be at most two years back' });
  for (const [i, item] of input.coupon_pack.entries()) {
    await getCouponTemplate(deps, ctx, item.template_id).catch(() => errors.push({ field: `coupon_pack.${i}.template_id`, code: 'unknown_template', message: 'no such coupon template' }));
  }
  if (input.member_price_ids.length) {
    const known = new Set((await listMemberPrices(deps, ctx, {})).map((p) => p.id));
    input.member_price_ids.forEach((id, i) => known.has(id) || errors.push({ field: `member_price_ids.${i}`, code: 'unknown_member_price', message: 'no such member price' }));
  }
  if (input.skus.length) {
    const known = await productsBySku(deps.db, ctx.tenantId, input.skus);
    input.skus.forEach((sku, i) => known.has(sku) || errors.push({ field: `skus.${i}`, code: 'unknown_sku', message: 'no such product' }));
  }
  if (input.reminder_template_id) {
    await getMessageTemplate(deps, ctx, input.reminder_template_id).catch(() => errors.push({ field: 'reminder_template_id', code: 'unknown_template', message: 'no such message template' }));
    if (!input.reminder_lead_hours) errors.push({ field: 'reminder_lead_hours', code: 'required', message: 'a reminder template needs a lead time' });
  }
  if (errors.length) throw validationError(errors);
}
