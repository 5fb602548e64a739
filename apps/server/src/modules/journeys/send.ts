import type { JourneyNode } from '@hearth/contracts/journeys';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { sendMessage } from '../messaging/send.service.ts';
import type { EntryRun } from './engine.ts';
import type { StepResult } from './steps.ts';

/**
 * A send or webhook step, through the messaging module in the engine's transaction: consent, caps and quiet
 * hours are messaging's; the dedupe key (version, member, entry, step) makes the message exactly once even if
 * the step were ever repeated. The template sees the event that started the entry as `trigger.*`.
 */
export async function deliver(deps: AppDeps, ctx: RequestContext, run: EntryRun, node: Extract<JourneyNode, { type: 'send' | 'webhook' }>, dedupeKey: string): Promise<StepResult> {
  const config = node.type === 'send' ? node.config : { channel: 'webhook' as const, template_id: node.config.template_id, category: 'transactional' as const, variables: {} };
  const sent = await sendMessage(deps, ctx, {
    memberId: run.entry.member_id,
    channel: config.channel,
    templateId: config.template_id,
    variables: { ...config.variables, trigger: run.entry.context, journey: { id: run.journey.id, name: run.journey.name } },
    category: config.category,
    dedupeKey,
    source: { kind: 'journey', id: run.journey.id },
  });
  return { outcome: sent.status, branch: 'next', detail: { delivery_id: sent.deliveryId, ...(sent.reason && { reason: sent.reason }), ...(sent.sendAt && { send_at: sent.sendAt }) } };
}
