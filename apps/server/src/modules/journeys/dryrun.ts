import { sql } from 'kysely';
import type { JourneyGraph, JourneyNode } from '@hearth/contracts/journeys';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { membersMatchingRule } from '../segments/match.service.ts';
import { startStep } from './entry.service.ts';
import { graphProblems, nextStep, nodeById } from './graph.ts';
import { getJourneyRow } from './journeys.service.ts';
import { pickArm, waitEnd } from './steps.ts';

const MAX_DRY_STEPS = 100;

/**
 * The path one member would take through the journey if they entered now, without doing anything: the entry
 * rule is checked against their past entries, conditions are evaluated against their data now, splits give
 * the arm they will get (the hash is deterministic), and waits move a simulated clock. A wait for an event
 * follows its timeout branch (the event cannot be foreseen).
 */
export async function dryRun(deps: AppDeps, ctx: RequestContext, journeyId: string, input: { member_id: string; source: 'draft' | 'published' }) {
  const journey = await getJourneyRow(deps.db, ctx.tenantId, journeyId);
  const member = await deps.db.selectFrom('members').select(['id', 'status']).where('tenant_id', '=', ctx.tenantId).where('id', '=', input.member_id).executeTakeFirst();
  if (!member) throw notFound('Member');
  let graph: JourneyGraph = journey.draft;
  if (input.source === 'published') {
    if (!journey.current_version_id) throw new AppError('CONFLICT', 'The journey has no published version yet', { errors: [{ field: 'source', code: 'not_published', message: 'use source=draft' }] });
    graph = (await deps.db.selectFrom('journey_versions').select('graph').where('tenant_id', '=', ctx.tenantId).where('id', '=', journey.current_version_id).executeTakeFirstOrThrow()).graph;
  }
  const problems = graphProblems(graph);
  if (problems.length) throw validationError(problems);
  const refusal = member.status !== 'active' ? `member is ${member.status}` : await entryRefusal(deps, ctx.tenantId, journeyId, input.member_id, graph);
  const tenant = await deps.db.selectFrom('tenants').select('time_zone').where('id', '=', ctx.tenantId).executeTakeFirstOrThrow();
  const path: { step_id: string; type: string; label: string | null; outcome: string; detail: string; at: string }[] = [];
  let at = deps.clock.now();
  let stepId = startStep(graph);
  let ends: 'exit' | 'holdout' | 'step_limit' = 'exit';
  while (stepId) {
    if (path.length >= MAX_DRY_STEPS) {
      ends = 'step_limit';
      break;
    }
    const node = nodeById(graph, stepId);
    if (!node) break;
    const { outcome, branch, detail, until } = await simulate(deps, ctx.tenantId, journeyId, input.member_id, node, at, tenant.time_zone);
    path.push({ step_id: node.id, type: node.type, label: node.label ?? null, outcome, detail, at: at.toISOString() });
    if (until) at = until;
    if (node.type === 'exit') break;
    if (node.type === 'split' && node.config.arms.find((a) => a.id === branch)?.holdout) {
      ends = 'holdout';
      break;
    }
    stepId = nextStep(graph, node.id, branch) ?? null;
  }
  return { member_id: input.member_id, would_enter: refusal === null, entry_refusal: refusal, path, ends };
}

async function simulate(deps: AppDeps, tenantId: string, journeyId: string, memberId: string, node: JourneyNode, at: Date, zone: string): Promise<{ outcome: string; branch: string; detail: string; until?: Date }> {
  switch (node.type) {
    case 'wait': {
      const end = waitEnd(node, at, zone);
      const branch = node.config.mode === 'event' ? 'timeout' : 'next';
      const detail = node.config.mode === 'event' ? `waits for ${node.config.event_type} until ${end.until.toISOString()}; shown: no event came` : `waits until ${end.until.toISOString()}`;
      return { outcome: branch, branch, detail, until: end.until };
    }
    case 'condition': {
      const yes = (await membersMatchingRule(deps, tenantId, [memberId], node.config.rule)).has(memberId);
      return { outcome: yes ? 'yes' : 'no', branch: yes ? 'yes' : 'no', detail: yes ? 'matches the condition now' : 'does not match the condition now' };
    }
    case 'split': {
      const arm = pickArm(node.config.arms, journeyId, memberId, node.id);
      return { outcome: arm.id, branch: arm.id, detail: arm.holdout ? 'holdout: receives nothing, counted for uplift' : `arm ${arm.id}` };
    }
    case 'send':
      return { outcome: 'would_send', branch: 'next', detail: `${node.config.channel} message, template ${node.config.template_id} (${node.config.category})` };
    case 'webhook':
      return { outcome: 'would_send', branch: 'next', detail: `webhook, template ${node.config.template_id}` };
    case 'coupon':
      return { outcome: 'would_issue', branch: 'next', detail: `${node.config.quantity} coupon(s) of template ${node.config.template_id}` };
    case 'points':
      return { outcome: 'would_grant', branch: 'next', detail: `${node.config.points} points: ${node.config.reason}` };
    case 'tag':
      return { outcome: `would_${node.config.action}`, branch: 'next', detail: `tag ${node.config.tag_id}` };
    case 'update_field':
      return { outcome: 'would_update', branch: 'next', detail: `${node.config.field} = ${JSON.stringify(node.config.value)}` };
    case 'guide_task':
      return { outcome: 'would_create', branch: 'next', detail: `a task for the member's guide, due in ${node.config.due_in_days} day(s): ${node.config.title}` };
    default:
      return { outcome: 'done', branch: 'next', detail: '' };
  }
}

async function entryRefusal(deps: AppDeps, tenantId: string, journeyId: string, memberId: string, graph: JourneyGraph): Promise<string | null> {
  const rule = graph.entry;
  if (rule.mode === 'every_time') return null;
  const since = rule.mode === 'once_per_days' ? new Date(deps.clock.now().getTime() - rule.days! * 86_400_000) : new Date(0);
  const earlier = await sql<{ entered_at: Date }>`
    select entered_at from journey_entries where tenant_id = ${tenantId} and journey_id = ${journeyId} and member_id = ${memberId} and entered_at > ${since}
    order by entered_at desc limit 1`.execute(deps.db);
  const last = earlier.rows[0];
  if (!last) return null;
  return rule.mode === 'once' ? `already entered on ${last.entered_at.toISOString()} (once ever)` : `entered on ${last.entered_at.toISOString()}, within ${rule.days} days`;
}
