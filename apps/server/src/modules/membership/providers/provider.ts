/** What Hearth needs from a payment provider; one implementation per provider, credentials per tenant. */
export interface PaymentProvider {
  readonly name: 'offline' | 'wechat';
  /** Opens an order with the provider; what the payer's client needs to pay (JSAPI parameters) comes back. */
  createPayment(input: CreatePaymentInput): Promise<CreatedPayment>;
  /** Checks a notification's signature and freshness and returns its decrypted content; throws if not genuine. */
  verifyNotification(headers: Record<string, string | string[] | undefined>, rawBody: string): PaymentNotice;
  /** Asks the provider what became of an order whose notification has not arrived. */
  queryStatus(outTradeNo: string): Promise<PaymentNotice>;
  refund(input: RefundInput): Promise<RefundResult>;
}

export interface CreatePaymentInput {
  outTradeNo: string;
  amountFen: number;
  description: string;
  payerOpenid: string | null;
  expiresAt: Date;
}

export interface CreatedPayment {
  prepayId: string | null;
  /** For wx.requestPayment / WeixinJSBridge: appId, timeStamp, nonceStr, package, signType, paySign. */
  payParams: Record<string, string> | null;
}

export interface PaymentNotice {
  outTradeNo: string;
  state: 'paid' | 'pending' | 'closed' | 'refunded' | 'failed';
  transactionId: string | null;
  amountFen: number | null;
  paidAt: Date | null;
  /** The provider's own state word (SUCCESS, NOTPAY, CLOSED …), kept in the payment's notes. */
  raw: string;
}

export interface RefundInput {
  outTradeNo: string;
  outRefundNo: string;
  refundFen: number;
  totalFen: number;
  reason: string;
}

export interface RefundResult {
  status: 'succeeded' | 'processing' | 'failed';
  refundId: string | null;
}

/**
 * The store counter: staff take the money and confirm the payment in the console, and give cash back on a
 * refund. There is nothing to call and no notification to verify.
 */
export const offlineProvider: PaymentProvider = {
  name: 'offline',
  createPayment: async () => ({ prepayId: null, payParams: null }),
  verifyNotification: () => {
    throw new Error('The offline provider sends no notifications');
  },
  queryStatus: async (outTradeNo) => ({ outTradeNo, state: 'pending', transactionId: null, amountFen: null, paidAt: null, raw: 'OFFLINE' }),
  refund: async () => ({ status: 'succeeded', refundId: null }),
};
