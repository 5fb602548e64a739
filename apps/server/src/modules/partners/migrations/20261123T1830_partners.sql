-- Alliance partners (异业联盟, #7): partners, their benefits backed by a code pool or a callback, the codes,
-- the allocations to members and what partners report as redeemed.

create table partners (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  industry text,
  contact_name text,
  contact_phone text,
  contact_email text,
  -- Free text of the commercial agreement (price per code, invoicing cycle …), shown on the settlement report.
  settlement_terms text,
  -- Where callback benefits are delivered, and the HMAC-SHA256 key both sides sign with (sealed, secret-box.ts).
  callback_url text,
  secret_sealed text,
  status text not null default 'active' check (status in ('active', 'archived')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table partner_benefits (
  tenant_id uuid not null,
  id uuid not null,
  partner_id uuid not null,
  name text not null,
  description text,
  kind text not null check (kind in ('code_pool', 'callback')),
  -- One allocation per member per period, periods counted in the tenant's zone.
  period text not null check (period in ('once', 'day', 'week', 'month', 'year')),
  -- Who may receive it (pricing/eligibility.ts): empty = every active member.
  eligibility jsonb not null default '{}',
  low_stock_threshold integer not null default 0 check (low_stock_threshold >= 0),
  -- Set when stock fell to the threshold (partner.pool_low emitted); cleared when an import lifts it above.
  low_stock_since timestamptz,
  -- An opaque reference a caller (the benefits catalogue) may keep here.
  benefit_ref text,
  status text not null default 'active' check (status in ('active', 'paused')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, partner_id) references partners (tenant_id, id)
);

create table partner_code_imports (
  tenant_id uuid not null,
  id uuid not null,
  benefit_id uuid not null,
  file_name text,
  rows integer not null default 0,
  imported integer not null default 0,
  rejected integer not null default 0,
  -- Rejected lines: [{line, field, code, message}] (at most the first 1,000).
  errors jsonb not null default '[]',
  created_by text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, benefit_id) references partner_benefits (tenant_id, id)
);

create table partner_codes (
  tenant_id uuid not null,
  benefit_id uuid not null,
  id uuid not null,
  code text not null,
  import_id uuid not null,
  status text not null default 'available' check (status in ('available', 'allocated')),
  allocation_id uuid,
  allocated_at timestamptz,
  primary key (tenant_id, benefit_id, id),
  foreign key (tenant_id, benefit_id) references partner_benefits (tenant_id, id),
  foreign key (tenant_id, import_id) references partner_code_imports (tenant_id, id)
);
-- A code is in a pool once, whichever import brought it.
create unique index partner_codes_code_key on partner_codes (tenant_id, benefit_id, code);
-- Allocation takes the first available code by id with FOR UPDATE SKIP LOCKED.
create index partner_codes_available_idx on partner_codes (tenant_id, benefit_id, id) where status = 'available';

create table partner_allocations (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  benefit_id uuid not null,
  partner_id uuid not null,
  -- 'once', '2026', '2026-11', '2026-W48', '2026-11-23' in the tenant's zone.
  period_key text not null,
  code_id uuid,
  code text,
  status text not null check (status in ('allocated', 'pending', 'delivered', 'failed')),
  external_ref text,
  callback_attempts integer not null default 0,
  callback_error text,
  delivered_at timestamptz,
  redeemed_at timestamptz,
  redemption_source text check (redemption_source in ('callback', 'csv', 'api')),
  benefit_ref text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, benefit_id) references partner_benefits (tenant_id, id)
);
create unique index partner_allocations_period_key on partner_allocations (tenant_id, benefit_id, member_id, period_key);
create unique index partner_allocations_id_key on partner_allocations (tenant_id, id);
create index partner_allocations_code_idx on partner_allocations (tenant_id, partner_id, code) where code is not null;
create index partner_allocations_partner_idx on partner_allocations (tenant_id, partner_id, created_at);
