import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { sendGroupMessage } from '../wecom/wecom.service.ts';

/**
 * Answers WeCom gives that a retry will not change: the sender does not own the chat or the chat is gone
 * (validation), WeCom refused the task, WeCom is switched off. WECOM_UNAVAILABLE (network, a non-JSON answer)
 * is thrown on, so the calling job retries with backoff.
 */
const REFUSALS = new Set(['VALIDATION_FAILED', 'WECOM_API_ERROR', 'WECOM_NOT_CONFIGURED']);

/** One WeCom group-message task from the groups' owner, through the wecom module; a refusal is returned, not thrown. */
export async function sendToGroups(deps: AppDeps, ctx: RequestContext, input: { ownerUserid: string; chatIds: string[]; text: string; dedupeKey: string }): Promise<{ status: 'sent'; msgid: string } | { status: 'refused'; reason: string }> {
  try {
    const task = await sendGroupMessage(deps, ctx, { staffUserId: input.ownerUserid, chatIds: input.chatIds, text: input.text, dedupeKey: input.dedupeKey });
    return { status: 'sent', msgid: task.wecom_msgid ?? task.id };
  } catch (error) {
    if (error instanceof AppError && REFUSALS.has(error.code)) return { status: 'refused', reason: `${error.code}: ${error.message}`.slice(0, 500) };
    throw error;
  }
}
