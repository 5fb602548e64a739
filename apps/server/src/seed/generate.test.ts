import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizePhone } from '../modules/members/personal-data.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../test/app.ts';
import { createTestClock } from '../test/deps.ts';
import { generateData } from './generate.ts';

const now = new Date('2026-11-23T02:00:00Z');

describe('data generator', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  beforeAll(async () => {
    t = await createTestApp({ clock: createTestClock(now) });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  const one = async <T>(query: RawBuilder<T>) => (await query.execute(t.deps.db)).rows[0]!;

  it('writes stores, a catalogue, members and orders whose totals add up to the fen', async () => {
    const result = await generateData(t.deps, { tenant: a.slug, members: 200, orders: 1000, seed: '7' });
    expect(result).toMatchObject({ tenant: a.slug, run: 's7', storesCreated: 8, productsCreated: 42, members: 200, orders: 1000, phonesSkipped: 0 });
    const counts = await one(sql<Record<string, number>>`select
      (select count(*) from stores where tenant_id = ${a.tenantId}) as stores,
      (select count(*) from products where tenant_id = ${a.tenantId}) as products,
      (select count(*) from members where tenant_id = ${a.tenantId}) as members,
      (select count(*) from member_identities where tenant_id = ${a.tenantId} and type = 'phone') as phones,
      (select count(*) from orders where tenant_id = ${a.tenantId}) as orders,
      (select count(*) from order_lines where tenant_id = ${a.tenantId}) as lines,
      (select last_number from member_counters where tenant_id = ${a.tenantId}) as counter`);
    expect(counts).toEqual({ stores: 8, products: 42, members: 200, phones: 200, orders: 1000, lines: result.lines, counter: 200 });

    // The same rules createOrder enforces, over every order and line.
    const wrong = await one(sql<Record<string, number>>`select
      (select count(*) from order_lines where tenant_id = ${a.tenantId} and paid_fen <> qty * unit_price_fen - discount_fen) as line_paid,
      (select count(*) from orders o where tenant_id = ${a.tenantId} and (
         total_paid_fen <> (select sum(paid_fen) from order_lines l where l.tenant_id = o.tenant_id and l.order_id = o.id) + shipping_fen
         or subtotal_fen <> (select sum(qty * unit_price_fen) from order_lines l where l.tenant_id = o.tenant_id and l.order_id = o.id)
         or discount_fen <> (select sum(discount_fen) from order_lines l where l.tenant_id = o.tenant_id and l.order_id = o.id))) as order_totals,
      (select count(*) from orders o join members m on m.tenant_id = o.tenant_id and m.id = o.member_id where o.tenant_id = ${a.tenantId} and o.occurred_at < m.registered_at) as before_registration,
      (select count(*) from orders where tenant_id = ${a.tenantId} and (occurred_at >= ${now} or occurred_at < ${now}::timestamptz - interval '731 days')) as outside_window,
      (select count(*) from orders where tenant_id = ${a.tenantId} and not external_id like 'gen-s7-%') as external_ids`);
    expect(wrong).toEqual({ line_paid: 0, order_totals: 0, before_registration: 0, outside_window: 0, external_ids: 0 });

    const members = await t.deps.db.selectFrom('members').select(['member_no', 'phone', 'registered_at']).where('tenant_id', '=', a.tenantId).orderBy('member_no').execute();
    expect(members[0]!.member_no).toBe('M00000001');
    expect(members[199]!.member_no).toBe('M00000200');
    const phones = members.map((m) => m.phone!);
    expect(new Set(phones).size).toBe(200);
    for (const phone of phones) expect(normalizePhone(phone)).toBe(phone);
    // Numbered in the order they registered, over the past two years.
    expect(members.map((m) => m.registered_at.getTime())).toEqual(members.map((m) => m.registered_at.getTime()).sort((x, y) => x - y));
    expect(members[0]!.registered_at.getTime()).toBeGreaterThan(now.getTime() - 731 * 86_400_000);

    const channels = await t.deps.db.selectFrom('orders').select('channel').distinct().where('tenant_id', '=', a.tenantId).execute();
    expect(channels.map((c) => c.channel).sort()).toEqual(['app', 'mini_program', 'store']);
    // Skewed: the busiest fifth of the buyers place well over a fifth of the member orders.
    const perMember = (await sql<{ n: number }>`select count(*) as n from orders where tenant_id = ${a.tenantId} and member_id is not null group by member_id order by n desc`.execute(t.deps.db)).rows.map((r) => r.n);
    const top = perMember.slice(0, Math.ceil(perMember.length / 5)).reduce((s, n) => s + n, 0);
    expect(top / perMember.reduce((s, n) => s + n, 0)).toBeGreaterThan(0.4);
  });

  it('makes the same data from the same seed', async () => {
    await generateData(t.deps, { tenant: b.slug, members: 200, orders: 1000, seed: '7' });
    const [ofA, ofB] = await Promise.all([snapshot(a.tenantId), snapshot(b.tenantId)]);
    expect(ofB.members).toEqual(ofA.members);
    expect(ofB.orders).toEqual(ofA.orders);
    expect(ofB.lines).toEqual(ofA.lines);
    expect(ofA.orders).toHaveLength(1000);
  });

  it('writes orders the API recognises: posting one again replays it', async () => {
    const orders = await sql<{ id: string; external_id: string }>`
      (select id, external_id from orders where tenant_id = ${a.tenantId} and member_id is not null and discount_fen > 0 limit 1)
      union all (select id, external_id from orders where tenant_id = ${a.tenantId} and member_id is null limit 1)
      union all (select id, external_id from orders where tenant_id = ${a.tenantId} and shipping_fen > 0 limit 1)`.execute(t.deps.db);
    expect(orders.rows).toHaveLength(3);
    for (const { id, external_id } of orders.rows) {
      const order = (await t.app.inject({ url: `/api/v1/orders/${id}`, headers: a.auth })).json();
      const input = {
        external_id,
        channel: order.channel,
        store_id: order.store_id,
        member_id: order.member_id,
        lines: order.lines.map((l: Record<string, unknown>) => ({ sku: l.sku, qty: l.qty, unit_price_fen: l.unit_price_fen, discount_fen: l.discount_fen, flags: l.flags })),
        shipping_fen: order.shipping_fen,
        total_paid_fen: order.total_paid_fen,
        payment_method: order.payment_method,
        occurred_at: order.occurred_at,
      };
      const again = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: a.auth, payload: input });
      expect(again.statusCode).toBe(200);
      expect(again.json().id).toBe(id);
    }
  });

  it('adds more on a second run, with new external ids and phones', async () => {
    const again = await generateData(t.deps, { tenant: a.slug, members: 50, orders: 100, seed: '7' });
    expect(again).toMatchObject({ run: 's7r2', storesCreated: 0, productsCreated: 0 });
    const counts = await one(sql<Record<string, number>>`select
      (select count(*) from members where tenant_id = ${a.tenantId}) as members,
      (select count(distinct phone) from members where tenant_id = ${a.tenantId}) as phones,
      (select count(*) from orders where tenant_id = ${a.tenantId}) as orders,
      (select count(*) from orders where tenant_id = ${a.tenantId} and external_id like 'gen-s7r2-%') as second_run,
      (select max(member_no) from members where tenant_id = ${a.tenantId}) as last_no`);
    expect(counts).toEqual({ members: 250, phones: 250, orders: 1100, second_run: 100, last_no: 'M00000250' });
  });

  it('puts orders on the existing members when no members are asked for', async () => {
    const result = await generateData(t.deps, { tenant: b.slug, members: 0, orders: 300, seed: 'x' });
    expect(result).toMatchObject({ members: 0, orders: 300 });
    const counts = await one(sql<Record<string, number>>`select
      (select count(*) from members where tenant_id = ${b.tenantId}) as members,
      (select count(*) from orders where tenant_id = ${b.tenantId} and external_id like 'gen-sx-%' and member_id is not null) as member_orders`);
    expect(counts.members).toBe(200);
    expect(counts.member_orders).toBeGreaterThan(200);
  });

  async function snapshot(tenantId: string) {
    const db = t.deps.db;
    const members = await db
      .selectFrom('members')
      .select(['member_no', 'name', 'gender', 'birthday_month', 'birthday_day', 'birth_year', 'phone', 'province', 'city', 'district', 'channel', 'registered_at'])
      .where('tenant_id', '=', tenantId)
      .orderBy('member_no')
      .execute();
    const orders = await sql`
      select o.external_id, m.member_no, s.code as store, o.channel, o.subtotal_fen, o.discount_fen, o.shipping_fen, o.total_paid_fen, o.payment_method, o.occurred_at
      from orders o left join members m on m.tenant_id = o.tenant_id and m.id = o.member_id left join stores s on s.tenant_id = o.tenant_id and s.id = o.store_id
      where o.tenant_id = ${tenantId} order by o.external_id`.execute(db);
    const lines = await sql`
      select o.external_id, l.line_no, l.sku, l.qty, l.unit_price_fen, l.discount_fen, l.flags
      from order_lines l join orders o on o.tenant_id = l.tenant_id and o.id = l.order_id
      where l.tenant_id = ${tenantId} order by o.external_id, l.line_no`.execute(db);
    return { members, orders: orders.rows, lines: lines.rows };
  }
});

describe('data generator on an empty database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { HEARTH_DEMO_DATA: 'true' } });
  });
  afterAll(() => t.close());

  it('creates the demo brand first and keeps its own products as they are', async () => {
    const result = await generateData(t.deps, { members: 20, orders: 50 });
    expect(result).toMatchObject({ tenant: 'demo', run: 's1', storesCreated: 0, members: 20, orders: 50 });
    expect(result.demo).toMatchObject({ tenant: 'demo', email: 'owner@hearth.demo' });
    const latte = await t.deps.db.selectFrom('products').select(['name', 'category_path']).where('tenant_id', '=', result.tenantId).where('sku', '=', 'COF-LATTE-M').executeTakeFirstOrThrow();
    expect(latte).toEqual({ name: '拿铁（中杯）', category_path: ['饮品', '咖啡'] });
    // The demo's twenty members come first; the generated ones continue the numbering.
    const last = await t.deps.db.selectFrom('members').select(({ fn }) => fn.max('member_no').as('no')).where('tenant_id', '=', result.tenantId).executeTakeFirstOrThrow();
    expect(last.no).toBe('M00000040');
    // The demo brand's seed (orders through the real order path, tiers, segments) runs first: well over
    // the default 30 s when the two cores are busy.
  }, 180_000);
});
