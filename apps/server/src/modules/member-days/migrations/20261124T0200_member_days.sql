-- Member days (会员日, #11): recurring days in the tenant's zone with a points multiplier, a coupon pack,
-- featured member prices and products, eligibility and reminders.

create table member_days (
  tenant_id uuid not null,
  id uuid not null,
  name text not null,
  description text,
  schedule jsonb not null,
  start_date date not null,
  end_date date,
  active boolean not null default true,
  -- Basis points; whole hundreds because earning multipliers have two decimals.
  points_multiplier_bp integer not null default 10000 check (points_multiplier_bp between 10000 and 100000 and points_multiplier_bp % 100 = 0),
  coupon_pack jsonb not null default '[]',
  member_price_ids jsonb not null default '[]',
  skus jsonb not null default '[]',
  eligibility jsonb not null default '{}',
  reminder_lead_hours integer check (reminder_lead_hours between 1 and 720),
  reminder_template_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (end_date is null or end_date >= start_date)
);

-- Each day a program falls on, with its instants fixed in the tenant's zone when materialized, so the order
-- path, the jobs and the stats ask one indexed table instead of evaluating schedules. `started_at` marks that
-- member_day.started was emitted (and the pack queued); `reminded_at` that the reminder job was queued.
create table member_day_occurrences (
  tenant_id uuid not null,
  member_day_id uuid not null,
  day date not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  started_at timestamptz,
  reminded_at timestamptz,
  primary key (tenant_id, member_day_id, day),
  foreign key (tenant_id, member_day_id) references member_days (tenant_id, id) on delete cascade
);
create index member_day_occurrences_time_idx on member_day_occurrences (tenant_id, starts_at, ends_at);
-- The minutely sweep looks across tenants for days not yet started or reminded.
create index member_day_occurrences_pending_idx on member_day_occurrences (starts_at) where started_at is null or reminded_at is null;

-- One reminder per member and occurrence: the insert that wins emits member_day.upcoming (and sends).
create table member_day_reminders (
  tenant_id uuid not null,
  member_id uuid not null,
  member_day_id uuid not null,
  day date not null,
  delivery_id uuid,
  reminded_at timestamptz not null default now(),
  primary key (tenant_id, member_id, member_day_id, day),
  foreign key (tenant_id, member_day_id) references member_days (tenant_id, id) on delete cascade
);
