-- Journeys (#9): a draft graph, frozen published versions, each member's entries and every step they ran.

create table journeys (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  description text,
  status text not null default 'draft' check (status in ('draft', 'active', 'paused', 'stopped')),
  -- The graph being edited; publishing copies it into a version.
  draft jsonb not null,
  current_version_id uuid,
  -- What starts the current version, copied from its trigger so an event finds its journeys by index:
  -- the event type (segment.entered:<segment id> for segments), 'date' or 'api'.
  trigger_key text,
  -- The ready-made ritual journey (welcome, birthday …) this one was created from.
  ritual text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index journeys_trigger_idx on journeys (tenant_id, trigger_key) where status = 'active';
create unique index journeys_ritual_idx on journeys (tenant_id, ritual) where ritual is not null;

create table journey_versions (
  tenant_id uuid not null,
  id uuid not null,
  journey_id uuid not null,
  version integer not null,
  graph jsonb not null,
  published_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, journey_id, version),
  foreign key (tenant_id, journey_id) references journeys (tenant_id, id)
);

-- One member's pass through one version. `due_at` is when the engine should look at it again: now for
-- ready entries, the end of the wait for waiting ones.
create table journey_entries (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  journey_id uuid not null,
  version_id uuid not null,
  status text not null check (status in ('ready', 'waiting', 'held', 'completed', 'exited', 'failed')),
  current_step text,
  -- How many times the current step has been reached in this entry (loops through a wait revisit steps).
  visit integer not null default 1,
  due_at timestamptz,
  -- While waiting for an event: its type and filters; an arriving one sets resume_branch to 'event'.
  wait_event text,
  wait_filters jsonb,
  resume_branch text,
  -- The event or API context that started the entry (message variables read it as trigger.*).
  context jsonb not null default '{}',
  holdout boolean not null default false,
  goal_event text,
  goal_deadline timestamptz,
  converted_at timestamptz,
  -- The send step whose message was the last one before the conversion (within the goal window).
  converted_step text,
  exit_reason text,
  attempts integer not null default 0,
  last_error text,
  entered_at timestamptz not null,
  finished_at timestamptz,
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, version_id) references journey_versions (tenant_id, id)
);
-- The engine's queue: a version's entries that are due, oldest first.
create index journey_entries_due_idx on journey_entries (tenant_id, version_id, due_at) where status in ('ready', 'waiting');
-- The sweep's look for due entries no run took (a run skips entries another transaction holds locked).
create index journey_entries_overdue_idx on journey_entries (due_at) where status in ('ready', 'waiting');
-- Entry rules (once, once per N days) and per-journey lists.
create index journey_entries_journey_idx on journey_entries (tenant_id, journey_id, member_id, entered_at);
-- Events look up a member's open waits and goals through the primary key (tenant_id, member_id …).

-- Every step an entry ran: the key makes each step run once per (version, member, entry, step, visit), so a
-- retried or re-run job finds its own earlier run and repeats nothing.
create table journey_step_runs (
  tenant_id uuid not null,
  member_id uuid not null,
  entry_id uuid not null,
  version_id uuid not null,
  step_id text not null,
  visit integer not null,
  -- Order of the entry's steps (1, 2, …): steps run in one transaction share ran_at.
  seq integer not null,
  journey_id uuid not null,
  step_type text not null,
  -- done, sent, queued, delayed, suppressed, skipped, failed, or the branch taken (yes, no, arm id, event, timeout).
  outcome text not null,
  branch text not null,
  detail jsonb not null default '{}',
  ran_at timestamptz not null,
  primary key (tenant_id, member_id, entry_id, version_id, step_id, visit),
  foreign key (tenant_id, member_id, entry_id) references journey_entries (tenant_id, member_id, id)
);
create index journey_step_runs_stats_idx on journey_step_runs (tenant_id, version_id, step_id);
