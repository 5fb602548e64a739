import { sql } from 'kysely';
import type { AppDeps, RequestContext } from '../../deps.ts';
import type { DomainEvent } from '../../jobs/outbox.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import { getMemberRow } from '../members/members.service.ts';
import type { OrderHooks } from '../orders/order-hooks.ts';
import { codeByPeerKey, findCodeRow } from './codes.service.ts';
import { recordFirstOrder, recordFollow, recordRegistration } from './funnel.service.ts';
import './channel-codes.tables.ts';

/** Set by the scan redirect, read at member-center sign-up (member-portal): `<tenant id>.<code id>`. */
export const CHANNEL_CODE_COOKIE = 'hearth_ch';
const WECOM_ADDED_JOB = 'channel_codes.wecom_added';
const REGISTERED_JOB = 'channel_codes.registered';

export const systemContext = (tenantId: string): RequestContext => ({ tenantId, actor: { type: 'system', id: null, label: 'channel codes', role: null, permissions: new Set() }, requestId: null, ip: null });

/** WeCom adds carrying a code's `state` are follows through it; a new member is credited to their first code. */
export function registerChannelCodeJobs(registry: JobRegistry) {
  registry.define<{ event: DomainEvent<{ external_user_id: string; member_id: string | null; state: string | null; added_at: string }> }>({
    name: WECOM_ADDED_JOB,
    handler: async ({ db, deps, job, payload }) => {
      const added = payload.event.payload;
      if (!added.state) return 'no state';
      const code = await codeByPeerKey(db, job.tenant_id, added.state);
      if (!code) return 'not a channel code';
      await recordFollow({ ...deps, db }, systemContext(job.tenant_id), code, `wecom:${added.external_user_id}`, added.member_id, new Date(added.added_at));
      return code.id;
    },
  });
  registry.subscribe('wecom.contact_added', WECOM_ADDED_JOB);
  registry.define<{ event: DomainEvent<{ member_id: string }> }>({
    name: REGISTERED_JOB,
    handler: ({ db, deps, job, payload }) => recordRegistration({ ...deps, db }, systemContext(job.tenant_id), payload.event.payload.member_id, undefined, deps.clock.now()),
  });
  registry.subscribe('member.registered', REGISTERED_JOB);
}

export function registerChannelCodeOrderHooks(hooks: OrderHooks) {
  hooks.afterMemberOrders(async (trx, deps, ctx, orders) => {
    for (const order of orders) await recordFirstOrder(trx, deps, ctx, order);
  });
}

/**
 * The member center's sign-up carried a code (the cookie the scan redirect set): credit the new member's registration
 * to it. A cookie of another tenant, an unknown code or member is ignored: it is the browser's word, not proof.
 */
export async function registrationFromCookie(deps: AppDeps, cookie: string | undefined, memberId: string, at: Date) {
  const match = /^([0-9a-f-]{36})\.([0-9a-f-]{36})$/.exec(cookie ?? '');
  if (!match) return false;
  const [, tenantId, codeId] = match as unknown as [string, string, string];
  const ctx = systemContext(tenantId);
  const member = await deps.db.selectFrom('members').select('id').where('tenant_id', '=', tenantId).where('id', '=', memberId).executeTakeFirst();
  const code = member ? await findCodeRow(deps.db, tenantId, codeId) : undefined;
  if (!code) return false;
  return recordRegistration(deps, ctx, memberId, code, at);
}

/**
 * Merges move touches and keep the survivor's first code (the merged member's when the survivor had none); erasure
 * unlinks the member's touches and blanks their subjects (openids, WeCom ids), keeping the counts.
 */
export function registerChannelCodeMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'channel_codes',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      await sql`delete from channel_code_touches t where t.tenant_id = ${ctx.tenantId} and t.member_id = ${fromMemberId} and t.kind in ('register', 'first_order')
        and exists (select 1 from channel_code_touches s where s.tenant_id = t.tenant_id and s.member_id = ${toMemberId} and s.kind = t.kind)`.execute(trx);
      const touches = await trx.updateTable('channel_code_touches').set({ member_id: toMemberId }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).executeTakeFirst();
      const survivor = await trx.selectFrom('channel_code_attributions').select('member_id').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', toMemberId).executeTakeFirst();
      if (survivor) await trx.deleteFrom('channel_code_attributions').where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).execute();
      else await trx.updateTable('channel_code_attributions').set({ member_id: toMemberId }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).execute();
      return Number(touches.numUpdatedRows);
    },
  });
  hooks.onErase({
    name: 'channel_codes',
    erase: async (trx, ctx, memberId) => {
      const done = await trx.updateTable('channel_code_touches').set({ subject: sql`'erased:' || id::text` }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('kind', 'in', ['scan', 'follow']).executeTakeFirst();
      return Number(done.numUpdatedRows);
    },
  });
  hooks.addSection({
    name: 'acquisition',
    load: async (deps, ctx, memberId) => {
      await getMemberRow(deps.db, ctx, memberId);
      const row = await deps.db
        .selectFrom('channel_code_attributions as a')
        .innerJoin('channel_codes as c', (j) => j.onRef('c.tenant_id', '=', 'a.tenant_id').onRef('c.id', '=', 'a.code_id'))
        .select(['a.code_id', 'c.name', 'c.source_kind', 'c.source_ref', 'c.campaign', 'c.target_kind', 'a.attributed_at', 'a.registered', 'a.first_order_id'])
        .where('a.tenant_id', '=', ctx.tenantId)
        .where('a.member_id', '=', memberId)
        .executeTakeFirst();
      return row ?? null;
    },
  });
}
