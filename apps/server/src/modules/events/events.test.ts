import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { signInBySms } from '../member-portal/sign-in.test-helpers.ts';
import { markNoShows, sendReminders } from './attendance.service.ts';
import { expireHolds } from './cancellation.service.ts';

const HOUR = 3_600_000;

describe('events: registration, waitlist, payment, check-in, feedback', () => {
  const start = new Date('2026-11-20T02:00:00Z');
  const clock = createTestClock(start);
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let n = 0;
  let storeId: string;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const newMember = async (tenant: TestTenant = a) => (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `EV-${++n}` }], profile: { channel: 'store' } }, tenant)).json().member.id as string;
  const at = (hours: number) => new Date(start.getTime() + hours * HOUR).toISOString();
  const createEvent = async (overrides: Record<string, unknown> = {}) => {
    const res = await req('POST', '/api/v1/events/sessions', { title: '亲子烘焙课', description: '**带上围裙**', location: { kind: 'store', store_id: storeId }, starts_at: at(48), ends_at: at(50), capacity: 2, price: { kind: 'free' }, ...overrides });
    expect(res.statusCode, res.body).toBe(201);
    const published = await req('POST', `/api/v1/events/sessions/${res.json().id}/publish`);
    expect(published.json().status).toBe('published');
    return published.json() as { id: string; cancel_deadline: string };
  };
  const registerFor = async (eventId: string, memberId: string, body: object = {}) => req('POST', `/api/v1/events/sessions/${eventId}/registrations`, { member_id: memberId, ...body });
  const events = async (type: string) => (await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', type).orderBy('id').execute()).map((e) => e.payload as Record<string, string>);
  const points = async (memberId: string) => (await req('GET', `/api/v1/members/${memberId}/points`)).json().available as number;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    storeId = (await req('POST', '/api/v1/stores', { code: 'SH01', name: '静安店' })).json().id;
  });
  afterAll(() => t.close());
  afterEach(() => clock.set(start));

  it('fills seats, waitlists the rest in order, and a cancellation promotes the first waitlisted, who is told', async () => {
    const template = await req('POST', '/api/v1/messaging/templates', { name: '候补转正', channel: 'inbox', category: 'transactional', bodies: { 'zh-CN': { subject: '候补成功', body: '您已获得 {{ event_title }} 的名额' } } });
    expect(template.statusCode, template.body).toBe(201);
    expect((await req('PUT', '/api/v1/events/settings', { reminder_hours: 24, reminder_template_id: null, promoted_template_id: template.json().id })).statusCode).toBe(200);
    const event = await createEvent({ questions: [{ id: 'kids', label: '孩子年龄', kind: 'choice', options: ['3-5', '6-8'], required: true }] });
    const members = [await newMember(), await newMember(), await newMember(), await newMember()];
    const missing = await registerFor(event.id, members[0]!);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0]).toMatchObject({ field: 'answers.kids', code: 'required' });
    expect((await registerFor(event.id, members[0]!, { answers: { kids: '9-12' } })).json().errors[0].code).toBe('not_an_option');
    type Reg = { id: string; status: string; waitlist_position: number | null; ticket_code: string | null };
    const regs: Reg[] = [];
    for (const m of members) {
      const res = await registerFor(event.id, m, { answers: { kids: '3-5' } });
      expect(res.statusCode, res.body).toBe(201);
      regs.push(res.json());
    }
    const [r0, r1, r2, r3] = regs as [Reg, Reg, Reg, Reg];
    expect(regs.map((r) => [r.status, r.waitlist_position])).toEqual([['registered', null], ['registered', null], ['waitlisted', 1], ['waitlisted', 2]]);
    expect(r0.ticket_code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(r2.ticket_code).toBeNull();
    // Once per member: again answers the same registration.
    const again = await registerFor(event.id, members[0]!, { answers: { kids: '6-8' } });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(r0.id);

    const canceled = await req('POST', `/api/v1/events/registrations/${r1.id}/cancel`, { reason: '家里有事' });
    expect(canceled.json()).toMatchObject({ status: 'canceled' });
    const list = (await req('GET', `/api/v1/events/sessions/${event.id}/registrations`)).json().data as { id: string; status: string; waitlist_position: number | null; promoted_at: string | null; member_no: string | null }[];
    expect(list.every((r) => /^M\d+$/.test(r.member_no ?? ''))).toBe(true);
    expect(list.find((r) => r.id === r2.id)).toMatchObject({ status: 'registered', promoted_at: start.toISOString() });
    expect(list.find((r) => r.id === r3.id)).toMatchObject({ status: 'waitlisted', waitlist_position: 1 });
    expect((await req('GET', `/api/v1/events/sessions/${event.id}`)).json()).toMatchObject({ seats_taken: 2, seats_left: 0, waitlisted: 1 });
    expect((await events('event.promoted')).map((e) => e.registration_id)).toEqual([r2.id]);
    expect((await events('event.canceled')).map((e) => e.registration_id)).toEqual([r1.id]);
    expect((await events('event.waitlisted')).length).toBe(2);
    const told = await t.deps.db.selectFrom('message_deliveries').select(['member_id', 'status']).where('tenant_id', '=', a.tenantId).where('dedupe_key', '=', `event-promoted:${r2.id}`).execute();
    expect(told).toEqual([{ member_id: members[2], status: 'queued' }]);

    // More seats promote the rest of the waitlist.
    const edited = await req('PUT', `/api/v1/events/sessions/${event.id}`, { title: '亲子烘焙课', location: { kind: 'store', store_id: storeId }, starts_at: at(48), ends_at: at(50), capacity: 3, price: { kind: 'free' }, questions: [{ id: 'kids', label: '孩子年龄', kind: 'choice', options: ['3-5', '6-8'], required: true }] });
    expect(edited.json(), edited.body).toMatchObject({ seats_taken: 3, waitlisted: 0 });
    const frozen = await req('PUT', `/api/v1/events/sessions/${event.id}`, { title: '亲子烘焙课', location: { kind: 'store', store_id: storeId }, starts_at: at(48), ends_at: at(50), capacity: 3, price: { kind: 'fen', amount: 100 } });
    expect(frozen.json().code).toBe('EVENT_IN_USE');
  });

  it('checks a ticket in once, also under simultaneous scans, and takes feedback once from attendees', async () => {
    const event = await createEvent({ capacity: 5 });
    const [alice, bob] = [await newMember(), await newMember()];
    const ticket = (await registerFor(event.id, alice)).json();
    const other = (await registerFor(event.id, bob)).json();
    const scan = (code: string, tenant = a) => req('POST', '/api/v1/events/checkins', { code }, tenant);
    expect((await scan(ticket.ticket_code)).json().code).toBe('CHECKIN_NOT_OPEN');
    clock.set(new Date(at(47.5)));
    const scans = await Promise.all(Array.from({ length: 12 }, (_, i) => scan(i % 2 ? ticket.ticket_code.toLowerCase() : ticket.ticket_code.replaceAll('-', ' '))));
    expect(scans.filter((s) => s.statusCode === 200).length).toBe(1);
    const refused = scans.filter((s) => s.statusCode === 409);
    expect(refused.length).toBe(11);
    expect(refused[0]!.headers['content-type']).toContain('application/problem+json');
    expect(refused[0]!.json()).toMatchObject({ code: 'TICKET_ALREADY_CHECKED_IN', errors: [{ field: 'code', message: at(47.5) }] });
    expect(refused[0]!.json().detail).toContain('Already checked in at 2026-11-22 09:30:00 (Asia/Shanghai)');
    expect((await events('event.checked_in')).filter((e) => e.registration_id === ticket.id).length).toBe(1);
    // A mistyped code never reaches the database; another tenant's staff do not know the ticket.
    const typo = ticket.ticket_code.slice(0, -1) + (ticket.ticket_code.endsWith('0') ? '1' : '0');
    expect((await scan(typo)).json().errors[0]).toMatchObject({ field: 'code', code: 'not_a_ticket_code' });
    expect((await scan(other.ticket_code, b)).statusCode).toBe(404);

    const me = await signInBySms(t, a.slug, '13900000001');
    const aliceSelf = await signInBySms(t, a.slug, '13900000002');
    const mine = (await registerFor(event.id, aliceSelf.member_id)).json();
    await scan(mine.ticket_code);
    clock.set(new Date(at(51)));
    const feedback = (auth: object, id: string, body: object) => t.app.inject({ method: 'POST', url: `/api/v1/me/event-registrations/${id}/feedback`, headers: auth as Record<string, string>, payload: body });
    expect((await feedback(me.auth, mine.id, { nps: 9, rating: 5 })).statusCode).toBe(404);
    expect((await feedback(aliceSelf.auth, mine.id, { nps: 11, rating: 5 })).json().errors[0].field).toBe('nps');
    const given = await feedback(aliceSelf.auth, mine.id, { nps: 10, rating: 4, comment: '老师很耐心' });
    expect(given.statusCode, given.body).toBe(201);
    expect((await feedback(aliceSelf.auth, mine.id, { nps: 0, rating: 1 })).json().code).toBe('FEEDBACK_ALREADY_SUBMITTED');
    const meRegistration = (await registerFor(event.id, me.member_id)).json();
    expect(meRegistration.code).toBe('EVENT_NOT_OPEN');

    expect(await markNoShows(t.deps)).toBeGreaterThanOrEqual(1);
    expect(await markNoShows(t.deps)).toBe(0);
    const stats = (await req('GET', `/api/v1/events/sessions/${event.id}/stats`)).json();
    expect(stats).toMatchObject({ sessions_held: 1, registrations: 3, checked_in: 2, no_shows: 1, attendance_rate_bp: 6666, feedback_count: 1, nps: 100, average_rating_x100: 400 });
    expect((await events('event.feedback_submitted')).length).toBe(1);
    clock.set(start);
  });

  it('holds a paid seat for the counter payment, refunds in full before the deadline, and frees unpaid holds to the waitlist', async () => {
    const event = await createEvent({ capacity: 1, price: { kind: 'fen', amount: 9900 }, cancel_deadline: at(24), hold_minutes: 30 });
    const [payer, waiting] = [await newMember(), await newMember()];
    const held = (await registerFor(event.id, payer)).json();
    expect(held).toMatchObject({ status: 'pending_payment', amount_fen: 9900, provider: 'offline', ticket_code: null, hold_expires_at: new Date(start.getTime() + 30 * 60_000).toISOString() });
    expect((await registerFor(event.id, waiting)).json().status).toBe('waitlisted');
    const paid = await req('POST', `/api/v1/events/registrations/${held.id}/confirm-payment`);
    expect(paid.json()).toMatchObject({ status: 'registered', paid_at: start.toISOString() });
    expect((await req('POST', `/api/v1/events/registrations/${held.id}/confirm-payment`)).statusCode).toBe(200);
    expect((await req('GET', `/api/v1/events/sessions/${event.id}/stats`)).json().revenue_fen).toBe(9900);

    const refunded = await req('POST', `/api/v1/events/registrations/${held.id}/cancel`, { reason: '' });
    expect(refunded.json()).toMatchObject({ status: 'canceled', refund_fen: 9900, refund_status: 'succeeded' });
    expect((await req('GET', `/api/v1/events/sessions/${event.id}/stats`)).json().revenue_fen).toBe(0);
    // The waitlisted member now holds the seat and must pay; unpaid, the hold lapses and the seat is free again.
    const promoted = (await req('GET', `/api/v1/events/sessions/${event.id}/registrations?status=pending_payment`)).json().data[0];
    expect(promoted).toMatchObject({ member_id: waiting, promoted_at: start.toISOString() });
    clock.set(new Date(start.getTime() + 31 * 60_000));
    expect(await expireHolds(t.deps)).toBe(1);
    expect((await req('GET', `/api/v1/events/sessions/${event.id}`)).json()).toMatchObject({ seats_taken: 0 });
    expect((await req('POST', `/api/v1/events/registrations/${promoted.id}/confirm-payment`)).json().code).toBe('PAYMENT_NOT_PENDING');
    clock.set(start);
  });

  it('debits a points price in the registration and restores it on a cancellation before the deadline, not after', async () => {
    const event = await createEvent({ capacity: 10, price: { kind: 'points', amount: 300 }, cancel_deadline: at(24) });
    const [rich, poor] = [await newMember(), await newMember()];
    expect((await req('POST', `/api/v1/members/${rich}/points/adjustments`, { points: 1000, reason: '测试' })).statusCode).toBe(201);
    expect((await req('POST', `/api/v1/members/${poor}/points/adjustments`, { points: 100, reason: '测试' })).statusCode).toBe(201);
    const short = await registerFor(event.id, poor);
    expect(short.json()).toMatchObject({ code: 'POINTS_INSUFFICIENT', errors: [{ field: 'event_id' }] });
    expect((await req('GET', `/api/v1/events/sessions/${event.id}`)).json().seats_taken).toBe(0);

    const ticket = (await registerFor(event.id, rich)).json();
    expect(ticket).toMatchObject({ status: 'registered', points: 300 });
    expect(await points(rich)).toBe(700);
    await req('POST', `/api/v1/events/registrations/${ticket.id}/cancel`, { reason: '' });
    expect(await points(rich)).toBe(1000);

    const member = await signInBySms(t, a.slug, '13900000003');
    await req('POST', `/api/v1/members/${member.member_id}/points/adjustments`, { points: 500, reason: '测试' });
    const self = await t.app.inject({ method: 'POST', url: `/api/v1/me/events/${event.id}/registrations`, headers: member.auth, payload: {} });
    expect(self.statusCode, self.body).toBe(201);
    expect(await points(member.member_id)).toBe(200);
    clock.set(new Date(at(30)));
    const late = await t.app.inject({ method: 'POST', url: `/api/v1/me/event-registrations/${self.json().id}/cancel`, headers: member.auth, payload: {} });
    expect(late.json()).toMatchObject({ status: 'canceled', points_refunded: 0 });
    expect(await points(member.member_id)).toBe(200);
    clock.set(start);

    // A promoted member of a points event holds the seat until they pay it in points.
    const small = await createEvent({ capacity: 1, price: { kind: 'points', amount: 100 } });
    const first = (await registerFor(small.id, rich)).json();
    const waiting = await signInBySms(t, a.slug, '13900000005');
    await req('POST', `/api/v1/members/${waiting.member_id}/points/adjustments`, { points: 150, reason: '测试' });
    const queued = await t.app.inject({ method: 'POST', url: `/api/v1/me/events/${small.id}/registrations`, headers: waiting.auth, payload: {} });
    expect(queued.json()).toMatchObject({ status: 'waitlisted', waitlist_position: 1 });
    await req('POST', `/api/v1/events/registrations/${first.id}/cancel`, { reason: '' });
    const pay = () => t.app.inject({ method: 'POST', url: `/api/v1/me/event-registrations/${queued.json().id}/pay`, headers: waiting.auth, payload: {} });
    expect(await points(waiting.member_id)).toBe(150);
    expect((await pay()).json()).toMatchObject({ status: 'registered', points: 100 });
    expect(await points(waiting.member_id)).toBe(50);
    expect((await pay()).json().code).toBe('PAYMENT_NOT_PENDING');
    expect((await req('GET', '/api/v1/points/reconciliation')).json()).toEqual({ problems: [] });
  });

  it('refuses members outside the eligibility with problem+json, and another tenant’s ids are 404', async () => {
    const plan = (await req('POST', '/api/v1/membership/plans', { name: '付费会员年卡', price_fen: 9900, period: 'year' })).json().id;
    const event = await createEvent({ eligibility: { plan_ids: [plan] }, capacity: 10 });
    const plain = await newMember();
    const refused = await registerFor(event.id, plain);
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ code: 'MEMBER_NOT_ELIGIBLE', errors: [{ field: 'event_id', code: 'not_eligible' }] });
    const payment = (await req('POST', `/api/v1/members/${plain}/membership/purchase`, { plan_id: plan, provider: 'offline' })).json().payment;
    await req('POST', `/api/v1/membership/payments/${payment.id}/confirm`);
    const ok = (await registerFor(event.id, plain)).json();
    expect(ok.status).toBe('registered');

    const outsider = await newMember(b);
    expect((await req('GET', `/api/v1/events/sessions/${event.id}`, undefined, b)).statusCode).toBe(404);
    expect((await req('POST', `/api/v1/events/sessions/${event.id}/registrations`, { member_id: outsider }, b)).statusCode).toBe(404);
    expect((await req('POST', `/api/v1/events/sessions/${event.id}/registrations`, { member_id: outsider })).statusCode).toBe(404);
    expect((await req('POST', `/api/v1/events/registrations/${ok.id}/cancel`, { reason: '' }, b)).statusCode).toBe(404);
    expect((await req('GET', `/api/v1/events/sessions/${event.id}/registrations`, undefined, b)).statusCode).toBe(404);
    const stranger = await signInBySms(t, b.slug, '13900000009');
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/me/events/${event.id}`, headers: stranger.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/me/event-registrations/${ok.id}/qr.svg`, headers: stranger.auth })).statusCode).toBe(404);
  });

  it('finds events by part of the title for the console, and pages the member center’s events', async () => {
    const made = [];
    for (const title of ['周末拉花 100% 体验课', '周末手冲课', '拉花进阶_班']) made.push((await createEvent({ title, starts_at: at(60 + made.length), ends_at: at(61 + made.length) })).id);
    const titles = async (q: string, tenant: TestTenant = a) => (await req('GET', `/api/v1/events/sessions?q=${encodeURIComponent(q)}`, undefined, tenant)).json().data.map((e: { title: string }) => e.title).sort();
    expect(await titles('拉花')).toEqual(['周末拉花 100% 体验课', '拉花进阶_班']);
    // % and _ are the operator's characters, not wildcards.
    expect(await titles('100%')).toEqual(['周末拉花 100% 体验课']);
    expect(await titles('进阶_')).toEqual(['拉花进阶_班']);
    expect(await titles('拉花', b)).toEqual([]);
    expect((await req('GET', `/api/v1/events/sessions?q=${'x'.repeat(51)}`)).json().errors[0].field).toBe('querystring.q');

    const member = await signInBySms(t, a.slug, '13900000014');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; next_cursor: string | null } = (await t.app.inject({ method: 'GET', url: `/api/v1/me/events?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: member.auth })).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((e: { id: string }) => e.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of made) expect(seen).toContain(id);
  });

  it('reminds each registered member once before the start and lists events with the member’s ticket', async () => {
    const event = await createEvent({ capacity: 10, starts_at: at(20), ends_at: at(22) });
    const member = await signInBySms(t, a.slug, '13900000004');
    const reg = await t.app.inject({ method: 'POST', url: `/api/v1/me/events/${event.id}/registrations`, headers: member.auth, payload: {} });
    const qr = await t.app.inject({ method: 'GET', url: `/api/v1/me/event-registrations/${reg.json().id}/qr.svg`, headers: member.auth });
    expect(qr.headers['content-type']).toContain('image/svg+xml');
    const listed = (await t.app.inject({ method: 'GET', url: '/api/v1/me/events', headers: member.auth })).json().data.find((e: { id: string }) => e.id === event.id);
    // Signed in by SMS: no openid, so WeChat Pay is not offered.
    expect(listed).toMatchObject({ my_price: { amount: 0 }, my_registration: { id: reg.json().id, status: 'registered' }, wechat_pay: false });
    const before = (await events('event.reminder_due')).length;
    expect(await sendReminders(t.deps)).toBeGreaterThanOrEqual(1);
    expect(await sendReminders(t.deps)).toBe(0);
    expect((await events('event.reminder_due')).filter((e) => e.registration_id === reg.json().id).length).toBe(1);
    expect((await events('event.reminder_due')).length).toBeGreaterThan(before);
  });

  it('pages the console’s event list with a cursor: newest start first, upcoming soonest first, none twice', async () => {
    const store = (await req('POST', '/api/v1/stores', { code: 'PG01', name: '分页店' }, b)).json().id as string;
    const made: string[] = [];
    // Two share a start, so the id breaks the tie and the cursor must carry both.
    for (const hours of [30, 10, 20, 20, 40]) {
      const res = await req('POST', '/api/v1/events/sessions', { title: `第 ${hours} 小时`, location: { kind: 'store', store_id: store }, starts_at: at(hours), ends_at: at(hours + 1), capacity: 5, price: { kind: 'free' } }, b);
      expect(res.statusCode, res.body).toBe(201);
      made.push(res.json().id);
    }
    const walk = async (params: string) => {
      const seen: { id: string; starts_at: string }[] = [];
      let cursor: string | null = null;
      do {
        const res = await req('GET', `/api/v1/events/sessions?limit=2${params}${cursor ? `&cursor=${cursor}` : ''}`, undefined, b);
        expect(res.statusCode, res.body).toBe(200);
        const page = res.json() as { data: { id: string; starts_at: string }[]; next_cursor: string | null };
        expect(page.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.data);
        cursor = page.next_cursor;
      } while (cursor);
      return seen;
    };
    const newest = await walk('');
    expect(new Set(newest.map((e) => e.id))).toEqual(new Set(made));
    expect(newest.map((e) => e.starts_at)).toEqual([at(40), at(30), at(20), at(20), at(10)]);
    const upcoming = await walk('&upcoming=true');
    expect(upcoming.map((e) => e.starts_at)).toEqual([at(10), at(20), at(20), at(30), at(40)]);
    expect((await walk('&upcoming=false')).map((e) => e.starts_at)).toEqual([at(40), at(30), at(20), at(20), at(10)]);
    expect((await req('GET', '/api/v1/events/sessions?upcoming=yes', undefined, b)).json().errors[0]).toMatchObject({ field: 'querystring.upcoming' });
    for (const bad of ['bm90LWEtY3Vyc29y', 'WyJ4fHkiXQ']) {
      const res = await req('GET', `/api/v1/events/sessions?cursor=${bad}`, undefined, b);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'query.cursor' }] });
    }
  });
});
