import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import { openSecret } from '../../secret-box.ts';
import { DELIVER_JOB } from './pool.service.ts';

/**
 * Callback benefits: we POST the allocation to the partner and the partner POSTs redemptions back, both
 * signed the same way with the partner's secret (documented for partners in ARCHITECTURE.md):
 *
 *   X-Hearth-Timestamp: <unix seconds>
 *   X-Hearth-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *
 * Each callback carries `Idempotency-Key: <allocation id>`; a partner that sees a key again must answer as
 * the first time, since a timeout makes us retry (with backoff, up to MAX_ATTEMPTS).
 */
export const SIGNATURE_HEADER = 'x-hearth-signature';
export const TIMESTAMP_HEADER = 'x-hearth-timestamp';
const MAX_ATTEMPTS = 8;
const TOLERANCE_SECONDS = 300;

export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A partner's signed request: the timestamp within five minutes of ours and the HMAC over its exact bytes. */
export function verifySignature(secret: string, headers: Record<string, string | string[] | undefined>, body: string, now: Date) {
  const timestamp = String(headers[TIMESTAMP_HEADER] ?? '');
  const given = Buffer.from(String(headers[SIGNATURE_HEADER] ?? ''));
  const expected = Buffer.from(sign(secret, timestamp, body));
  if (!/^\d{9,11}$/.test(timestamp) || Math.abs(now.getTime() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) throw new AppError('INVALID_SIGNATURE', 'Missing or stale timestamp');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw new AppError('INVALID_SIGNATURE', 'Signature does not match');
}

export function partnerSecret(deps: AppDeps, sealed: string | null): string {
  if (!sealed) throw new AppError('PARTNER_CALLBACK_NOT_CONFIGURED', 'The partner has no secret yet');
  return openSecret(deps.config.secretsKey, sealed);
}

export function registerPartnerJobs(registry: JobRegistry) {
  // Not transactional: it waits on the partner's server, which must not hold a database connection (on
  // PGlite the only one). Safe to repeat: the partner dedupes by allocation id and the update is conditional.
  registry.define<{ allocation_id: string }>({
    name: DELIVER_JOB,
    transactional: false,
    maxAttempts: MAX_ATTEMPTS,
    backoffMs: 30_000,
    maxBackoffMs: 3_600_000,
    handler: async ({ db, deps, job, payload }) => deliverCallback(db, deps, job.tenant_id, payload.allocation_id, job.attempts >= job.max_attempts),
  });
}

/** One delivery attempt. A failure is recorded on the allocation and thrown for the job's retry; the last one marks it failed. */
export async function deliverCallback(db: Db, deps: AppDeps, tenantId: string, allocationId: string, lastAttempt: boolean) {
  const a = await db
    .selectFrom('partner_allocations as a')
    .innerJoin('partners as p', (j) => j.onRef('p.tenant_id', '=', 'a.tenant_id').onRef('p.id', '=', 'a.partner_id'))
    .innerJoin('partner_benefits as b', (j) => j.onRef('b.tenant_id', '=', 'a.tenant_id').onRef('b.id', '=', 'a.benefit_id'))
    .innerJoin('members as m', (j) => j.onRef('m.tenant_id', '=', 'a.tenant_id').onRef('m.id', '=', 'a.member_id'))
    .select(['a.id', 'a.member_id', 'a.status', 'a.benefit_id', 'a.period_key', 'a.created_at', 'b.name as benefit_name', 'p.callback_url', 'p.secret_sealed', 'm.member_no'])
    .where('a.tenant_id', '=', tenantId)
    .where('a.id', '=', allocationId)
    .executeTakeFirst();
  if (!a || a.status !== 'pending') return { skipped: true };
  // The member number identifies the member to the partner; no phone, name or other personal data leaves.
  const body = JSON.stringify({ allocation_id: a.id, benefit_id: a.benefit_id, benefit_name: a.benefit_name, member_no: a.member_no, period_key: a.period_key, allocated_at: a.created_at.toISOString() });
  const timestamp = String(Math.floor(deps.clock.now().getTime() / 1000));
  let failure: string;
  try {
    if (!a.callback_url) throw new Error('the partner has no callback URL');
    const response = await fetch(a.callback_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': a.id, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: sign(partnerSecret(deps, a.secret_sealed), timestamp, body) },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (response.ok) {
      const answer = safeJson(text);
      const ref = typeof answer.reference === 'string' ? answer.reference : typeof answer.code === 'string' ? answer.code : null;
      await db
        .updateTable('partner_allocations')
        .set({ status: 'delivered', external_ref: ref?.slice(0, 500) ?? null, delivered_at: sql`now()`, callback_attempts: sql`callback_attempts + 1`, callback_error: null })
        .where('tenant_id', '=', tenantId)
        .where('member_id', '=', a.member_id)
        .where('id', '=', a.id)
        .where('status', '=', 'pending')
        .execute();
      return { delivered: true };
    }
    failure = `HTTP ${response.status}: ${text.slice(0, 200)}`;
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  await db
    .updateTable('partner_allocations')
    .set({ callback_attempts: sql`callback_attempts + 1`, callback_error: failure.slice(0, 500), ...(lastAttempt ? { status: 'failed' as const } : {}) })
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', a.member_id)
    .where('id', '=', a.id)
    .where('status', '=', 'pending')
    .execute();
  throw new Error(`partner callback failed: ${failure}`);
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
