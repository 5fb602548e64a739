import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { withTransaction } from './db/transaction.ts';
import type { AppDeps, RequestContext } from './deps.ts';
import { createApiKey, createTenant } from './modules/access/access.service.ts';
import { allPermissions, rolePermissions } from './modules/access/permissions.ts';
import { randomToken } from './modules/access/secrets.ts';
import { createStore } from './modules/stores/stores.service.ts';
import { createOrder } from './modules/orders/orders.service.ts';
import { upsertProducts } from './modules/products/products.service.ts';
import { registerMember } from './modules/members/members.service.ts';
import { setConsent } from './modules/members/privacy.service.ts';
import { defaultPointsSettings } from './modules/points/ledger.ts';
import { adjustPoints, updateSettings } from './modules/points/points.service.ts';
import { redeem } from './modules/points/redemptions.service.ts';
import { createReward, listRewards } from './modules/points/rewards.service.ts';
import { createRuleVersion } from './modules/points/rules.service.ts';
import { createProgram } from './modules/tiers/tiers.service.ts';
import { issueCoupon } from './modules/coupons/issuance.service.ts';
import { seedDemoExperience } from './modules/experience/experience.seed.ts';
import { seedDemoChannelCodes } from './modules/channel-codes/channel-codes.seed.ts';
import { seedDemoDistribution } from './modules/distribution/distribution.seed.ts';
import { seedDemoReferrals } from './modules/referrals/referrals.seed.ts';
import { seedDemoGroups } from './modules/groups/groups.seed.ts';
import { seedDemoPartners } from './modules/partners/partners.seed.ts';
import { createTemplate, listTemplates } from './modules/coupons/templates.service.ts';
import { confirmCoupon } from './modules/coupons/writeoff.service.ts';
import { createTag, createTagGroup, tagMembers } from './modules/members/tags.service.ts';
import { confirmOfflinePayment, purchase } from './modules/membership/membership.service.ts';
import { createPlan } from './modules/membership/plans.service.ts';
import { createBenefit } from './modules/benefits/catalogue.service.ts';
import { memberDayInputSchema } from '@hearth/contracts/member-days';
import { createMemberDay } from './modules/member-days/member-days.service.ts';
import { checkIn, updateCheckinSettings } from './modules/games/checkin.service.ts';
import { enterLottery } from './modules/games/entries.service.ts';
import { createLottery } from './modules/games/lotteries.service.ts';
import { eventInputSchema } from '@hearth/contracts/events';
import { createEvent, publishEvent } from './modules/events/events.service.ts';
import { register } from './modules/events/registrations.service.ts';

export const DEMO_TENANT_SLUG = 'demo';
export const DEMO_OWNER_EMAIL = 'owner@hearth.demo';
// Arbitrary constant shared by every process that might seed at the same time.
const SEED_LOCK_ID = 4_271_100_002;

export interface DemoCredentials {
  tenant: string;
  email: string;
  password: string;
  apiKey: string;
}

/**
 * On the first start with an empty database, creates the demo brand with its owner, an API key and a
 * few stores, and returns the credentials to print. Returns undefined when the database has tenants.
 */
export async function seedDemoIfEmpty(deps: AppDeps): Promise<DemoCredentials | undefined> {
  if (!deps.config.demo.enabled) return undefined;
  const password = deps.config.demo.password ?? randomToken(12);
  // One transaction under an advisory lock: two processes starting together seed once, and a crash
  // mid-seed leaves an empty database that seeds again on the next start.
  return withTransaction(deps.db, async (trx) => {
    await sql`select pg_advisory_xact_lock(${SEED_LOCK_ID})`.execute(trx);
    if (await trx.selectFrom('tenants').select('id').limit(1).executeTakeFirst()) return undefined;
    const { tenant, owner } = await createTenant(trx, {
      slug: DEMO_TENANT_SLUG,
      name: '炉边咖啡 Hearth Coffee',
      owner: { email: DEMO_OWNER_EMAIL, name: '林晓', password },
    });
    const ctx: RequestContext = {
      tenantId: tenant.id,
      actor: { type: 'system', id: null, label: 'demo seed', role: 'owner', permissions: new Set(rolePermissions.owner) },
      requestId: null,
      ip: null,
    };
    const inTrx = { ...deps, db: trx };
    const key = await createApiKey(inTrx, ctx, { name: '演示密钥 Demo key', scopes: allPermissions, secret: deps.config.demo.apiKey });
    const stores = [];
    for (const store of demoStores) stores.push(await createStore(inTrx, ctx, { ...store, status: 'active' }));
    const memberIds = await seedDemoMembers(inTrx, ctx, stores.map((s) => s.id));
    await seedDemoPoints(inTrx, ctx);
    const benefits = await seedDemoBenefits(inTrx, ctx);
    await seedDemoTiers(inTrx, ctx, benefits);
    await seedDemoChannelCodes(inTrx, ctx, stores[0]!.id, memberIds);
    await seedDemoOrders(inTrx, ctx, stores.map((s) => s.id), memberIds);
    await seedDemoReferralsAndCommission(inTrx, ctx, stores[0]!.id, memberIds);
    const couponTemplateId = await seedDemoCoupons(inTrx, ctx, memberIds);
    await seedDemoMembership(inTrx, ctx, memberIds, benefits);
    await seedDemoPartners(inTrx, ctx);
    await seedDemoMemberDay(inTrx, ctx);
    await seedDemoExperience(inTrx, ctx, memberIds);
    await seedDemoGames(inTrx, ctx, memberIds, couponTemplateId);
    await seedDemoGroups(inTrx, ctx, stores[0]!.id, memberIds);
    await seedDemoEvents(inTrx, ctx, stores.map((s) => s.id), memberIds);
    // Some members spend: a reward from the catalogue, and a cash deduction held at a counter.
    await adjustPoints(inTrx, ctx, memberIds[0]!, { points: 800, reason: '新会员礼 Welcome gift' });
    await redeem(inTrx, ctx, { external_id: 'DEMO-R1', member_id: memberIds[0], kind: 'reward', reward_id: (await listRewards(inTrx, ctx))[0]!.id, quantity: 1, capture: false });
    await redeem(inTrx, ctx, { external_id: 'DEMO-R2', member_id: memberIds[0], kind: 'cash', points: 100, order_total_fen: 3200, quantity: 1, capture: false });
    deps.log.info({ tenant: tenant.slug, owner: owner.email }, 'demo tenant created');
    return { tenant: tenant.slug, email: DEMO_OWNER_EMAIL, password, apiKey: key.secret };
  });
}

/** Prints the demo credentials and keeps a copy readable only by this user in the data folder. */
export function announceDemo(credentials: DemoCredentials, dataDir: string, port: number) {
  const text = [
    '',
    '  Hearth demo brand is ready / 演示品牌已创建',
    `  Console 后台:   http://localhost:${port}/admin/`,
    `  Brand 品牌标识: ${credentials.tenant}`,
    `  Email 账号:     ${credentials.email}`,
    `  Password 密码:  ${credentials.password}`,
    `  API key 密钥:   ${credentials.apiKey}`,
    `  API docs 文档:  http://localhost:${port}/api/docs`,
    '',
  ].join('\n');
  console.log(text);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'demo-credentials.txt'), `${text}\n`, { mode: 0o600 });
}

const demoStores = [
  { code: 'SH001', name: '上海静安寺店', province: '上海市', city: '上海市', district: '静安区', address: '南京西路1618号', latitude: 31.2235, longitude: 121.4453, phone: '021-62881234' },
  { code: 'SH002', name: '上海陆家嘴店', province: '上海市', city: '上海市', district: '浦东新区', address: '世纪大道100号', latitude: 31.2353, longitude: 121.5055, phone: '021-68881234' },
  { code: 'BJ001', name: '北京国贸店', province: '北京市', city: '北京市', district: '朝阳区', address: '建国门外大街1号', latitude: 39.9087, longitude: 116.4599, phone: '010-65051234' },
  { code: 'BJ002', name: '北京三里屯店', province: '北京市', city: '北京市', district: '朝阳区', address: '三里屯路19号', latitude: 39.9339, longitude: 116.4547, phone: '010-64171234' },
  { code: 'GZ001', name: '广州天河城店', province: '广东省', city: '广州市', district: '天河区', address: '天河路208号', latitude: 23.1322, longitude: 113.3245, phone: '020-85591234' },
  { code: 'SZ001', name: '深圳万象城店', province: '广东省', city: '深圳市', district: '罗湖区', address: '宝安南路1881号', latitude: 22.5395, longitude: 114.1115, phone: '0755-82661234' },
  { code: 'CD001', name: '成都太古里店', province: '四川省', city: '成都市', district: '锦江区', address: '中纱帽街8号', latitude: 30.6533, longitude: 104.0835, phone: '028-86661234' },
  { code: 'HZ001', name: '杭州湖滨店', province: '浙江省', city: '杭州市', district: '上城区', address: '延安路258号', latitude: 30.2592, longitude: 120.1655, phone: '0571-87001234' },
].map((store) => ({
  ...store,
  opening_hours: [
    { weekdays: [1, 2, 3, 4, 5], open: '07:30', close: '21:00' },
    { weekdays: [6, 7], open: '08:30', close: '22:00' },
  ],
}));

const surnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高'];
const givenNames = ['芳', '伟', '娜', '敏', '静', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超', '秀英', '晓东', '思雨', '子涵', '雨桐'];
const channels = ['mini_program', 'official_account', 'store', 'app', 'web'] as const;

/** Twenty members spread over the demo stores, with tags and consent, so every console page has something to show. */
async function seedDemoMembers(deps: AppDeps, ctx: RequestContext, storeIds: string[]) {
  const flavor = await createTagGroup(deps, ctx, '口味偏好');
  const tags = [await createTag(deps, ctx, { group_id: flavor.id, name: '喜欢拿铁' }), await createTag(deps, ctx, { group_id: flavor.id, name: '少糖' })];
  const memberIds: string[] = [];
  for (let i = 0; i < 20; i++) {
    const member = await registerMember(
      deps,
      ctx,
      {
        name: `${surnames[i]}${givenNames[(i * 7) % givenNames.length]}`,
        gender: i % 3 === 0 ? 'male' : 'female',
        birthday: { month: (i % 12) + 1, day: (i % 27) + 1, year: 1985 + (i % 15) },
        phone: `139${String(10_000_000 + i * 7919).padStart(8, '0')}`,
        home_store_id: storeIds[i % storeIds.length],
        channel: channels[i % channels.length]!,
      },
      [],
    );
    memberIds.push(member.id);
    if (i % 2 === 0) await setConsent(deps, ctx, member.id, { channel: 'sms', granted: true, source: 'mini_program_signup', wording_version: '2026-01' });
  }
  await tagMembers(deps, ctx, { tag_id: tags[0]!.id, action: 'add', member_ids: memberIds.filter((_, i) => i % 3 !== 2) });
  await tagMembers(deps, ctx, { tag_id: tags[1]!.id, action: 'add', member_ids: memberIds.filter((_, i) => i % 4 === 0) });
  return memberIds;
}

const demoProducts = [
  { sku: 'COF-LATTE-M', name: '拿铁（中杯）', category_path: ['饮品', '咖啡'], list_price_fen: 3200 },
  { sku: 'COF-AMER-M', name: '美式（中杯）', category_path: ['饮品', '咖啡'], list_price_fen: 2600 },
  { sku: 'TEA-OOLONG', name: '冷萃乌龙', category_path: ['饮品', '茶'], list_price_fen: 2800 },
  { sku: 'BAK-CROISSANT', name: '黄油可颂', category_path: ['烘焙'], list_price_fen: 1800 },
  { sku: 'BEAN-YIRGA-250', name: '耶加雪菲咖啡豆 250g', category_path: ['咖啡豆'], list_price_fen: 8800, member_only: true },
  { sku: 'CARD-100', name: '100 元储值卡', category_path: ['礼品卡'], list_price_fen: 10000 },
];

/** A catalogue and forty orders over the last weeks, most of them members', a few guests'. */
/** The demo brand's points program: 1 point per ¥1, beans earn double, mini program ×1.5, and four rewards. */
async function seedDemoPoints(deps: AppDeps, ctx: RequestContext) {
  await updateSettings(deps, ctx, { ...defaultPointsSettings, pending_days: 0 });
  await createRuleVersion(deps, ctx, {
    rules: {
      base_points_per_yuan: 1,
      rounding: 'floor',
      min_order_fen: 0,
      cap_per_order: 5000,
      cap_per_day: null,
      exclude: { discounted_part: true, gift_cards: true, shipping: true },
      category_multipliers: [{ category: '咖啡豆', multiplier: 2 }],
      sku_multipliers: [],
      channel_multipliers: [{ channel: 'mini_program', multiplier: 1.5 }],
    },
    effective_from: '2024-01-01T00:00:00+08:00',
    note: '基础规则：每消费 1 元得 1 积分',
  });
  for (const reward of [
    { name: '免费美式咖啡券', description: '任意门店兑换一杯中杯美式', points_price: 300, stock: 500 },
    { name: '炉边帆布袋', description: '限量周边', points_price: 1200, stock: 50 },
    { name: '咖啡豆 8 折券', points_price: 500, stock: null },
    { name: '生日蛋糕兑换券', points_price: 2000, stock: 20 },
  ]) {
    await createReward(deps, ctx, { status: 'active', ...reward });
  }
}

/**
 * The demo brand's ladder 普通 / 银卡 / 金卡 / 白金卡 by calendar-year spend (金卡 also by frequency), evaluated on
 * Jan 1; thresholds suit a coffee shop's forty demo orders, so the seed's orders upgrade a few members live.
 */
async function seedDemoTiers(deps: AppDeps, ctx: RequestContext, b: Record<string, string>) {
  const spend = (fen: number) => ({ metric: 'spend_fen' as const, op: 'gte' as const, value: fen, window: { kind: 'calendar_year' as const } });
  await createProgram(deps, ctx, {
    name: '炉边会员等级',
    status: 'active',
    evaluation: 'yearly',
    downgrade_policy: 'one_level',
    grace_days: 30,
    notice_days: 30,
    tiers: [
      { code: 'normal', name: '普通', color: '#8c8c8c', icon: 'user', earning_multiplier: 1, benefit_ids: [] },
      { code: 'silver', name: '银卡', color: '#a6a6a6', icon: 'star', earning_multiplier: 1.2, benefit_ids: [b.birthday_coffee!] },
      { code: 'gold', name: '金卡', color: '#d4a017', icon: 'crown', earning_multiplier: 1.5, benefit_ids: [b.birthday_coffee!, b.free_upsize!] },
      { code: 'platinum', name: '白金卡', color: '#5b6cff', icon: 'trophy', earning_multiplier: 2, benefit_ids: [b.birthday_coffee!, b.free_upsize!, b.priority!] },
    ],
    rules: {
      tiers: [
        { code: 'silver', qualify: { op: 'all', items: [spend(10_000)] }, retain: null },
        {
          code: 'gold',
          qualify: { op: 'any', items: [spend(30_000), { op: 'all', items: [{ metric: 'visit_days', op: 'gte', value: 8, window: { kind: 'calendar_year' } }, { metric: 'days_since_last_purchase', op: 'lte', value: 60, window: { kind: 'rolling_months', months: 12 } }] }] },
          retain: { op: 'all', items: [{ metric: 'spend_fen', op: 'gte', value: 15_000, window: { kind: 'rolling_months', months: 12 } }] },
        },
        { code: 'platinum', qualify: { op: 'all', items: [spend(100_000)] }, retain: null },
      ],
    },
  });
}

/** The benefits catalogue the demo ladder and plan refer to; returns their ids by code. */
async function seedDemoBenefits(deps: AppDeps, ctx: RequestContext): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const input of [
    { code: 'birthday_coffee', name: '生日咖啡', name_en: 'Birthday coffee', usage_limit: { period: 'year' as const, uses: 1 }, value_fen: 3200, config: { type: 'birthday_gift' as const, gift: { kind: 'points' as const, points: 320 } } },
    { code: 'free_upsize', name: '免费升杯', name_en: 'Free upsize', usage_limit: { period: 'month' as const, uses: 2 }, value_fen: 400, config: { type: 'free_service' as const, service: '中杯升大杯' } },
    { code: 'priority', name: '专属客服', name_en: 'Priority service', config: { type: 'custom' as const, detail: '专属客服与新品优先品鉴' } },
    { code: 'drinks_10off', name: '饮品 9 折', name_en: '10% off drinks', config: { type: 'discount' as const, mode: 'percent' as const, percent_off_bp: 1000, min_spend_fen: 0, categories: ['饮品'], skus: [], stackable: false } },
    { code: 'double_points', name: '双倍积分', name_en: 'Double points', config: { type: 'points_multiplier' as const, multiplier: 2 } },
    { code: 'free_shipping', name: '满 39 免运费', name_en: 'Free delivery over ¥39', config: { type: 'free_shipping' as const, min_spend_fen: 3900 } },
  ]) {
    ids[input.code] = (await createBenefit(deps, ctx, { status: 'active', ...input })).id;
  }
  return ids;
}

/** Four coupon templates, a few coupons in members' hands, one of them written off at a store. */
async function seedDemoCoupons(deps: AppDeps, ctx: RequestContext, memberIds: string[]) {
  const templates = [];
  for (const input of [
    { name: '满100减20', description: '全场满 ¥100 可用', stock_total: 1000, terms: { kind: 'cash' as const, value_fen: 2000, min_spend_fen: 10000, valid_days: 30, per_member_limit: 2 } },
    { name: '咖啡豆 85 折', description: '咖啡豆 85 折，最多减 ¥30', stock_total: null, terms: { kind: 'percent' as const, percent_off_bp: 1500, cap_fen: 3000, categories: ['咖啡豆'], valid_days: 14 } },
    { name: '免费可颂', stock_total: 200, terms: { kind: 'free_item' as const, free_sku: 'BAK-CROISSANT', free_qty: 1, channels: ['store' as const], valid_days: 7 } },
    { name: '小程序免运费', stock_total: null, terms: { kind: 'free_shipping' as const, channels: ['mini_program' as const], valid_days: 30, stackable_with_coupons: true } },
  ]) {
    const { terms, ...rest } = input;
    templates.push(await createTemplate(deps, ctx, { ...rest, terms: { min_spend_fen: 0, channels: [], store_ids: [], categories: [], skus: [], stackable_with_coupons: false, stackable_with_member_discounts: true, ...terms } }));
  }
  for (const [i, memberId] of memberIds.slice(0, 6).entries()) {
    await issueCoupon(deps, ctx, { template_id: templates[i % templates.length]!.id, member_id: memberId, quantity: 1, issuance_key: `DEMO-C${i}` });
  }
  const [first] = (await issueCoupon(deps, ctx, { template_id: templates[0]!.id, member_id: memberIds[0]!, quantity: 1, issuance_key: 'DEMO-C-USED' })).coupons;
  await confirmCoupon(deps, ctx, { code: first!.code, pos_transaction_id: 'DEMO-POS-1', order_external_id: 'DEMO-1000', cart: { channel: 'store', lines: [{ sku: 'BAK-CROISSANT', qty: 6, unit_price_fen: 1800, discount_fen: 0 }], shipping_fen: 0, member_discount_fen: 0, other_coupon_codes: [] } });
  return templates[0]!.id;
}

/** 签到 with streak rewards and a lucky wheel (幸运转盘) open for a month, with a few check-ins and entries. */
async function seedDemoGames(deps: AppDeps, ctx: RequestContext, memberIds: string[], couponTemplateId: string) {
  await updateCheckinSettings(deps, ctx, { enabled: true, daily_points: 5, streak_rewards: [{ day: 7, points: 50 }, { day: 30, coupon_template_id: couponTemplateId }] });
  const now = deps.clock.now().getTime();
  const wheel = await createLottery(deps, ctx, {
    name: '幸运转盘 Lucky wheel',
    description: '每天 3 次机会，积分、满减券和限量保温杯等你来拿',
    mode: 'instant',
    starts_at: new Date(now - 3_600_000).toISOString(),
    ends_at: new Date(now + 30 * 86_400_000).toISOString(),
    entry_cost_points: 0,
    daily_limit: 3,
    device_daily_limit: 10,
    eligibility: {},
    prizes: [
      { name: '20 积分', kind: 'points', points: 20, probability_bp: 3000 },
      { name: '满100减20 券', kind: 'coupon', coupon_template_id: couponTemplateId, probability_bp: 1000, stock: 100 },
      { name: '炉边保温杯', kind: 'physical', probability_bp: 2000, stock: 10 },
    ],
  });
  for (const memberId of memberIds.slice(0, 6)) {
    await enterLottery(deps, ctx, wheel.id, memberId, {});
    await checkIn(deps, ctx, memberId);
  }
}

/** 会员日: the 18th of every month, 2× points and a free croissant for every member, reminded a day ahead. */
async function seedDemoMemberDay(deps: AppDeps, ctx: RequestContext) {
  const croissant = (await listTemplates(deps, ctx)).find((t) => t.name === '免费可颂');
  const today = deps.clock.now().toISOString().slice(0, 8);
  await createMemberDay(deps, ctx, memberDayInputSchema.parse({
    name: '每月 18 号会员日',
    description: '全场积分双倍，到店再送一个可颂',
    schedule: { kind: 'monthly_day', day: 18 },
    start_date: `${today}01`,
    points_multiplier_bp: 20000,
    coupon_pack: croissant ? [{ template_id: croissant.id, quantity: 1 }] : [],
    reminder_lead_hours: 24,
  }));
}

/** 活动: a free baking class next week with a few members registered, and a paid tasting the week after. */
async function seedDemoEvents(deps: AppDeps, ctx: RequestContext, storeIds: string[], memberIds: string[]) {
  const day = (days: number, hour: number) => new Date(Math.floor(deps.clock.now().getTime() / 86_400_000 + days) * 86_400_000 + (hour - 8) * 3_600_000).toISOString();
  const makeEvent = async (input: unknown) => {
    const event = await createEvent(deps, ctx, eventInputSchema.parse(input));
    await publishEvent(deps, ctx, event.id);
    return event.id;
  };
  const classId = await makeEvent({
    title: '亲子烘焙课：手作可颂',
    description: '由门店烘焙师带领，45 分钟完成一份可颂。\n适合 4 岁以上的小朋友，家长陪同。',
    location: { kind: 'store', store_id: storeIds[0], address_note: '二楼烘焙教室' },
    starts_at: day(7, 14), ends_at: day(7, 16), capacity: 12, price: { kind: 'free' },
    questions: [{ id: 'kids', label: '孩子年龄', kind: 'choice', options: ['4-6 岁', '7-9 岁', '10 岁以上'], required: true }],
  });
  for (const memberId of memberIds.slice(0, 3)) await register(deps, ctx, classId, memberId, { answers: { kids: '4-6 岁' } });
  await makeEvent({
    title: '秋冬新品品鉴会',
    description: '提前尝到秋冬新品，和咖啡师聊聊豆子。',
    location: { kind: 'store', store_id: storeIds[storeIds.length - 1] },
    starts_at: day(14, 19), ends_at: day(14, 21), capacity: 20, price: { kind: 'fen', amount: 3900, member_prices: [] }, cancel_deadline: day(13, 19),
  });
}

/** 付费会员: ¥99 a year with a 7-day trial; the first demo member paid at the counter. */
async function seedDemoMembership(deps: AppDeps, ctx: RequestContext, memberIds: string[], b: Record<string, string>) {
  const plan = await createPlan(deps, ctx, { name: '付费会员', description: '全年饮品 9 折、每月 2 张免费升杯、双倍积分、满 ¥39 免运费', price_fen: 9900, period: 'year', trial_days: 7, auto_renew_allowed: true, benefit_ids: [b.drinks_10off!, b.free_upsize!, b.double_points!, b.free_shipping!], upgrade_to: [], status: 'active' });
  const { payment } = await purchase(deps, ctx, memberIds[0]!, { plan_id: plan.id, provider: 'offline', auto_renew: true });
  await confirmOfflinePayment(deps, ctx, payment.id);
}

/**
 * A referral and a promoter's sale: member 16 joined with member 3's invite and member 17 opened member 5's promoter
 * link (member 4 recruited member 5); each then orders, so the referral waits out its return window and the
 * commissions are pending on both levels.
 */
async function seedDemoReferralsAndCommission(deps: AppDeps, ctx: RequestContext, storeId: string, memberIds: string[]) {
  const [recruiter, promoter, referrer, referee, buyer] = [memberIds[4]!, memberIds[5]!, memberIds[3]!, memberIds[16]!, memberIds[17]!];
  await seedDemoReferrals(deps, ctx, referrer, referee);
  await seedDemoDistribution(deps, ctx, { recruiterId: recruiter, promoterId: promoter, buyerId: buyer });
  for (const [i, memberId] of [referee, buyer].entries()) {
    await createOrder(deps, ctx, {
      external_id: `DEMO-GROWTH-${i + 1}`,
      channel: 'mini_program',
      store_id: storeId,
      member_id: memberId,
      lines: [{ sku: 'BEAN-YIRGA-250', qty: 1, unit_price_fen: 8800, discount_fen: 0, flags: [] }, { sku: 'COF-LATTE-M', qty: 2, unit_price_fen: 3200, discount_fen: 0, flags: [] }],
      shipping_fen: 0,
      total_paid_fen: 15_200,
      payment_method: 'wechat_pay',
      occurred_at: deps.clock.now().toISOString(),
    });
  }
}

async function seedDemoOrders(deps: AppDeps, ctx: RequestContext, storeIds: string[], memberIds: string[]) {
  await upsertProducts(deps, ctx, demoProducts.map((p) => ({ brand: '炉边', member_only: false, tags: [], status: 'active' as const, ...p })));
  for (let i = 0; i < 40; i++) {
    const lines = [
      { sku: demoProducts[i % 4]!.sku, qty: 1 + (i % 3), unit_price_fen: demoProducts[i % 4]!.list_price_fen, discount_fen: i % 5 === 0 ? 500 : 0, flags: [] },
      ...(i % 4 === 0 ? [{ sku: 'BAK-CROISSANT', qty: 1, unit_price_fen: 1800, discount_fen: 0, flags: [] }] : []),
    ];
    await createOrder(deps, ctx, {
      external_id: `DEMO-${String(1000 + i)}`,
      channel: i % 3 === 0 ? 'mini_program' : 'store',
      store_id: storeIds[i % storeIds.length],
      member_id: i % 7 === 6 ? null : memberIds[i % memberIds.length],
      lines,
      shipping_fen: 0,
      total_paid_fen: lines.reduce((sum, l) => sum + l.qty * l.unit_price_fen - l.discount_fen, 0),
      payment_method: i % 2 ? 'wechat_pay' : 'alipay',
      occurred_at: new Date(Date.now() - (40 - i) * 9 * 3_600_000).toISOString(),
    });
  }
}
