import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { signInBySms } from '../member-portal/sign-in.test-helpers.ts';

describe('games: quizzes (答题)', () => {
  const clock = createTestClock(new Date('2026-12-01T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers: Record<string, string> = a.auth) => t.app.inject({ method, url, payload, headers });
  const points = async (member: string) => (await req('GET', `/api/v1/members/${member}/points`)).json().available as number;
  const quiz = (extra: object = {}) => ({
    title: '咖啡知识问答',
    starts_at: '2026-12-01T00:00:00+08:00',
    ends_at: '2026-12-31T00:00:00+08:00',
    attempt_rule: 'daily',
    pass_score: 3,
    reward: { kind: 'points', points: 20 },
    questions: [
      { kind: 'single', prompt: '意式浓缩的萃取时间约为？', options: ['5 秒', '25 秒', '2 分钟'], correct: [1], points: 2 },
      { kind: 'multiple', prompt: '以下哪些是咖啡产区？', options: ['埃塞俄比亚', '哥伦比亚', '冰岛'], correct: [0, 1] },
      { kind: 'single', prompt: '拿铁里加的是？', options: ['牛奶', '橙汁'], correct: [0] },
    ],
    ...extra,
  });

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  it('hides the answers, scores exactly, allows one attempt a day and gives the reward once', async () => {
    const created = await req('POST', '/api/v1/quizzes', quiz());
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect(created.json()).toMatchObject({ max_score: 4, status: 'open' });
    const member = await signInBySms(t, a.slug, '13900139201');
    const shown = (await req('GET', `/api/v1/me/quizzes/${id}`, undefined, member.auth)).json();
    expect(shown.can_attempt).toBe(true);
    expect(JSON.stringify(shown)).not.toContain('correct');
    const [q1, q2, q3] = shown.questions.map((q: { id: string }) => q.id) as [string, string, string];
    const submit = (answers: object[]) => req('POST', `/api/v1/me/quizzes/${id}/attempts`, { answers }, member.auth);

    // Day 1: half of the multiple choice is wrong (no part marks), q3 unanswered: 2 of 4, failed.
    const failed = await submit([{ question_id: q1, choices: [1] }, { question_id: q2, choices: [0] }]);
    expect(failed.statusCode, failed.body).toBe(201);
    expect(failed.json()).toMatchObject({ score: 2, max_score: 4, passed: false, reward: null, period: '2026-12-01' });
    expect(failed.json().results).toEqual([{ question_id: q1, correct: true }, { question_id: q2, correct: false }, { question_id: q3, correct: false }]);
    const again = await submit([{ question_id: q1, choices: [1] }]);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('QUIZ_ALREADY_ATTEMPTED');
    expect((await req('GET', '/api/v1/me/quizzes', undefined, member.auth)).json()[0]).toMatchObject({ id, can_attempt: false, best: { score: 2, passed: false }, rewarded: false });

    // Day 2 (00:01 in Shanghai): several submissions at once — one counts, it passes and is rewarded.
    clock.set(new Date('2026-12-01T16:01:00Z'));
    const all = [{ question_id: q1, choices: [1] }, { question_id: q2, choices: [1, 0] }, { question_id: q3, choices: [0] }];
    const racing = await Promise.all(Array.from({ length: 5 }, () => submit(all)));
    expect(racing.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(racing.filter((r) => r.statusCode === 409)).toHaveLength(4);
    const passed = racing.find((r) => r.statusCode === 201)!.json();
    expect(passed).toMatchObject({ score: 4, passed: true, period: '2026-12-02', reward: { kind: 'points', points: 20, status: 'fulfilled' } });
    expect(await points(member.member_id)).toBe(20);

    // Day 3: passing again gives nothing more.
    clock.set(new Date('2026-12-03T02:00:00Z'));
    const third = (await submit(all)).json();
    expect(third).toMatchObject({ passed: true, reward: null });
    expect(await points(member.member_id)).toBe(20);

    const stats = (await req('GET', `/api/v1/quizzes/${id}`)).json();
    expect(stats.stats).toMatchObject({ attempts: 3, members: 1, passed_members: 1, rewarded: 1 });
    expect(stats.questions[1].correct).toEqual([0, 1]);
    const results = (await req('GET', `/api/v1/quizzes/${id}/attempts?passed=true`)).json();
    expect(results.data).toHaveLength(2);
    // The console shows the member by number, not by a shortened id.
    const memberNo = (await t.deps.db.selectFrom('members').select('member_no').where('tenant_id', '=', a.tenantId).where('id', '=', results.data[0].member_id).executeTakeFirstOrThrow()).member_no;
    expect(results.data.map((r: { member_no: string }) => r.member_no)).toEqual([memberNo, memberNo]);
    const rewarded = await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', 'quiz.rewarded').execute();
    expect(rewarded).toHaveLength(1);
    expect((await req('GET', '/api/v1/points/reconciliation')).json().problems).toEqual([]);
  });

  it('allows one attempt in all with attempt_rule once, and rewards a coupon once', async () => {
    const template = (await req('POST', '/api/v1/coupon-templates', { name: '答题礼券', terms: { kind: 'cash', value_fen: 500, min_spend_fen: 3000, valid_days: 30 } })).json().id as string;
    const id = (await req('POST', '/api/v1/quizzes', quiz({ attempt_rule: 'once', pass_score: 1, reward: { kind: 'coupon', coupon_template_id: template } }))).json().id as string;
    const member = await signInBySms(t, a.slug, '13900139202');
    const question = (await req('GET', `/api/v1/me/quizzes/${id}`, undefined, member.auth)).json().questions[2].id as string;
    const submit = () => req('POST', `/api/v1/me/quizzes/${id}/attempts`, { answers: [{ question_id: question, choices: [0] }] }, member.auth);
    expect((await submit()).json()).toMatchObject({ passed: true, period: 'once', reward: { kind: 'coupon', status: 'fulfilled' } });
    clock.set(new Date('2026-12-05T02:00:00Z'));
    expect((await submit()).statusCode).toBe(409);
    expect((await req('GET', `/api/v1/members/${member.member_id}/coupons`)).json().data).toHaveLength(1);
  });

  it('records a reward refused for want of stock as failed, lists it, and gives it once on retry after a restock', async () => {
    const template = (await req('POST', '/api/v1/coupon-templates', { name: '限量答题券', stock_total: 1, terms: { kind: 'cash', value_fen: 300, valid_days: 30 } })).json().id as string;
    const id = (await req('POST', '/api/v1/quizzes', quiz({ attempt_rule: 'once', pass_score: 1, reward: { kind: 'coupon', coupon_template_id: template } }))).json().id as string;
    const pass = async (phone: string) => {
      const member = await signInBySms(t, a.slug, phone);
      const question = (await req('GET', `/api/v1/me/quizzes/${id}`, undefined, member.auth)).json().questions[2].id as string;
      return { member, result: (await req('POST', `/api/v1/me/quizzes/${id}/attempts`, { answers: [{ question_id: question, choices: [0] }] }, member.auth)).json() };
    };
    const first = await pass('13900139301');
    const second = await pass('13900139302');
    expect(first.result.reward).toMatchObject({ status: 'fulfilled' });
    expect(second.result.reward).toMatchObject({ status: 'failed', error: expect.stringMatching(/^COUPON_OUT_OF_STOCK/) });
    const failed = (await req('GET', `/api/v1/quizzes/${id}/rewards?status=failed`)).json().data;
    expect(failed).toEqual([expect.objectContaining({ member_id: second.member.member_id, member_no: expect.stringMatching(/^M\d+$/), kind: 'coupon', status: 'failed' })]);
    // Still out of stock: the retry fails again, and says why.
    expect((await req('POST', `/api/v1/quizzes/${id}/rewards/${second.member.member_id}/retry`)).json()).toMatchObject({ status: 'failed', error: expect.stringMatching(/^COUPON_OUT_OF_STOCK/) });
    expect((await req('POST', `/api/v1/coupon-templates/${template}/stock`, { add: 1 })).statusCode).toBe(200);
    const retries = await Promise.all([1, 2].map(() => req('POST', `/api/v1/quizzes/${id}/rewards/${second.member.member_id}/retry`)));
    expect(retries.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(retries.find((r) => r.statusCode === 409)!.json().code).toBe('QUIZ_REWARD_NOT_FAILED');
    expect((await req('GET', `/api/v1/members/${second.member.member_id}/coupons`)).json().data).toHaveLength(1);
    expect((await req('GET', `/api/v1/quizzes/${id}/rewards?status=failed`)).json().data).toEqual([]);
    expect((await req('POST', `/api/v1/quizzes/${id}/rewards/${first.member.member_id}/retry`, undefined, b.auth)).statusCode).toBe(404);
  });

  it('a merge keeps the survivor’s attempt of a shared period and one reward', async () => {
    clock.set(new Date('2026-12-10T02:00:00Z'));
    const id = (await req('POST', '/api/v1/quizzes', quiz({ pass_score: 1 }))).json().id as string;
    const keeper = await signInBySms(t, a.slug, '13900139205');
    const merged = await signInBySms(t, a.slug, '13900139206');
    const q3 = (await req('GET', `/api/v1/me/quizzes/${id}`, undefined, keeper.auth)).json().questions[2].id as string;
    for (const who of [keeper, merged]) expect((await req('POST', `/api/v1/me/quizzes/${id}/attempts`, { answers: [{ question_id: q3, choices: [0] }] }, who.auth)).json().reward).toMatchObject({ status: 'fulfilled' });
    clock.set(new Date('2026-12-11T02:00:00Z'));
    expect((await req('POST', `/api/v1/me/quizzes/${id}/attempts`, { answers: [] }, merged.auth)).statusCode).toBe(201);
    expect((await req('POST', `/api/v1/members/${keeper.member_id}/merge`, { from_member_id: merged.member_id, reason: '同一人' })).statusCode).toBe(200);
    const attempts = await t.deps.db.selectFrom('quiz_attempts').select(['member_id', 'period']).where('tenant_id', '=', a.tenantId).where('quiz_id', '=', id).orderBy('period').execute();
    expect(attempts).toEqual([{ member_id: keeper.member_id, period: '2026-12-10' }, { member_id: keeper.member_id, period: '2026-12-11' }]);
    const rewards = await t.deps.db.selectFrom('quiz_rewards').select('member_id').where('tenant_id', '=', a.tenantId).where('quiz_id', '=', id).execute();
    expect(rewards).toEqual([{ member_id: keeper.member_id }]);
    expect((await req('GET', `/api/v1/me/quizzes/${id}`, undefined, keeper.auth)).json()).toMatchObject({ can_attempt: false, rewarded: true });
  });

  it('refuses bad questions and answers by field, closed quizzes, and another tenant’s quiz', async () => {
    const bad = await req('POST', '/api/v1/quizzes', quiz({ pass_score: 9, questions: [{ kind: 'single', prompt: '?', options: ['a', 'b'], correct: [0, 1] }, { kind: 'multiple', prompt: '?', options: ['a', 'b'], correct: [5] }] }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['pass_score', 'questions.0.correct', 'questions.1.correct.0'].sort());
    const foreignTemplate = await req('POST', '/api/v1/quizzes', quiz({ reward: { kind: 'coupon', coupon_template_id: '0190a0b0-0000-7000-8000-000000000000' } }));
    expect(foreignTemplate.json().errors).toEqual([expect.objectContaining({ field: 'reward.coupon_template_id' })]);

    const id = (await req('POST', '/api/v1/quizzes', quiz())).json().id as string;
    const member = await signInBySms(t, a.slug, '13900139203');
    const [q1] = (await req('GET', `/api/v1/me/quizzes/${id}`, undefined, member.auth)).json().questions.map((q: { id: string }) => q.id) as [string];
    const wrong = await req('POST', `/api/v1/me/quizzes/${id}/attempts`, { answers: [{ question_id: q1, choices: [0, 1] }, { question_id: '0190a0b0-0000-7000-8000-000000000001', choices: [0] }] }, member.auth);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors.map((e: { field: string }) => e.field)).toEqual(['answers.0.choices', 'answers.1.question_id']);

    expect((await req('GET', `/api/v1/quizzes/${id}`, undefined, b.auth)).statusCode).toBe(404);
    const foreigner = await signInBySms(t, b.slug, '13900139204');
    expect((await req('GET', `/api/v1/me/quizzes/${id}`, undefined, foreigner.auth)).statusCode).toBe(404);
    expect((await req('POST', `/api/v1/me/quizzes/${id}/attempts`, { answers: [] }, foreigner.auth)).statusCode).toBe(404);

    await req('POST', `/api/v1/quizzes/${id}/close`);
    const closed = await req('POST', `/api/v1/me/quizzes/${id}/attempts`, { answers: [{ question_id: q1, choices: [1] }] }, member.auth);
    expect(closed.statusCode).toBe(409);
    expect(closed.json().code).toBe('QUIZ_NOT_OPEN');
    expect((await req('GET', '/api/v1/me/quizzes', undefined, member.auth)).json().map((q: { id: string }) => q.id)).not.toContain(id);
  });
});
