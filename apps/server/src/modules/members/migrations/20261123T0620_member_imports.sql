-- Member imports (#4): one row per uploaded file, its per-row errors, and the checkpoint that lets a
-- crashed import resume without adding anything twice.
create table member_imports (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
  file_name text,
  file_path text not null,
  encoding text,
  total_rows integer,
  processed_rows integer not null default 0,
  created integer not null default 0,
  updated integer not null default 0,
  unchanged integer not null default 0,
  failed integer not null default 0,
  created_by text,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (tenant_id, id)
);

create table member_import_errors (
  tenant_id uuid not null,
  import_id uuid not null,
  line integer not null,
  field text not null default '',
  code text not null,
  message text not null,
  primary key (tenant_id, import_id, line, code, field),
  foreign key (tenant_id, import_id) references member_imports (tenant_id, id)
);
