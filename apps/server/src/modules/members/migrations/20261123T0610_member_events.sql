-- Behaviour events (#4). Range-partitioned by month on occurred_at so "how many X in the last N days"
-- touches only recent partitions and old months can be detached or dropped whole; the job
-- members.event_partitions creates the coming months, the default partition catches the rest.
create table member_events (
  tenant_id uuid not null,
  occurred_at timestamptz not null,
  client_event_id text not null,
  type text not null,
  member_id uuid,
  anonymous_id text,
  properties jsonb not null default '{}',
  received_at timestamptz not null default now(),
  -- A resent batch carries the same client ids and times: the key makes it add nothing.
  primary key (tenant_id, client_event_id, occurred_at)
) partition by range (occurred_at);
create index member_events_member_idx on member_events (tenant_id, member_id, type, occurred_at) where member_id is not null;
create index member_events_anonymous_idx on member_events (tenant_id, anonymous_id) where member_id is null and anonymous_id is not null;
create table member_events_default partition of member_events default;

-- Once an anonymous visitor signs in, their later anonymous events belong to the member at once.
create table member_anonymous_ids (
  tenant_id uuid not null,
  anonymous_id text not null,
  member_id uuid not null,
  linked_at timestamptz not null default now(),
  primary key (tenant_id, anonymous_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create index member_anonymous_ids_member_idx on member_anonymous_ids (tenant_id, member_id);

-- Per-member secrets of the dynamic member code, and codes already used (a code works once).
create table member_code_secrets (
  tenant_id uuid not null,
  member_id uuid not null,
  secret text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, member_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);

create table member_code_uses (
  tenant_id uuid not null,
  member_id uuid not null,
  step bigint not null,
  used_at timestamptz not null default now(),
  primary key (tenant_id, member_id, step)
);
