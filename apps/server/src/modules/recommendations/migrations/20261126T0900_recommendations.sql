-- Product recommendations (#12 part 5). Per-tenant statistics rebuilt by the nightly run; nothing here is
-- owned by a member (a member's list is computed on read), so merge and erasure have nothing to move.
create table recommendation_settings (
  tenant_id uuid not null references tenants (id),
  settings jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (tenant_id)
);

-- One row per tenant: when the statistics were built and over which window.
create table recommendation_runs (
  tenant_id uuid not null references tenants (id),
  window_from timestamptz not null,
  window_to timestamptz not null,
  baskets integer not null,
  items integer not null,
  pairs integer not null,
  computed_at timestamptz not null,
  primary key (tenant_id)
);

-- Every active product with its category (the full path), its list-price tier inside the category (1 = the
-- cheapest quarter) and how many members bought it in the window (the popularity fallback).
create table recommendation_items (
  tenant_id uuid not null references tenants (id),
  sku text not null,
  category text not null,
  price_tier smallint not null,
  buyers integer not null,
  primary key (tenant_id, sku)
);
create index recommendation_items_popular_idx on recommendation_items (tenant_id, buyers desc);

-- Item-to-item co-purchase: members who bought both, support/confidence/lift in basis points.
create table recommendation_pairs (
  tenant_id uuid not null references tenants (id),
  sku text not null,
  other_sku text not null,
  members integer not null,
  support_bp integer not null,
  confidence_bp integer not null,
  lift_bp integer not null,
  primary key (tenant_id, sku, other_sku)
);
