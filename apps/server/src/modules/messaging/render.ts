import { Liquid, type Template } from 'liquidjs';
import { DateTime } from 'luxon';
import type { RenderedMessage } from '@hearth/contracts/messaging';
import type { z } from 'zod';
import type { templateBodiesSchema, templateBodySchema, templateVariantSchema } from '@hearth/contracts/messaging';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import type { MemberContact } from '../members/contact.service.ts';
import { unsubscribeLink } from '../members/privacy.service.ts';
import { getBalance } from '../points/points.service.ts';
import { getRecommendations } from '../recommendations/recommend.service.ts';
import { segmentsContaining } from '../segments/segments.service.ts';
import { getStore } from '../stores/stores.service.ts';
import { getMemberTiers } from '../tiers/tiers.service.ts';
import { consentChannelOf } from './consent.ts';

type Bodies = z.infer<typeof templateBodiesSchema>;
type Body = z.infer<typeof templateBodySchema>;
type Variant = z.infer<typeof templateVariantSchema>;
export interface RenderableTemplate {
  channel: string;
  bodies: Bodies;
  variants: Variant[];
}

/**
 * Liquid (the template language Shopify, Braze and Customer.io use), one engine per output: email HTML
 * escapes every value, webhook JSON escapes for a JSON string, text channels leave values as they are.
 * `ownPropertyOnly` keeps templates away from prototypes.
 */
const filters = (engine: Liquid) => {
  // Integer fen to yuan with two decimals: {{ member.expiring_value_fen | yuan }} → 12.80
  engine.registerFilter('yuan', (fen: unknown) => (typeof fen === 'number' && Number.isFinite(fen) ? (fen / 100).toFixed(2) : ''));
  return engine;
};
const engines = {
  text: filters(new Liquid({ ownPropertyOnly: true, strictFilters: true })),
  html: filters(new Liquid({ ownPropertyOnly: true, strictFilters: true, outputEscape: 'escape' })),
  json: filters(new Liquid({ ownPropertyOnly: true, strictFilters: true, outputEscape: (value: unknown) => JSON.stringify(String(value ?? '')).slice(1, -1) })),
};
type EngineKind = keyof typeof engines;

/** Parsed templates by source; templates are few and sends many. */
const parsed = new Map<string, Template[]>();
function parse(kind: EngineKind, source: string): Template[] {
  const key = `${kind}\u0000${source}`;
  let templates = parsed.get(key);
  if (!templates) {
    try {
      templates = engines[kind].parse(source);
    } catch (error) {
      throw new AppError('VALIDATION_FAILED', `Template does not parse: ${(error as Error).message}`, { errors: [{ field: 'bodies', code: 'template_syntax', message: (error as Error).message }] });
    }
    if (parsed.size > 2000) parsed.clear();
    parsed.set(key, templates);
  }
  return templates;
}

/** Checks every body of a template parses, so a broken template is refused when saved, not when sent. */
export function checkTemplate(template: RenderableTemplate) {
  for (const bodies of [template.bodies, ...template.variants.map((v) => v.bodies)]) {
    for (const body of Object.values(bodies)) {
      if (!body) continue;
      for (const [kind, source] of sources(template.channel, body)) parse(kind, source);
    }
  }
}

function sources(channel: string, body: Body): [EngineKind, string][] {
  const bodyKind: EngineKind = channel === 'email' ? 'html' : channel === 'webhook' ? 'json' : 'text';
  const list: [EngineKind, string][] = [[bodyKind, body.body]];
  if (body.subject) list.push(['text', body.subject]);
  if (body.link) list.push(['text', body.link]);
  for (const value of Object.values(body.fields ?? {})) list.push(['text', value]);
  return list;
}

/** Renders a template for one member: variant by segment or region, locale, then the member's data. */
export async function renderForMember(
  deps: AppDeps,
  ctx: RequestContext,
  template: RenderableTemplate,
  contact: MemberContact,
  options: { locale?: 'zh-CN' | 'en'; variables?: Record<string, unknown> },
): Promise<RenderedMessage> {
  const variant = await chooseVariant(deps, ctx, template.variants, contact);
  const bodies = variant?.bodies ?? template.bodies;
  const tenant = await deps.db.selectFrom('tenants').select(['name', 'locale', 'time_zone']).where('id', '=', ctx.tenantId).executeTakeFirstOrThrow();
  const wanted = options.locale ?? (tenant.locale === 'en' ? 'en' : 'zh-CN');
  const locale = wanted === 'en' && bodies.en ? 'en' : 'zh-CN';
  const body = bodies[locale]!;
  const allText = sources(template.channel, body).map(([, s]) => s).join('\n');
  const data = { ...(options.variables ?? {}), vars: options.variables ?? {}, brand: { name: tenant.name }, member: await memberData(deps, ctx, contact, allText, tenant.time_zone, locale), store: /\bstore\./.test(allText) ? await storeData(deps, ctx, contact) : {}, recommendations: /\brecommendations\b/.test(allText) ? await recommendationData(deps, ctx, contact) : {}, unsubscribe_url: '' };
  const consentChannel = consentChannelOf(template.channel);
  if (/unsubscribe_url/.test(allText) && consentChannel) data.unsubscribe_url = await unsubscribeLink(deps, ctx, contact.id, consentChannel);
  const render = async (kind: EngineKind, source: string | undefined) => (source === undefined ? null : String(await engines[kind].render(parse(kind, source), data)));
  const bodyKind: EngineKind = template.channel === 'email' ? 'html' : template.channel === 'webhook' ? 'json' : 'text';
  const rendered = (await render(bodyKind, body.body))!;
  const fields: Record<string, string> = {};
  for (const [name, source] of Object.entries(body.fields ?? {})) fields[name] = (await render('text', source))!;
  return {
    locale,
    variant: variant?.key ?? null,
    subject: await render('text', body.subject),
    body: rendered,
    text: template.channel === 'email' ? htmlToText(rendered) : null,
    link: await render('text', body.link),
    fields,
  };
}

async function chooseVariant(deps: AppDeps, ctx: RequestContext, variants: Variant[], contact: MemberContact): Promise<Variant | undefined> {
  if (!variants.length) return undefined;
  const segmentIds = variants.flatMap((v) => (v.segment_id ? [v.segment_id] : []));
  const inSegments = await segmentsContaining(deps.db, ctx.tenantId, contact.id, segmentIds);
  return variants.find((v) => (!v.segment_id || inSegments.has(v.segment_id)) && (!v.region || v.region === contact.province || v.region === contact.city));
}

/** Only what the template mentions is loaded: the tier's metrics and the points balance are queries. */
async function memberData(deps: AppDeps, ctx: RequestContext, contact: MemberContact, text: string, zone: string, locale: 'zh-CN' | 'en') {
  const data: Record<string, unknown> = { id: contact.id, member_no: contact.member_no, name: contact.name ?? contact.nickname ?? (locale === 'en' ? 'member' : '会员'), nickname: contact.nickname, city: contact.city, province: contact.province };
  if (/member\.tier/.test(text)) {
    const tiers = await getMemberTiers(deps, ctx, contact.id);
    data.tier = tiers[0]?.tier.name ?? '';
    data.tier_code = tiers[0]?.tier.code ?? '';
  }
  if (/member\.(points|expiring)/.test(text)) {
    const balance = await getBalance(deps, ctx, contact.id);
    Object.assign(data, {
      points: balance.available,
      points_value_fen: balance.value_fen,
      expiring_points: balance.expiring.points,
      expiring_value_fen: balance.expiring.value_fen,
      expiring_value: (balance.expiring.value_fen / 100).toFixed(2),
      expiring_date: balance.expiring.first_date ? DateTime.fromISO(balance.expiring.first_date).setZone(zone).toISODate() : '',
    });
  }
  return data;
}

/** The member's store: their home store (the geofence issue will add the nearest to where they are). */
async function storeData(deps: AppDeps, ctx: RequestContext, contact: MemberContact) {
  if (!contact.home_store_id) return {};
  const store = await getStore(deps, ctx, contact.home_store_id);
  return { id: store.id, name: store.name, address: store.address ?? '', phone: store.phone ?? '', city: store.city ?? '' };
}

/** {% for p in recommendations.complementary %}{{ p.name }} ¥{{ p.list_price_fen | yuan }}{% endfor %}; `items` is both lists. */
async function recommendationData(deps: AppDeps, ctx: RequestContext, contact: MemberContact) {
  const { complementary, upgrade } = await getRecommendations(deps, ctx, contact.id, 5);
  return { complementary, upgrade, items: [...complementary, ...upgrade] };
}

/** The plain-text part of an email: the HTML without tags, entities decoded. */
function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div|\/h[1-6]|\/li)\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" })[entity] ?? entity)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
