import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { signInBySms } from '../member-portal/sign-in.test-helpers.ts';

const DAY = 86_400_000;

// The published algorithm, written again here from its description (not imported), as an outsider would.
const score = (seed: string, lotteryId: string, seq: number) => crypto.createHmac('sha256', seed).update(`${lotteryId}:${seq}`, 'utf8').digest('hex');
const uniform = (seed: string, lotteryId: string, seq: number) => Number(BigInt(`0x${score(seed, lotteryId, seq).slice(0, 16)}`) % 10_000n);
interface VerifyBody {
  lottery_id: string;
  seed: string;
  seed_hash: string;
  prizes: { id: string; position: number; probability_bp: number | null; stock: number | null }[];
  entries: { seq: number; entry_id: string; prize_id: string | null }[];
}

function recomputeInstant(v: VerifyBody): (string | null)[] {
  const prizes = [...v.prizes].sort((a, b) => a.position - b.position);
  const left = new Map(prizes.map((p) => [p.id, p.stock ?? Number.POSITIVE_INFINITY]));
  return [...v.entries]
    .sort((a, b) => a.seq - b.seq)
    .map((e) => {
      const u = uniform(v.seed, v.lottery_id, e.seq);
      let upTo = 0;
      const hit = prizes.find((p) => u < (upTo += p.probability_bp ?? 0));
      if (!hit || left.get(hit.id)! <= 0) return null;
      left.set(hit.id, left.get(hit.id)! - 1);
      return hit.id;
    });
}

function recomputeScheduled(v: VerifyBody): Map<number, string> {
  const ranked = v.entries.map((e) => ({ seq: e.seq, s: score(v.seed, v.lottery_id, e.seq) })).sort((a, b) => a.s.localeCompare(b.s) || a.seq - b.seq);
  const out = new Map<number, string>();
  let rank = 0;
  for (const p of [...v.prizes].sort((a, b) => a.position - b.position)) for (let k = 0; k < p.stock! && rank < ranked.length; k++) out.set(ranked[rank++]!.seq, p.id);
  return out;
}

describe('games: lotteries', () => {
  const start = new Date('2026-11-20T02:00:00Z');
  const clock = createTestClock(start);
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let n = 0;
  let couponTemplate: string;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers: Record<string, string> = a.auth) => t.app.inject({ method, url, payload, headers });
  const newMember = async (tenant: TestTenant = a) => (await req('POST', '/api/v1/members/resolve', { identities: [{ type: 'store_card', value: `LT-${++n}` }], profile: { channel: 'store' } }, tenant.auth)).json().member.id as string;
  const lottery = async (body: object, tenant: TestTenant = a) => {
    const res = await req('POST', '/api/v1/lotteries', { name: '双十二幸运抽奖', starts_at: new Date(clock.now().getTime() - 1000).toISOString(), ends_at: new Date(clock.now().getTime() + 7 * DAY).toISOString(), ...body }, tenant.auth);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; seed: string | null; seed_hash: string; prizes: { id: string; kind: string; remaining: number | null }[] };
  };
  const enter = (id: string, member: string, extra: object = {}, tenant: TestTenant = a) => req('POST', `/api/v1/lotteries/${id}/entries`, { member_id: member, ...extra }, tenant.auth);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    couponTemplate = (await req('POST', '/api/v1/coupon-templates', { name: '满100减20', terms: { kind: 'cash', value_fen: 2000, min_spend_fen: 10000, valid_days: 30 } })).json().id;
  });
  afterAll(() => t.close());

  it('never gives more than the stock under 100 concurrent entries, and every outcome recomputes from the revealed seed', async () => {
    const l = await lottery({
      mode: 'instant',
      prizes: [
        { name: '保温杯', kind: 'physical', probability_bp: 6000, stock: 5 },
        { name: '10 积分', kind: 'points', points: 10, probability_bp: 2000 },
      ],
    });
    expect(l.seed).toBeNull();
    const members = await Promise.all(Array.from({ length: 100 }, () => newMember()));
    const results = await Promise.all(members.map((m) => enter(l.id, m)));
    expect(results.every((r) => r.statusCode === 201), results.find((r) => r.statusCode !== 201)?.body).toBe(true);
    const cup = l.prizes[0]!.id;
    const cups = results.filter((r) => r.json().entry.prize_id === cup);
    expect(cups.length).toBeLessThanOrEqual(5);
    expect(cups.length).toBe(5); // at 60 % a draw of 100 takes all five
    expect(cups.every((r) => r.json().win.status === 'pending_address')).toBe(true);
    const after = (await req('GET', `/api/v1/lotteries/${l.id}`)).json();
    expect(after.prizes[0]).toMatchObject({ stock: 5, remaining: 0, won: 5 });
    expect(after.entries).toBe(100);
    const wins = await t.deps.db.selectFrom('lottery_wins').select('prize_id').where('tenant_id', '=', a.tenantId).where('lottery_id', '=', l.id).execute();
    expect(wins.filter((w) => w.prize_id === cup)).toHaveLength(5);

    // Points prizes were given at once, in the entry's transaction.
    const pointsWinner = results.find((r) => r.json().entry.prize_id === l.prizes[1]!.id)!.json();
    expect(pointsWinner.win.status).toBe('fulfilled');
    expect((await req('GET', `/api/v1/members/${pointsWinner.entry.member_id}/points`)).json().available).toBe(10);

    expect((await req('GET', `/api/v1/lotteries/${l.id}/verify`)).json().code).toBe('LOTTERY_NOT_CLOSED');
    expect((await req('POST', `/api/v1/lotteries/${l.id}/close`)).json().status).toBe('closed');
    const v = (await req('GET', `/api/v1/lotteries/${l.id}/verify`)).json() as VerifyBody;
    expect(crypto.createHash('sha256').update(v.seed, 'utf8').digest('hex')).toBe(l.seed_hash);
    expect(v.entries.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(v.entries.map((e) => e.prize_id)).toEqual(recomputeInstant(v));
    expect((await enter(l.id, members[0]!)).json().code).toBe('LOTTERY_NOT_OPEN');
  });

  it('draws a scheduled lottery at its time, with winners anyone can recompute', async () => {
    const l = await lottery({ mode: 'scheduled', draw_at: new Date(clock.now().getTime() + 8 * DAY).toISOString(), prizes: [{ name: '一等奖 100 积分', kind: 'points', points: 100, stock: 2 }, { name: '二等奖 优惠券', kind: 'coupon', coupon_template_id: couponTemplate, stock: 3 }] });
    const members = await Promise.all(Array.from({ length: 20 }, () => newMember()));
    for (const m of members) expect((await enter(l.id, m)).json().entry.result).toBe('pending');
    expect((await req('POST', `/api/v1/lotteries/${l.id}/draw`)).json().code).toBe('LOTTERY_NOT_CLOSED');
    clock.advance(8 * DAY + 1000);
    await t.deps.jobs.get('games.draw_due')!.handler({ deps: t.deps } as never);
    const drawn = (await req('GET', `/api/v1/lotteries/${l.id}`)).json();
    expect(drawn).toMatchObject({ status: 'drawn', winners: 5 });
    expect(drawn.seed).not.toBeNull();
    const v = (await req('GET', `/api/v1/lotteries/${l.id}/verify`)).json() as VerifyBody;
    const expected = recomputeScheduled(v);
    expect(new Map(v.entries.filter((e) => e.prize_id).map((e) => [e.seq, e.prize_id]))).toEqual(expected);
    const wins = (await req('GET', `/api/v1/lottery-wins?lottery_id=${l.id}`)).json().data;
    expect(wins).toHaveLength(5);
    expect(wins.every((w: { member_no: string | null }) => /^M\d+$/.test(w.member_no ?? ''))).toBe(true);
    expect(wins.every((w: { status: string }) => w.status === 'fulfilled')).toBe(true);
    // Drawing again changes nothing.
    expect((await req('POST', `/api/v1/lotteries/${l.id}/draw`)).json().winners).toBe(5);
  });

  it('counts per-member daily limits by the tenant’s local day (23:59 and 00:01 in Shanghai) and the total limit', async () => {
    clock.set(new Date('2026-12-01T15:58:00Z'));
    const l = await lottery({ mode: 'instant', daily_limit: 1, total_limit: 2, prizes: [{ name: '谢谢参与', kind: 'points', points: 1, probability_bp: 0 }] });
    const m = await newMember();
    clock.set(new Date('2026-12-01T15:59:00Z')); // 23:59 on 1 December in Shanghai
    expect((await enter(l.id, m)).json().entry.business_day).toBe('2026-12-01');
    clock.set(new Date('2026-12-01T15:59:40Z'));
    const refused = await enter(l.id, m);
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ code: 'LOTTERY_LIMIT_REACHED', errors: [{ field: 'member_id', code: 'daily_limit' }] });
    clock.set(new Date('2026-12-01T16:01:00Z')); // 00:01 on 2 December
    expect((await enter(l.id, m)).json().entry.business_day).toBe('2026-12-02');
    clock.set(new Date('2026-12-02T16:01:00Z'));
    expect((await enter(l.id, m)).json()).toMatchObject({ code: 'LOTTERY_LIMIT_REACHED', errors: [{ code: 'total_limit' }] });
  });

  it('charges the points cost in the entry’s transaction, refuses it when unaffordable, and keeps the ledger balanced', async () => {
    const l = await lottery({ mode: 'instant', entry_cost_points: 100, prizes: [{ name: '50 积分', kind: 'points', points: 50, probability_bp: 0 }] });
    const m = await newMember();
    expect((await req('POST', `/api/v1/members/${m}/points/adjustments`, { points: 150, reason: '测试' })).statusCode).toBe(201);
    expect((await enter(l.id, m)).json().entry.cost_points).toBe(100);
    expect((await req('GET', `/api/v1/members/${m}/points`)).json().available).toBe(50);
    const refused = await enter(l.id, m);
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ code: 'POINTS_INSUFFICIENT', errors: [{ field: 'entry_cost_points' }] });
    expect((await req('GET', `/api/v1/lotteries/${l.id}`)).json().entries).toBe(1); // the refused entry took no seq
    expect((await req('GET', `/api/v1/members/${m}/points`)).json().available).toBe(50);
    const poor = await newMember();
    expect((await enter(l.id, poor)).json().code).toBe('POINTS_INSUFFICIENT');
    expect((await req('GET', '/api/v1/points/reconciliation')).json().problems).toEqual([]);
  });

  it('limits entries per device per day and refuses bursts', async () => {
    const l = await lottery({ mode: 'instant', device_daily_limit: 2, prizes: [{ name: '1 积分', kind: 'points', points: 1, probability_bp: 0 }] });
    const [x, y, z] = [await newMember(), await newMember(), await newMember()];
    expect((await enter(l.id, x, { device_id: 'dev-1' })).statusCode).toBe(201);
    expect((await enter(l.id, y, { device_id: 'dev-1' })).statusCode).toBe(201);
    expect((await enter(l.id, z, { device_id: 'dev-1' })).json()).toMatchObject({ code: 'LOTTERY_LIMIT_REACHED', errors: [{ field: 'device_id' }] });
    expect((await enter(l.id, z, { device_id: 'dev-2' })).statusCode).toBe(201);
    const open = await lottery({ mode: 'instant', prizes: [{ name: '1 积分', kind: 'points', points: 1, probability_bp: 0 }] });
    for (let i = 0; i < 5; i++) expect((await enter(open.id, x)).statusCode).toBe(201);
    const burst = await enter(open.id, x);
    expect(burst.statusCode).toBe(429);
    expect(burst.json().code).toBe('LOTTERY_BURST');
    clock.advance(11_000);
    expect((await enter(open.id, x)).statusCode).toBe(201);
  });

  it('ships a physical prize to the address the member gives, masked in lists, revealed with audit, erased with the member', async () => {
    const member = await signInBySms(t, a.slug, '13800138011');
    const l = await lottery({ mode: 'instant', prizes: [{ name: '香薰礼盒', kind: 'physical', probability_bp: 10_000, stock: 3 }] });
    const me = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => t.app.inject({ method, url, payload, headers: member.auth });
    expect((await me('GET', '/api/v1/me/lotteries')).json().map((x: { id: string }) => x.id)).toContain(l.id);
    const won = (await me('POST', `/api/v1/me/lotteries/${l.id}/entries`, { device_id: 'phone-1' })).json();
    expect(won.win).toMatchObject({ kind: 'physical', status: 'pending_address', prize_name: '香薰礼盒' });
    expect((await req('POST', `/api/v1/lottery-wins/${won.win.id}/ship`, { carrier: '顺丰', tracking_no: 'SF1' })).json().code).toBe('WIN_TRANSITION_REFUSED');
    const addressed = await me('PUT', `/api/v1/me/lottery-wins/${won.win.id}/address`, { name: '王小美', phone: '13800138011', address: '上海市徐汇区漕溪北路 88 号 1201 室' });
    expect(addressed.json()).toMatchObject({ status: 'ready', address: '上海市徐汇区漕溪北路 88 号 1201 室' });
    const listed = (await req('GET', `/api/v1/lottery-wins?lottery_id=${l.id}`)).json().data[0];
    expect(listed).toMatchObject({ recipient_name: '王**', recipient_phone: '138****8011', address: '上海市徐汇区***' });
    expect((await req('GET', `/api/v1/lottery-wins/${won.win.id}?reveal=true`)).json().address).toBe('上海市徐汇区漕溪北路 88 号 1201 室');
    const shipped = (await req('POST', `/api/v1/lottery-wins/${won.win.id}/ship`, { carrier: '顺丰', tracking_no: 'SF1234567890' })).json();
    expect(shipped).toMatchObject({ status: 'shipped', carrier: '顺丰', tracking_no: 'SF1234567890' });
    expect((await me('PUT', `/api/v1/me/lottery-wins/${won.win.id}/address`, { name: '王小美', phone: '13800138011', address: '北京市朝阳区建国路 1 号' })).json().code).toBe('WIN_TRANSITION_REFUSED');
    expect((await req('POST', `/api/v1/lottery-wins/${won.win.id}/deliver`)).json().status).toBe('delivered');
    expect((await me('GET', '/api/v1/me/lottery-wins')).json()[0]).toMatchObject({ id: won.win.id, status: 'delivered' });

    const exported = (await req('GET', `/api/v1/members/${member.member_id}/export`)).json();
    expect(exported.sections.games.lottery_wins[0].address).toBe('上海市徐汇区漕溪北路 88 号 1201 室');
    expect((await req('GET', `/api/v1/members/${member.member_id}`)).json().sections.games.lottery_wins[0].address).toBe('上海市徐汇区***');
    expect((await req('POST', `/api/v1/members/${member.member_id}/erase`, { reason: '用户申请删除' })).statusCode).toBe(200);
    const row = await t.deps.db.selectFrom('lottery_wins').selectAll().where('tenant_id', '=', a.tenantId).where('id', '=', won.win.id).executeTakeFirstOrThrow();
    expect([row.recipient_name, row.recipient_phone, row.address]).toEqual([null, null, null]);
    const entry = await t.deps.db.selectFrom('lottery_entries').select('device_id').where('tenant_id', '=', a.tenantId).where('id', '=', won.entry.id).executeTakeFirstOrThrow();
    expect(entry.device_id).toBeNull();
  });

  it('lists entries newest first with the member’s number, page by page and by result; another tenant’s list is 404', async () => {
    const l = await lottery({ mode: 'instant', prizes: [{ name: '必中 10 积分', kind: 'points', points: 10, probability_bp: 10_000, stock: 2 }] });
    const members = [await newMember(), await newMember(), await newMember()];
    for (const m of members) await enter(l.id, m);
    const first = (await req('GET', `/api/v1/lotteries/${l.id}/entries?limit=2`)).json();
    expect(first.data.map((e: { seq: number }) => e.seq)).toEqual([3, 2]);
    const second = (await req('GET', `/api/v1/lotteries/${l.id}/entries?limit=2&cursor=${encodeURIComponent(first.next_cursor)}`)).json();
    expect(second).toMatchObject({ data: [expect.objectContaining({ seq: 1 })], next_cursor: null });
    const all = [...first.data, ...second.data] as { member_id: string; member_no: string | null; result: string }[];
    const numbers = await Promise.all(members.map(async (m) => (await req('GET', `/api/v1/members/${m}`)).json().member.member_no as string));
    expect(all.map((e) => [e.member_id, e.member_no]).reverse()).toEqual(members.map((m, i) => [m, numbers[i]]));
    expect((await req('GET', `/api/v1/lotteries/${l.id}/entries?result=lost`)).json().data).toHaveLength(1);
    expect((await req('GET', `/api/v1/lotteries/${l.id}/entries`, undefined, b.auth)).statusCode).toBe(404);
  });

  it('answers 404 for another tenant’s lottery, entry and win', async () => {
    const l = await lottery({ mode: 'instant', prizes: [{ name: '杯子', kind: 'physical', probability_bp: 10_000, stock: 1 }] });
    const m = await newMember();
    const won = (await enter(l.id, m)).json();
    expect((await req('GET', `/api/v1/lotteries/${l.id}`, undefined, b.auth)).statusCode).toBe(404);
    expect((await enter(l.id, await newMember(b), {}, b)).statusCode).toBe(404);
    expect((await enter(l.id, m, {}, b)).statusCode).toBe(404);
    expect((await req('GET', `/api/v1/lottery-wins/${won.win.id}`, undefined, b.auth)).statusCode).toBe(404);
    expect((await req('POST', `/api/v1/lottery-wins/${won.win.id}/deliver`, undefined, b.auth)).statusCode).toBe(404);
    expect((await req('GET', `/api/v1/lottery-wins?lottery_id=${l.id}`, undefined, b.auth)).json().data).toEqual([]);
    // A coupon template of another tenant is unknown here.
    const bad = await req('POST', '/api/v1/lotteries', { name: 'x', mode: 'instant', starts_at: clock.now().toISOString(), ends_at: new Date(clock.now().getTime() + DAY).toISOString(), prizes: [{ name: '券', kind: 'coupon', coupon_template_id: couponTemplate, probability_bp: 100 }] }, b.auth);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'prizes.0.coupon_template_id' }] });
  });
});
