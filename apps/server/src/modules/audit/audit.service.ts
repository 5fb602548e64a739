import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';

export interface AuditEntry {
  /** `<resource>.<verb>`, e.g. `store.create`, `api_key.revoke`. */
  action: string;
  resourceType?: string;
  resourceId?: string;
  details?: Record<string, unknown>;
}

/**
 * Writes the audit row for a change. Call it with the transaction of the change itself, so a write and
 * its audit row exist together or not at all.
 */
export async function recordAudit(trx: Db, ctx: RequestContext, entry: AuditEntry): Promise<void> {
  await trx.insertInto('audit_log').values(auditRow(ctx, entry)).execute();
}

/** The audit row of a change, for a caller that writes it in the same statement as the change. */
export function auditRow(ctx: RequestContext, entry: AuditEntry) {
  return {
    tenant_id: ctx.tenantId,
    id: uuidv7(),
    actor_type: ctx.actor.type,
    actor_id: ctx.actor.id,
    actor_label: ctx.actor.label,
    action: entry.action,
    resource_type: entry.resourceType ?? null,
    resource_id: entry.resourceId ?? null,
    request_id: ctx.requestId,
    ip: ctx.ip,
    details: JSON.stringify(entry.details ?? {}),
  };
}

export interface AuditQuery {
  limit: number;
  cursor?: string;
  resource_type?: string;
  resource_id?: string;
  action?: string;
}

/** Newest first. */
export async function listAudit(deps: AppDeps, ctx: RequestContext, query: AuditQuery) {
  const after = decodeCursor(query.cursor);
  let q = deps.db
    .selectFrom('audit_log')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .orderBy('id', 'desc')
    .limit(query.limit + 1);
  if (after) q = q.where('id', '<', after);
  if (query.resource_type) q = q.where('resource_type', '=', query.resource_type);
  if (query.resource_id) q = q.where('resource_id', '=', query.resource_id);
  if (query.action) q = q.where('action', '=', query.action);
  const rows = await q.execute();
  const page = toPage(rows, query.limit);
  return {
    next_cursor: page.next_cursor,
    data: page.data.map(({ tenant_id: _tenant, occurred_at, ...row }) => ({ ...row, occurred_at: occurred_at.toISOString() })),
  };
}
