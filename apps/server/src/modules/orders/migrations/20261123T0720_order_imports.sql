-- Orders imported from CSV (#5): one row per order line, adjacent rows with the same order id form one
-- order. The job checkpoints the last line done with the counts, so a crashed import resumes there; orders
-- are idempotent by external id, so a rerun adds nothing.
create table order_imports (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  status text not null check (status in ('queued', 'running', 'succeeded', 'failed')),
  file_name text,
  file_path text not null,
  encoding text,
  total_rows integer,
  processed_rows integer not null default 0,
  created integer not null default 0,
  duplicates integer not null default 0,
  failed integer not null default 0,
  created_by text,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (tenant_id, id)
);

create table order_import_errors (
  tenant_id uuid not null,
  import_id uuid not null,
  line integer not null,
  field text not null,
  code text not null,
  message text not null,
  primary key (tenant_id, import_id, line, code, field),
  foreign key (tenant_id, import_id) references order_imports (tenant_id, id)
);
