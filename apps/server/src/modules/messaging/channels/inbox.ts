import type { ChannelAdapter } from './adapter.ts';

/**
 * The in-app inbox the member center reads. The message is a row keyed by its delivery id, so writing it
 * again after a crash adds nothing: the inbox is exactly once by construction.
 */
export const inboxAdapter: ChannelAdapter = {
  providers: [],
  async send(message, env) {
    await env.db
      .insertInto('message_inbox')
      .values({ tenant_id: message.tenantId, member_id: message.memberId, id: message.deliveryId, title: message.rendered.subject ?? '', body: message.rendered.body, link: message.rendered.link, read_at: null })
      .onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'id']).doNothing())
      .execute();
    return { providerMessageId: message.deliveryId, status: 'delivered' };
  },
};
