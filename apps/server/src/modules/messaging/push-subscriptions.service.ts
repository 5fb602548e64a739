import { v7 as uuidv7 } from 'uuid';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { getMemberRow } from '../members/members.service.ts';
import './messaging.tables.ts';

/** A browser's push subscription for the member; the same endpoint again moves it to this member (one browser, its last signed-in member). */
export async function addPushSubscription(deps: AppDeps, ctx: RequestContext, memberId: string, input: { endpoint: string; keys: { p256dh: string; auth: string } }) {
  await getMemberRow(deps.db, ctx, memberId);
  return deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('web_push_subscriptions').where('tenant_id', '=', ctx.tenantId).where('endpoint', '=', input.endpoint).where('member_id', '!=', memberId).execute();
    const row = await trx
      .insertInto('web_push_subscriptions')
      .values({ tenant_id: ctx.tenantId, member_id: memberId, id: uuidv7(), endpoint: input.endpoint, p256dh: input.keys.p256dh, auth: input.keys.auth })
      .onConflict((oc) => oc.columns(['tenant_id', 'endpoint']).doUpdateSet({ p256dh: input.keys.p256dh, auth: input.keys.auth }))
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id };
  });
}
