import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Journey, JourneyGraph } from '@hearth/contracts/journeys';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError, type FieldError } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { getSegment } from '../segments/segments.service.ts';
import { graphProblems, triggerKey, triggerOf } from './graph.ts';
import { scheduleRun } from './engine.ts';
import type { JourneyRow, VersionRow } from './journeys.tables.ts';

export async function createJourney(deps: AppDeps, ctx: RequestContext, input: { name: string; description?: string | null; graph: JourneyGraph }, ritual: string | null = null): Promise<Journey> {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('journeys')
      .values({ tenant_id: ctx.tenantId, id: uuidv7(), name: input.name, description: input.description ?? null, draft: JSON.stringify(input.graph), current_version_id: null, trigger_key: null, ritual })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'journey.create', resourceType: 'journey', resourceId: row.id, details: { name: row.name, ritual } });
    return serializeJourney(row, null);
  });
}

export async function updateJourney(deps: AppDeps, ctx: RequestContext, id: string, input: { name?: string; description?: string | null; graph?: JourneyGraph }): Promise<Journey> {
  return withTransaction(deps.db, async (trx) => {
    await getJourneyRow(trx, ctx.tenantId, id, true);
    const row = await trx
      .updateTable('journeys')
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.graph !== undefined && { draft: JSON.stringify(input.graph) }),
        updated_at: sql`now()`,
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'journey.update', resourceType: 'journey', resourceId: id, details: { graph: input.graph !== undefined } });
    return serializeJourney(row, await versionOf(trx, row));
  });
}

export async function getJourney(deps: AppDeps, ctx: RequestContext, id: string): Promise<Journey> {
  const row = await getJourneyRow(deps.db, ctx.tenantId, id);
  return serializeJourney(row, await versionOf(deps.db, row));
}

export async function listJourneys(deps: AppDeps, ctx: RequestContext, query: { limit: number; cursor?: string; status?: Journey['status'] }) {
  const after = decodeCursor(query.cursor);
  const rows = await deps.db
    .selectFrom('journeys')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .$if(query.status !== undefined, (q) => q.where('status', '=', query.status!))
    .$if(after !== undefined, (q) => q.where('id', '<', after!))
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const versionIds = rows.flatMap((r) => (r.current_version_id ? [r.current_version_id] : []));
  const versions = versionIds.length ? await deps.db.selectFrom('journey_versions').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', 'in', versionIds).execute() : [];
  const page = toPage(rows, query.limit);
  return { ...page, data: page.data.map((r) => serializeJourney(r, versions.find((v) => v.id === r.current_version_id) ?? null)) };
}

/**
 * Freezes the draft as the next version and makes it the one new members enter. Members already in the
 * journey finish on the version they entered (their entries name it).
 */
export async function publishJourney(deps: AppDeps, ctx: RequestContext, id: string): Promise<Journey> {
  return withTransaction(deps.db, async (trx) => {
    const journey = await getJourneyRow(trx, ctx.tenantId, id, true);
    const graph = journey.draft;
    const problems = graphProblems(graph);
    if (!problems.length) problems.push(...(await referenceProblems({ ...deps, db: trx }, ctx, graph)));
    if (problems.length) throw validationError(problems);
    const last = await trx.selectFrom('journey_versions').select(sql<number>`coalesce(max(version), 0)`.as('n')).where('tenant_id', '=', ctx.tenantId).where('journey_id', '=', id).executeTakeFirstOrThrow();
    const version = await trx
      .insertInto('journey_versions')
      .values({ tenant_id: ctx.tenantId, id: uuidv7(), journey_id: id, version: last.n + 1, graph: JSON.stringify(graph) })
      .returningAll()
      .executeTakeFirstOrThrow();
    const row = await trx
      .updateTable('journeys')
      .set({ current_version_id: version.id, trigger_key: triggerKey(triggerOf(graph)), status: journey.status === 'paused' ? 'paused' : 'active', updated_at: sql`now()` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'journey.publish', resourceType: 'journey', resourceId: id, details: { version: version.version } });
    return serializeJourney(row, version);
  });
}

/**
 * Pause: nobody new enters, and members whose next step comes due are held where they are. Resume: the held
 * members go on from there. Stop: nobody enters any more and every member still in the journey leaves it.
 */
export async function setJourneyStatus(deps: AppDeps, ctx: RequestContext, id: string, action: 'pause' | 'resume' | 'stop'): Promise<Journey> {
  return withTransaction(deps.db, async (trx) => {
    const journey = await getJourneyRow(trx, ctx.tenantId, id, true);
    const allowed = { pause: ['active'], resume: ['paused'], stop: ['active', 'paused'] }[action];
    if (!allowed.includes(journey.status)) {
      throw new AppError('CONFLICT', `A ${journey.status} journey cannot ${action}`, { errors: [{ field: 'status', code: 'invalid_transition', message: `${journey.status} → ${action}` }] });
    }
    const status = { pause: 'paused', resume: 'active', stop: 'stopped' }[action] as JourneyRow['status'];
    const now = deps.clock.now();
    if (action === 'resume') {
      const released = await sql<{ version_id: string }>`
        update journey_entries set status = 'ready', due_at = ${now}
        where tenant_id = ${ctx.tenantId} and journey_id = ${id} and status = 'held'
        returning version_id`.execute(trx);
      for (const versionId of new Set(released.rows.map((r) => r.version_id))) await scheduleRun(trx, deps, ctx.tenantId, versionId, now, `resume:${uuidv7()}`);
    }
    if (action === 'stop') {
      await sql`update journey_entries set status = 'exited', exit_reason = 'stopped', finished_at = ${now}, due_at = null
        where tenant_id = ${ctx.tenantId} and journey_id = ${id} and status in ('ready', 'waiting', 'held')`.execute(trx);
    }
    const row = await trx.updateTable('journeys').set({ status, updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: `journey.${action}`, resourceType: 'journey', resourceId: id, details: {} });
    return serializeJourney(row, await versionOf(trx, row));
  });
}

export async function listVersions(deps: AppDeps, ctx: RequestContext, id: string) {
  await getJourneyRow(deps.db, ctx.tenantId, id);
  const rows = await deps.db
    .selectFrom('journey_versions as v')
    .selectAll('v')
    .select((eb) => eb.selectFrom('journey_entries as e').select(sql<number>`count(*)::int`.as('n')).whereRef('e.tenant_id', '=', 'v.tenant_id').whereRef('e.version_id', '=', 'v.id').as('entries'))
    .where('v.tenant_id', '=', ctx.tenantId)
    .where('v.journey_id', '=', id)
    .orderBy('v.version', 'desc')
    .execute();
  return { data: rows.map((v) => ({ id: v.id, version: v.version, graph: v.graph, published_at: v.published_at.toISOString(), entries: v.entries ?? 0 })) };
}

export async function getJourneyRow(db: Db, tenantId: string, id: string, lock = false): Promise<JourneyRow> {
  const row = await db
    .selectFrom('journeys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw notFound('Journey');
  return row;
}

async function versionOf(db: Db, row: JourneyRow): Promise<VersionRow | null> {
  if (!row.current_version_id) return null;
  return (await db.selectFrom('journey_versions').selectAll().where('tenant_id', '=', row.tenant_id).where('id', '=', row.current_version_id).executeTakeFirst()) ?? null;
}

/** Segments a trigger names must be the tenant's own. */
async function referenceProblems(deps: AppDeps, ctx: RequestContext, graph: JourneyGraph): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  for (const [i, node] of graph.nodes.entries()) {
    if (node.type !== 'trigger' || (node.config.kind !== 'segment_entered' && node.config.kind !== 'segment_exited')) continue;
    try {
      await getSegment(deps, ctx, node.config.segment_id);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'NOT_FOUND') throw error;
      problems.push({ field: `graph.nodes.${i}.config.segment_id`, code: 'unknown_segment', message: 'no such segment' });
    }
  }
  return problems;
}

export function serializeJourney(row: JourneyRow, version: VersionRow | null): Journey {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    ritual: row.ritual,
    graph: row.draft,
    problems: graphProblems(row.draft),
    current_version: version ? { id: version.id, version: version.version, published_at: version.published_at.toISOString() } : null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
