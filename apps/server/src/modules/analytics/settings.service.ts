import { analyticsSettingsSchema, influenceWeightsSchema, type AnalyticsSettings } from '@hearth/contracts/analytics';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { recordAudit } from '../audit/audit.service.ts';

declare module '../../db/schema.ts' {
  interface DB {
    analytics_settings: {
      tenant_id: string;
      clv_horizon_months: number;
      clv_discount_bp: number;
      pareto_window_days: number;
      heavy_user_share_bp: number;
      influence_weights: string | Record<string, unknown>;
      regional_drop_bp: number;
      updated_at: Date | undefined;
    };
  }
}

const defaults: AnalyticsSettings = {
  clv_horizon_months: 12,
  clv_discount_bp: 1000,
  pareto_window_days: 365,
  heavy_user_share_bp: 2000,
  influence_weights: influenceWeightsSchema.parse({}),
  regional_drop_bp: 2000,
};

/** The tenant's analytics settings and time zone; a tenant that never saved any gets the defaults. */
export async function loadAnalyticsSetup(db: Db, tenantId: string): Promise<{ settings: AnalyticsSettings; timeZone: string }> {
  const row = await db
    .selectFrom('tenants')
    .leftJoin('analytics_settings', 'analytics_settings.tenant_id', 'tenants.id')
    .select(['tenants.time_zone', 'clv_horizon_months', 'clv_discount_bp', 'pareto_window_days', 'heavy_user_share_bp', 'influence_weights', 'regional_drop_bp'])
    .where('tenants.id', '=', tenantId)
    .executeTakeFirstOrThrow();
  if (row.clv_horizon_months === null) return { settings: defaults, timeZone: row.time_zone };
  const settings = analyticsSettingsSchema.parse({ ...row, influence_weights: influenceWeightsSchema.parse(row.influence_weights ?? {}) });
  return { settings, timeZone: row.time_zone };
}

export async function getAnalyticsSettings(deps: AppDeps, ctx: RequestContext): Promise<AnalyticsSettings> {
  return (await loadAnalyticsSetup(deps.db, ctx.tenantId)).settings;
}

export async function updateAnalyticsSettings(deps: AppDeps, ctx: RequestContext, settings: AnalyticsSettings): Promise<AnalyticsSettings> {
  return withTransaction(deps.db, async (trx) => {
    const values = { ...settings, influence_weights: JSON.stringify(settings.influence_weights), updated_at: new Date() };
    await trx
      .insertInto('analytics_settings')
      .values({ tenant_id: ctx.tenantId, ...values })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
      .execute();
    await recordAudit(trx, ctx, { action: 'analytics_settings.update', resourceType: 'analytics_settings', details: settings as unknown as Record<string, unknown> });
    return settings;
  });
}
