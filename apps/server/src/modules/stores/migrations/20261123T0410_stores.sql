create table stores (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  code text not null,
  name text not null,
  province text,
  city text,
  district text,
  address text,
  latitude double precision check (latitude between -90 and 90),
  longitude double precision check (longitude between -180 and 180),
  phone text,
  opening_hours jsonb,
  status text not null default 'active' check (status in ('active', 'inactive', 'closed')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Deleted stores stay for the history that points at them (orders, members' home store); their code is freed.
  deleted_at timestamptz,
  primary key (tenant_id, id)
);
create unique index stores_code_key on stores (tenant_id, code) where deleted_at is null;
create index stores_city_idx on stores (tenant_id, city) where deleted_at is null;
