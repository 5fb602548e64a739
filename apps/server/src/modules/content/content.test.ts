import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { refreshMemberAnalytics } from '../analytics/influence.service.ts';
import { signInBySms } from '../member-portal/sign-in.test-helpers.ts';
import { announceScheduledContent } from './content-schedule.service.ts';

describe('content library (内容库)', () => {
  // 10:00 on 1 December in Shanghai, the test tenants' zone.
  const clock = createTestClock(new Date('2026-12-01T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let reader: { member_id: string; auth: Record<string, string> };
  let other: { member_id: string; auth: Record<string, string> };
  let vipSegment: string;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers: Record<string, string> = a.auth) => t.app.inject({ method, url, payload, headers });
  const article = (extra: object = {}) => ({ kind: 'article', title: '手冲咖啡入门', summary: '三步冲出一杯好咖啡', body: '## 准备\n\n- 滤杯\n- 手冲壶', tags: ['咖啡', '教程'], ...extra });
  const published = async (extra: object = {}, tenant = a) => {
    const created = await req('POST', '/api/v1/content', article(extra), tenant.auth);
    expect(created.statusCode, created.body).toBe(201);
    const done = await req('POST', `/api/v1/content/${created.json().id}/publish`, undefined, tenant.auth);
    expect(done.statusCode, done.body).toBe(200);
    return done.json().id as string;
  };
  const view = (id: string, who = reader) => req('POST', `/api/v1/me/content/${id}/views`, undefined, who.auth);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    reader = await signInBySms(t, a.slug, '13900139101');
    other = await signInBySms(t, a.slug, '13900139102');
    await req('PUT', '/api/v1/products/BEAN-1', { name: '耶加雪菲咖啡豆', category_path: ['咖啡豆'], list_price_fen: 8800 });
    vipSegment = (await req('POST', '/api/v1/segments', { name: '咖啡爱好者', kind: 'static' })).json().id;
    expect((await req('POST', `/api/v1/segments/${vipSegment}/members`, { action: 'add', member_ids: [reader.member_id] })).json().changed).toBe(1);
  });
  afterAll(() => t.close());

  it('counts a view once per member and local day, also when opens race and across the tenant’s midnight', async () => {
    const id = await published({ skus: ['BEAN-1'] });
    const opens = await Promise.all(Array.from({ length: 12 }, () => view(id)));
    expect(opens.map((r) => r.statusCode)).toEqual(Array(12).fill(200));
    expect(opens.filter((r) => r.json().counted)).toHaveLength(1);
    expect(new Set(opens.map((r) => r.json().day))).toEqual(new Set(['2026-12-01']));

    clock.set(new Date('2026-12-01T15:59:00Z')); // 23:59 on 1 December in Shanghai: the same day
    expect((await view(id)).json()).toEqual({ counted: false, day: '2026-12-01' });
    clock.set(new Date('2026-12-01T16:01:00Z')); // 00:01 on 2 December
    const next = await Promise.all([view(id), view(id), view(id)]);
    expect(next.filter((r) => r.json().counted).map((r) => r.json().day)).toEqual(['2026-12-02']);
    expect((await view(id, other)).json()).toEqual({ counted: true, day: '2026-12-02' });

    const rows = await t.deps.db.selectFrom('content_views').selectAll().where('tenant_id', '=', a.tenantId).where('content_id', '=', id).execute();
    expect(rows).toHaveLength(3);
    const events = await t.deps.db.selectFrom('member_events').select(['member_id', 'properties']).where('tenant_id', '=', a.tenantId).where('type', '=', 'content_view').execute();
    expect(events).toHaveLength(3);
    expect(events[0]!.properties).toMatchObject({ content_id: id, kind: 'article' });

    const item = (await req('GET', `/api/v1/content/${id}`)).json();
    expect(item.stats).toEqual({ views: 3, unique_viewers: 2, shares: 0, sharers: 0 });
    const stats = (await req('GET', `/api/v1/content/${id}/stats?days=3`)).json();
    expect(stats.days).toEqual([
      { day: '2026-11-30', views: 0, shares: 0 },
      { day: '2026-12-01', views: 1, shares: 0 },
      { day: '2026-12-02', views: 2, shares: 0 },
    ]);
    const detail = (await req('GET', `/api/v1/me/content/${id}`, undefined, reader.auth)).json();
    expect(detail).toMatchObject({ title: '手冲咖啡入门', products: [{ sku: 'BEAN-1', name: '耶加雪菲咖啡豆', list_price_fen: 8800 }] });
    expect(detail).not.toHaveProperty('audience_segment_id');
  });

  it('shows a member only what is published, in its window and for an audience they are in', async () => {
    clock.set(new Date('2026-12-03T02:00:00Z'));
    const everyone = await published({ title: '所有人可见' });
    const forVip = await published({ title: '爱好者专享', audience_segment_id: vipSegment });
    const later = await published({ title: '明天上线', publish_at: '2026-12-04T00:00:00+08:00' });
    const ending = await published({ title: '今晚下线', unpublish_at: '2026-12-03T23:00:00+08:00' });
    const draft = (await req('POST', '/api/v1/content', article({ title: '草稿' }))).json().id as string;
    const archived = await published({ title: '已归档' });
    await req('POST', `/api/v1/content/${archived}/archive`);

    const titles = async (who: { auth: Record<string, string> }) => ((await req('GET', '/api/v1/me/content', undefined, who.auth)).json().data as { title: string }[]).map((c) => c.title);
    expect(await titles(reader)).toEqual(expect.arrayContaining(['所有人可见', '爱好者专享', '今晚下线']));
    expect(await titles(reader)).not.toEqual(expect.arrayContaining(['明天上线']));
    expect(await titles(other)).not.toContain('爱好者专享');
    expect(await titles(other)).toContain('所有人可见');
    for (const hidden of [later, draft, archived]) {
      expect((await req('GET', `/api/v1/me/content/${hidden}`, undefined, reader.auth)).statusCode).toBe(404);
      expect((await view(hidden)).statusCode).toBe(404);
    }
    expect((await view(forVip, other)).statusCode).toBe(404);
    expect((await view(forVip)).json().counted).toBe(true);
    expect((await view(everyone, other)).json().counted).toBe(true);

    clock.set(new Date('2026-12-03T16:30:00Z')); // 00:30 on 4 December: one is live, the other has ended
    const now = await titles(reader);
    expect(now).toContain('明天上线');
    expect(now).not.toContain('今晚下线');
    expect((await view(ending)).statusCode).toBe(404);
    // Leaving the segment hides its items at once.
    await req('POST', `/api/v1/segments/${vipSegment}/members`, { action: 'remove', member_ids: [reader.member_id] });
    expect(await titles(reader)).not.toContain('爱好者专享');

    // Paging walks every visible item once, newest visible first.
    const first = (await req('GET', '/api/v1/me/content?limit=2', undefined, other.auth)).json();
    const second = (await req('GET', `/api/v1/me/content?limit=2&cursor=${first.next_cursor}`, undefined, other.auth)).json();
    const paged = [...first.data, ...second.data].map((c: { title: string }) => c.title);
    expect(paged.slice(0, 2)).toEqual(['明天上线', '所有人可见']);
    expect(new Set(paged).size).toBe(paged.length);
  });

  it('records shares, only the first of the day as a share event, which feeds the influence index', async () => {
    clock.set(new Date('2026-12-05T02:00:00Z'));
    const id = await published({ title: '分享有礼' });
    const share = (channel: string) => req('POST', `/api/v1/me/content/${id}/shares`, { channel }, reader.auth);
    expect((await share('wechat')).json()).toEqual({ recorded: true, counted: true, day: '2026-12-05' });
    expect((await share('moments')).json()).toEqual({ recorded: true, counted: false, day: '2026-12-05' });
    expect((await req('POST', `/api/v1/me/content/${id}/shares`, { channel: 'fax' }, reader.auth)).statusCode).toBe(400);
    expect((await req('GET', `/api/v1/content/${id}`)).json().stats).toMatchObject({ shares: 2, sharers: 1 });
    const shares = await t.deps.db.selectFrom('member_events').select('properties').where('tenant_id', '=', a.tenantId).where('type', '=', 'share').where('member_id', '=', reader.member_id).execute();
    expect(shares.map((s) => s.properties)).toEqual([{ object: 'content', content_id: id, kind: 'article', channel: 'wechat' }]);

    await refreshMemberAnalytics(t.deps, a.tenantId);
    const analytics = await t.deps.db.selectFrom('member_analytics').selectAll().where('tenant_id', '=', a.tenantId).where('member_id', '=', reader.member_id).executeTakeFirstOrThrow();
    expect(analytics.influence_events).toMatchObject({ share: 1 });
    expect(analytics.influence_score).toBeGreaterThan(0);

    const events = await t.deps.db.selectFrom('domain_events').select(['type', 'payload']).where('tenant_id', '=', a.tenantId).where('type', 'like', 'content.%').execute();
    expect(events.filter((e) => e.type === 'content.published').map((e) => e.payload)).toContainEqual(expect.objectContaining({ content_id: id, title: '分享有礼' }));
    expect(events.some((e) => e.type === 'content.archived')).toBe(true);
    const section = (await req('GET', `/api/v1/members/${reader.member_id}`)).json().sections.content;
    expect(section).toMatchObject({ shares: 2 });
  });

  it('a merge keeps one view per item and day and adds the share taps; the export lists them', async () => {
    clock.set(new Date('2026-12-06T02:00:00Z'));
    const id = await published({ title: '合并测试' });
    const keeper = await signInBySms(t, a.slug, '13900139104');
    const merged = await signInBySms(t, a.slug, '13900139105');
    for (const who of [keeper, merged]) {
      expect((await view(id, who)).json().counted).toBe(true);
      await req('POST', `/api/v1/me/content/${id}/shares`, { channel: 'link' }, who.auth);
    }
    clock.set(new Date('2026-12-07T02:00:00Z'));
    expect((await view(id, merged)).json().counted).toBe(true);
    expect((await req('POST', `/api/v1/members/${keeper.member_id}/merge`, { from_member_id: merged.member_id, reason: '同一人' })).statusCode).toBe(200);
    const views = await t.deps.db.selectFrom('content_views').select(['member_id', 'day']).where('tenant_id', '=', a.tenantId).where('content_id', '=', id).orderBy('day').execute();
    expect(views.map((v) => v.member_id)).toEqual([keeper.member_id, keeper.member_id]);
    const shares = await t.deps.db.selectFrom('content_shares').select(['member_id', 'taps']).where('tenant_id', '=', a.tenantId).where('content_id', '=', id).execute();
    expect(shares).toEqual([{ member_id: keeper.member_id, taps: 2 }]);
    expect((await req('GET', `/api/v1/content/${id}`)).json().stats).toEqual({ views: 2, unique_viewers: 1, shares: 2, sharers: 1 });
    const exported = (await req('GET', `/api/v1/members/${keeper.member_id}/export`)).json();
    expect(exported.sections.content.views).toHaveLength(2);
  });

  it('refuses bad input by field, and another tenant’s items and segments are unknown', async () => {
    const bad = await req('POST', '/api/v1/content', article({ kind: 'video', skus: ['NOPE'], unpublish_at: '2026-12-01T00:00:00Z', publish_at: '2026-12-02T00:00:00Z' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['video_url', 'unpublish_at'].sort());
    const unknownSku = await req('POST', '/api/v1/content', article({ skus: ['NOPE'], audience_segment_id: vipSegment }), b.auth);
    expect(unknownSku.statusCode).toBe(400);
    expect(unknownSku.json().errors.map((e: { field: string }) => e.field)).toEqual(['skus.0', 'audience_segment_id']);
    const mine = await published();
    expect((await req('GET', `/api/v1/content/${mine}`, undefined, b.auth)).statusCode).toBe(404);
    expect((await req('PUT', `/api/v1/content/${mine}`, article(), b.auth)).statusCode).toBe(404);
    expect((await req('POST', `/api/v1/content/${mine}/archive`, undefined, b.auth)).statusCode).toBe(404);
    const foreigner = await signInBySms(t, b.slug, '13900139103');
    expect((await req('GET', `/api/v1/me/content/${mine}`, undefined, foreigner.auth)).statusCode).toBe(404);
    expect((await req('POST', `/api/v1/me/content/${mine}/views`, undefined, foreigner.auth)).statusCode).toBe(404);
    const listed = (await req('GET', '/api/v1/content?status=published&q=咖啡')).json();
    expect(listed.data.length).toBeGreaterThan(0);
    expect((await req('GET', '/api/v1/content', undefined, b.auth)).json().data).toEqual([]);
  });
  it('announces a scheduled publish_at and unpublish_at once each, also when runs race, for every tenant', async () => {
    clock.set(new Date('2026-12-10T02:00:00Z'));
    const events = async (id: string) =>
      (await t.deps.db.selectFrom('domain_events').select(['type', 'payload']).where('type', 'in', ['content.published', 'content.unpublished']).orderBy('id').execute())
        .filter((e) => (e.payload as { content_id: string }).content_id === id)
        .map((e) => `${e.type}${(e.payload as { scheduled?: boolean }).scheduled ? ':scheduled' : ''}`);
    await announceScheduledContent(t.deps); // earlier tests' items are announced already or now
    const later = await published({ publish_at: '2026-12-10T03:00:00Z', unpublish_at: '2026-12-10T05:00:00Z' });
    const otherTenant = await published({ publish_at: '2026-12-10T03:00:00Z' }, b);
    const now = await published({ publish_at: '2026-12-10T01:00:00Z' });
    expect(await announceScheduledContent(t.deps)).toBe(0);
    expect(await events(later)).toEqual(['content.published']);
    expect(await events(now)).toEqual(['content.published']);

    clock.set(new Date('2026-12-10T02:59:59Z'));
    expect(await announceScheduledContent(t.deps)).toBe(0);
    clock.set(new Date('2026-12-10T03:00:00Z'));
    const runs = await Promise.all([announceScheduledContent(t.deps), announceScheduledContent(t.deps), announceScheduledContent(t.deps)]);
    expect(runs.reduce((s, n) => s + n, 0)).toBe(2);
    expect(await events(later)).toEqual(['content.published', 'content.published:scheduled']);
    expect(await events(otherTenant)).toEqual(['content.published', 'content.published:scheduled']);
    expect(await events(now)).toEqual(['content.published']);

    clock.set(new Date('2026-12-10T05:00:00Z'));
    const closing = await Promise.all([announceScheduledContent(t.deps), announceScheduledContent(t.deps)]);
    expect(closing.reduce((s, n) => s + n, 0)).toBe(1);
    clock.set(new Date('2026-12-10T06:00:00Z'));
    expect(await announceScheduledContent(t.deps)).toBe(0);
    expect(await events(later)).toEqual(['content.published', 'content.published:scheduled', 'content.unpublished:scheduled']);

    // Moved to a later window after both announcements: each time is announced again when it comes, once.
    const edited = await req('PUT', `/api/v1/content/${later}`, article({ publish_at: '2026-12-11T03:00:00Z', unpublish_at: '2026-12-11T05:00:00Z' }));
    expect(edited.statusCode, edited.body).toBe(200);
    expect(await announceScheduledContent(t.deps)).toBe(0);
    clock.set(new Date('2026-12-11T03:00:00Z'));
    expect(await announceScheduledContent(t.deps)).toBe(1);
    clock.set(new Date('2026-12-11T05:00:00Z'));
    expect(await announceScheduledContent(t.deps)).toBe(1);
    expect(await announceScheduledContent(t.deps)).toBe(0);
    expect(await events(later)).toEqual(['content.published', 'content.published:scheduled', 'content.unpublished:scheduled', 'content.published:scheduled', 'content.unpublished:scheduled']);
  });
});
