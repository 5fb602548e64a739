import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { signInBySms } from '../member-portal/sign-in.test-helpers.ts';
import { sendFeedbackReminders } from './experience.jobs.ts';

type Auth = { authorization: string };
type Member = { member_id: string; auth: Auth };
const DAY = 86_400_000;

describe('experience-officer programs (体验官)', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let other: TestTenant;
  let n = 0;
  const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, headers: object, payload?: object) => t.app.inject({ method, url, headers: headers as Record<string, string>, payload });
  const member = async (i: number): Promise<Member> => signInBySms(t, a.slug, `1390000${String(i).padStart(4, '0')}`, { ip: `10.0.${Math.floor(i / 200)}.${i % 200}` });
  const order = async (memberId: string) => {
    const res = await api('POST', '/api/v1/orders', a.auth, { external_id: `O-${++n}`, channel: 'store', member_id: memberId, lines: [{ sku: 'SERUM', qty: 1, unit_price_fen: 19900 }], total_paid_fen: 19900, occurred_at: clock.now().toISOString() });
    expect(res.statusCode, res.body).toBe(201);
  };
  const events = async (type: string) => (await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', type).execute()).map((e) => (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload) as Record<string, unknown>);
  const program = async (overrides: object = {}) => {
    const res = await api('POST', '/api/v1/experience/programs', a.auth, {
      name: '新品精华体验官',
      sku: 'SERUM',
      places: 3,
      apply_from: new Date(clock.now().getTime() - DAY).toISOString(),
      apply_until: new Date(clock.now().getTime() + 3 * DAY).toISOString(),
      feedback_due_at: new Date(clock.now().getTime() + 20 * DAY).toISOString(),
      questionnaire: [
        { key: 'skin', label: '肤质', type: 'single', options: ['干性', '油性', '混合'], required: true },
        { key: 'why', label: '为什么想试', type: 'text' },
      ],
      region_quotas: { 上海: 1 },
      feedback_form: { aspects: [{ key: 'texture', label: '质地' }, { key: 'scent', label: '气味' }], text_min_length: 20, photos_min: 1, photos_max: 3 },
      reward: { kind: 'points', points: 200 },
      reminder_days: [3, 1],
      ...overrides,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; phase: string };
  };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    other = await createTestTenant(t.deps);
    await api('POST', '/api/v1/products/bulk', a.auth, { products: [{ sku: 'SERUM', name: '精华液', list_price_fen: 19900, category_path: ['护肤'] }] });
  });
  afterAll(() => t.close());

  it('runs a program from application to rewarded feedback, report and CSV', async () => {
    const p = await program();
    expect(p.phase).toBe('recruiting');
    const five: Member[] = [];
    for (const i of [1, 2, 3, 4, 5]) five.push(await member(i));
    const [alice, bob, carol, dave, erin] = five;
    for (let i = 0; i < 3; i++) await order(alice!.member_id);
    await order(bob!.member_id);

    const bad = await api('POST', `/api/v1/me/experience/programs/${p.id}/applications`, alice!.auth, { answers: { skin: '中性', color: 'x' }, province: '上海' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['answers.color', 'answers.skin']);
    const missing = await api('POST', `/api/v1/me/experience/programs/${p.id}/applications`, alice!.auth, { answers: {}, province: '上海' });
    expect(missing.json().errors).toEqual([expect.objectContaining({ field: 'answers.skin', code: 'required' })]);

    const applied: Record<string, string> = {};
    for (const [m, province] of [[alice, '上海'], [bob, '上海'], [carol, '北京'], [dave, '广东'], [erin, '北京']] as const) {
      const res = await api('POST', `/api/v1/me/experience/programs/${p.id}/applications`, m!.auth, { answers: { skin: '干性', why: '  想试试  ' }, province });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().answers.why).toBe('想试试');
      applied[m!.member_id] = res.json().id;
    }
    const again = await api('POST', `/api/v1/me/experience/programs/${p.id}/applications`, bob!.auth, { answers: { skin: '油性' }, province: '上海' });
    expect([again.statusCode, again.json().code]).toEqual([409, 'EXPERIENCE_ALREADY_APPLIED']);

    // Ranked and explained: Alice's three orders make her the most active; parts add up to the score.
    const ranked = (await api('GET', `/api/v1/experience/programs/${p.id}/applications`, a.auth)).json().data as { id: string; member_id: string; score: number; rank: number; score_parts: Record<string, { value: number; raw: number | null; points: number }> }[];
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(ranked[0]!.member_id).toBe(alice!.member_id);
    expect(ranked[0]!.score_parts.activity).toMatchObject({ raw: 3, value: 50 });
    expect(ranked[0]!.score_parts.feedback_quality).toMatchObject({ raw: null, value: 50 });
    for (const r of ranked) expect(Object.values(r.score_parts).reduce((s, part) => s + part.points, 0)).toBeCloseTo(r.score, 5);

    // The proposal fills three places but takes one member from 上海 (its quota).
    const proposal = (await api('GET', `/api/v1/experience/programs/${p.id}/proposal`, a.auth)).json();
    expect(proposal.proposed).toHaveLength(3);
    expect(proposal.proposed[0].application_id).toBe(applied[alice!.member_id]);
    expect(proposal.skipped_for_quota.map((s: { application_id: string }) => s.application_id)).toEqual([applied[bob!.member_id]]);
    const overQuota = await api('POST', `/api/v1/experience/programs/${p.id}/selection`, a.auth, { application_ids: [applied[alice!.member_id], applied[bob!.member_id]] });
    expect([overQuota.statusCode, overQuota.json().code, overQuota.json().errors[0].field]).toEqual([409, 'EXPERIENCE_QUOTA_EXCEEDED', 'application_ids']);

    clock.advance(4 * DAY);
    const ids = proposal.proposed.map((x: { application_id: string }) => x.application_id) as string[];
    const confirmed = await api('POST', `/api/v1/experience/programs/${p.id}/selection`, a.auth, { application_ids: ids, reject_others: true });
    expect(confirmed.json()).toEqual({ selected: 3, total_selected: 3, not_selected: 2 });
    expect((await events('experience.selected')).map((e) => e.application_id).sort()).toEqual([...ids].sort());
    expect((await events('experience.applied'))).toHaveLength(5);
    const full = await api('POST', `/api/v1/experience/programs/${p.id}/selection`, a.auth, { application_ids: [applied[bob!.member_id]] });
    expect(full.json().code).toBe('EXPERIENCE_PLACES_EXCEEDED');
    const selected = ranked.filter((r) => ids.includes(r.id)).map((r) => [alice, carol, dave, erin].find((m) => m!.member_id === r.member_id)!);

    // Address: only for the selected, phone checked, masked for operators, revealed with an audit row.
    const alicesApp = applied[alice!.member_id]!;
    const notSelected = await api('PUT', `/api/v1/me/experience/applications/${applied[bob!.member_id]}/address`, bob!.auth, { recipient: '王小明', phone: '13912345678', province: '上海', city: '上海市', line: '漕溪北路 100 号' });
    expect(notSelected.json().code).toBe('EXPERIENCE_NOT_SELECTED');
    const badPhone = await api('PUT', `/api/v1/me/experience/applications/${alicesApp}/address`, alice!.auth, { recipient: '王小明', phone: '12', province: '上海', city: '上海市', line: '漕溪北路 100 号' });
    expect(badPhone.json().errors[0].field).toBe('phone');
    for (const m of selected) {
      const res = await api('PUT', `/api/v1/me/experience/applications/${applied[m.member_id]}/address`, m.auth, { recipient: '王小明', phone: '13912345678', province: '上海', city: '上海市', district: '徐汇区', line: '漕溪北路 100 号' });
      expect(res.statusCode, res.body).toBe(200);
    }
    const listed = (await api('GET', `/api/v1/experience/programs/${p.id}/applications?status=selected`, a.auth)).json().data[0];
    expect(listed.address).toEqual({ recipient: '王*', phone: '139****5678', province: '上海', city: '上海市', district: '徐汇区', line: '漕溪****' });
    expect(JSON.stringify(listed)).not.toContain('漕溪北路');
    const revealed = await api('GET', `/api/v1/experience/applications/${alicesApp}/address`, a.auth);
    expect(revealed.json()).toMatchObject({ phone: '+8613912345678', line: '漕溪北路 100 号' });
    const audit = await t.deps.db.selectFrom('audit_log').select('action').where('tenant_id', '=', a.tenantId).where('action', '=', 'experience.address_viewed').execute();
    expect(audit).toHaveLength(1);

    // Shipment.
    const early = await api('PUT', `/api/v1/experience/applications/${alicesApp}/shipment`, a.auth, { delivered_at: clock.now().toISOString() });
    expect(early.json().errors[0].field).toBe('delivered_at');
    const shipped = await api('PUT', `/api/v1/experience/applications/${alicesApp}/shipment`, a.auth, { carrier: '顺丰', tracking_no: 'SF1234567890' });
    expect(shipped.json().shipment).toMatchObject({ carrier: '顺丰', tracking_no: 'SF1234567890', shipped_at: clock.now().toISOString(), delivered_at: null });
    clock.advance(DAY);
    expect((await api('PUT', `/api/v1/experience/applications/${alicesApp}/shipment`, a.auth, { delivered_at: clock.now().toISOString() })).json().shipment.delivered_at).toBe(clock.now().toISOString());

    // Reminders: three days before the deadline, once per member however often the job runs.
    const due = new Date(clock.now().getTime() + 15 * DAY);
    clock.set(new Date(due.getTime() - 2.5 * DAY));
    expect(await sendFeedbackReminders(t.deps)).toBe(3);
    expect(await sendFeedbackReminders(t.deps)).toBe(0);
    expect((await events('experience.feedback_due')).every((e) => e.days_before === 3)).toBe(true);

    // Feedback checked against the form, with the offending fields.
    const url = `/api/v1/me/experience/applications/${alicesApp}/feedback`;
    const invalid = await api('POST', url, alice!.auth, { ratings: { texture: 6, color: 3 }, text: '太短', photo_urls: ['ftp://x'] });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['photo_urls.0', 'ratings.color', 'ratings.scent', 'ratings.texture', 'text']);
    const quality = async (m: Member) => (await api('GET', '/api/v1/me/experience/applications', m.auth)).json().quality as { quality_score: number | null; feedback_count: number };
    expect(await quality(alice!)).toMatchObject({ quality_score: null, feedback_count: 0 });

    // Two sends at once: one feedback, one reward.
    const good = { ratings: { texture: 5, scent: 4 }, text: '质地清爽好吸收，气味淡淡的很舒服，用了一周皮肤更水润了，会回购的。'.repeat(4), photo_urls: ['https://img.example.com/1.jpg', 'https://img.example.com/2.jpg', 'https://img.example.com/3.jpg'] };
    const [first, second] = await Promise.all([api('POST', url, alice!.auth, good), api('POST', url, alice!.auth, good)]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([201, 409]);
    const done = [first, second].find((r) => r.statusCode === 201)!.json();
    expect(done.feedback).toMatchObject({ late: false, rewarded: true, quality: 100 });
    expect((await api('GET', `/api/v1/members/${alice!.member_id}/points`, a.auth)).json().balance).toBe(200);
    expect(await quality(alice!)).toMatchObject({ quality_score: 100, feedback_count: 1 });
    expect(await events('experience.rewarded')).toHaveLength(1);
    expect(await events('experience.feedback_submitted')).toHaveLength(1);

    // Late feedback under the default policy: accepted, not rewarded, quality lower.
    clock.set(new Date(due.getTime() + DAY));
    const carolApp = applied[carol!.member_id]!;
    const late = await api('POST', `/api/v1/me/experience/applications/${carolApp}/feedback`, carol!.auth, { ratings: { texture: 3, scent: 2 }, text: '一般般，没有特别的感觉，味道有点重，不太适合我。', photo_urls: ['https://img.example.com/c.jpg'] });
    expect(late.json().feedback).toMatchObject({ late: true, rewarded: false });
    expect((await api('GET', `/api/v1/members/${carol!.member_id}/points`, a.auth)).json().balance).toBe(0);

    const report = (await api('GET', `/api/v1/experience/programs/${p.id}/report`, a.auth)).json();
    expect(report).toMatchObject({ applied: 5, selected: 3, shipped: 1, delivered: 1, feedback: 2, late: 1, rewarded: 1 });
    expect(report.aspects[0]).toEqual({ key: 'texture', label: '质地', count: 2, average: 4, distribution: [0, 0, 1, 0, 1] });
    const csv = await api('GET', `/api/v1/experience/programs/${p.id}/feedback.csv`, a.auth);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\uFEFF会员号')).toBe(true);
    expect(csv.body.trim().split('\n')).toHaveLength(3);
    expect(csv.body).toContain('质地 (texture)');

    // The next program's score reads the quality Alice earned.
    const next = await program({ name: '第二期', region_quotas: {}, apply_from: new Date(clock.now().getTime() - DAY).toISOString(), apply_until: new Date(clock.now().getTime() + DAY).toISOString(), feedback_due_at: new Date(clock.now().getTime() + 10 * DAY).toISOString() });
    const again2 = await api('POST', `/api/v1/me/experience/programs/${next.id}/applications`, alice!.auth, { answers: { skin: '混合' } });
    expect(again2.statusCode, again2.body).toBe(201);
    const scored = (await api('GET', `/api/v1/experience/applications/${again2.json().id}`, a.auth)).json();
    expect(scored.score_parts.feedback_quality).toMatchObject({ raw: 100, value: 100 });
  });

  it('keeps feedback whose coupon reward was refused, and gives the reward once on retry', async () => {
    const tpl = await api('POST', '/api/v1/coupon-templates', a.auth, { name: '体验官专享券', terms: { kind: 'cash', value_fen: 2000, min_spend_fen: 10000, valid_days: 30 } });
    expect(tpl.statusCode, tpl.body).toBe(201);
    const p = await program({ places: 1, region_quotas: {}, reward: { kind: 'coupon', template_id: tpl.json().id } });
    const m = await member(500);
    const app = (await api('POST', `/api/v1/me/experience/programs/${p.id}/applications`, m.auth, { answers: { skin: '油性' } })).json();
    expect((await api('POST', `/api/v1/experience/programs/${p.id}/selection`, a.auth, { application_ids: [app.id] })).statusCode).toBe(200);
    expect((await api('POST', `/api/v1/coupon-templates/${tpl.json().id}/pause`, a.auth)).statusCode).toBe(200);
    const sent = await api('POST', `/api/v1/me/experience/applications/${app.id}/feedback`, m.auth, { ratings: { texture: 4, scent: 4 }, text: '用起来很舒服，吸收很快，没有黏腻感，味道也很清新。', photo_urls: ['https://img.example.com/x.jpg'] });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json().feedback).toMatchObject({ rewarded: false, reward_error: expect.stringContaining('COUPON_TEMPLATE_PAUSED') });
    expect((await api('POST', `/api/v1/coupon-templates/${tpl.json().id}/resume`, a.auth)).statusCode).toBe(200);
    const retried = await api('POST', `/api/v1/experience/applications/${app.id}/reward`, a.auth);
    expect(retried.json().feedback).toMatchObject({ rewarded: true, reward_error: null });
    expect((await api('POST', `/api/v1/experience/applications/${app.id}/reward`, a.auth)).statusCode).toBe(409);
    expect((await api('GET', `/api/v1/members/${m.member_id}/coupons`, a.auth)).body).toContain('体验官专享券');
  });

  it('never selects more than the places under concurrent confirmations', async () => {
    const p = await program({ places: 4, region_quotas: {} });
    const members: Member[] = [];
    for (let i = 0; i < 10; i++) members.push(await member(100 + i));
    const ids: string[] = [];
    for (const m of members) ids.push((await api('POST', `/api/v1/me/experience/programs/${p.id}/applications`, m.auth, { answers: { skin: '油性' }, province: '浙江' })).json().id);
    const results = await Promise.all(ids.map((id, i) => api('POST', `/api/v1/experience/programs/${p.id}/selection`, a.auth, { application_ids: i % 2 ? [id] : [id, ids[(i + 3) % ids.length]!] })));
    for (const r of results) expect([200, 409], r.body).toContain(r.statusCode);
    const selected = await t.deps.db.selectFrom('experience_applications').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', a.tenantId).where('program_id', '=', p.id).where('status', '=', 'selected').executeTakeFirstOrThrow();
    expect(Number(selected.n)).toBeLessThanOrEqual(4);
    expect(Number(selected.n)).toBe(results.filter((r) => r.statusCode === 200).reduce((s, r) => s + r.json().selected, 0));
    expect(results.some((r) => r.statusCode === 409 && r.json().code === 'EXPERIENCE_PLACES_EXCEEDED')).toBe(true);
  });

  it('answers 404 for another tenant’s programs and applications, and problem+json for bad programs', async () => {
    const p = await program({ region_quotas: {} });
    const m = await member(300);
    const app = (await api('POST', `/api/v1/me/experience/programs/${p.id}/applications`, m.auth, { answers: { skin: '油性' } })).json();
    for (const [method, url, body] of [
      ['GET', `/api/v1/experience/programs/${p.id}`],
      ['GET', `/api/v1/experience/programs/${p.id}/applications`],
      ['GET', `/api/v1/experience/programs/${p.id}/report`],
      ['GET', `/api/v1/experience/programs/${p.id}/feedback.csv`],
      ['POST', `/api/v1/experience/programs/${p.id}/selection`, { application_ids: [app.id] }],
      ['GET', `/api/v1/experience/applications/${app.id}`],
      ['PUT', `/api/v1/experience/applications/${app.id}/shipment`, { carrier: 'x', tracking_no: 'y' }],
    ] as const) {
      expect((await api(method, url, other.auth, body)).statusCode, url).toBe(404);
    }
    expect((await api('GET', '/api/v1/experience/programs', other.auth)).json().data).toEqual([]);
    const stranger = await signInBySms(t, other.slug, '13900009999');
    expect((await api('POST', `/api/v1/me/experience/programs/${p.id}/applications`, stranger.auth, { answers: { skin: '油性' } })).statusCode).toBe(404);
    expect((await api('GET', `/api/v1/me/experience/applications/${app.id}`, stranger.auth)).statusCode).toBe(404);

    const badSku = await api('POST', '/api/v1/experience/programs', a.auth, { name: 'x', sku: 'NOPE', places: 1, apply_from: '2026-12-01T00:00:00Z', apply_until: '2026-12-02T00:00:00Z', feedback_due_at: '2026-12-20T00:00:00Z', feedback_form: { aspects: [{ key: 'a', label: 'A' }] } });
    expect([badSku.statusCode, badSku.json().errors[0].field]).toEqual([400, 'sku']);
    const badDates = await api('POST', '/api/v1/experience/programs', a.auth, { name: 'x', sku: 'SERUM', places: 1, apply_from: '2026-12-02T00:00:00Z', apply_until: '2026-12-01T00:00:00Z', feedback_due_at: '2026-12-20T00:00:00Z', feedback_form: { aspects: [{ key: 'a', label: 'A' }] } });
    expect(badDates.json().errors.map((e: { field: string }) => e.field)).toContain('apply_until');
    const badWeights = await api('PUT', '/api/v1/experience/settings', a.auth, { weights: { clv: 5000, activity: 5000, influence: 1, feedback_quality: 0 } });
    expect(badWeights.statusCode).toBe(400);
  });

  it('exports the shipping address with the member and forgets it on erasure', async () => {
    const p = await program({ region_quotas: {}, places: 1 });
    const m = await member(400);
    const app = (await api('POST', `/api/v1/me/experience/programs/${p.id}/applications`, m.auth, { answers: { skin: '油性', why: '我的皮肤很敏感' } })).json();
    expect((await api('POST', `/api/v1/experience/programs/${p.id}/selection`, a.auth, { application_ids: [app.id] })).statusCode).toBe(200);
    await api('PUT', `/api/v1/me/experience/applications/${app.id}/address`, m.auth, { recipient: '李雷', phone: '13900000400', province: '江苏', city: '南京市', line: '幸福路 8 号' });
    const exported = await api('GET', `/api/v1/members/${m.member_id}/export`, a.auth);
    expect(exported.body).toContain('幸福路 8 号');
    expect((await api('GET', `/api/v1/members/${m.member_id}`, a.auth)).body).not.toContain('幸福路');
    expect((await api('POST', `/api/v1/members/${m.member_id}/erase`, a.auth, { reason: '用户申请' })).statusCode).toBe(200);
    const row = await t.deps.db.selectFrom('experience_applications').selectAll().where('tenant_id', '=', a.tenantId).where('id', '=', app.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('幸福路');
    expect(row.address_phone).toBeNull();
    expect(row.answers).toEqual({});
  });
});
