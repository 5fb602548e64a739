-- Tiers (#6): ladders of ordered tiers, versioned qualification rules, each member's tier per ladder,
-- its history, and the evaluation runs (chunked, resumable).
create table tier_programs (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  status text not null default 'active' check (status in ('active', 'paused')),
  evaluation text not null check (evaluation in ('yearly', 'anniversary', 'monthly')),
  downgrade_policy text not null check (downgrade_policy in ('one_level', 'to_qualifying')),
  grace_days integer not null default 0 check (grace_days >= 0),
  notice_days integer not null default 30 check (notice_days > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

-- rank 0 is the entry tier every member is in until they qualify for more; ranks are contiguous.
create table tiers (
  tenant_id uuid not null,
  program_id uuid not null,
  id uuid not null,
  code text not null,
  rank integer not null check (rank >= 0),
  name text not null,
  color text not null,
  icon text,
  -- hundredths, like every multiplier of the earning rules, so points stay exact integers
  earning_multiplier_x100 integer not null default 100 check (earning_multiplier_x100 >= 0),
  benefits jsonb not null default '[]',
  primary key (tenant_id, program_id, id),
  foreign key (tenant_id, program_id) references tier_programs (tenant_id, id),
  unique (tenant_id, program_id, code),
  -- deferred: a ladder edit renumbers ranks in one transaction
  unique (tenant_id, program_id, rank) deferrable initially deferred
);

create table tier_rule_versions (
  tenant_id uuid not null,
  program_id uuid not null,
  version integer not null,
  effective_from timestamptz not null,
  rules jsonb not null,
  note text,
  created_by text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, program_id, version),
  foreign key (tenant_id, program_id) references tier_programs (tenant_id, id)
);

-- A member without a row is in the entry tier. The row is also the per-member lock every tier change takes.
create table member_tiers (
  tenant_id uuid not null,
  member_id uuid not null,
  program_id uuid not null,
  tier_id uuid not null,
  since timestamptz not null,
  rule_version integer,
  manual_until timestamptz,
  manual_reason text,
  -- the rank the member had earned when the manual tier was given (they fall back to at least this)
  manual_earned_rank integer,
  grace_until timestamptz,
  grace_tier_id uuid,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, member_id, program_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, program_id, tier_id) references tiers (tenant_id, program_id, id)
);
create index member_tiers_program_idx on member_tiers (tenant_id, program_id, tier_id);
create index member_tiers_manual_idx on member_tiers (manual_until) where manual_until is not null;
create index member_tiers_grace_idx on member_tiers (grace_until) where grace_until is not null;

create table tier_history (
  tenant_id uuid not null,
  member_id uuid not null,
  program_id uuid not null,
  id uuid not null,
  kind text not null check (kind in ('upgraded', 'downgraded', 'retained', 'grace_started', 'manual', 'manual_ended', 'merged')),
  from_tier_id uuid,
  to_tier_id uuid not null,
  reason text not null,
  rule_version integer,
  metrics jsonb not null default '{}',
  run_id uuid,
  actor text,
  at timestamptz not null,
  primary key (tenant_id, member_id, program_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);

create table tier_evaluation_runs (
  tenant_id uuid not null,
  program_id uuid not null,
  id uuid not null,
  kind text not null check (kind in ('scheduled', 'publish', 'manual', 'notice')),
  as_of timestamptz not null,
  rule_version integer,
  status text not null default 'running' check (status in ('running', 'done')),
  after_member_id uuid,
  done integer not null default 0,
  total integer not null default 0,
  counts jsonb not null default '{}',
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (tenant_id, program_id, id),
  foreign key (tenant_id, program_id) references tier_programs (tenant_id, id),
  -- one run per program, kind and instant: a second start resumes the first
  unique (tenant_id, program_id, kind, as_of)
);
