import type { z } from 'zod';
import type { guideSettingsSchema } from '@hearth/contracts/guides';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { validationError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { Liquid } from 'liquidjs';

type Settings = z.infer<typeof guideSettingsSchema>;
const defaults: Settings = { conversion_window_days: 7, welcome_enabled: true, welcome_title: '欢迎新会员 {{member_no}}', welcome_due_days: 2 };

export async function guideSettings(db: Db, tenantId: string): Promise<Settings> {
  const row = await db.selectFrom('guide_settings').select(['conversion_window_days', 'welcome_enabled', 'welcome_title', 'welcome_due_days']).where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ?? defaults;
}

export async function saveGuideSettings(deps: AppDeps, ctx: RequestContext, input: Settings): Promise<Settings> {
  try {
    new Liquid().parse(input.welcome_title);
  } catch {
    throw validationError([{ field: 'welcome_title', code: 'invalid_template', message: 'not a valid template' }]);
  }
  return withTransaction(deps.db, async (trx) => {
    await trx.insertInto('guide_settings').values({ tenant_id: ctx.tenantId, ...input, updated_at: deps.clock.now() }).onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...input, updated_at: deps.clock.now() })).execute();
    await recordAudit(trx, ctx, { action: 'guide_settings.update', resourceType: 'guide_settings', details: input });
    return input;
  });
}

/** The tenant's zone: task due dates and the leaderboard's days are the brand's calendar days. */
export async function tenantZone(db: Db, tenantId: string): Promise<string> {
  return (await db.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow()).time_zone;
}
