import type { Generated } from 'kysely';

// Table types of the after-sales service module, merged into the database type.
declare module '../../db/schema.ts' {
  interface DB {
    service_tickets: {
      tenant_id: string;
      member_id: string;
      id: string;
      type: 'return' | 'exchange' | 'repair' | 'warranty' | 'complaint' | 'consultation';
      status: Generated<TicketStatus>;
      order_id: string | null;
      lines: Generated<unknown>;
      code: string | null;
      sku: string | null;
      subject: string;
      description: Generated<string>;
      attachments: Generated<unknown>;
      store_id: string | null;
      operator_id: string | null;
      accept_due_at: Date;
      resolve_due_at: Date;
      accepted_at: Date | null;
      resolved_at: Date | null;
      closed_at: Date | null;
      refund_id: string | null;
      satisfaction_score: number | null;
      satisfaction_comment: string | null;
      surveyed_at: Date | null;
      created_at: Date;
      updated_at: Date;
    };
    service_ticket_history: {
      tenant_id: string;
      member_id: string;
      ticket_id: string;
      id: string;
      from_status: string | null;
      to_status: string;
      actor_type: string;
      actor_id: string | null;
      actor_label: string;
      note: Generated<string>;
      at: Date;
    };
    service_ticket_comments: {
      tenant_id: string;
      member_id: string;
      ticket_id: string;
      id: string;
      author_type: 'member' | 'operator';
      author_label: string;
      body: string;
      attachments: Generated<unknown>;
      created_at: Date;
    };
    service_sla_breaches: {
      tenant_id: string;
      member_id: string;
      ticket_id: string;
      timer: 'accept' | 'resolve';
      due_at: Date;
      breached_at: Date;
    };
    service_settings: {
      tenant_id: string;
      sla: Generated<unknown>;
      updated_at: Generated<Date>;
    };
  }
}

export type TicketStatus = 'submitted' | 'accepted' | 'in_progress' | 'resolved' | 'closed' | 'rejected';
