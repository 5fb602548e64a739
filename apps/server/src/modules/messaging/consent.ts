import type { MessageChannel, MessagingSettings } from '@hearth/contracts/messaging';
import type { MemberContact } from '../members/contact.service.ts';

/** The members module's consent channel a message channel falls under; inbox and webhooks need none (no message leaves the brand). */
export function consentChannelOf(channel: string): 'sms' | 'email' | 'wechat' | 'app_push' | null {
  switch (channel) {
    case 'sms':
      return 'sms';
    case 'email':
      return 'email';
    case 'wechat_template':
    case 'wechat_subscribe':
      return 'wechat';
    case 'web_push':
      return 'app_push';
    default:
      return null;
  }
}

/**
 * Why a message may not go to this member, or null. Marketing needs the member's opt-in on the channel
 * (PIPL, and China's rules on commercial SMS); transactional notices follow the tenant's setting. A member
 * who is not active (erased, merged, frozen) gets nothing.
 */
export function refusal(contact: MemberContact, channel: MessageChannel, category: 'marketing' | 'transactional', settings: MessagingSettings): string | null {
  if (contact.status !== 'active') return `member_${contact.status}`;
  const consentChannel = consentChannelOf(channel);
  if (consentChannel) {
    const granted = contact.consents[consentChannel];
    if (category === 'marketing' && granted !== true) return granted === false ? 'consent_withdrawn' : 'no_consent';
    if (category === 'transactional') {
      if (settings.transactional_consent === 'required' && granted !== true) return granted === false ? 'consent_withdrawn' : 'no_consent';
      if (settings.transactional_consent === 'unless_withdrawn' && granted === false) return 'consent_withdrawn';
    }
  }
  return addressOf(contact, channel) === undefined && channel !== 'web_push' ? 'no_address' : null;
}

/** Where a message of the channel goes for this member, or undefined when they cannot be reached that way. */
export function addressOf(contact: MemberContact, channel: string): string | undefined {
  switch (channel) {
    case 'sms':
      return contact.phone ?? undefined;
    case 'email':
      return contact.email ?? undefined;
    case 'wechat_template':
      return contact.identities.find((i) => i.type === 'wechat_openid')?.value;
    case 'wechat_subscribe':
      return contact.identities.find((i) => i.type === 'mini_program_openid')?.value;
    default:
      // inbox and webhook need no address; web push is checked against the member's subscriptions.
      return '';
  }
}
