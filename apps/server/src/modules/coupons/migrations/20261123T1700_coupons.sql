-- Coupons (#7): templates, issuances (one, bulk, points reward), coupons with store write-off.

create table coupon_settings (
  tenant_id uuid primary key references tenants (id),
  -- How long a POS reservation holds a coupon before anyone else may use it.
  reservation_minutes integer not null default 10 check (reservation_minutes between 1 and 1440),
  -- What a full refund of an order does to the coupon confirmed against it.
  refund_policy text not null default 'restore_if_valid' check (refund_policy in ('restore_if_valid', 'never')),
  -- coupon.expiring goes out this many days before a coupon expires.
  expiring_days integer not null default 3 check (expiring_days between 1 and 60),
  updated_at timestamptz not null default now()
);

create table coupon_templates (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  description text,
  kind text not null check (kind in ('cash', 'percent', 'free_item', 'free_shipping')),
  value_fen bigint check (value_fen > 0),
  percent_off_bp integer check (percent_off_bp between 1 and 10000),
  cap_fen bigint check (cap_fen > 0),
  min_spend_fen bigint not null default 0 check (min_spend_fen >= 0),
  free_sku text,
  free_qty integer check (free_qty > 0),
  -- Fixed dates (tenant's calendar) or N days from issue ending at local midnight.
  valid_from date,
  valid_until date,
  valid_days integer check (valid_days > 0),
  stock_total integer check (stock_total >= 0),
  issued_count integer not null default 0 check (issued_count >= 0),
  per_member_limit integer check (per_member_limit > 0),
  channels text[] not null default '{}',
  store_ids uuid[] not null default '{}',
  categories text[] not null default '{}',
  skus text[] not null default '{}',
  stackable_with_coupons boolean not null default false,
  stackable_with_member_discounts boolean not null default true,
  status text not null default 'active' check (status in ('active', 'paused')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (stock_total is null or issued_count <= stock_total),
  check ((valid_days is not null) <> (valid_until is not null))
);

create table coupon_issuances (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  issuance_key text not null,
  template_id uuid not null,
  source text not null check (source in ('single', 'bulk', 'points_reward')),
  status text not null check (status in ('queued', 'running', 'succeeded', 'failed')),
  -- A bulk list of member ids, or a CSV of phones on disk.
  member_ids uuid[],
  file_path text,
  file_name text,
  total integer,
  processed integer not null default 0,
  issued integer not null default 0,
  skipped integer not null default 0,
  created_by text,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, template_id) references coupon_templates (tenant_id, id)
);
create unique index coupon_issuances_key on coupon_issuances (tenant_id, issuance_key);

create table coupon_issuance_errors (
  tenant_id uuid not null,
  issuance_id uuid not null,
  line integer not null,
  field text not null,
  code text not null,
  message text not null,
  primary key (tenant_id, issuance_id, line, field)
);

create table coupons (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  template_id uuid not null,
  issuance_id uuid not null,
  -- The n-th coupon of this issuance for this member: a rerun of an issuance inserts nothing twice.
  issue_seq integer not null,
  code text not null,
  status text not null default 'available' check (status in ('available', 'reserved', 'redeemed', 'expired')),
  starts_at timestamptz not null,
  expires_at timestamptz not null,
  reservation_ref text,
  reserved_until timestamptz,
  redemption_ref text,
  redeemed_at timestamptz,
  store_id uuid,
  order_external_id text,
  discount_fen bigint,
  restored_count integer not null default 0,
  expiring_notified_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, template_id) references coupon_templates (tenant_id, id),
  foreign key (tenant_id, issuance_id) references coupon_issuances (tenant_id, id)
);
create unique index coupons_code_key on coupons (tenant_id, code);
create unique index coupons_issuance_key on coupons (tenant_id, issuance_id, member_id, issue_seq);
create index coupons_id_idx on coupons (tenant_id, id);
create index coupons_template_member_idx on coupons (tenant_id, template_id, member_id);
create index coupons_order_idx on coupons (tenant_id, order_external_id) where order_external_id is not null;
create index coupons_open_expiry_idx on coupons (expires_at) where status in ('available', 'reserved');

-- A points reward that hands out a coupon (points call their reward hook; the link lives here).
create table coupon_reward_links (
  tenant_id uuid not null,
  reward_id uuid not null,
  template_id uuid not null,
  primary key (tenant_id, reward_id),
  foreign key (tenant_id, reward_id) references rewards (tenant_id, id),
  foreign key (tenant_id, template_id) references coupon_templates (tenant_id, id)
);
