-- The SKU catalogue (#5). Keyed by SKU: orders, member prices and recommendations refer to products by it.
create table products (
  tenant_id uuid not null references tenants (id),
  sku text not null,
  name text not null,
  category_path text[] not null default '{}',
  brand text,
  list_price_fen bigint not null check (list_price_fen >= 0),
  member_only boolean not null default false,
  tags text[] not null default '{}',
  status text not null default 'active' check (status in ('active', 'inactive')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, sku)
);
create index products_category_idx on products using gin (category_path);
