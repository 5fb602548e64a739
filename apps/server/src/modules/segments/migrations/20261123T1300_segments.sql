-- Segments, live membership and its history, RFM and lifecycle stages (#8).

create table segments (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  description text,
  kind text not null check (kind in ('dynamic', 'static')),
  status text not null default 'active' check (status in ('active', 'archived')),
  rule jsonb,
  -- What re-evaluates a member live (order, points, profile, tags, event:<type> …), derived from the rule.
  depends_on text[] not null default '{}',
  -- Conditions relative to now ("no order for 90 days") change without any event: the sweep recomputes these.
  time_based boolean not null default false,
  writes_tag_id uuid,
  computed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, writes_tag_id) references tags (tenant_id, id)
);
create index segments_live_idx on segments using gin (depends_on) where status = 'active' and kind = 'dynamic';

create table segment_members (
  tenant_id uuid not null,
  segment_id uuid not null,
  member_id uuid not null,
  entered_at timestamptz not null default now(),
  primary key (tenant_id, segment_id, member_id),
  foreign key (tenant_id, segment_id) references segments (tenant_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create index segment_members_member_idx on segment_members (tenant_id, member_id);

create table segment_membership_history (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  segment_id uuid not null,
  action text not null check (action in ('entered', 'exited')),
  -- live:<event type>, recompute, sweep, list (static segments)
  cause text not null,
  occurred_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id)
);
create index segment_membership_history_segment_idx on segment_membership_history (tenant_id, segment_id, id desc);

-- "How many X events in the last N days" groups one type's recent events by member: the members
-- module's index leads with member_id, so it cannot find one type's events without scanning them all.
create index member_events_type_idx on member_events (tenant_id, type, occurred_at) include (member_id) where member_id is not null;

create table rfm_settings (
  tenant_id uuid primary key references tenants (id),
  window_days integer not null default 365,
  scoring text not null default 'quintile' check (scoring in ('quintile', 'fixed')),
  thresholds jsonb,
  -- Scores are rewritten only for members whose scores changed, so the time of the run lives here.
  computed_at timestamptz,
  updated_at timestamptz not null default now()
);

-- One row per member who bought within the window at the last computation.
create table member_rfm (
  tenant_id uuid not null,
  member_id uuid not null,
  recency_days integer not null,
  frequency integer not null,
  monetary_fen bigint not null,
  r smallint not null check (r between 1 and 5),
  f smallint not null check (f between 1 and 5),
  m smallint not null check (m between 1 and 5),
  value_group text not null,
  primary key (tenant_id, member_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create index member_rfm_cell_idx on member_rfm (tenant_id, r, f);

create table lifecycle_settings (
  tenant_id uuid primary key references tenants (id),
  settings jsonb not null,
  updated_at timestamptz not null default now()
);

create table member_lifecycle (
  tenant_id uuid not null,
  member_id uuid not null,
  stage text not null check (stage in ('new', 'active', 'at_risk', 'dormant', 'lost', 'won_back')),
  since timestamptz not null,
  primary key (tenant_id, member_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create index member_lifecycle_stage_idx on member_lifecycle (tenant_id, stage);

-- Every change of stage, for the monthly flow table (from is null for a member's first stage).
-- A member changes stage at most once per evaluation instant, so the instant is part of the key.
create table lifecycle_transitions (
  tenant_id uuid not null,
  member_id uuid not null,
  occurred_at timestamptz not null,
  from_stage text,
  to_stage text not null,
  primary key (tenant_id, member_id, occurred_at)
);
create index lifecycle_transitions_time_idx on lifecycle_transitions (tenant_id, occurred_at);
