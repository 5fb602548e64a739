-- Orders and refunds (#5). Amounts are integer fen. An order may be a guest's (no member yet) and be
-- attached later, so its key is (tenant_id, id) with member_id indexed rather than leading the key.
create table orders (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  external_id text not null,
  content_hash text not null,
  member_id uuid,
  channel text not null check (channel in ('store', 'mini_program', 'app', 'web', 'partner')),
  store_id uuid,
  subtotal_fen bigint not null check (subtotal_fen >= 0),
  discount_fen bigint not null check (discount_fen >= 0),
  shipping_fen bigint not null check (shipping_fen >= 0),
  total_paid_fen bigint not null check (total_paid_fen >= 0),
  refunded_fen bigint not null default 0 check (refunded_fen >= 0 and refunded_fen <= total_paid_fen),
  payment_method text,
  status text not null default 'paid' check (status in ('paid', 'partially_refunded', 'refunded')),
  occurred_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, store_id) references stores (tenant_id, id)
);
create unique index orders_external_key on orders (tenant_id, external_id);
create index orders_member_idx on orders (tenant_id, member_id, occurred_at) where member_id is not null;

create table order_lines (
  tenant_id uuid not null,
  order_id uuid not null,
  line_no integer not null,
  sku text not null,
  qty integer not null check (qty > 0),
  unit_price_fen bigint not null check (unit_price_fen >= 0),
  discount_fen bigint not null check (discount_fen >= 0),
  paid_fen bigint not null check (paid_fen >= 0),
  flags text[] not null default '{}',
  refunded_qty integer not null default 0 check (refunded_qty >= 0 and refunded_qty <= qty),
  refunded_fen bigint not null default 0 check (refunded_fen >= 0 and refunded_fen <= paid_fen),
  primary key (tenant_id, order_id, line_no),
  foreign key (tenant_id, order_id) references orders (tenant_id, id),
  foreign key (tenant_id, sku) references products (tenant_id, sku)
);

create table order_refunds (
  tenant_id uuid not null,
  order_id uuid not null,
  id uuid not null,
  external_refund_id text not null,
  content_hash text not null,
  amount_fen bigint not null check (amount_fen > 0),
  lines jsonb not null default '[]',
  reason text,
  occurred_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, order_id, id),
  foreign key (tenant_id, order_id) references orders (tenant_id, id)
);
create unique index order_refunds_external_key on order_refunds (tenant_id, order_id, external_refund_id);
