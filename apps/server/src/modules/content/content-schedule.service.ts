import { sql } from 'kysely';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { withTransaction } from '../../db/transaction.ts';
import { emitEvents } from '../../jobs/outbox.ts';

const systemActor: Pick<RequestContext['actor'], 'type' | 'id'> = { type: 'system', id: null };

/**
 * Announces, for every tenant, published items whose publish_at or unpublish_at has passed: content.published
 * / content.unpublished with `scheduled: true`. The guarded update (marker still null) is what makes it once:
 * a concurrent run waits on the row locks, re-checks the marker and skips. Returns how many events it emitted.
 */
export async function announceScheduledContent(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
    const events: { tenantId: string; type: string; payload: Record<string, unknown> }[] = [];
    for (const [type, at, marker] of [
      ['content.published', 'publish_at', 'publish_announced_at'],
      ['content.unpublished', 'unpublish_at', 'unpublish_announced_at'],
    ] as const) {
      const { rows } = await sql<{ tenant_id: string; id: string; kind: string; title: string; audience_segment_id: string | null; publish_at: Date | null; unpublish_at: Date | null }>`
        update content_items set ${sql.ref(marker)} = ${now}
        where status = 'published' and ${sql.ref(marker)} is null and ${sql.ref(at)} <= ${now}
        returning tenant_id, id, kind, title, audience_segment_id, publish_at, unpublish_at`.execute(trx);
      for (const r of rows) {
        events.push({
          tenantId: r.tenant_id,
          type,
          payload: { content_id: r.id, kind: r.kind, title: r.title, audience_segment_id: r.audience_segment_id, publish_at: r.publish_at?.toISOString() ?? null, unpublish_at: r.unpublish_at?.toISOString() ?? null, scheduled: true },
        });
      }
    }
    await emitEvents(trx, deps.jobs, systemActor, events);
    return events.length;
  });
}
