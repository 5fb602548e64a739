-- Optional JSON Schemas for the properties of a tracked event type (#4): when one exists, every event of
-- that type is validated against it.
create table event_types (
  tenant_id uuid not null references tenants (id),
  type text not null,
  properties_schema jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, type)
);
