import { execFileSync } from 'node:child_process';
import { runLoad, runPgbench } from './load.ts';
import type { Scenario } from './scenario.ts';

export interface BenchSetup {
  tenantId: string;
  storeId: string;
  memberId: string;
  /** An app_user_id identity of that member. */
  identity: string;
  /** Members with plenty of points, numbered 1…N in the bench_members table for pgbench. */
  memberIds: string[];
}

const EVENT_BATCH = 500;
const ORDER_CLIENTS = 8;
const ORDER_BATCH = 100;
const INGEST_CLIENTS = 4;
const BENCH_COUPONS = 10_000;
let sequence = 0;

/** Every benchmark target. Later issues add their scenarios to this list. */
export function scenarios(setup: BenchSetup): Scenario[] {
  // Built once: every request of the duplicate arm must be the very same order.
  const duplicateOrder = orderBody(setup.memberId, 'bench-duplicate');
  return [
    {
      name: 'Authenticated read: GET /api/v1/stores/:id',
      unit: 'req/s',
      subject: {
        label: 'Hearth GET /api/v1/stores/:id (API key, tenancy, validation, serialization, one SQL read)',
        run: (c) => runLoad({ url: `${c.hearthUrl}/api/v1/stores/${setup.storeId}`, headers: { authorization: `Bearer ${c.apiKey}` } }),
      },
      baselines: [
        { label: 'bare Fastify route running the same SQL read', goal: 0.5, run: (c) => runLoad({ url: `${c.bareUrl}/bare/stores/${setup.storeId}` }) },
        { label: 'bare Fastify hello-JSON route, no database (for information)', run: (c) => runLoad({ url: `${c.bareUrl}/bare/hello` }) },
      ],
      notes:
        'The subject pays for everything a real request does: bearer-key check (cached per process for ' +
        'HEARTH_AUTH_CACHE_SECONDS), permission check, rate limit, zod validation of the id, the tenant-scoped ' +
        'query, response validation and serialization, request id. The bare route runs the same query on a pool ' +
        'of the same size.',
    },
    {
      name: 'Member resolve by identity: POST /api/v1/members/resolve',
      unit: 'req/s',
      subject: {
        label: 'Hearth resolve of a known app_user_id (validation, identity lookup, masking, serialization)',
        run: (c) =>
          runLoad({
            url: `${c.hearthUrl}/api/v1/members/resolve`,
            method: 'POST',
            headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ identities: [{ type: 'app_user_id', value: setup.identity }] }),
          }),
      },
      baselines: [{ label: 'bare Fastify route reading the member by identity (same join)', goal: 0.5, run: (c) => runLoad({ url: `${c.bareUrl}/bare/members/by-identity/${setup.identity}` }) }],
      notes: 'The login path of every POS and mini program. A known identity with nothing new to record is answered by one read, without locks.',
    },
    {
      name: `Event ingest: POST /api/v1/events, batches of ${EVENT_BATCH}`,
      unit: 'events/s',
      subject: {
        label: `Hearth event batches (${INGEST_CLIENTS} connections): validation, attribution, dedupe, outbox event`,
        run: (c) =>
          runLoad({
            url: `${c.hearthUrl}/api/v1/events`,
            method: 'POST',
            connections: INGEST_CLIENTS,
            unitsPerRequest: EVENT_BATCH,
            headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' },
            makeBody: () => eventBatch(setup.memberId),
          }),
      },
      baselines: [
        {
          label: `pgbench: plain multi-row INSERT of the same ${EVENT_BATCH} rows (${INGEST_CLIENTS} clients)`,
          goal: 0.5,
          run: async (c) => runPgbench({ databaseUrl: c.databaseUrl, script: insertScript(setup), clients: INGEST_CLIENTS, rowsPerTransaction: EVENT_BATCH }),
        },
      ],
      notes:
        'Throughput in events per second. The subject receives JSON over HTTP, validates every event, checks the ' +
        'member, inserts with ON CONFLICT for idempotency and records one event.tracked outbox row per batch; the ' +
        'baseline sends the same rows as one INSERT … VALUES straight to PostgreSQL.',
    },
    {
      name: 'Order ingest: POST /api/v1/orders',
      unit: 'orders/s',
      subject: {
        label: `Hearth orders (${ORDER_CLIENTS} connections) of ${setup.memberIds.length} members: validation, catalogue and member checks, order + 2 lines, audit, outbox event, points earned (transaction, postings, lot, trail, account, 2 events)`,
        run: (c) =>
          runLoad({
            url: `${c.hearthUrl}/api/v1/orders`,
            method: 'POST',
            connections: ORDER_CLIENTS,
            headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' },
            makeBody: () => orderBody(anyMember(setup), `bench-${process.pid}-${++sequence}`),
          }),
      },
      baselines: [
        {
          label: `pgbench: the same writes in one transaction (order, 2 lines, audit row, outbox event, account lock, points transaction, 2 postings, lot, trail, account, 2 events; ${ORDER_CLIENTS} clients)`,
          goal: 0.5,
          run: async (c) => runPgbench({ databaseUrl: c.databaseUrl, script: orderScript(setup), clients: ORDER_CLIENTS }),
        },
      ],
      notes:
        'Each request is a new order of two lines for one of the bench members, who earns points on it in the same transaction. ' +
        'The baseline writes the same rows straight to PostgreSQL, without the reads that validate and score them.',
    },
    {
      name: 'Duplicate order cost: the same order sent again',
      unit: 'orders/s',
      subject: {
        label: 'Hearth fresh orders (8 connections)',
        run: (c) =>
          runLoad({ url: `${c.hearthUrl}/api/v1/orders`, method: 'POST', connections: ORDER_CLIENTS, headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' }, makeBody: () => orderBody(anyMember(setup), `bench-${process.pid}-${++sequence}`) }),
      },
      baselines: [
        {
          label: 'Hearth duplicates of one recorded order (8 connections); the ratio is the duplicate’s cost relative to a fresh order',
          goal: 0.5,
          atMost: true,
          run: (c) =>
            runLoad({ url: `${c.hearthUrl}/api/v1/orders`, method: 'POST', connections: ORDER_CLIENTS, headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' }, body: duplicateOrder }),
        },
      ],
      notes: 'A retried order is answered from the stored one (look-up by external id, content hash compared), without validation or writes.',
    },
    {
      name: `Order batches: POST /api/v1/orders/batch, ${ORDER_BATCH} orders`,
      unit: 'orders/s',
      subject: {
        label: `Hearth batches of ${ORDER_BATCH} orders (4 connections), each order reported on its own`,
        run: (c) =>
          runLoad({
            url: `${c.hearthUrl}/api/v1/orders/batch`,
            method: 'POST',
            connections: INGEST_CLIENTS,
            unitsPerRequest: ORDER_BATCH,
            headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' },
            makeBody: () => `{"orders":[${Array.from({ length: ORDER_BATCH }, () => orderBody(anyMember(setup), `bench-${process.pid}-${++sequence}`)).join(',')}]}`,
          }),
      },
      baselines: [
        {
          label: `pgbench: the same writes for ${ORDER_BATCH} orders per transaction, as set-based statements (${INGEST_CLIENTS} clients)`,
          goal: 0.4,
          run: async (c) => runPgbench({ databaseUrl: c.databaseUrl, script: orderBatchScript(setup), clients: INGEST_CLIENTS, rowsPerTransaction: ORDER_BATCH }),
        },
      ],
      notes: 'The POS end-of-day upload and shop back-fills. The baseline writes every row of the batch in a handful of multi-row statements.',
    },
    {
      name: 'Points redemption on hot members: POST /api/v1/points/redemptions',
      unit: 'redemptions/s',
      subject: {
        label: `Hearth cash redemptions, captured at once (${ORDER_CLIENTS} connections) over ${setup.memberIds.length} members: lock, FIFO over lots, trail, postings, account, events`,
        run: (c) =>
          runLoad({
            url: `${c.hearthUrl}/api/v1/points/redemptions`,
            method: 'POST',
            connections: ORDER_CLIENTS,
            headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' },
            makeBody: () => JSON.stringify({ external_id: `bench-r-${process.pid}-${++sequence}`, member_id: anyMember(setup), kind: 'cash', points: 100, order_total_fen: 10_000, capture: true }),
          }),
      },
      baselines: [
        {
          label: `pgbench: a conditional debit of the member's balance (${ORDER_CLIENTS} clients)`,
          goal: 0.4,
          run: async (c) => runPgbench({ databaseUrl: c.databaseUrl, script: debitScript(setup), clients: ORDER_CLIENTS }),
        },
        {
          label: `pgbench: the same writes in one transaction (account lock, soonest-expiring lot debited, redemption row, spend transaction, 2 postings, trail, account, 2 events; ${ORDER_CLIENTS} clients; for information: what the ledger's rows cost without HTTP and the reads that check them)`,
          run: async (c) => runPgbench({ databaseUrl: c.databaseUrl, script: spendScript(setup), clients: ORDER_CLIENTS }),
        },
        {
          label: `bare Fastify route running the same conditional debit (${ORDER_CLIENTS} connections; for information: the HTTP ceiling on this machine)`,
          run: (c) =>
            runLoad({
              url: `${c.bareUrl}/bare/debit`,
              method: 'POST',
              connections: ORDER_CLIENTS,
              headers: { 'content-type': 'application/json' },
              makeBody: () => JSON.stringify({ member_id: anyMember(setup), points: 1 }),
            }),
        },
      ],
      notes:
        'Each member holds enough points for every request of the run; the subject records the full double-entry trail. The issue’s baseline only moves the balance (one statement against the subject’s ' +
        'six round trips: member check, begin, lock-and-read, lots, the write, commit), so its ratio bounds the whole design rather than its overhead; the second pgbench arm writes the same rows as the subject.',
    },
    {
      name: 'Coupon write-off: POST /api/v1/coupons/confirm',
      unit: 'write-offs/s',
      subject: {
        label: `Hearth confirm with the cart (${ORDER_CLIENTS} connections) over ${BENCH_COUPONS} distinct coupons: code check, coupon and template read, quote, conditional update with its event`,
        run: async (c) => {
          const coupons = await benchCoupons(c, setup);
          let next = 0;
          return runLoad({
            url: `${c.hearthUrl}/api/v1/coupons/confirm`,
            method: 'POST',
            connections: ORDER_CLIENTS,
            headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' },
            makeBody: () =>
              JSON.stringify({
                code: coupons.codes[next++ % coupons.codes.length],
                pos_transaction_id: `bench-c-${process.pid}-${++sequence}`,
                store_id: setup.storeId,
                cart: { channel: 'store', store_id: setup.storeId, lines: [{ sku: 'BENCH-LATTE', qty: 2, unit_price_fen: 3200 }] },
              }),
          });
        },
      },
      baselines: [
        {
          label: `pgbench: the same conditional UPDATE of the coupon by code (${ORDER_CLIENTS} clients), coupons taken in turn`,
          goal: 0.4,
          run: async (c) => {
            const coupons = await benchCoupons(c, setup);
            return runPgbench({ databaseUrl: c.databaseUrl, script: couponScript(setup, coupons.templateId), clients: ORDER_CLIENTS });
          },
        },
      ],
      notes:
        `${BENCH_COUPONS} coupons of a cash template (¥5 off ≥ ¥10), issued by two bulk issuances; every arm's run starts with all of them unused again, and both take them in turn, ` +
        'so each write-off succeeds (a subject run that wrapped around would fail loudly with 409s). The subject is the confirm endpoint alone, with the cart: ' +
        'the quote is computed in the request, the write is one conditional UPDATE that also inserts coupon.redeemed. The baseline is that UPDATE alone, ' +
        'after a lookup of the next code (a pgbench run that laps the 10,000 coupons makes no-op updates, which only flatters the baseline).',
    },
  ];
}

function orderBody(memberId: string, externalId: string): string {
  return JSON.stringify({
    external_id: externalId,
    channel: 'store',
    member_id: memberId,
    lines: [
      { sku: 'BENCH-LATTE', qty: 2, unit_price_fen: 3200, discount_fen: 300 },
      { sku: 'BENCH-CROISSANT', qty: 1, unit_price_fen: 1800 },
    ],
    total_paid_fen: 2 * 3200 - 300 + 1800,
    payment_method: 'wechat_pay',
    occurred_at: new Date().toISOString(),
  });
}

/** Fresh single orders over the bench members, as in the order ingest scenario (for the expiry measurement). */
export function orderIngest(c: { hearthUrl: string; apiKey: string }, setup: BenchSetup, durationSeconds: number) {
  return runLoad({ url: `${c.hearthUrl}/api/v1/orders`, method: 'POST', connections: ORDER_CLIENTS, durationSeconds, headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' }, makeBody: () => orderBody(anyMember(setup), `bench-x-${process.pid}-${++sequence}`) });
}

function anyMember(setup: BenchSetup): string {
  return setup.memberIds[Math.floor(Math.random() * setup.memberIds.length)]!;
}

function orderScript(setup: BenchSetup): string {
  return `\\set r random(1, 9000000000000000000)
\\set mn random(1, ${setup.memberIds.length})
select member_id from bench_members where n = :mn \\gset b_
begin;
insert into orders (tenant_id, id, external_id, content_hash, member_id, channel, subtotal_fen, discount_fen, shipping_fen, total_paid_fen, payment_method, occurred_at)
  values ('${setup.tenantId}', gen_random_uuid(), 'pgb-' || :client_id || '-' || :r, 'h', ':b_member_id', 'store', 8200, 300, 0, 7900, 'wechat_pay', now())
  returning id \\gset o_
insert into order_lines (tenant_id, order_id, line_no, sku, qty, unit_price_fen, discount_fen, paid_fen, flags) values
  ('${setup.tenantId}', ':o_id', 1, 'BENCH-LATTE', 2, 3200, 300, 6100, '{}'),
  ('${setup.tenantId}', ':o_id', 2, 'BENCH-CROISSANT', 1, 1800, 0, 1800, '{}');
insert into audit_log (tenant_id, id, actor_type, actor_id, actor_label, action, resource_type, resource_id, details)
  values ('${setup.tenantId}', gen_random_uuid(), 'api_key', 'bench', 'bench', 'order.create', 'order', ':o_id', '{"total_paid_fen":7900}');
insert into domain_events (tenant_id, id, type, payload) values ('${setup.tenantId}', gen_random_uuid(), 'order.created', '{"total_paid_fen":7900}');
insert into points_accounts (tenant_id, member_id) values ('${setup.tenantId}', ':b_member_id')
  on conflict (tenant_id, member_id) do update set updated_at = points_accounts.updated_at returning debt \\gset a_
insert into points_transactions (tenant_id, member_id, id, kind, points, source_key, order_id, business_day, details, actor)
  values ('${setup.tenantId}', ':b_member_id', gen_random_uuid(), 'earn', 79, 'order:' || ':o_id', ':o_id', current_date, '{"explanation":{"points":79}}', 'bench') returning id \\gset t_
insert into points_postings (tenant_id, member_id, txn_id, account, amount) values
  ('${setup.tenantId}', ':b_member_id', ':t_id', 'member', 79), ('${setup.tenantId}', ':b_member_id', ':t_id', 'issued', -79);
insert into points_lots (tenant_id, member_id, id, txn_id, order_id, amount, remaining, earned_at, available_at, expires_at)
  values ('${setup.tenantId}', ':b_member_id', gen_random_uuid(), ':t_id', ':o_id', 79, 79, now(), now(), now() + interval '1 year') returning id \\gset l_
insert into points_lot_moves (tenant_id, member_id, txn_id, lot_id, amount) values ('${setup.tenantId}', ':b_member_id', ':t_id', ':l_id', 79);
update points_accounts set balance = balance + 79, lifetime_earned = lifetime_earned + 79, updated_at = now() where tenant_id = '${setup.tenantId}' and member_id = ':b_member_id';
insert into domain_events (tenant_id, id, type, payload) values
  ('${setup.tenantId}', gen_random_uuid(), 'points.earned', '{"points":79}'), ('${setup.tenantId}', gen_random_uuid(), 'points.balance_changed', '{"points":79}');
commit;
`;
}

/** The order script's rows for a whole batch, each table written once with generate_series. */
function orderBatchScript(setup: BenchSetup): string {
  const t = `'${setup.tenantId}'::uuid`;
  return `\\set r random(1, 9000000000000000000)
begin;
create temp table if not exists b (i int, order_id uuid, member_id uuid, txn_id uuid, lot_id uuid) on commit delete rows;
insert into b select g, gen_random_uuid(), (select member_id from bench_members where n = 1 + ((g * 7919 + :r) % ${setup.memberIds.length})), gen_random_uuid(), gen_random_uuid() from generate_series(1, ${ORDER_BATCH}) g;
insert into orders (tenant_id, id, external_id, content_hash, member_id, channel, subtotal_fen, discount_fen, shipping_fen, total_paid_fen, payment_method, occurred_at)
  select ${t}, order_id, 'pgbb-' || :client_id || '-' || :r || '-' || i, 'h', member_id, 'store', 8200, 300, 0, 7900, 'wechat_pay', now() from b;
insert into order_lines (tenant_id, order_id, line_no, sku, qty, unit_price_fen, discount_fen, paid_fen, flags)
  select ${t}, order_id, 1, 'BENCH-LATTE', 2, 3200, 300, 6100, '{}'::text[] from b union all select ${t}, order_id, 2, 'BENCH-CROISSANT', 1, 1800, 0, 1800, '{}'::text[] from b;
insert into audit_log (tenant_id, id, actor_type, actor_id, actor_label, action, resource_type, resource_id, details)
  select ${t}, gen_random_uuid(), 'api_key', 'bench', 'bench', 'order.create', 'order', order_id::text, '{"total_paid_fen":7900}' from b;
insert into domain_events (tenant_id, id, type, payload) select ${t}, gen_random_uuid(), 'order.created', '{"total_paid_fen":7900}' from b;
select 1 from points_accounts where tenant_id = ${t} and member_id in (select member_id from b) order by member_id for update;
insert into points_transactions (tenant_id, member_id, id, kind, points, source_key, order_id, business_day, details, actor)
  select ${t}, member_id, txn_id, 'earn', 79, 'order:' || order_id, order_id, current_date, '{"explanation":{"points":79}}', 'bench' from b;
insert into points_postings (tenant_id, member_id, txn_id, account, amount)
  select ${t}, member_id, txn_id, 'member', 79 from b union all select ${t}, member_id, txn_id, 'issued', -79 from b;
insert into points_lots (tenant_id, member_id, id, txn_id, order_id, amount, remaining, earned_at, available_at, expires_at)
  select ${t}, member_id, lot_id, txn_id, order_id, 79, 79, now(), now(), now() + interval '1 year' from b;
insert into points_lot_moves (tenant_id, member_id, txn_id, lot_id, amount) select ${t}, member_id, txn_id, lot_id, 79 from b;
update points_accounts a set balance = balance + x.points, lifetime_earned = lifetime_earned + x.points, updated_at = now()
  from (select member_id, 79 * count(*) as points from b group by member_id) x where a.tenant_id = ${t} and a.member_id = x.member_id;
insert into domain_events (tenant_id, id, type, payload)
  select ${t}, gen_random_uuid(), 'points.earned', '{"points":79}'::jsonb from b union all select ${t}, gen_random_uuid(), 'points.balance_changed', '{"points":79}'::jsonb from b;
commit;
`;
}

function debitScript(setup: BenchSetup): string {
  return `\\set mn random(1, ${setup.memberIds.length})
update points_accounts set balance = balance - 100, lifetime_spent = lifetime_spent + 100, updated_at = now()
  where tenant_id = '${setup.tenantId}' and member_id = (select member_id from bench_members where n = :mn) and balance >= 100;
`;
}

/** The rows a captured cash redemption writes, as pgbench SQL (the subject's lot choice: soonest to expire that covers it). */
function spendScript(setup: BenchSetup): string {
  const t = `'${setup.tenantId}'`;
  return `\\set mn random(1, ${setup.memberIds.length})
\\set r random(1, 9000000000000000000)
select member_id from bench_members where n = :mn \\gset b_
begin;
insert into points_accounts (tenant_id, member_id) values (${t}, ':b_member_id')
  on conflict (tenant_id, member_id) do update set updated_at = points_accounts.updated_at returning debt \\gset a_
select id as lot_id, gen_random_uuid() as rid, gen_random_uuid() as tid from points_lots
  where tenant_id = ${t} and member_id = ':b_member_id' and remaining >= 100 and available_at <= now() and (expires_at is null or expires_at > now())
  order by expires_at asc nulls last, earned_at, id limit 1 \\gset s_
update points_lots set remaining = remaining - 100 where tenant_id = ${t} and member_id = ':b_member_id' and id = ':s_lot_id';
insert into points_redemptions (tenant_id, member_id, id, external_id, content_hash, kind, status, points, value_fen, order_total_fen)
  values (${t}, ':b_member_id', ':s_rid', 'pgb-' || :client_id || '-' || :r, 'h', 'cash', 'captured', 100, 100, 10000);
insert into points_transactions (tenant_id, member_id, id, kind, points, redemption_id, details, actor)
  values (${t}, ':b_member_id', ':s_tid', 'spend', -100, ':s_rid', '{"kind":"cash","value_fen":100}', 'bench');
insert into points_postings (tenant_id, member_id, txn_id, account, amount) values (${t}, ':b_member_id', ':s_tid', 'member', -100), (${t}, ':b_member_id', ':s_tid', 'redeemed', 100);
insert into points_lot_moves (tenant_id, member_id, txn_id, lot_id, amount) values (${t}, ':b_member_id', ':s_tid', ':s_lot_id', -100);
update points_accounts set balance = balance - 100, lifetime_spent = lifetime_spent + 100, updated_at = now() where tenant_id = ${t} and member_id = ':b_member_id';
insert into domain_events (tenant_id, id, type, payload) values (${t}, gen_random_uuid(), 'points.spent', '{"points":100}'), (${t}, gen_random_uuid(), 'points.balance_changed', '{"points":-100}');
commit;
`;
}

function eventBatch(memberId: string): string {
  const request = ++sequence;
  const occurredAt = new Date().toISOString();
  const events = Array.from({ length: EVENT_BATCH }, (_, i) => ({
    client_event_id: `bench-${process.pid}-${request}-${i}`,
    type: 'page_view',
    occurred_at: occurredAt,
    member_id: memberId,
    properties: { page: `/products/${i % 40}`, source: 'bench' },
  }));
  return JSON.stringify({ events });
}

function insertScript(setup: BenchSetup): string {
  const rows = Array.from(
    { length: EVENT_BATCH },
    (_, i) => `('${setup.tenantId}', now(), 'pgb-' || :client_id || '-' || :r || '-${i}', 'page_view', '${setup.memberId}', '{"page":"/products/${i % 40}","source":"bench"}')`,
  );
  return `\\set r random(1, 9000000000000000000)
insert into member_events (tenant_id, occurred_at, client_event_id, type, member_id, properties) values
${rows.join(',\n')}
on conflict do nothing;
`;
}

let couponsReady: Promise<{ templateId: string; codes: string[] }> | undefined;

/**
 * Coupons for the write-off scenario, made once per run through the API (a template, bulk issuances of one
 * coupon per bench member until there are 10,000), numbered in a table for pgbench, and made unused again
 * before every arm's run.
 */
async function benchCoupons(c: { hearthUrl: string; apiKey: string; databaseUrl: string }, setup: BenchSetup) {
  couponsReady ??= (async () => {
    const headers = { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' };
    const call = async (method: string, url: string, body?: object) => {
      const response = await fetch(`${c.hearthUrl}${url}`, { method, headers, body: body && JSON.stringify(body) });
      if (response.status >= 300) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string; status: string };
    };
    const template = await call('POST', '/api/v1/coupon-templates', { name: '压测券 满10减5', terms: { kind: 'cash', value_fen: 500, min_spend_fen: 1000, valid_days: 30 } });
    const rounds = Math.ceil(BENCH_COUPONS / setup.memberIds.length);
    for (let round = 0; round < rounds; round++) {
      const ids = setup.memberIds.slice(0, Math.min(setup.memberIds.length, BENCH_COUPONS - round * setup.memberIds.length));
      let issuance = await call('POST', '/api/v1/coupon-issuances', { template_id: template.id, member_ids: ids, issuance_key: `bench-${process.pid}-${round}` });
      while (issuance.status !== 'succeeded') {
        if (issuance.status === 'failed') throw new Error('bench coupon issuance failed');
        await new Promise((resolve) => setTimeout(resolve, 200));
        issuance = await call('GET', `/api/v1/coupon-issuances/${issuance.id}`);
      }
    }
    psql(c.databaseUrl, `create table bench_coupons as select (row_number() over (order by id))::int as n, code from coupons where tenant_id = '${setup.tenantId}' and template_id = '${template.id}';
      create unique index on bench_coupons (n); create sequence bench_coupon_seq;`);
    const codes = psql(c.databaseUrl, 'select code from bench_coupons order by n').trim().split('\n');
    if (codes.length !== BENCH_COUPONS) throw new Error(`expected ${BENCH_COUPONS} bench coupons, found ${codes.length}`);
    return { templateId: template.id, codes };
  })();
  const coupons = await couponsReady;
  psql(c.databaseUrl, `update coupons set status = 'available', redemption_ref = null, redeemed_at = null, store_id = null, order_external_id = null, discount_fen = null
    where tenant_id = '${setup.tenantId}' and template_id = '${coupons.templateId}' and status <> 'available'; select setval('bench_coupon_seq', 1, false);`);
  return coupons;
}

function psql(databaseUrl: string, command: string): string {
  return execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-c', command, databaseUrl], { encoding: 'utf8' });
}

function couponScript(setup: BenchSetup, templateId: string): string {
  return `select code from bench_coupons where n = (select (nextval('bench_coupon_seq') - 1) % ${BENCH_COUPONS} + 1) \\gset c_
update coupons set status = 'redeemed', redemption_ref = 'pgb-' || :client_id, redeemed_at = now(), store_id = '${setup.storeId}', discount_fen = 500, updated_at = now()
  where tenant_id = '${setup.tenantId}' and code = ':c_code' and template_id = '${templateId}' and starts_at <= now() and expires_at > now()
    and (status = 'available' or (status = 'reserved' and reserved_until <= now()));
`;
}
