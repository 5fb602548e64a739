import { AppError } from '../../http/errors.ts';

export const subscriptionStatuses = ['trialing', 'active', 'past_due', 'grace', 'canceled', 'expired', 'refunded'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

/** Statuses in which the member holds a paid membership's benefits (see isPaidMember for the time bounds). */
export const entitledStatuses: readonly SubscriptionStatus[] = ['trialing', 'active', 'past_due', 'grace', 'canceled'];

/**
 * Every legal move of a subscription and why it happens. Nothing changes a subscription's status except
 * through `assertTransition`, so a move missing here (expired → active, refunded → anything) cannot
 * happen: a new purchase after expiry or refund starts a new subscription.
 *
 * - trialing: a trial without payment; paid → active, trial over → past_due (auto-renew: a renewal payment
 *   is waiting) or expired, member cancels → canceled (benefits until the trial's end).
 * - active: paid; renewed or upgraded → active, period over → past_due (auto-renew) or grace, cancel →
 *   canceled (benefits until the period's end), refund → refunded.
 * - past_due / grace: the period ended unpaid, benefits kept until the grace end; paid → active,
 *   auto-renew turned off → grace, grace over → expired, refund → refunded.
 * - canceled: will not renew; paid again → active, period over → expired, refund → refunded.
 */
export const transitions: Record<SubscriptionStatus, readonly SubscriptionStatus[]> = {
  trialing: ['active', 'past_due', 'expired', 'canceled'],
  active: ['active', 'past_due', 'grace', 'canceled', 'refunded'],
  past_due: ['active', 'grace', 'expired', 'refunded'],
  grace: ['active', 'expired', 'refunded'],
  canceled: ['active', 'expired', 'refunded'],
  expired: [],
  refunded: [],
};

/** A new subscription starts as a trial or paid. */
export const initialStatuses: readonly SubscriptionStatus[] = ['trialing', 'active'];

export function canTransition(from: SubscriptionStatus | null, to: SubscriptionStatus): boolean {
  return from === null ? initialStatuses.includes(to) : transitions[from].includes(to);
}

export function assertTransition(from: SubscriptionStatus | null, to: SubscriptionStatus): void {
  if (!canTransition(from, to)) {
    throw new AppError('SUBSCRIPTION_TRANSITION_REFUSED', `A subscription cannot go from ${from ?? '(new)'} to ${to}`);
  }
}
