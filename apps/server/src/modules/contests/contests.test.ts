import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { signInBySms } from '../member-portal/sign-in.test-helpers.ts';

type Member = { member_id: string; auth: { authorization: string } };
const HOUR = 3_600_000;

describe('UGC contests (评选大赛)', () => {
  // 10:00 in Shanghai.
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let other: TestTenant;
  const members: Member[] = [];
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, headers: object, payload?: object) => t.app.inject({ method, url, headers: headers as Record<string, string>, payload });

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    other = await createTestTenant(t.deps);
    for (let i = 0; i < 4; i++) members.push(await signInBySms(t, a.slug, `1370000000${i}`, { ip: `10.9.0.${i}` }));
  });
  afterAll(() => t.close());

  it('takes moderated entries, limits votes per local day and in total, refuses self-votes, ranks winners by votes and jury and rewards them once', async () => {
    const now = clock.now().getTime();
    const created = await api('POST', '/api/v1/contests', a.auth, {
      title: '最美拉花大赛',
      submit_from: new Date(now - HOUR).toISOString(),
      submit_until: new Date(now + HOUR).toISOString(),
      vote_from: new Date(now - HOUR).toISOString(),
      vote_until: new Date(now + 72 * HOUR).toISOString(),
      votes_per_day: 2,
      votes_total: 3,
      vote_weight_bp: 6000,
      rewards: [{ kind: 'points', points: 500 }, { kind: 'points', points: 200 }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const contest = created.json() as { id: string };
    const [ann, ben, cat, dan] = members as [Member, Member, Member, Member];

    const badUrl = await api('POST', `/api/v1/me/contests/${contest.id}/entries`, ann.auth, { title: '天鹅', image_urls: ['javascript:alert(1)'] });
    expect([badUrl.statusCode, badUrl.json().errors[0].field]).toEqual([400, 'image_urls.0']);
    const entry = async (m: Member, title: string) => {
      const res = await api('POST', `/api/v1/me/contests/${contest.id}/entries`, m.auth, { title, text: '手冲拉花', image_urls: ['https://img.example.com/a.jpg'] });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const annEntry = await entry(ann, '天鹅');
    const benEntry = await entry(ben, '郁金香');
    const catEntry = await entry(cat, '爱心');
    expect((await api('POST', `/api/v1/me/contests/${contest.id}/entries`, ann.auth, { title: '又一个' })).statusCode).toBe(409);

    // Pending entries are invisible to voters; a rejection needs its reason.
    expect((await api('POST', `/api/v1/me/contests/entries/${annEntry}/votes`, ben.auth)).statusCode).toBe(404);
    const noReason = await api('POST', `/api/v1/contest-entries/${catEntry}/moderation`, a.auth, { status: 'rejected' });
    expect(noReason.json().errors[0].field).toBe('reason');
    expect((await api('POST', `/api/v1/contest-entries/${catEntry}/moderation`, a.auth, { status: 'rejected', reason: '图片与主题无关' })).json()).toMatchObject({ status: 'rejected', reject_reason: '图片与主题无关' });
    for (const id of [annEntry, benEntry]) expect((await api('POST', `/api/v1/contest-entries/${id}/moderation`, a.auth, { status: 'approved' })).statusCode).toBe(200);
    expect((await api('GET', `/api/v1/me/contests/${contest.id}/entries`, dan.auth)).json().data.map((e: { id: string }) => e.id).sort()).toEqual([annEntry, benEntry].sort());

    const voteFor = (m: Member, id: string) => api('POST', `/api/v1/me/contests/entries/${id}/votes`, m.auth);
    expect((await voteFor(ann, annEntry)).json().code).toBe('CONTEST_SELF_VOTE');
    // Dan votes four times at once: two count today.
    const burst = await Promise.all([1, 2, 3, 4].map(() => voteFor(dan, annEntry)));
    expect(burst.map((r) => r.statusCode).sort()).toEqual([200, 200, 409, 409]);
    expect(burst.find((r) => r.statusCode === 409)!.json()).toMatchObject({ code: 'CONTEST_VOTE_LIMIT', errors: [{ field: 'entry_id', code: 'daily_limit' }] });
    // 23:59 in Shanghai is still the same day; 00:01 is the next.
    clock.set(new Date('2026-11-20T15:59:00Z'));
    expect((await voteFor(dan, benEntry)).json().code).toBe('CONTEST_VOTE_LIMIT');
    clock.set(new Date('2026-11-20T16:01:00Z'));
    expect((await voteFor(dan, benEntry)).json()).toEqual({ votes: 1, left_today: 1, left_total: 0 });
    expect((await voteFor(dan, benEntry)).json().errors[0].code).toBe('total_limit');
    expect((await voteFor(cat, annEntry)).statusCode).toBe(200);

    // Shares are behaviour events: counted once per share id, and they raise the sharer's influence index.
    const shared = await api('POST', `/api/v1/me/contests/entries/${benEntry}/shares`, cat.auth, { share_id: 's1', channel: 'wechat_moments' });
    expect(shared.json()).toEqual({ shares: 1, counted: true });
    expect((await api('POST', `/api/v1/me/contests/entries/${benEntry}/shares`, cat.auth, { share_id: 's1' })).json()).toEqual({ shares: 1, counted: false });
    expect((await api('POST', '/api/v1/analytics/member-flags/refresh', a.auth)).statusCode).toBe(200);
    const influencers = (await api('GET', '/api/v1/analytics/influence?limit=10', a.auth)).json().data as { member_id: string }[];
    expect(influencers.map((i) => i.member_id)).toContain(cat.member_id);

    // Winners: Ann 3 votes (100) and jury 40; Ben 1 vote (33.3) and jury 95. At 60 % votes Ann leads.
    await api('PUT', `/api/v1/contest-entries/${annEntry}/jury`, a.auth, { score: 40 });
    await api('PUT', `/api/v1/contest-entries/${benEntry}/jury`, a.auth, { score: 95 });
    expect((await api('POST', `/api/v1/contests/${contest.id}/finalize`, a.auth)).json().code).toBe('CONTEST_NOT_OPEN');
    clock.set(new Date(now + 73 * HOUR));
    const [first, second] = await Promise.all([api('POST', `/api/v1/contests/${contest.id}/finalize`, a.auth), api('POST', `/api/v1/contests/${contest.id}/finalize`, a.auth)]);
    expect(first.json()).toEqual(second.json());
    const winners = first.json().data as { rank: number; member_id: string; score: number }[];
    expect(winners.map((w) => [w.rank, w.member_id, w.score])).toEqual([[1, ann.member_id, 76], [2, ben.member_id, 58]]);
    const points = async (m: Member) => (await api('GET', `/api/v1/members/${m.member_id}/points`, a.auth)).json().balance;
    expect([await points(ann), await points(ben), await points(cat)]).toEqual([500, 200, 0]);
  });

  it('answers 404 to another tenant', async () => {
    const now = clock.now().getTime();
    const contest = (await api('POST', '/api/v1/contests', a.auth, { title: 'x', submit_from: new Date(now - HOUR).toISOString(), submit_until: new Date(now + HOUR).toISOString(), vote_from: new Date(now).toISOString(), vote_until: new Date(now + HOUR).toISOString() })).json();
    expect((await api('GET', `/api/v1/contests/${contest.id}`, other.auth)).statusCode).toBe(404);
    expect((await api('GET', `/api/v1/contests/${contest.id}/entries`, other.auth)).statusCode).toBe(404);
    const stranger = await signInBySms(t, other.slug, '13700009999');
    expect((await api('POST', `/api/v1/me/contests/${contest.id}/entries`, stranger.auth, { title: 'y' })).statusCode).toBe(404);
    const bad = await api('POST', '/api/v1/contests', a.auth, { title: 'x', submit_from: '2026-12-02T00:00:00Z', submit_until: '2026-12-01T00:00:00Z', vote_from: '2026-12-01T00:00:00Z', vote_until: '2026-12-03T00:00:00Z' });
    expect([bad.statusCode, bad.json().errors[0].field]).toEqual([400, 'submit_until']);
  });
});
