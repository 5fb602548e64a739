import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { JourneyNode, PropertyFilter } from '@hearth/contracts/journeys';
import type { RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { issueCoupon } from '../coupons/issuance.service.ts';
import { createTasks } from '../guides/tasks.service.ts';
import { tagMembers } from '../members/tags.service.ts';
import { updateMember } from '../members/members.service.ts';
import { adjustPoints } from '../points/points.service.ts';
import { membersMatchingRule } from '../segments/match.service.ts';
import { journeyActor, type EntryRun } from './engine.ts';
import { deliver } from './send.ts';

export interface StepResult {
  /** What happened: done, queued, delayed, suppressed, skipped, failed, or the branch for decisions. */
  outcome: string;
  branch: string;
  detail: Record<string, unknown>;
}

/**
 * Runs one step's effect through the owning module's service, in the engine's transaction. An effect the
 * other module refuses (out of stock, unknown tag …) is rolled back to a savepoint and recorded as failed; the
 * member goes on along the step's next branch, as one refused coupon should not strand the journey.
 */
export async function executeStep(run: EntryRun, node: JourneyNode, visit: number): Promise<StepResult> {
  const { entry } = run;
  switch (node.type) {
    case 'trigger':
    case 'exit':
      return { outcome: 'done', branch: 'next', detail: {} };
    case 'condition': {
      const matched = await membersMatchingRule({ ...run.deps, db: run.trx }, entry.tenant_id, [entry.member_id], node.config.rule);
      const branch = matched.has(entry.member_id) ? 'yes' : 'no';
      return { outcome: branch, branch, detail: {} };
    }
    case 'split': {
      const arm = pickArm(node.config.arms, run.journey.id, entry.member_id, node.id);
      return { outcome: arm.id, branch: arm.id, detail: { holdout: arm.holdout } };
    }
    case 'wait':
      throw new Error('waits are resolved by the engine');
    default:
      return effect(run, node, visit);
  }
}

async function effect(run: EntryRun, node: JourneyNode, visit: number): Promise<StepResult> {
  const { entry, trx } = run;
  const deps = { ...run.deps, db: trx };
  const ctx: RequestContext = { tenantId: entry.tenant_id, actor: journeyActor(`journey:${run.journey.name}`), requestId: null, ip: null };
  // The key the spec of each step's exactly-once promise is built on; later visits of a loop add theirs.
  const key = `${run.versionId}:${entry.member_id}:${entry.id}:${node.id}${visit > 1 ? `:${visit}` : ''}`;
  await sql`savepoint journey_step`.execute(trx);
  try {
    const result = await (async (): Promise<StepResult> => {
      switch (node.type) {
        case 'send':
        case 'webhook':
          return deliver(deps, ctx, run, node, key);
        case 'coupon': {
          const issued = await issueCoupon(deps, ctx, { template_id: node.config.template_id, member_id: entry.member_id, quantity: node.config.quantity, issuance_key: `journey:${key}` });
          return { outcome: 'done', branch: 'next', detail: { coupon_ids: issued.coupons.map((c) => c.id) } };
        }
        case 'points': {
          const adjusted = await adjustPoints(deps, ctx, entry.member_id, { points: node.config.points, reason: node.config.reason, external_id: `journey:${key}` });
          return { outcome: 'done', branch: 'next', detail: { transaction_id: adjusted.transaction_id, points: adjusted.points } };
        }
        case 'tag': {
          const tagged = await tagMembers(deps, ctx, { tag_id: node.config.tag_id, action: node.config.action, member_ids: [entry.member_id] });
          return { outcome: 'done', branch: 'next', detail: { changed: tagged.changed } };
        }
        case 'update_field': {
          const [head, custom] = node.config.field.split('.') as [string, string | undefined];
          await updateMember(deps, ctx, entry.member_id, custom ? { custom_fields: { [custom]: node.config.value } } : { [head]: node.config.value });
          return { outcome: 'done', branch: 'next', detail: { field: node.config.field } };
        }
        case 'guide_task': {
          const made = await createTasks(deps, ctx, [{ memberId: entry.member_id, kind: 'journey', sourceKey: `journey:${key}`, titleTemplate: node.config.title, dueInDays: node.config.due_in_days }]);
          if (made.withoutGuide) return { outcome: 'skipped', branch: 'next', detail: { reason: 'no_guide' } };
          return { outcome: 'done', branch: 'next', detail: made.created[0] ? { task_id: made.created[0].id, guide_id: made.created[0].guideId } : { already_created: true } };
        }
        default:
          throw new Error(`no effect for ${node.type}`);
      }
    })();
    await sql`release savepoint journey_step`.execute(trx);
    return result;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await sql`rollback to savepoint journey_step`.execute(trx);
    await sql`release savepoint journey_step`.execute(trx);
    return { outcome: 'failed', branch: 'next', detail: { code: error.code, message: error.message, errors: error.details.errors ?? [] } };
  }
}

/**
 * The arm of a split for a member: a hash of journey, member and step, so the same member always lands in
 * the same arm of the same split (a dry run shows the arm they will get), and arms fill by their weights.
 */
export function pickArm<A extends { id: string; weight: number; holdout: boolean }>(arms: readonly A[], journeyId: string, memberId: string, stepId: string): A {
  const total = arms.reduce((s, a) => s + a.weight, 0);
  const point = createHash('sha256').update(`${journeyId}:${memberId}:${stepId}`).digest().readUInt32BE(0) % total;
  let acc = 0;
  for (const arm of arms) {
    acc += arm.weight;
    if (point < acc) return arm;
  }
  return arms[arms.length - 1]!;
}

/** When a wait ends: after a duration, at the next given time of day in a zone, or at an event's timeout. */
export function waitEnd(node: Extract<JourneyNode, { type: 'wait' }>, now: Date, tenantZone: string): { until: Date; event?: string; filters?: PropertyFilter[] } {
  const config = node.config;
  switch (config.mode) {
    case 'duration':
      return { until: new Date(now.getTime() + config.minutes * 60_000) };
    case 'event':
      return { until: new Date(now.getTime() + config.timeout_minutes * 60_000), event: config.event_type, filters: config.filters };
    case 'time_of_day': {
      const [hour, minute] = config.time.split(':').map(Number) as [number, number];
      const local = DateTime.fromJSDate(now, { zone: config.time_zone ?? tenantZone });
      let at = local.startOf('day').plus({ days: config.days_later }).set({ hour, minute });
      if (at <= local) at = at.plus({ days: 1 });
      return { until: at.toJSDate() };
    }
  }
}

/** Whether an event's payload passes a trigger's, wait's or goal's property filters. */
export function matchesFilters(payload: Record<string, unknown>, filters: readonly PropertyFilter[]): boolean {
  return filters.every((f) => {
    const actual = payload[f.property];
    switch (f.op) {
      case 'eq':
        return actual === f.value;
      case 'neq':
        return actual !== f.value;
      case 'in':
        return Array.isArray(f.value) && (f.value as unknown[]).includes(actual);
      default: {
        if (typeof actual !== 'number' || typeof f.value !== 'number') return false;
        return f.op === 'gt' ? actual > f.value : f.op === 'gte' ? actual >= f.value : f.op === 'lt' ? actual < f.value : actual <= f.value;
      }
    }
  });
}
