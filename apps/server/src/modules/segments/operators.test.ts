import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '@hearth/contracts/segments';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { defineCustomField } from '../members/custom-fields.ts';
import { trackEvents } from '../members/events.service.ts';
import { mergeMembers } from '../members/merge.service.ts';
import { setConsent } from '../members/privacy.service.ts';
import { createTag, createTagGroup, tagMembers } from '../members/tags.service.ts';
import { refundOrder } from '../orders/refunds.service.ts';
import { adjustPoints } from '../points/points.service.ts';
import { upsertProducts } from '../products/products.service.ts';
import { daysAgo, member, order, store } from './fixtures.test-helpers.ts';

// One small tenant whose members differ on every dimension a condition reads; each case states the
// members it must return, by letter.
describe('segment rule operators', () => {
  const clock = createTestClock(new Date('2026-11-23T04:00:00Z'));
  let t: TestApp;
  let tenant: TestTenant;
  const ids: Record<string, string> = {};
  let T1 = '';
  let T2 = '';
  let S1 = '';
  let S2 = '';

  beforeAll(async () => {
    t = await createTestApp({ clock });
    tenant = await createTestTenant(t.deps);
    const { deps } = t;
    const ctx = tenant.ctx;
    await upsertProducts(deps, ctx, [
      { sku: 'P1', name: '拿铁', category_path: ['饮品', '咖啡'], list_price_fen: 3000, member_only: false, tags: [], status: 'active' },
      { sku: 'P2', name: '薯片', category_path: ['零食'], list_price_fen: 1000, member_only: false, tags: [], status: 'active' },
    ]);
    S1 = (await store(deps, ctx, 'SH1', 31.2235, 121.4453)).id;
    S2 = (await store(deps, ctx, 'BJ1', 39.9087, 116.3975)).id;
    for (const [key, type] of [['vip_level', 'number'], ['source', 'text'], ['newsletter', 'boolean']] as const) await defineCustomField(deps, ctx, { key, label: key, type });
    const group = await createTagGroup(deps, ctx, '兴趣');
    T1 = (await createTag(deps, ctx, { group_id: group.id, name: '咖啡控' })).id;
    T2 = (await createTag(deps, ctx, { group_id: group.id, name: '零食控' })).id;

    const a = await member(deps, ctx, {
      name: '张三',
      gender: 'female',
      city: '上海',
      birthday: { month: 3, day: 8 },
      home_store_id: S1,
      registered_at: daysAgo(deps, 400),
      custom_fields: { vip_level: 3, source: 'douyin', newsletter: true },
      identities: [{ type: 'wechat_openid', app_id: 'wx1', value: 'openid-a' }],
    });
    const b = await member(deps, ctx, { name: '李四', gender: 'male', city: '北京', home_store_id: S2, registered_at: daysAgo(deps, 10), custom_fields: { vip_level: 1 } });
    const c = await member(deps, ctx, { name: '王五', gender: 'unknown', registered_at: daysAgo(deps, 200) });
    const merged = await member(deps, ctx, { name: '赵六', city: '上海', registered_at: daysAgo(deps, 5) });
    Object.assign(ids, { A: a.id, B: b.id, C: c.id, merged: merged.id });

    for (const [fen, days] of [[10000, 3], [20000, 10], [5000, 20]] as const) await order(deps, ctx, a.id, fen, days, { store_id: S1 });
    const refunded = await order(deps, ctx, a.id, 7000, 2, { store_id: S1 });
    await refundOrder(deps, ctx, refunded.id, { external_refund_id: 'R1', amount_fen: 7000 });
    await order(deps, ctx, b.id, 3000, 100, { sku: 'P2', store_id: S2 });
    await mergeMembers(deps, ctx, a.id, merged.id, 'same person');

    await tagMembers(deps, ctx, { tag_id: T1, action: 'add', member_ids: [a.id, b.id] });
    await tagMembers(deps, ctx, { tag_id: T2, action: 'add', member_ids: [b.id] });
    await setConsent(deps, ctx, a.id, { channel: 'sms', granted: true, source: 'test', wording_version: 'v1' });
    await setConsent(deps, ctx, b.id, { channel: 'sms', granted: false, source: 'test', wording_version: 'v1' });
    await adjustPoints(deps, ctx, a.id, { points: 500, reason: '测试赠送' });
    await trackEvents(deps, ctx, [
      ...[1, 2, 3].map((i) => ({ client_event_id: `a${i}`, type: 'page_view', occurred_at: daysAgo(deps, i), member_id: a.id, properties: { page: 'home', seconds: i * 10 } })),
      { client_event_id: 'b1', type: 'page_view', occurred_at: daysAgo(deps, 40), member_id: b.id, properties: { page: 'cart', seconds: 5 } },
    ]);
  });
  afterAll(() => t.close());

  async function run(rule: Rule) {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/segments/preview', headers: tenant.auth, payload: { rule, sample_size: 50 } });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{ count: number; sample: { id: string; phone: string | null; name: string | null }[] }>();
    expect(body.sample.length).toBe(body.count);
    const letters = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
    return body.sample.map((s) => letters[s.id]).sort();
  }

  const cases: [string, () => Rule, string[]][] = [
    ['profile eq', () => ({ type: 'profile', field: 'city', op: 'eq', value: '上海' }), ['A']],
    ['profile neq keeps members without a value', () => ({ type: 'profile', field: 'city', op: 'neq', value: '上海' }), ['B', 'C']],
    ['profile in', () => ({ type: 'profile', field: 'city', op: 'in', value: ['上海', '北京'] }), ['A', 'B']],
    ['profile not_in', () => ({ type: 'profile', field: 'city', op: 'not_in', value: ['上海'] }), ['B', 'C']],
    ['profile is_set', () => ({ type: 'profile', field: 'city', op: 'is_set' }), ['A', 'B']],
    ['profile is_not_set', () => ({ type: 'profile', field: 'city', op: 'is_not_set' }), ['C']],
    ['profile starts_with', () => ({ type: 'profile', field: 'city', op: 'starts_with', value: '上' }), ['A']],
    ['profile number', () => ({ type: 'profile', field: 'birthday_month', op: 'between', value: 1, to: 3 }), ['A']],
    ['profile home store', () => ({ type: 'profile', field: 'home_store_id', op: 'eq', value: S2 }), ['B']],
    ['custom eq', () => ({ type: 'custom_field', key: 'source', op: 'eq', value: 'douyin' }), ['A']],
    ['custom neq', () => ({ type: 'custom_field', key: 'source', op: 'neq', value: 'douyin' }), ['B', 'C']],
    ['custom in', () => ({ type: 'custom_field', key: 'source', op: 'in', value: ['douyin', 'xhs'] }), ['A']],
    ['custom not_in', () => ({ type: 'custom_field', key: 'source', op: 'not_in', value: ['douyin'] }), ['B', 'C']],
    ['custom gt', () => ({ type: 'custom_field', key: 'vip_level', op: 'gt', value: 2 }), ['A']],
    ['custom lte', () => ({ type: 'custom_field', key: 'vip_level', op: 'lte', value: 1 }), ['B']],
    ['custom between', () => ({ type: 'custom_field', key: 'vip_level', op: 'between', value: 1, to: 3 }), ['A', 'B']],
    ['custom is_set', () => ({ type: 'custom_field', key: 'vip_level', op: 'is_set' }), ['A', 'B']],
    ['custom is_not_set', () => ({ type: 'custom_field', key: 'vip_level', op: 'is_not_set' }), ['C']],
    ['custom is_true', () => ({ type: 'custom_field', key: 'newsletter', op: 'is_true' }), ['A']],
    ['custom is_false', () => ({ type: 'custom_field', key: 'newsletter', op: 'is_false' }), []],
    ['custom starts_with', () => ({ type: 'custom_field', key: 'source', op: 'starts_with', value: 'dou' }), ['A']],
    ['registered within 30 days', () => ({ type: 'registered', days_ago: { op: 'lte', value: 30 } }), ['B']],
    ['registered a year ago or more', () => ({ type: 'registered', days_ago: { op: 'gte', value: 365 } }), ['A']],
    ['tags any', () => ({ type: 'tags', op: 'any', tag_ids: [T1] }), ['A', 'B']],
    ['tags all', () => ({ type: 'tags', op: 'all', tag_ids: [T1, T2] }), ['B']],
    ['tags none', () => ({ type: 'tags', op: 'none', tag_ids: [T2] }), ['A', 'C']],
    ['identity has', () => ({ type: 'identity', identity_type: 'wechat_openid', has: true }), ['A']],
    ['identity has in another app', () => ({ type: 'identity', identity_type: 'wechat_openid', app_id: 'wx2', has: true }), []],
    ['identity has not', () => ({ type: 'identity', identity_type: 'wechat_openid', has: false }), ['B', 'C']],
    ['consent granted', () => ({ type: 'consent', channel: 'sms', granted: true }), ['A']],
    ['consent not granted', () => ({ type: 'consent', channel: 'sms', granted: false }), ['B', 'C']],
    ['points balance', () => ({ type: 'points_balance', compare: { op: 'gte', value: 100 } }), ['A']],
    ['points balance zero includes members without an account', () => ({ type: 'points_balance', compare: { op: 'eq', value: 0 } }), ['B', 'C']],
    ['points expiring', () => ({ type: 'points_expiring', within_days: 400, compare: { op: 'gte', value: 1 } }), ['A']],
    ['points expiring soon', () => ({ type: 'points_expiring', within_days: 30, compare: { op: 'gte', value: 1 } }), []],
    ['orders count (refunded order not counted, merged member’s orders stay theirs)', () => ({ type: 'orders', metric: 'count', compare: { op: 'eq', value: 3 } }), ['A']],
    ['orders count zero', () => ({ type: 'orders', metric: 'count', compare: { op: 'eq', value: 0 } }), ['C']],
    ['orders count between', () => ({ type: 'orders', metric: 'count', compare: { op: 'between', value: 1, to: 2 } }), ['B']],
    ['orders neq', () => ({ type: 'orders', metric: 'count', compare: { op: 'neq', value: 3 } }), ['B', 'C']],
    ['orders amount net of refunds', () => ({ type: 'orders', metric: 'amount_fen', compare: { op: 'eq', value: 35000 } }), ['A']],
    ['orders amount lt', () => ({ type: 'orders', metric: 'amount_fen', compare: { op: 'lt', value: 3000 } }), ['C']],
    ['orders in window', () => ({ type: 'orders', metric: 'count', window: { last_days: 7 }, compare: { op: 'gte', value: 1 } }), ['A']],
    ['orders in fixed range', () => ({ type: 'orders', metric: 'count', window: { from: daysAgo(t.deps, 120), to: daysAgo(t.deps, 50) }, compare: { op: 'gte', value: 1 } }), ['B']],
    ['orders at store', () => ({ type: 'orders', metric: 'count', store_ids: [S2], compare: { op: 'gte', value: 1 } }), ['B']],
    ['orders by channel', () => ({ type: 'orders', metric: 'count', channels: ['web'], compare: { op: 'gte', value: 1 } }), []],
    ['purchased sku', () => ({ type: 'purchased', skus: ['P1'], bought: true }), ['A']],
    ['purchased category at any level', () => ({ type: 'purchased', categories: ['咖啡'], bought: true }), ['A']],
    ['never purchased category', () => ({ type: 'purchased', categories: ['零食'], bought: false }), ['A', 'C']],
    ['purchased in window', () => ({ type: 'purchased', skus: ['P2'], window: { last_days: 30 }, bought: true }), []],
    ['last order long ago', () => ({ type: 'last_order', days_ago: { op: 'gte', value: 90 }, include_never: false }), ['B']],
    ['last order long ago or never', () => ({ type: 'last_order', days_ago: { op: 'gte', value: 90 }, include_never: true }), ['B', 'C']],
    ['last order recent', () => ({ type: 'last_order', days_ago: { op: 'lte', value: 30 }, include_never: false }), ['A']],
    ['event count', () => ({ type: 'event', event_type: 'page_view', compare: { op: 'gte', value: 2 } }), ['A']],
    ['event zero', () => ({ type: 'event', event_type: 'page_view', compare: { op: 'eq', value: 0 } }), ['C']],
    ['event with property eq', () => ({ type: 'event', event_type: 'page_view', properties: [{ key: 'page', op: 'eq', value: 'cart' }], compare: { op: 'gte', value: 1 } }), ['B']],
    ['event with property gt', () => ({ type: 'event', event_type: 'page_view', properties: [{ key: 'seconds', op: 'gt', value: 15 }], compare: { op: 'gte', value: 2 } }), ['A']],
    ['event with property in', () => ({ type: 'event', event_type: 'page_view', properties: [{ key: 'page', op: 'in', value: ['cart', 'pay'] }], compare: { op: 'gte', value: 1 } }), ['B']],
    ['event with property neq', () => ({ type: 'event', event_type: 'page_view', properties: [{ key: 'page', op: 'neq', value: 'home' }], compare: { op: 'gte', value: 1 } }), ['B']],
    ['event in window', () => ({ type: 'event', event_type: 'page_view', window: { last_days: 30 }, compare: { op: 'gte', value: 1 } }), ['A']],
    ['near store', () => ({ type: 'near_store', store_id: S1, within_km: 5 }), ['A']],
    ['near store, wide', () => ({ type: 'near_store', store_id: S1, within_km: 1500 }), ['A', 'B']],
    ['and', () => ({ op: 'and', rules: [{ type: 'tags', op: 'any', tag_ids: [T1] }, { type: 'profile', field: 'city', op: 'eq', value: '上海' }] }), ['A']],
    ['or', () => ({ op: 'or', rules: [{ type: 'profile', field: 'city', op: 'eq', value: '北京' }, { type: 'orders', metric: 'count', compare: { op: 'eq', value: 0 } }] }), ['B', 'C']],
    ['not', () => ({ op: 'not', rule: { type: 'tags', op: 'any', tag_ids: [T1] } }), ['C']],
    ['not of a condition on a missing value is its complement', () => ({ op: 'not', rule: { type: 'custom_field', key: 'vip_level', op: 'gt', value: 2 } }), ['B', 'C']],
    [
      'nested',
      () => ({ op: 'and', rules: [{ op: 'or', rules: [{ type: 'profile', field: 'gender', op: 'eq', value: 'female' }, { type: 'profile', field: 'gender', op: 'eq', value: 'unknown' }] }, { op: 'not', rule: { type: 'orders', metric: 'count', compare: { op: 'gte', value: 1 } } }] }),
      ['C'],
    ],
  ];

  it.each(cases)('%s', async (_name, rule, expected) => {
    expect(await run(rule())).toEqual(expected);
  });

  it('masks the sample', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/segments/preview', headers: tenant.auth, payload: { rule: { type: 'profile', field: 'city', op: 'eq', value: '上海' } } });
    expect(response.json().sample[0].name).toBe('张*');
  });

  it('selects by RFM cell and lifecycle stage once they are computed', async () => {
    await t.app.inject({ method: 'PUT', url: '/api/v1/rfm/settings', headers: tenant.auth, payload: { window_days: 365, scoring: 'fixed', thresholds: { recency_days: [7, 30, 60, 90], frequency: [2, 3, 4, 5], monetary_fen: [5000, 10000, 20000, 30000] } } });
    const scored = await t.app.inject({ method: 'POST', url: '/api/v1/rfm/recompute', headers: tenant.auth });
    expect(scored.json(), scored.body).toMatchObject({ members: 2 });
    expect(await run({ type: 'rfm', r: [5, 5], f: [3, 5], m: [5, 5] })).toEqual(['A']);
    expect(await run({ type: 'rfm', groups: ['important_value'] })).toEqual(['A']);
    expect(await run({ type: 'rfm', groups: ['general_retain'] })).toEqual(['B']);
    await t.app.inject({ method: 'POST', url: '/api/v1/lifecycle/recompute', headers: tenant.auth });
    expect(await run({ type: 'lifecycle', stages: ['at_risk'] })).toEqual(['B']);
    expect(await run({ type: 'lifecycle', stages: ['active', 'new'] })).toEqual(['A']);
    expect(await run({ type: 'lifecycle', stages: ['dormant'] })).toEqual(['C']);
  });

  it('refuses malformed rules naming the field', async () => {
    for (const rule of [
      { type: 'profile', field: 'city', op: 'gt', value: 3 },
      { type: 'profile', field: 'password', op: 'eq', value: 'x' },
      { type: 'orders', metric: 'count', compare: { op: 'between', value: 3 } },
      { op: 'and', rules: [] },
      { type: 'teleport' },
    ]) {
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/segments/preview', headers: tenant.auth, payload: { rule } });
      expect(response.statusCode, JSON.stringify(rule)).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }
  });
});
