-- One code per item (一物一码, #12 part 3): batches of labels for a SKU, their scans, claims, flags and warranties.

create table code_batches (
  tenant_id uuid not null,
  id uuid not null,
  sku text not null,
  name text not null default '',
  quantity integer not null check (quantity between 1 and 1000000),
  -- Codes written so far by the generation job (its checkpoint); the batch is ready when it reaches quantity.
  generated integer not null default 0,
  status text not null default 'created' check (status in ('created', 'activated', 'deactivated')),
  points_per_claim integer not null default 0 check (points_per_claim >= 0),
  warranty_months integer check (warranty_months between 1 and 120),
  activated_at timestamptz,
  deactivated_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, sku) references products (tenant_id, sku),
  check (generated between 0 and quantity)
);
create index code_batches_sku_idx on code_batches (tenant_id, sku);

create table item_codes (
  tenant_id uuid not null,
  code text not null,
  batch_id uuid not null,
  -- 1 … quantity within the batch: what "activate codes 1–5000" refers to (the printer keeps the CSV order).
  seq integer not null,
  -- Set when the code (its whole batch or its range) was shipped; a code never activated is not genuine yet.
  activated_at timestamptz,
  scan_count integer not null default 0,
  first_scanned_at timestamptz,
  -- Where a scan happened is only ever what the client says, and never finer than a city.
  first_province text,
  first_city text,
  last_scanned_at timestamptz,
  last_province text,
  -- The member whose scan claimed the code's points, and that scan: set by one conditional update.
  claimed_by uuid,
  claimed_at timestamptz,
  claim_scan_id uuid,
  flagged boolean not null default false,
  primary key (tenant_id, code),
  foreign key (tenant_id, batch_id) references code_batches (tenant_id, id)
);
create unique index item_codes_seq_key on item_codes (tenant_id, batch_id, seq);
create index item_codes_claimed_idx on item_codes (tenant_id, claimed_by) where claimed_by is not null;

-- Every scan of a well-formed code, known or not; anonymous scans have no member, so the key is (tenant, id).
create table code_scans (
  tenant_id uuid not null,
  id uuid not null,
  code text not null,
  batch_id uuid,
  member_id uuid,
  result text not null check (result in ('unknown', 'inactive', 'genuine')),
  province text,
  city text,
  scanned_at timestamptz not null,
  primary key (tenant_id, id)
);
create index code_scans_code_idx on code_scans (tenant_id, code, scanned_at);
create index code_scans_member_idx on code_scans (tenant_id, member_id, scanned_at) where member_id is not null;

create table code_flags (
  tenant_id uuid not null,
  id uuid not null,
  kind text not null check (kind in ('member_burst', 'distant_scans', 'inactive_batch', 'second_claimer')),
  -- What makes a flag one case (the code, the member and day …): a repeat of the same case adds nothing.
  dedupe_key text not null,
  code text,
  member_id uuid,
  details jsonb not null default '{}',
  created_at timestamptz not null,
  primary key (tenant_id, id)
);
create unique index code_flags_case_key on code_flags (tenant_id, kind, dedupe_key);

create table code_warranties (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  code text not null,
  sku text not null,
  purchase_date date not null,
  store_id uuid,
  store_name text,
  expires_on date not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, code) references item_codes (tenant_id, code),
  foreign key (tenant_id, store_id) references stores (tenant_id, id)
);
-- One warranty per item, whoever registers it.
create unique index code_warranties_code_key on code_warranties (tenant_id, code);

create table item_code_settings (
  tenant_id uuid not null primary key,
  -- More scans than this by one member in one local day raise a member_burst flag.
  member_daily_scans integer not null default 20,
  -- Two scans of one code in different provinces within this many minutes raise a distant_scans flag.
  distant_minutes integer not null default 180,
  -- Where printed QR codes point (the member center's scan page); null: this server's own /m/scan.
  qr_base_url text,
  updated_at timestamptz not null default now()
);
