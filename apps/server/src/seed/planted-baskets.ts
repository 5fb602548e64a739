import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/**
 * Purchase histories with planted patterns, to check that recommendations find what is there: 8 categories
 * of 5 SKUs (prices rising inside each), bought with skewed popularity as noise, plus rules "buyers of A
 * also buy B" (four across categories, two upgrades inside a category). Half of the members who follow a
 * rule bought both before `cut`, so the rule can be learnt; the other half bought A before and B after, which
 * is what a holdout evaluation must predict. Written straight into the tables in a few statements, like
 * the bulk generator, and deterministic for a seed.
 */
export const PLANTED_RULES: [string, string][] = [
  ['P0-1', 'P3-2'],
  ['P1-0', 'P5-3'],
  ['P2-2', 'P6-1'],
  ['P4-0', 'P7-4'],
  ['P3-0', 'P3-4'],
  ['P6-0', 'P6-3'],
];

export async function plantBaskets(db: Db, tenantId: string, options: { members: number; cut: Date; seed?: number }) {
  const random = mulberry32(options.seed ?? 42);
  const skus = Array.from({ length: 40 }, (_, i) => `P${Math.floor(i / 5)}-${i % 5}`);
  // Zipf-like popularity over a shuffled catalogue, so rules do not simply follow the best sellers.
  const weights = skus.map((_, i) => 1 / (1 + ((i * 17) % 40)));
  const total = weights.reduce((a, b) => a + b, 0);
  const pick = () => {
    let r = random() * total;
    for (let i = 0; i < skus.length; i++) if ((r -= weights[i]!) <= 0) return skus[i]!;
    return skus[skus.length - 1]!;
  };
  const day = 86_400_000;
  const cut = options.cut.getTime();
  const members: { id: string; no: string }[] = [];
  const orders: { id: string; member: string; at: Date; skus: string[] }[] = [];
  const order = (member: string, at: number, lineSkus: string[]) => orders.push({ id: crypto.randomUUID(), member, at: new Date(at), skus: [...new Set(lineSkus)] });
  for (let m = 0; m < options.members; m++) {
    const id = crypto.randomUUID();
    members.push({ id, no: `PL${options.seed ?? 42}-${m}` });
    const before = () => cut - Math.floor(random() * 150 + 1) * day;
    const after = () => cut + Math.floor(random() * 29 + 1) * day;
    for (let n = 1 + Math.floor(random() * 3); n > 0; n--) order(id, before(), [pick(), pick()]);
    if (random() < 0.3) order(id, after(), [pick()]);
    if (random() < 0.7) {
      const [a, b] = PLANTED_RULES[Math.floor(random() * PLANTED_RULES.length)]!;
      const boughtA = before();
      order(id, boughtA, [a]);
      if (random() < 0.5) order(id, Math.min(boughtA + 3 * day, cut - 1000), [b]);
      else order(id, after(), [b]);
    }
  }
  await sql`insert into products (tenant_id, sku, name, category_path, list_price_fen)
    select ${tenantId}::uuid, s, '商品 ' || s, array['类目' || split_part(substr(s, 2), '-', 1)], 1000 + 500 * split_part(s, '-', 2)::int
    from unnest(${skus}::text[]) s on conflict do nothing`.execute(db);
  await sql`insert into members (tenant_id, id, member_no, channel, registered_at)
    select ${tenantId}::uuid, id, no, 'import', ${new Date(cut - 400 * day)} from unnest(${members.map((m) => m.id)}::uuid[], ${members.map((m) => m.no)}::text[]) as t(id, no)`.execute(db);
  const lines = orders.flatMap((o) => o.skus.map((sku, i) => ({ order: o.id, no: i + 1, sku })));
  await sql`insert into orders (tenant_id, id, external_id, content_hash, member_id, channel, subtotal_fen, discount_fen, shipping_fen, total_paid_fen, occurred_at)
    select ${tenantId}::uuid, id, 'planted-' || id, 'planted', member, 'store', 0, 0, 0, 0, at
    from unnest(${orders.map((o) => o.id)}::uuid[], ${orders.map((o) => o.member)}::uuid[], ${orders.map((o) => o.at.toISOString())}::timestamptz[]) as t(id, member, at)`.execute(db);
  await sql`insert into order_lines (tenant_id, order_id, line_no, sku, qty, unit_price_fen, discount_fen, paid_fen)
    select ${tenantId}::uuid, o, n, s, 1, 0, 0, 0
    from unnest(${lines.map((l) => l.order)}::uuid[], ${lines.map((l) => l.no)}::int[], ${lines.map((l) => l.sku)}::text[]) as t(o, n, s)`.execute(db);
  return { members: members.length, orders: orders.length, lines: lines.length };
}

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
