import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';

const DAY = 86_400_000;

describe('messaging: template variants and member variables, through the preview', () => {
  const clock = createTestClock(new Date('2026-03-02T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let n = 0;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const newMember = async (profile: object, tenant: TestTenant = a) => {
    const res = await req('POST', '/api/v1/members', { channel: 'store', identities: [{ type: 'store_card', value: `TPL-${++n}` }], ...profile }, tenant);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const preview = async (template: string, member: string, extra: object = {}, tenant: TestTenant = a) => req('POST', `/api/v1/messaging/templates/${template}/preview`, { member_id: member, ...extra }, tenant);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  it('fills in tier, points, expiring points with their ¥ value and date, and the home store, in zh-CN and en', async () => {
    // 1 point = ¥0.01; points expire one calendar month after they are given.
    const settings = (await req('GET', '/api/v1/points/settings')).json();
    expect((await req('PUT', '/api/v1/points/settings', { ...settings, fen_per_100_points: 100, pending_days: 0, expiry: { kind: 'rolling_months', months: 1 } })).statusCode).toBe(200);
    const program = await req('POST', '/api/v1/tier-programs', {
      name: '会员等级',
      evaluation: 'yearly',
      tiers: [{ code: 'normal', name: '普通', color: '#8c8c8c' }, { code: 'gold', name: '金卡', color: '#faad14' }],
      rules: { tiers: [{ code: 'gold', qualify: { op: 'all', items: [{ metric: 'spend_fen', value: 1_000_000 }] } }] },
    });
    expect(program.statusCode, program.body).toBe(201);
    const store = (await req('POST', '/api/v1/stores', { code: 'BJ-GM', name: '国贸店', city: '北京市', address: '建国门外大街1号', latitude: 39.91, longitude: 116.46 })).json().id as string;

    const member = await newMember({ name: '王芳', city: '北京市', home_store_id: store });
    expect((await req('POST', `/api/v1/members/${member}/tier/assignments`, { program_id: program.json().id, tier_code: 'gold', until: '2027-03-01T00:00:00+08:00', reason: '测试' })).statusCode).toBe(200);
    // 1,280 points on 2 March (expire within 30 days of the 22nd), 500 more on the 22nd (expire later).
    expect((await req('POST', `/api/v1/members/${member}/points/adjustments`, { points: 1280, reason: '活动奖励' })).statusCode).toBe(201);
    clock.advance(20 * DAY);
    expect((await req('POST', `/api/v1/members/${member}/points/adjustments`, { points: 500, reason: '活动奖励' })).statusCode).toBe(201);
    const lots = (await req('GET', `/api/v1/members/${member}/points/lots`)).json().data as { amount: number; expires_at: string }[];
    const soon = lots.find((l) => l.amount === 1280)!;
    // The date members read is the expiry's day in the brand's zone (Asia/Shanghai).
    const expiryDay = new Date(new Date(soon.expires_at).getTime() + 8 * 3600_000).toISOString().slice(0, 10);

    const template = await req('POST', '/api/v1/messaging/templates', {
      name: '积分到期提醒',
      channel: 'sms',
      category: 'marketing',
      bodies: {
        'zh-CN': { body: '{{ member.name }}（{{ member.tier }}）：积分{{ member.points }}，价值¥{{ member.points_value_fen | yuan }}。{% if member.expiring_points > 0 %}其中{{ member.expiring_points }}分（¥{{ member.expiring_value }}）将于{{ member.expiring_date }}到期，{% endif %}欢迎到{{ store.name }}（{{ store.address }}）使用。' },
        en: { body: '{{ member.name }} ({{ member.tier_code }}): {{ member.points }} points, worth ¥{{ member.points_value_fen | yuan }}.{% if member.expiring_points > 0 %} {{ member.expiring_points }} (¥{{ member.expiring_value }}) expire on {{ member.expiring_date }}.{% endif %} Visit {{ store.name }}.' },
      },
    });
    expect(template.statusCode, template.body).toBe(201);
    const id = template.json().id as string;

    expect((await preview(id, member)).json()).toMatchObject({
      locale: 'zh-CN',
      variant: null,
      body: `王芳（金卡）：积分1780，价值¥17.80。其中1280分（¥12.80）将于${expiryDay}到期，欢迎到国贸店（建国门外大街1号）使用。`,
    });
    expect((await preview(id, member, { locale: 'en' })).json()).toMatchObject({ locale: 'en', body: `王芳 (gold): 1780 points, worth ¥17.80. 1280 (¥12.80) expire on ${expiryDay}. Visit 国贸店.` });

    // A new member: the ladder's first tier, no points (the conditional block drops out), no home store (blank).
    const plain = await newMember({});
    expect((await preview(id, plain)).json().body).toBe('会员（普通）：积分0，价值¥0.00。欢迎到（）使用。');
    expect((await preview(id, plain, { locale: 'en' })).json().body).toBe('member (normal): 0 points, worth ¥0.00. Visit .');
  });

  it('picks the content variant by segment or region (first match wins), else the default bodies; English falls back to zh-CN', async () => {
    const vip = (await req('POST', '/api/v1/segments', { name: '高价值会员', kind: 'static' })).json().id as string;
    const template = await req('POST', '/api/v1/messaging/templates', {
      name: '春季上新',
      channel: 'email',
      category: 'marketing',
      bodies: { 'zh-CN': { subject: '春季上新', body: '<p>{{ member.name }}，春季新品到店</p>' }, en: { subject: 'Spring is here', body: '<p>{{ member.name }}, new arrivals</p>' } },
      variants: [
        { key: 'vip', segment_id: vip, bodies: { 'zh-CN': { subject: '专属预览', body: '<p>{{ member.name }}，您可提前选购</p>' }, en: { subject: 'Early access', body: '<p>{{ member.name }}, shop before everyone</p>' } } },
        { key: 'south', region: '广东省', bodies: { 'zh-CN': { subject: '华南上新', body: '<p>{{ member.name }}，广州、深圳门店已到货</p>' } } },
        { key: 'shanghai', region: '上海市', bodies: { 'zh-CN': { subject: '上海上新', body: '<p>{{ member.name }}，静安店已到货</p>' } } },
      ],
    });
    expect(template.statusCode, template.body).toBe(201);
    const id = template.json().id as string;
    const vipInGuangdong = await newMember({ name: '陈<静>', province: '广东省', city: '深圳市' });
    const guangdong = await newMember({ name: '李雷', province: '广东省', city: '广州市' });
    const shanghaiCity = await newMember({ name: '韩梅梅', city: '上海市' });
    const elsewhere = await newMember({ name: '赵敏', province: '浙江省', city: '杭州市' });
    expect((await req('POST', `/api/v1/segments/${vip}/members`, { action: 'add', member_ids: [vipInGuangdong] })).json()).toMatchObject({ changed: 1 });

    // The segment variant comes first, so a VIP in Guangdong gets it; values are escaped in HTML.
    expect((await preview(id, vipInGuangdong)).json()).toMatchObject({ variant: 'vip', locale: 'zh-CN', subject: '专属预览', body: '<p>陈&lt;静&gt;，您可提前选购</p>', text: '陈<静>，您可提前选购' });
    expect((await preview(id, vipInGuangdong, { locale: 'en' })).json()).toMatchObject({ variant: 'vip', locale: 'en', subject: 'Early access', body: '<p>陈&lt;静&gt;, shop before everyone</p>' });
    // Region matches the province or the city.
    expect((await preview(id, guangdong)).json()).toMatchObject({ variant: 'south', subject: '华南上新', body: '<p>李雷，广州、深圳门店已到货</p>' });
    expect((await preview(id, shanghaiCity)).json()).toMatchObject({ variant: 'shanghai', subject: '上海上新', body: '<p>韩梅梅，静安店已到货</p>' });
    // The south variant has no English body: the member reads its Chinese one rather than another variant's.
    expect((await preview(id, guangdong, { locale: 'en' })).json()).toMatchObject({ variant: 'south', locale: 'zh-CN', subject: '华南上新' });
    expect((await preview(id, elsewhere)).json()).toMatchObject({ variant: null, subject: '春季上新', body: '<p>赵敏，春季新品到店</p>' });
    expect((await preview(id, elsewhere, { locale: 'en' })).json()).toMatchObject({ variant: null, locale: 'en', subject: 'Spring is here', body: '<p>赵敏, new arrivals</p>' });

    // Leaving the segment moves the member to the region's variant.
    await req('POST', `/api/v1/segments/${vip}/members`, { action: 'remove', member_ids: [vipInGuangdong] });
    expect((await preview(id, vipInGuangdong)).json()).toMatchObject({ variant: 'south' });

    // Another tenant's template or member is not found.
    expect((await preview(id, elsewhere, {}, b)).statusCode).toBe(404);
    const theirs = await newMember({ name: 'B' }, b);
    expect((await preview(id, theirs)).statusCode).toBe(404);
  });
});
