import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import type { PaymentNotice } from './providers/provider.ts';

/** What a settlement did: applied once, or a repeat / money for something no longer waiting / a wrong amount. */
export type SettleOutcome = 'applied' | 'duplicate' | 'late' | 'mismatch';

/**
 * A module that opens provider orders (paid plans, event tickets …). One WeChat Pay merchant and one notify URL
 * serve every module of a tenant, so the notification is handed to the owner of its out_trade_no: each owner
 * recognises only its own numbers (in its own tables) and settles them through its own use case, idempotently.
 */
export interface PaymentOwner {
  name: string;
  /** The owner's row (its payment or registration) for an out_trade_no it issued, else undefined. */
  resolve(db: Db, tenantId: string, outTradeNo: string): Promise<PaymentReference | undefined>;
  /** Applies a paid notice to that row; repeats answer `duplicate` and change nothing. */
  settle(deps: AppDeps, ctx: RequestContext, reference: PaymentReference, notice: PaymentNotice): Promise<SettleOutcome>;
}

/** Paid things are rows a member owns, keyed (tenant, member, id). */
export interface PaymentReference {
  memberId: string;
  id: string;
}

export interface PaymentOwners {
  add(owner: PaymentOwner): void;
  /** The owner of a trade number and its reference, asking each owner in registration order. */
  find(db: Db, tenantId: string, outTradeNo: string): Promise<{ owner: PaymentOwner; reference: PaymentReference } | undefined>;
}

export function createPaymentOwners(): PaymentOwners {
  const owners: PaymentOwner[] = [];
  return {
    add: (owner) => {
      if (owners.some((o) => o.name === owner.name)) throw new Error(`payment owner ${owner.name} registered twice`);
      owners.push(owner);
    },
    find: async (db, tenantId, outTradeNo) => {
      for (const owner of owners) {
        const reference = await owner.resolve(db, tenantId, outTradeNo);
        if (reference !== undefined) return { owner, reference };
      }
      return undefined;
    },
  };
}
