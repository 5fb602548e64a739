-- After-sales service tickets (#12 part 4): returns, exchanges, repairs, warranty, complaints, consultations.

create table service_tickets (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  type text not null check (type in ('return', 'exchange', 'repair', 'warranty', 'complaint', 'consultation')),
  status text not null default 'submitted' check (status in ('submitted', 'accepted', 'in_progress', 'resolved', 'closed', 'rejected')),
  order_id uuid,
  lines jsonb not null default '[]',
  -- A product code the member scanned and claimed (item-codes), and its SKU.
  code text,
  sku text,
  subject text not null,
  description text not null default '',
  attachments jsonb not null default '[]',
  store_id uuid,
  operator_id uuid,
  -- The SLA timers, fixed when the ticket is submitted from the tenant's hours for its type.
  accept_due_at timestamptz not null,
  resolve_due_at timestamptz not null,
  accepted_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  -- The orders module's refund an accepted return made (external id service:<ticket id>).
  refund_id text,
  satisfaction_score smallint check (satisfaction_score between 1 and 5),
  satisfaction_comment text,
  surveyed_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, order_id) references orders (tenant_id, id),
  foreign key (tenant_id, store_id) references stores (tenant_id, id)
);
create unique index service_tickets_id_key on service_tickets (tenant_id, id);
create index service_tickets_desk_idx on service_tickets (tenant_id, status, id);
-- The breach job's scan across tenants: only open tickets, by due time.
create index service_tickets_open_due_idx on service_tickets (resolve_due_at) where status in ('submitted', 'accepted', 'in_progress');

-- Every status change: who and when.
create table service_ticket_history (
  tenant_id uuid not null,
  member_id uuid not null,
  ticket_id uuid not null,
  id uuid not null,
  from_status text,
  to_status text not null,
  actor_type text not null,
  actor_id uuid,
  actor_label text not null,
  note text not null default '',
  at timestamptz not null,
  primary key (tenant_id, member_id, ticket_id, id),
  foreign key (tenant_id, member_id, ticket_id) references service_tickets (tenant_id, member_id, id) on update cascade
);

create table service_ticket_comments (
  tenant_id uuid not null,
  member_id uuid not null,
  ticket_id uuid not null,
  id uuid not null,
  author_type text not null check (author_type in ('member', 'operator')),
  author_label text not null,
  body text not null,
  attachments jsonb not null default '[]',
  created_at timestamptz not null,
  primary key (tenant_id, member_id, ticket_id, id),
  foreign key (tenant_id, member_id, ticket_id) references service_tickets (tenant_id, member_id, id) on update cascade
);

-- One row per ticket and timer: the breach job inserts with on conflict do nothing and announces only new rows,
-- so service.sla_breached fires exactly once per ticket per timer however often the job runs.
create table service_sla_breaches (
  tenant_id uuid not null,
  member_id uuid not null,
  ticket_id uuid not null,
  timer text not null check (timer in ('accept', 'resolve')),
  due_at timestamptz not null,
  breached_at timestamptz not null,
  primary key (tenant_id, member_id, ticket_id, timer),
  foreign key (tenant_id, member_id, ticket_id) references service_tickets (tenant_id, member_id, id) on update cascade
);

create table service_settings (
  tenant_id uuid not null primary key,
  sla jsonb not null default '{}',
  updated_at timestamptz not null default now()
);
