-- Benefits (#7): the catalogue, campaign grants, uses (the usage ledger), birthday gifts given, and the
-- savings each member has had. Entitlements themselves are computed (tier + paid plan + grants), not stored.
create table benefits (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  code text not null,
  name text not null,
  name_en text,
  description text,
  type text not null check (type in ('discount', 'points_multiplier', 'free_shipping', 'free_service', 'priority_window', 'birthday_gift', 'exclusive_access', 'partner', 'custom')),
  status text not null default 'active' check (status in ('active', 'paused')),
  -- uses per member per period (tenant's calendar) across tier and plan; both null: unlimited
  limit_period text check (limit_period in ('day', 'week', 'month', 'year', 'lifetime')),
  limit_uses integer check (limit_uses > 0),
  value_fen bigint check (value_fen >= 0),
  config jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, code),
  check ((limit_period is null) = (limit_uses is null))
);
create index benefits_type_idx on benefits (tenant_id, type) where status = 'active';

-- A campaign gives a member a benefit for a while, optionally with uses of its own.
create table benefit_grants (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  benefit_id uuid not null,
  grant_key text not null,
  valid_from timestamptz not null,
  valid_until timestamptz not null,
  uses integer check (uses > 0),
  campaign text,
  reason text not null,
  created_by text,
  revoked_at timestamptz,
  revoke_reason text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, benefit_id) references benefits (tenant_id, id),
  constraint benefit_grants_key unique (tenant_id, grant_key),
  check (valid_from < valid_until)
);
create index benefit_grants_benefit_idx on benefit_grants (tenant_id, benefit_id);

-- One row per part of a use: a use draws from the period's allowance first, then from grants' own uses
-- (soonest ending first), one part per pool. The caller's use_key makes a repeat answer with the first use.
create table benefit_uses (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  benefit_id uuid not null,
  use_key text not null,
  part smallint not null default 0,
  source_kind text not null check (source_kind in ('tier', 'plan', 'grant')),
  source_id uuid not null,
  -- set when the part was taken from the grant's own uses (not from the period's allowance)
  grant_id uuid,
  quantity integer not null check (quantity > 0),
  value_fen bigint not null default 0 check (value_fen >= 0),
  order_external_id text,
  store_id uuid,
  note text,
  used_at timestamptz not null,
  undone_at timestamptz,
  undo_reason text,
  created_by text,
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, benefit_id) references benefits (tenant_id, id),
  constraint benefit_uses_key unique (tenant_id, member_id, benefit_id, use_key, part)
);
create index benefit_uses_member_idx on benefit_uses (tenant_id, member_id, benefit_id, used_at);
create index benefit_uses_time_idx on benefit_uses (tenant_id, used_at);

-- Once per member, benefit and (local) year, however often the job runs.
create table benefit_birthday_gifts (
  tenant_id uuid not null,
  member_id uuid not null,
  benefit_id uuid not null,
  year integer not null,
  use_id uuid not null,
  given_at timestamptz not null,
  primary key (tenant_id, member_id, benefit_id, year),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, benefit_id) references benefits (tenant_id, id)
);

-- What each member saved (benefit uses, member prices …), idempotent by the recording module's source id.
-- Coupons are read from the coupons module, not copied here.
create table member_savings (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  kind text not null check (kind in ('benefit', 'coupon', 'member_price', 'partner', 'other')),
  amount_fen bigint not null check (amount_fen >= 0),
  source_id text not null,
  occurred_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  constraint member_savings_source unique (tenant_id, kind, source_id)
);
create index member_savings_member_idx on member_savings (tenant_id, member_id, occurred_at);

-- Daily work per tenant (birthday gifts) runs once per local day of that tenant, whichever hourly tick sees it first.
create table benefit_daily_runs (
  tenant_id uuid not null references tenants (id),
  job text not null,
  day date not null,
  finished_at timestamptz,
  primary key (tenant_id, job, day)
);
