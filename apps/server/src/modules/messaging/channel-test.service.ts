import { v7 as uuidv7 } from 'uuid';
import type { ChannelProvider, MessageChannel } from '@hearth/contracts/messaging';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, validationError } from '../../http/errors.ts';
import { openSecret } from '../../secret-box.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { DeliveryError } from './channels/adapter.ts';
import { adapters } from './channels.service.ts';
import './messaging.tables.ts';

/** The channel each provider sends; web push needs a member's browser subscription, so it has no test send. */
const channelOf: Partial<Record<ChannelProvider, MessageChannel>> = { smtp: 'email', aliyun_sms: 'sms', tencent_sms: 'sms', wechat_oa: 'wechat_template', wechat_mp: 'wechat_subscribe', webhook: 'webhook' };

/**
 * Sends one test message through a provider with its saved credentials, enabled or not, so the operator
 * sees whether they work before switching the channel on. Nothing goes into the delivery log (it is no
 * member's message); the attempt is audited. The provider's refusal comes back as CHANNEL_TEST_FAILED.
 */
export async function testChannel(deps: AppDeps, ctx: RequestContext, provider: ChannelProvider, input: { to: string; provider_template?: string | null; sms_sign_name?: string | null }) {
  const channel = channelOf[provider];
  if (!channel) throw validationError([{ field: 'provider', code: 'no_test_send', message: `${provider} has no test send` }]);
  const row = await deps.db.selectFrom('message_channel_configs').selectAll().where('tenant_id', '=', ctx.tenantId).where('provider', '=', provider).executeTakeFirst();
  if (!row) throw validationError([{ field: 'provider', code: 'not_configured', message: `${provider} has no settings yet` }]);
  const config = { provider, settings: row.settings, secrets: row.secrets_sealed ? (JSON.parse(openSecret(deps.config.secretsKey, row.secrets_sealed)) as Record<string, string>) : {} };
  const id = uuidv7();
  const text = 'Hearth 测试消息 / test message';
  try {
    const result = await adapters[channel].send(
      {
        tenantId: ctx.tenantId,
        // No member: the nil UUID says so to a webhook receiver.
        memberId: '00000000-0000-0000-0000-000000000000',
        deliveryId: id,
        channel,
        to: input.to,
        rendered: { locale: 'zh-CN', variant: null, subject: text, body: channel === 'webhook' ? JSON.stringify({ test: true, text }) : channel === 'email' ? `<p>${text}</p>` : text, text: channel === 'email' ? text : null, link: null, fields: { first: text, text } },
        providerTemplate: input.provider_template ?? null,
        smsSignName: input.sms_sign_name ?? null,
        category: 'transactional',
      },
      { db: deps.db, config, now: () => deps.clock.now(), secretsKey: deps.config.secretsKey },
    );
    await recordAudit(deps.db, ctx, { action: 'messaging.channel_tested', resourceType: 'message_channel', resourceId: provider, details: { provider, ok: true } });
    return { ok: true as const, message_id: id, provider_message_id: result.providerMessageId };
  } catch (error) {
    const code = error instanceof DeliveryError ? error.code : 'SEND_ERROR';
    await recordAudit(deps.db, ctx, { action: 'messaging.channel_tested', resourceType: 'message_channel', resourceId: provider, details: { provider, ok: false, error: code } });
    throw new AppError('CHANNEL_TEST_FAILED', `${provider}: ${(error as Error).message}`.slice(0, 500), { errors: [{ field: 'to', code, message: (error as Error).message.slice(0, 500) }] });
  }
}
