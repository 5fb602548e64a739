import { sql } from 'kysely';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { getJourneyRow } from './journeys.service.ts';

/**
 * Per step of a version: members who reached it (ran it, stand at it, or left the journey there), completed it, were sent a message,
 * were suppressed by caps or consent, failed, and converted with it as the last message; per split arm the
 * conversion rate, and the uplift of the treated arms over the holdout. Counts come from the step runs: the
 * messaging delivery log knows what happened after a message was queued.
 */
export async function journeyStats(deps: AppDeps, ctx: RequestContext, journeyId: string, versionId?: string) {
  const journey = await getJourneyRow(deps.db, ctx.tenantId, journeyId);
  const id = versionId ?? journey.current_version_id;
  if (!id) return { version_id: null, entries: 0, in_flight: 0, completed: 0, converted: 0, steps: [], arms: [], uplift_bp: null };
  const version = await deps.db.selectFrom('journey_versions').select(['id', 'graph']).where('tenant_id', '=', ctx.tenantId).where('journey_id', '=', journeyId).where('id', '=', id).executeTakeFirst();
  if (!version) throw notFound('Journey version');
  const t = ctx.tenantId;
  const [totals, runs, standing, conversions, arms, deliveries] = await Promise.all([
    sql<{ entries: number; in_flight: number; completed: number; converted: number }>`
      select count(*)::int as entries, (count(*) filter (where status in ('ready', 'waiting', 'held')))::int as in_flight,
        (count(*) filter (where status in ('completed', 'exited')))::int as completed, (count(*) filter (where converted_at is not null))::int as converted
      from journey_entries where tenant_id = ${t} and journey_id = ${journeyId} and version_id = ${id}`.execute(deps.db),
    sql<{ step_id: string; runs: number; completed: number; sent: number; suppressed: number; failed: number }>`
      select step_id, count(*)::int as runs, (count(*) filter (where outcome not in ('failed', 'running')))::int as completed,
        (count(*) filter (where outcome in ('queued', 'delayed', 'sent')))::int as sent, (count(*) filter (where outcome = 'suppressed'))::int as suppressed,
        (count(*) filter (where outcome = 'failed'))::int as failed
      from journey_step_runs where tenant_id = ${t} and version_id = ${id} group by step_id`.execute(deps.db),
    // Members who reached a step but have no run of it: waiting there, or gone from there (goal reached, stopped).
    sql<{ step_id: string; n: number }>`
      select e.current_step as step_id, count(*)::int as n from journey_entries e
      where e.tenant_id = ${t} and e.journey_id = ${journeyId} and e.version_id = ${id} and e.current_step is not null
        and not exists (select 1 from journey_step_runs r where r.tenant_id = e.tenant_id and r.member_id = e.member_id and r.entry_id = e.id
          and r.version_id = e.version_id and r.step_id = e.current_step and r.visit = e.visit)
      group by e.current_step`.execute(deps.db),
    sql<{ step_id: string; n: number }>`
      select converted_step as step_id, count(*)::int as n from journey_entries
      where tenant_id = ${t} and journey_id = ${journeyId} and version_id = ${id} and converted_step is not null group by converted_step`.execute(deps.db),
    sql<{ step_id: string; arm: string; entries: number; converted: number }>`
      select r.step_id, r.branch as arm, count(*)::int as entries, (count(*) filter (where e.converted_at is not null))::int as converted
      from journey_step_runs r join journey_entries e on e.tenant_id = r.tenant_id and e.member_id = r.member_id and e.id = r.entry_id
      where r.tenant_id = ${t} and r.version_id = ${id} and r.step_type = 'split' group by r.step_id, r.branch`.execute(deps.db),
    // What became of the messages the send steps handed to messaging, from the delivery log (provider callbacks
    // and click tracking keep it current): gone out, delivered, clicked, or failed or bounced on the way.
    sql<{ step_id: string; went_out: number; delivered: number; clicked: number; undelivered: number }>`
      select r.step_id, (count(*) filter (where d.sent_at is not null))::int as went_out,
        (count(*) filter (where d.delivered_at is not null or d.status in ('delivered', 'clicked')))::int as delivered,
        (count(*) filter (where d.clicked_at is not null))::int as clicked, (count(*) filter (where d.status in ('failed', 'bounced')))::int as undelivered
      from journey_step_runs r
      join message_deliveries d on d.tenant_id = r.tenant_id and d.member_id = r.member_id and d.id = (r.detail ->> 'delivery_id')::uuid
      where r.tenant_id = ${t} and r.version_id = ${id} and r.step_type in ('send', 'webhook') and r.detail ? 'delivery_id'
      group by r.step_id`.execute(deps.db),
  ]);
  const by = <R extends { step_id: string }>(rows: R[]) => new Map(rows.map((r) => [r.step_id, r]));
  const runsBy = by(runs.rows);
  const standingBy = by(standing.rows);
  const convBy = by(conversions.rows);
  const deliveredBy = by(deliveries.rows);
  const steps = version.graph.nodes.map((node) => {
    const r = runsBy.get(node.id);
    return {
      step_id: node.id,
      type: node.type,
      entered: (r?.runs ?? 0) + (standingBy.get(node.id)?.n ?? 0),
      completed: r?.completed ?? 0,
      sent: r?.sent ?? 0,
      suppressed: r?.suppressed ?? 0,
      failed: r?.failed ?? 0,
      went_out: deliveredBy.get(node.id)?.went_out ?? 0,
      delivered: deliveredBy.get(node.id)?.delivered ?? 0,
      clicked: deliveredBy.get(node.id)?.clicked ?? 0,
      undelivered: deliveredBy.get(node.id)?.undelivered ?? 0,
      converted: convBy.get(node.id)?.n ?? 0,
    };
  });
  const armRows = version.graph.nodes.flatMap((node) =>
    node.type !== 'split'
      ? []
      : node.config.arms.map((arm) => {
          const row = arms.rows.find((a) => a.step_id === node.id && a.arm === arm.id);
          const entries = row?.entries ?? 0;
          const converted = row?.converted ?? 0;
          return { split_id: node.id, arm: arm.id, holdout: arm.holdout, entries, converted, conversion_bp: entries ? Math.round((converted * 10_000) / entries) : 0 };
        }),
  );
  return { version_id: id, ...totals.rows[0]!, steps, arms: armRows, uplift_bp: uplift(armRows) };
}

/** Treated minus holdout conversion rate, in basis points, at the first split that has a holdout with members. */
function uplift(arms: { split_id: string; holdout: boolean; entries: number; converted: number }[]): number | null {
  for (const splitId of new Set(arms.map((a) => a.split_id))) {
    const own = arms.filter((a) => a.split_id === splitId);
    const holdout = own.find((a) => a.holdout);
    const treated = own.filter((a) => !a.holdout);
    const treatedEntries = treated.reduce((s, a) => s + a.entries, 0);
    if (!holdout || !holdout.entries || !treatedEntries) continue;
    const treatedRate = treated.reduce((s, a) => s + a.converted, 0) / treatedEntries;
    return Math.round((treatedRate - holdout.converted / holdout.entries) * 10_000);
  }
  return null;
}
