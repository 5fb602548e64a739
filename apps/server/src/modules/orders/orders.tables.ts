// Table types of the orders module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    orders: {
      tenant_id: string;
      id: string;
      external_id: string;
      content_hash: string;
      member_id: string | null;
      channel: string;
      store_id: string | null;
      subtotal_fen: number;
      discount_fen: number;
      shipping_fen: number;
      total_paid_fen: number;
      refunded_fen: import('kysely').Generated<number>;
      payment_method: string | null;
      status: import('kysely').Generated<'paid' | 'partially_refunded' | 'refunded'>;
      occurred_at: Date;
      created_at: Date | undefined;
    };
    order_lines: {
      tenant_id: string;
      order_id: string;
      line_no: number;
      sku: string;
      qty: number;
      unit_price_fen: number;
      discount_fen: number;
      paid_fen: number;
      flags: string[];
      refunded_qty: import('kysely').Generated<number>;
      refunded_fen: import('kysely').Generated<number>;
    };
    order_refunds: {
      tenant_id: string;
      order_id: string;
      id: string;
      external_refund_id: string;
      content_hash: string;
      amount_fen: number;
      lines: string | { line_no: number; qty: number; amount_fen: number }[];
      reason: string | null;
      occurred_at: Date;
      created_at: Date | undefined;
    };
  }
}
export {};
