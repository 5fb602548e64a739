import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { MessageChannel, MessagingSettings } from '@hearth/contracts/messaging';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { recordAudit } from '../audit/audit.service.ts';
import './messaging.tables.ts';

/** A fresh brand: no caps (each brand decides), quiet hours 21:00–09:00 for marketing, service notices need no opt-in. */
export const defaultSettings: MessagingSettings = { caps: {}, quiet_hours: { enabled: true, start: '21:00', end: '09:00' }, transactional_consent: 'not_required', click_tracking: { enabled: false, base_url: null } };

export async function getSettings(db: Db, tenantId: string): Promise<MessagingSettings> {
  const row = await db.selectFrom('messaging_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!row) return defaultSettings;
  return {
    caps: row.caps as MessagingSettings['caps'],
    quiet_hours: { enabled: row.quiet_enabled, start: row.quiet_start, end: row.quiet_end },
    transactional_consent: row.transactional_consent,
    click_tracking: { enabled: row.click_tracking, base_url: row.public_base_url },
  };
}

export async function updateSettings(deps: AppDeps, ctx: RequestContext, input: MessagingSettings): Promise<MessagingSettings> {
  const values = {
    caps: JSON.stringify(input.caps),
    quiet_enabled: input.quiet_hours.enabled,
    quiet_start: input.quiet_hours.start,
    quiet_end: input.quiet_hours.end,
    transactional_consent: input.transactional_consent,
    click_tracking: input.click_tracking.enabled,
    public_base_url: input.click_tracking.base_url?.replace(/\/+$/, '') ?? null,
  };
  return withTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('messaging_settings')
      .values({ tenant_id: ctx.tenantId, ...values })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, updated_at: sql`now()` }))
      .execute();
    await recordAudit(trx, ctx, { action: 'messaging.settings_update', resourceType: 'messaging_settings', details: { caps: input.caps, quiet_hours: input.quiet_hours, transactional_consent: input.transactional_consent, click_tracking: input.click_tracking } });
    return getSettings(trx, ctx.tenantId);
  });
}

/**
 * When a marketing message due at `due` may go out: `due` itself, or the end of the quiet hours it falls
 * in (local time of `zone`). Windows may cross midnight (21:00–09:00). A message is delayed, never dropped.
 */
export function quietHoursRelease(due: Date, quiet: MessagingSettings['quiet_hours'], zone: string): Date {
  if (!quiet.enabled || quiet.start === quiet.end) return due;
  const local = DateTime.fromJSDate(due).setZone(zone);
  const minutes = local.hour * 60 + local.minute;
  const [start, end] = [toMinutes(quiet.start), toMinutes(quiet.end)];
  const at = (day: DateTime, hhmm: number) => day.startOf('day').set({ hour: Math.floor(hhmm / 60), minute: hhmm % 60 });
  if (start < end) return minutes >= start && minutes < end ? at(local, end).toJSDate() : due;
  if (minutes >= start) return at(local.plus({ days: 1 }), end).toJSDate();
  if (minutes < end) return at(local, end).toJSDate();
  return due;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The counter rows a send at `at` counts against: its local calendar day and ISO week. */
export function capPeriods(at: Date, zone: string): { day: string; week: string } {
  const local = DateTime.fromJSDate(at).setZone(zone);
  return { day: `d:${local.toISODate()}`, week: `w:${local.toFormat("kkkk-'W'WW")}` };
}

/**
 * Counts one marketing send against the member's day and week caps of the channel, atomically: the upsert
 * increments both counters and holds their row locks to the end of the caller's transaction, so a
 * concurrent sender waits and then sees this count. Over either cap, both increments are taken back (still
 * under the lock) and the send is refused. Rows are always taken day before week, so senders cannot deadlock
 * on one member.
 */
export async function takeCap(trx: Db, tenantId: string, memberId: string, channel: MessageChannel, at: Date, zone: string, cap: { per_day: number | null; per_week: number | null } | undefined): Promise<'ok' | 'cap_day' | 'cap_week'> {
  const { day, week } = capPeriods(at, zone);
  const rows = await sql<{ period: string; count: number }>`
    insert into message_frequency_counters as c (tenant_id, member_id, channel, period, count)
    values (${tenantId}, ${memberId}, ${channel}, ${day}, 1), (${tenantId}, ${memberId}, ${channel}, ${week}, 1)
    on conflict (tenant_id, member_id, channel, period) do update set count = c.count + 1
    returning period, count`.execute(trx);
  const count = (period: string) => rows.rows.find((r) => r.period === period)!.count;
  const over = cap?.per_day != null && count(day) > cap.per_day ? 'cap_day' : cap?.per_week != null && count(week) > cap.per_week ? 'cap_week' : null;
  if (!over) return 'ok';
  await trx
    .updateTable('message_frequency_counters')
    .set({ count: sql`count - 1` })
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('channel', '=', channel)
    .where('period', 'in', [day, week])
    .execute();
  return over;
}
