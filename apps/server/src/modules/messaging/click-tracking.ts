import crypto from 'node:crypto';
import type { RenderedMessage } from '@hearth/contracts/messaging';
import type { Db } from '../../db/database.ts';
import type { AppDeps } from '../../deps.ts';
import { recordStatus } from './deliveries.service.ts';
import './messaging.tables.ts';

/**
 * Click tracking: when the brand turns it on, each http(s) link in an email or SMS body is replaced, at the
 * moment the message is rendered for sending, by `<base>/api/v1/public/messaging/<tenant>/c/<token>`. The token
 * names the delivery and the link's index and is signed with the tenant's link secret (HMAC-SHA256), so
 * nobody can mark another member's message clicked or use the redirect to go elsewhere. The original
 * targets are kept in the delivery's rendered message (`links`), which the erase handler already covers.
 */
export const trackedChannels = new Set(['email', 'sms']);

export async function trackLinks(db: Db, tenantId: string, baseUrl: string, deliveryId: string, rendered: RenderedMessage, channel: string): Promise<RenderedMessage> {
  const secret = await linkSecret(db, tenantId);
  const links: string[] = [];
  const urlFor = (target: string) => {
    links.push(target);
    const idx = links.length - 1;
    return `${baseUrl}/api/v1/public/messaging/${tenantId}/c/${token(secret, tenantId, deliveryId, idx)}`;
  };
  if (channel === 'email') {
    // Links are href attributes of the HTML body; their values are HTML-escaped (&amp;).
    const body = rendered.body.replace(/href="(https?:\/\/[^"]+)"/gi, (_, target: string) => `href="${urlFor(unescapeAttribute(target))}"`);
    return { ...rendered, body, links };
  }
  // SMS: bare URLs in the text and in the template parameters the provider fills in.
  const bare = /https?:\/\/[^\s"'<>，。！？、）]+/g;
  const body = rendered.body.replace(bare, (target) => urlFor(target));
  const fields = Object.fromEntries(Object.entries(rendered.fields).map(([name, value]) => [name, value.replace(bare, (target) => urlFor(target))]));
  return { ...rendered, body, fields, links };
}

/**
 * Follows a tracked link: checks the signature, records `clicked` (the status only moves forward, so
 * `message.clicked` is emitted for the first click) and returns the target, or undefined for a bad link.
 */
export async function followLink(deps: AppDeps, tenantId: string, linkToken: string): Promise<string | undefined> {
  const parsed = /^([A-Za-z0-9_-]{22})\.(\d{1,3})\.([A-Za-z0-9_-]{22})$/.exec(linkToken);
  if (!parsed) return undefined;
  const deliveryId = uuidFromBase64(parsed[1]!);
  const idx = Number(parsed[2]);
  const row = await deps.db.selectFrom('messaging_settings').select('link_secret').where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!row?.link_secret) return undefined;
  const expected = Buffer.from(token(row.link_secret, tenantId, deliveryId, idx));
  if (!crypto.timingSafeEqual(expected, Buffer.from(linkToken.padEnd(expected.length).slice(0, expected.length)))) return undefined;
  const delivery = await deps.db.selectFrom('message_deliveries').select('rendered').where('tenant_id', '=', tenantId).where('id', '=', deliveryId).executeTakeFirst();
  const target = (delivery?.rendered as RenderedMessage | null)?.links?.[idx];
  if (!target) return undefined;
  await recordStatus(deps, tenantId, { deliveryId }, { status: 'clicked' });
  return target;
}

function token(secret: string, tenantId: string, deliveryId: string, idx: number): string {
  const id = Buffer.from(deliveryId.replace(/-/g, ''), 'hex').toString('base64url');
  const signature = crypto.createHmac('sha256', secret).update(`${tenantId}.${deliveryId}.${idx}`).digest('base64url').slice(0, 22);
  return `${id}.${idx}.${signature}`;
}

function uuidFromBase64(value: string): string {
  const hex = Buffer.from(value, 'base64url').toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The tenant's link secret, made on first use by one upsert, so two first senders agree on it. It is read
 * first: the upsert locks the settings row, and every send of a broadcast passes here.
 */
async function linkSecret(db: Db, tenantId: string): Promise<string> {
  const current = await db.selectFrom('messaging_settings').select('link_secret').where('tenant_id', '=', tenantId).executeTakeFirst();
  if (current?.link_secret) return current.link_secret;
  const made = crypto.randomBytes(32).toString('base64url');
  const row = await db
    .insertInto('messaging_settings')
    .values({ tenant_id: tenantId, caps: JSON.stringify({}), public_base_url: null, link_secret: made })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet((eb) => ({ link_secret: eb.fn.coalesce('messaging_settings.link_secret', 'excluded.link_secret') })))
    .returning('link_secret')
    .executeTakeFirstOrThrow();
  return row.link_secret!;
}

function unescapeAttribute(value: string): string {
  return value.replace(/&(amp|quot|#39|lt|gt);/g, (entity) => ({ '&amp;': '&', '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>' })[entity] ?? entity);
}
