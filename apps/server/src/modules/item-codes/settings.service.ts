import { sql } from 'kysely';
import type { z } from 'zod';
import type { itemCodeSettingsSchema } from '@hearth/contracts/item-codes';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { recordAudit } from '../audit/audit.service.ts';

type Settings = z.infer<typeof itemCodeSettingsSchema>;

/** The brand's fraud thresholds and QR base, with the defaults where none were saved, and its time zone. */
export async function itemCodeSettings(db: Db, tenantId: string): Promise<Settings & { timeZone: string }> {
  const row = await db
    .selectFrom('tenants')
    .leftJoin('item_code_settings as s', 's.tenant_id', 'tenants.id')
    .select(['tenants.time_zone', 's.member_daily_scans', 's.distant_minutes', 's.qr_base_url'])
    .where('tenants.id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return { member_daily_scans: row.member_daily_scans ?? 20, distant_minutes: row.distant_minutes ?? 180, qr_base_url: row.qr_base_url ?? null, timeZone: row.time_zone };
}

export async function saveItemCodeSettings(deps: AppDeps, ctx: RequestContext, input: Settings): Promise<Settings> {
  await withTransaction(deps.db, async (trx) => {
    await trx.insertInto('item_code_settings').values({ tenant_id: ctx.tenantId, ...input }).onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...input, updated_at: sql`now()` })).execute();
    await recordAudit(trx, ctx, { action: 'item_codes.settings', resourceType: 'tenant', resourceId: ctx.tenantId, details: input });
  });
  const { timeZone: _zone, ...settings } = await itemCodeSettings(deps.db, ctx.tenantId);
  return settings;
}
