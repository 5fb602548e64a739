import type { JourneyGraph, Trigger } from '@hearth/contracts/journeys';
import type { MessageTemplateInput } from '@hearth/contracts/messaging';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { createTemplate } from '../messaging/templates.service.ts';
import { createJourney, getJourney, publishJourney, setJourneyStatus } from './journeys.service.ts';

interface Ritual {
  key: string;
  name: string;
  name_en: string;
  description: string;
  trigger: Trigger;
  entry: JourneyGraph['entry'];
  /** The notice in both languages (Liquid; the trigger's event is `trigger.*`). */
  message: MessageTemplateInput['bodies'];
}

const m = (subject: string, body: string, subjectEn: string, bodyEn: string, link?: string): MessageTemplateInput['bodies'] => ({
  'zh-CN': { subject, body, ...(link && { link }) },
  en: { subject: subjectEn, body: bodyEn, ...(link && { link }) },
});

/**
 * The ritual notices every brand sends (仪式感通知), shipped as ready journeys: trigger → one transactional
 * message → exit. Switching one on creates its message template (messaging, in-app inbox: it needs no
 * provider credentials; the brand adds WeChat or SMS by editing) and the journey, and publishes it; the
 * tenant then edits both like any other. The trigger's event is the template's `trigger.*`.
 */
export const rituals: Ritual[] = [
  { key: 'welcome', name: '入会欢迎', name_en: 'Welcome on joining', description: '会员注册后立即发送欢迎消息', trigger: { kind: 'event', event_type: 'member.registered', filters: [] }, entry: { mode: 'once' }, message: m('欢迎加入 {{ brand.name }}', '{{ member.name }}，欢迎成为{{ brand.name }}会员！会员码、积分与专属权益都在会员中心。', 'Welcome to {{ brand.name }}', 'Welcome, {{ member.name }}! Your member code, points and benefits are in the member center.', '/m/') },
  { key: 'tier_upgrade', name: '升级祝贺', name_en: 'Tier upgrade', description: '会员等级提升时发送祝贺与新权益', trigger: { kind: 'event', event_type: 'tier.upgraded', filters: [] }, entry: { mode: 'every_time' }, message: m('恭喜升级', '{{ member.name }}，恭喜您的会员等级已提升，新的权益已为您开启。', 'You moved up a tier', 'Congratulations, {{ member.name }}: your new tier and its benefits are active.', '/m/') },
  { key: 'balance_change', name: '积分变动提醒', name_en: 'Points balance change', description: '积分余额变动时告知会员最新余额', trigger: { kind: 'event', event_type: 'points.balance_changed', filters: [] }, entry: { mode: 'every_time' }, message: m('积分变动', '您的积分余额已更新为 {{ trigger.balance }} 分。', 'Points balance updated', 'Your points balance is now {{ trigger.balance }}.', '/m/points') },
  { key: 'points_expiring', name: '积分到期提醒', name_en: 'Points expiring', description: '积分即将到期：积分数、折合金额、到期日与使用链接', trigger: { kind: 'event', event_type: 'points.expiring', filters: [] }, entry: { mode: 'every_time' }, message: m('积分即将到期', '您有 {{ trigger.points }} 积分（价值 ¥{{ trigger.value_fen | yuan }}）将于 {{ trigger.last_day }} 后到期，快来使用吧。', 'Points expiring', '{{ trigger.points }} points (worth ¥{{ trigger.value_fen | yuan }}) expire after {{ trigger.last_day }}. Use them now.', '/m/points') },
  { key: 'birthday', name: '生日祝福', name_en: 'Birthday', description: '会员生日当天上午 9 点发送祝福', trigger: { kind: 'date', field: 'birthday', days_before: 0, at_hour: 9 }, entry: { mode: 'once_per_days', days: 300 }, message: m('生日快乐', '{{ member.name }}，{{ brand.name }}祝您生日快乐！', 'Happy birthday', 'Happy birthday, {{ member.name }}, from all of us at {{ brand.name }}!', '/m/') },
  { key: 'renewal_due', name: '续费提醒', name_en: 'Renewal due', description: '付费会员到期前提醒续费', trigger: { kind: 'event', event_type: 'membership.renewal_due', filters: [] }, entry: { mode: 'every_time' }, message: m('会员即将到期', '您的付费会员将于 {{ trigger.period_end | slice: 0, 10 }} 到期，续费后权益不中断。', 'Membership renewal', 'Your paid membership ends on {{ trigger.period_end | slice: 0, 10 }}. Renew to keep your benefits.', '/m/') },
  { key: 'coupon_expiring', name: '优惠券到期提醒', name_en: 'Coupon expiring', description: '优惠券即将到期时提醒使用', trigger: { kind: 'event', event_type: 'coupon.expiring', filters: [] }, entry: { mode: 'every_time' }, message: m('优惠券即将到期', '您有一张优惠券将于 {{ trigger.expires_at | slice: 0, 10 }} 到期，别忘了使用。', 'Coupon expiring', 'One of your coupons expires on {{ trigger.expires_at | slice: 0, 10 }}. Do not miss it.', '/m/coupons') },
];

export function ritualGraph(ritual: Ritual, templateId: string): JourneyGraph {
  return {
    nodes: [
      { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, config: ritual.trigger },
      { id: 'notify', type: 'send', label: ritual.name, position: { x: 0, y: 140 }, config: { channel: 'inbox', template_id: templateId, category: 'transactional', variables: {} } },
      { id: 'end', type: 'exit', position: { x: 0, y: 280 }, config: {} },
    ],
    edges: [
      { from: 'trigger', to: 'notify', branch: 'next' },
      { from: 'notify', to: 'end', branch: 'next' },
    ],
    entry: ritual.entry,
    goal: null,
  };
}

export async function listRituals(deps: AppDeps, ctx: RequestContext) {
  const existing = await deps.db.selectFrom('journeys').select(['id', 'ritual', 'status']).where('tenant_id', '=', ctx.tenantId).where('ritual', 'is not', null).execute();
  return {
    data: rituals.map((r) => {
      const journey = existing.find((e) => e.ritual === r.key);
      return { key: r.key, name: r.name, name_en: r.name_en, description: r.description, trigger: r.trigger, journey_id: journey?.id ?? null, status: journey?.status ?? null };
    }),
  };
}

/** Switches a ritual on: creates and publishes its journey the first time, resumes it when it was paused. */
export async function enableRitual(deps: AppDeps, ctx: RequestContext, key: string) {
  const ritual = rituals.find((r) => r.key === key);
  if (!ritual) throw notFound('Ritual');
  return withTransaction(deps.db, async (trx) => {
    const tdeps = { ...deps, db: trx };
    const existing = await trx.selectFrom('journeys').select(['id', 'status']).where('tenant_id', '=', ctx.tenantId).where('ritual', '=', key).forUpdate().executeTakeFirst();
    if (!existing) {
      const template = await createTemplate(tdeps, ctx, { name: ritual.name, channel: 'inbox', category: 'transactional', bodies: ritual.message, variants: [] });
      const journey = await createJourney(tdeps, ctx, { name: ritual.name, description: ritual.description, graph: ritualGraph(ritual, template.id) }, key);
      return publishJourney(tdeps, ctx, journey.id);
    }
    if (existing.status === 'paused') return setJourneyStatus(tdeps, ctx, existing.id, 'resume');
    if (existing.status === 'draft' || existing.status === 'stopped') return publishJourney(tdeps, ctx, existing.id);
    return getJourney(tdeps, ctx, existing.id);
  });
}
