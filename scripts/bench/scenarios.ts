import { runLoad, runPgbench } from './load.ts';
import type { Scenario } from './scenario.ts';

export interface BenchSetup {
  tenantId: string;
  storeId: string;
  memberId: string;
  /** An app_user_id identity of that member. */
  identity: string;
}

const EVENT_BATCH = 500;
const ORDER_CLIENTS = 8;
const INGEST_CLIENTS = 4;
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
        label: `Hearth orders (${ORDER_CLIENTS} connections): validation, catalogue and member checks, order + 2 lines, audit, outbox event`,
        run: (c) =>
          runLoad({
            url: `${c.hearthUrl}/api/v1/orders`,
            method: 'POST',
            connections: ORDER_CLIENTS,
            headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' },
            makeBody: () => orderBody(setup.memberId, `bench-${process.pid}-${++sequence}`),
          }),
      },
      baselines: [
        {
          label: `pgbench: the same writes in one transaction (order, 2 lines, audit row, outbox event; ${ORDER_CLIENTS} clients)`,
          goal: 0.5,
          run: async (c) => runPgbench({ databaseUrl: c.databaseUrl, script: orderScript(setup), clients: ORDER_CLIENTS }),
        },
      ],
      notes: 'Each request is a new order of two lines for a known member. The baseline writes the same rows straight to PostgreSQL, without the reads that validate them.',
    },
    {
      name: 'Duplicate order cost: the same order sent again',
      unit: 'orders/s',
      subject: {
        label: 'Hearth fresh orders (8 connections)',
        run: (c) =>
          runLoad({ url: `${c.hearthUrl}/api/v1/orders`, method: 'POST', connections: ORDER_CLIENTS, headers: { authorization: `Bearer ${c.apiKey}`, 'content-type': 'application/json' }, makeBody: () => orderBody(setup.memberId, `bench-${process.pid}-${++sequence}`) }),
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

function orderScript(setup: BenchSetup): string {
  return `\\set r random(1, 9000000000000000000)
begin;
insert into orders (tenant_id, id, external_id, content_hash, member_id, channel, subtotal_fen, discount_fen, shipping_fen, total_paid_fen, payment_method, occurred_at)
  values ('${setup.tenantId}', gen_random_uuid(), 'pgb-' || :client_id || '-' || :r, 'h', '${setup.memberId}', 'store', 8200, 300, 0, 7900, 'wechat_pay', now())
  returning id \\gset o_
insert into order_lines (tenant_id, order_id, line_no, sku, qty, unit_price_fen, discount_fen, paid_fen, flags) values
  ('${setup.tenantId}', ':o_id', 1, 'BENCH-LATTE', 2, 3200, 300, 6100, '{}'),
  ('${setup.tenantId}', ':o_id', 2, 'BENCH-CROISSANT', 1, 1800, 0, 1800, '{}');
insert into audit_log (tenant_id, id, actor_type, actor_id, actor_label, action, resource_type, resource_id, details)
  values ('${setup.tenantId}', gen_random_uuid(), 'api_key', 'bench', 'bench', 'order.create', 'order', ':o_id', '{"total_paid_fen":7900}');
insert into domain_events (tenant_id, id, type, payload) values ('${setup.tenantId}', gen_random_uuid(), 'order.created', '{"total_paid_fen":7900}');
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
