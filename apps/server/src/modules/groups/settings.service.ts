import { sql } from 'kysely';
import type { GroupSettings } from '@hearth/contracts/groups';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { recordAudit } from '../audit/audit.service.ts';
import './groups.tables.ts';

/** The brand's group settings with the defaults where none were saved, and its time zone. */
export async function groupSettings(db: Db, tenantId: string): Promise<GroupSettings & { timeZone: string }> {
  const row = await db
    .selectFrom('tenants')
    .leftJoin('group_settings as s', 's.tenant_id', 'tenants.id')
    .select(['tenants.time_zone', 's.safety_margin', 's.hold_minutes', 's.welcome_window_minutes'])
    .where('tenants.id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return { safety_margin: row.safety_margin ?? 10, hold_minutes: row.hold_minutes ?? 10, welcome_window_minutes: row.welcome_window_minutes ?? 10, timeZone: row.time_zone };
}

export async function saveGroupSettings(deps: AppDeps, ctx: RequestContext, input: GroupSettings): Promise<GroupSettings> {
  await withTransaction(deps.db, async (trx) => {
    await trx.insertInto('group_settings').values({ tenant_id: ctx.tenantId, ...input }).onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...input, updated_at: sql`now()` })).execute();
    await recordAudit(trx, ctx, { action: 'groups.settings', resourceType: 'tenant', resourceId: ctx.tenantId, details: input });
  });
  const { timeZone: _zone, ...settings } = await groupSettings(deps.db, ctx.tenantId);
  return settings;
}
