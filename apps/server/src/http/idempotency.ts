import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from '../deps.ts';
import { AppError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey: string | null;
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const RETENTION_HOURS = 24;
// A key still "running" after this long belongs to a request whose process died; a retry may take it over.
const ABANDONED_AFTER_SECONDS = 120;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Idempotency-Key on every write: the same key with the same request replays the first response
 * (status and body) without running the handler again; with another request it is a 422; while the
 * first is still running it is a 409. Keys are per tenant and kept 24 hours.
 *
 * The response is stored after the handler's transaction commits, so a process that dies in between
 * leaves a "running" key that a retry may take over after ABANDONED_AFTER_SECONDS: handlers that must
 * never repeat also dedupe by their own natural keys (external ids).
 */
export function registerIdempotency(app: FastifyInstance, deps: AppDeps) {
  app.decorateRequest('idempotencyKey', null);

  app.addHook('preHandler', async (request, reply) => {
    const header = request.headers['idempotency-key'];
    if (!WRITE_METHODS.has(request.method) || header === undefined || !request.ctx) return;
    const key = Array.isArray(header) ? header[0]! : header;
    if (!KEY_PATTERN.test(key)) {
      throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 255 printable ASCII characters', {
        errors: [{ field: 'header.idempotency-key', code: 'invalid_string', message: 'invalid idempotency key' }],
      });
    }
    const tenantId = request.ctx.tenantId;
    const requestHash = hashRequest(request);
    if (await claimKey(deps, tenantId, key, requestHash, request)) {
      request.idempotencyKey = key;
      return;
    }
    const existing = await deps.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .select(sql<boolean>`locked_until < now()`.as('abandoned'))
      .where('tenant_id', '=', tenantId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!existing) {
      // Expired and deleted between our insert and select: claim it afresh.
      if (await claimKey(deps, tenantId, key, requestHash, request)) request.idempotencyKey = key;
      else throw inProgress();
      return;
    }
    if (existing.request_hash !== requestHash) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request', {
        errors: [{ field: 'header.idempotency-key', code: 'key_reused', message: 'use a new key for a new request' }],
      });
    }
    if (existing.state === 'completed') return replay(reply, existing);
    if (existing.abandoned && (await takeOver(deps, tenantId, key))) {
      request.idempotencyKey = key;
      return;
    }
    throw inProgress();
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (!key || !request.ctx) return payload;
    const tenantId = request.ctx.tenantId;
    if (reply.statusCode >= 500) {
      // The request failed on our side; let the client retry it with the same key.
      await deps.db.deleteFrom('idempotency_keys').where('tenant_id', '=', tenantId).where('key', '=', key).execute();
      return payload;
    }
    await deps.db
      .updateTable('idempotency_keys')
      .set({
        state: 'completed',
        response_status: reply.statusCode,
        response_body: typeof payload === 'string' ? payload : payload == null ? null : String(payload),
        response_content_type: String(reply.getHeader('content-type') ?? '') || null,
      })
      .where('tenant_id', '=', tenantId)
      .where('key', '=', key)
      .execute();
    return payload;
  });
}

async function claimKey(deps: AppDeps, tenantId: string, key: string, requestHash: string, request: FastifyRequest) {
  await deps.db
    .deleteFrom('idempotency_keys')
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .where('expires_at', '<', sql<Date>`now()`)
    .execute();
  const inserted = await deps.db
    .insertInto('idempotency_keys')
    .values({
      tenant_id: tenantId,
      key,
      request_hash: requestHash,
      method: request.method,
      path: request.url.slice(0, 500),
      state: 'running',
      response_status: null,
      response_body: null,
      response_content_type: null,
      locked_until: sql<Date>`now() + make_interval(secs => ${ABANDONED_AFTER_SECONDS})`,
      expires_at: sql<Date>`now() + make_interval(hours => ${RETENTION_HOURS})`,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return inserted !== undefined;
}

async function takeOver(deps: AppDeps, tenantId: string, key: string) {
  const row = await deps.db
    .updateTable('idempotency_keys')
    .set({ locked_until: sql<Date>`now() + make_interval(secs => ${ABANDONED_AFTER_SECONDS})` })
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .where('state', '=', 'running')
    .where('locked_until', '<', sql<Date>`now()`)
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

function replay(reply: FastifyReply, stored: { response_status: number | null; response_body: string | null; response_content_type: string | null }) {
  reply.status(stored.response_status ?? 200).header('idempotent-replayed', 'true');
  if (stored.response_content_type) reply.type(stored.response_content_type);
  // A string payload goes out as is: the stored body was serialized the first time.
  return reply.send(stored.response_body ?? undefined);
}

const inProgress = () =>
  new AppError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry shortly', {
    headers: { 'retry-after': '1' },
  });

function hashRequest(request: FastifyRequest): string {
  const body = request.body as { pipe?: unknown } | null | undefined;
  // A streamed upload is not read here (it may be a gigabyte): its name and length stand for it.
  const content =
    typeof body?.pipe === 'function'
      ? `stream ${request.headers['content-length'] ?? '?'} ${request.headers['content-disposition'] ?? ''}`
      : stableStringify(request.body ?? null);
  return crypto.createHash('sha256').update(`${request.method} ${request.url}\n`).update(content).digest('base64url');
}

/** JSON with object keys sorted, so the same body with keys in another order is the same request. */
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
