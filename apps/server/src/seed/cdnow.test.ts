import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.ts';
import { cdnowFile, dollarsToFen, loadCdnow, parseCdnow } from './cdnow.ts';

const file = cdnowFile(true);

describe.skipIf(!fs.existsSync(file))('CDNOW loader', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  // What the file says, read independently of the loader: customer, index, yyyymmdd, CDs, dollars.
  const rows = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/).map((line) => line.trim().split(/\s+/));
  const customers = new Set(rows.map((r) => r[0]));
  const fen = rows.reduce((sum, r) => sum + Math.round(Number(r[4]) * 100), 0);
  const cds = rows.reduce((sum, r) => sum + Number(r[3]), 0);

  const totals = async (tenantId: string) =>
    (
      await sql<Record<string, number>>`select
        (select count(*) from members where tenant_id = ${tenantId}) as members,
        (select count(*) from member_identities where tenant_id = ${tenantId} and type = 'app_user_id') as identities,
        (select count(*) from orders where tenant_id = ${tenantId}) as orders,
        (select count(*) from order_lines where tenant_id = ${tenantId}) as lines,
        (select sum(total_paid_fen)::int8 from orders where tenant_id = ${tenantId}) as paid,
        (select sum(paid_fen)::int8 from order_lines where tenant_id = ${tenantId}) as lines_paid,
        (select sum(qty) from order_lines where tenant_id = ${tenantId}) as cds`.execute(t.deps.db)
    ).rows[0]!;

  it('loads one member per customer and one order per purchase, to the fen', async () => {
    const result = await loadCdnow(t.deps, { file });
    expect(result).toMatchObject({ customers: customers.size, purchases: rows.length, membersCreated: customers.size, ordersCreated: rows.length, created: { tenant: 'cdnow', email: 'owner@cdnow.demo' } });
    expect(await totals(result.tenantId)).toEqual({ members: customers.size, identities: customers.size, orders: rows.length, lines: rows.length, paid: fen, lines_paid: fen, cds });

    const problems = (
      await sql<Record<string, number>>`select
        (select count(*) from order_lines where tenant_id = ${result.tenantId} and (paid_fen <> qty * unit_price_fen - discount_fen or discount_fen >= qty)) as lines,
        (select count(*) from orders o where tenant_id = ${result.tenantId} and total_paid_fen <> (select sum(paid_fen) from order_lines l where l.tenant_id = o.tenant_id and l.order_id = o.id) + shipping_fen) as totals,
        (select count(*) from orders where tenant_id = ${result.tenantId} and to_char(occurred_at at time zone 'Asia/Shanghai', 'HH24:MI:SS') <> '12:00:00') as not_noon`.execute(t.deps.db)
    ).rows[0]!;
    expect(problems).toEqual({ lines: 0, totals: 0, not_noon: 0 });

    // The file's first row: customer 00004 bought 2 CDs for $29.33 on 1997-01-01.
    const first = await t.deps.db
      .selectFrom('orders as o')
      .innerJoin('order_lines as l', (j) => j.onRef('l.tenant_id', '=', 'o.tenant_id').onRef('l.order_id', '=', 'o.id'))
      .select(['o.total_paid_fen', 'o.occurred_at', 'o.channel', 'l.sku', 'l.qty', 'l.unit_price_fen', 'l.discount_fen', 'l.paid_fen'])
      .where('o.tenant_id', '=', result.tenantId)
      .where('o.external_id', '=', 'cdnow-00004-1')
      .executeTakeFirstOrThrow();
    expect(first).toEqual({ total_paid_fen: 2933, occurred_at: new Date('1997-01-01T04:00:00.000Z'), channel: 'web', sku: 'CD', qty: 2, unit_price_fen: 1467, discount_fen: 1, paid_fen: 2933 });
  });

  it('adds nothing when run again', async () => {
    const tenant = await t.deps.db.selectFrom('tenants').select('id').where('slug', '=', 'cdnow').executeTakeFirstOrThrow();
    const before = await totals(tenant.id);
    const again = await loadCdnow(t.deps, { file });
    expect(again).toMatchObject({ membersCreated: 0, ordersCreated: 0, created: undefined });
    expect(await totals(tenant.id)).toEqual(before);
  });

  it('reads amounts as decimals, never as floats', () => {
    expect(['29.33', '0.00', '12', '0.29', '1.005', '77.1'].map((d) => dollarsToFen(d))).toEqual([2933, 0, 1200, 29, 101, 7710]);
    expect(() => dollarsToFen('12,00')).toThrow();
    // The master file has a header and no customer index column; both shapes parse alike.
    expect(parseCdnow(' customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n 00001 19970112  5   77.00\r\n')).toEqual([
      { customer: '00001', seq: 1, date: '19970101', cds: 1, fen: 1177 },
      { customer: '00001', seq: 2, date: '19970112', cds: 5, fen: 7700 },
    ]);
  });
});
