-- Platform tables: tenants, operators and their sessions, API keys, audit log, idempotency, jobs, domain events.
-- Every tenant-owned table is keyed (tenant_id, …) so the schema can be distributed by tenant later.

create table tenants (
  id uuid primary key,
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null,
  time_zone text not null default 'Asia/Shanghai',
  locale text not null default 'zh-CN',
  status text not null default 'active' check (status in ('active', 'suspended')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table operators (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  email text not null,
  name text not null,
  role text not null check (role in ('owner', 'admin', 'operator', 'analyst', 'store_staff')),
  password_hash text not null,
  status text not null default 'active' check (status in ('active', 'disabled')),
  failed_logins integer not null default 0,
  locked_until timestamptz,
  last_login_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index operators_email_key on operators (tenant_id, lower(email));

-- Sessions and API keys are found by the hash of the secret before the tenant is known: the two
-- global unique indexes below are the routing tables (small; a reference table under Citus).
create table operator_sessions (
  tenant_id uuid not null,
  id uuid not null,
  token_hash text not null,
  operator_id uuid not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  last_seen_at timestamptz not null default now(),
  ip text,
  user_agent text,
  primary key (tenant_id, id),
  foreign key (tenant_id, operator_id) references operators (tenant_id, id) on delete cascade
);
create unique index operator_sessions_token_key on operator_sessions (token_hash);

create table api_keys (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  prefix text not null,
  key_hash text not null,
  scopes text[] not null,
  created_by text,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  primary key (tenant_id, id)
);
create unique index api_keys_hash_key on api_keys (key_hash);

create table audit_log (
  tenant_id uuid not null,
  id uuid not null,
  occurred_at timestamptz not null default now(),
  actor_type text not null check (actor_type in ('operator', 'api_key', 'system')),
  actor_id text,
  actor_label text,
  action text not null,
  resource_type text,
  resource_id text,
  request_id text,
  ip text,
  details jsonb not null default '{}',
  primary key (tenant_id, id)
);
create index audit_log_resource_idx on audit_log (tenant_id, resource_type, resource_id);

create table idempotency_keys (
  tenant_id uuid not null,
  key text not null,
  request_hash text not null,
  method text not null,
  path text not null,
  state text not null check (state in ('running', 'completed')),
  response_status integer,
  response_body text,
  response_content_type text,
  locked_until timestamptz not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (tenant_id, key)
);
create index idempotency_keys_expiry_idx on idempotency_keys (expires_at);

-- Platform-wide jobs (cron) use the nil tenant id; they are never visible through the API.
create table jobs (
  tenant_id uuid not null,
  id uuid not null,
  name text not null,
  dedupe_key text,
  payload jsonb not null default '{}',
  status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  attempts integer not null default 0,
  max_attempts integer not null check (max_attempts >= 1),
  run_at timestamptz not null default now(),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  progress_done integer,
  progress_total integer,
  result jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  primary key (tenant_id, id)
);
create unique index jobs_dedupe_key on jobs (tenant_id, name, dedupe_key) where dedupe_key is not null;
create index jobs_due_idx on jobs (run_at) where status = 'queued';
create index jobs_lease_idx on jobs (locked_until) where status = 'running';
create index jobs_tenant_status_idx on jobs (tenant_id, status, id);
create index jobs_finished_idx on jobs (finished_at) where status = 'succeeded';

create table domain_events (
  tenant_id uuid not null,
  id uuid not null,
  type text not null,
  payload jsonb not null,
  actor_type text,
  actor_id text,
  request_id text,
  occurred_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index domain_events_type_idx on domain_events (tenant_id, type, id);
