-- Two-level distribution (分销): promoters, attribution of buyers to a promoter's link, commission entries
-- (accruals and reversals, pending until the return window closes), withdrawals.
create table distribution_settings (
  tenant_id uuid primary key references tenants (id),
  settings jsonb not null,
  updated_at timestamptz not null default now()
);

create table promoters (
  tenant_id uuid not null references tenants (id),
  member_id uuid not null,
  code text not null,
  recruiter_id uuid,
  status text not null check (status in ('applied', 'approved', 'rejected', 'suspended')),
  source text not null check (source in ('application', 'tier')),
  applied_at timestamptz not null,
  approved_at timestamptz,
  primary key (tenant_id, member_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, recruiter_id) references promoters (tenant_id, member_id)
);
create unique index promoters_code on promoters (tenant_id, code);
create index promoters_recruiter on promoters (tenant_id, recruiter_id) where recruiter_id is not null;

-- The last promoter link a member opened; an order within the attribution window belongs to that promoter.
create table distribution_attributions (
  tenant_id uuid not null references tenants (id),
  member_id uuid not null,
  promoter_id uuid not null,
  visited_at timestamptz not null,
  primary key (tenant_id, member_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, promoter_id) references promoters (tenant_id, member_id)
);

create table distribution_clicks (
  tenant_id uuid not null references tenants (id),
  promoter_id uuid not null,
  day date not null,
  visitor_hash text not null,
  primary key (tenant_id, promoter_id, day, visitor_hash),
  foreign key (tenant_id, promoter_id) references promoters (tenant_id, member_id)
);

-- Signed entries: an accrual per order and level, reversals negative. One accrual per order and level.
create table commission_entries (
  tenant_id uuid not null references tenants (id),
  promoter_id uuid not null,
  id uuid not null,
  order_id uuid not null,
  buyer_id uuid not null,
  level smallint not null check (level in (1, 2)),
  kind text not null check (kind in ('accrual', 'reversal')),
  amount_fen bigint not null,
  lines jsonb not null default '[]',
  status text not null check (status in ('pending', 'settled')),
  settles_at timestamptz not null,
  source_key text not null,
  created_at timestamptz not null,
  primary key (tenant_id, promoter_id, id),
  foreign key (tenant_id, promoter_id) references promoters (tenant_id, member_id)
);
create unique index commission_entries_source on commission_entries (tenant_id, source_key);
create index commission_entries_order on commission_entries (tenant_id, order_id);
create index commission_entries_due on commission_entries (settles_at) where status = 'pending';

create table withdrawals (
  tenant_id uuid not null references tenants (id),
  promoter_id uuid not null,
  id uuid not null,
  amount_fen bigint not null check (amount_fen > 0),
  status text not null check (status in ('requested', 'approved', 'paid', 'rejected')),
  payout_ref text,
  requested_at timestamptz not null,
  decided_by text,
  decided_at timestamptz,
  paid_at timestamptz,
  primary key (tenant_id, promoter_id, id),
  foreign key (tenant_id, promoter_id) references promoters (tenant_id, member_id)
);
create index withdrawals_id on withdrawals (tenant_id, id);
