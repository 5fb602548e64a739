-- Points (#5): a double-entry ledger with lots. Every row a member owns carries member_id in its key, so a
-- very large brand can be distributed by member; every write to a member's points first locks that
-- member's account row, which serializes earning, spending, clawback, expiry and merges per member.

create table points_settings (
  tenant_id uuid primary key references tenants (id),
  fen_per_100_points integer not null default 100 check (fen_per_100_points >= 0),
  pending_days integer not null default 7 check (pending_days between 0 and 365),
  expiry jsonb not null default '{"kind":"rolling_months","months":12}',
  clawback_policy text not null default 'negative_balance' check (clawback_policy in ('negative_balance', 'other_lots', 'loss')),
  max_cash_share_pct integer not null default 50 check (max_cash_share_pct between 1 and 100),
  hold_minutes integer not null default 15 check (hold_minutes between 1 and 1440),
  reminder_days integer[] not null default '{30,7}',
  updated_at timestamptz not null default now()
);

create table earning_rule_versions (
  tenant_id uuid not null references tenants (id),
  version integer not null,
  effective_from timestamptz not null,
  rules jsonb not null,
  note text,
  created_by text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, version)
);
create index earning_rule_versions_effective_idx on earning_rule_versions (tenant_id, effective_from desc, version desc);

-- balance = what the member's lots hold minus debt; points under a hold have left the lots and are in held.
create table points_accounts (
  tenant_id uuid not null,
  member_id uuid not null,
  balance bigint not null default 0,
  debt bigint not null default 0 check (debt >= 0),
  held bigint not null default 0 check (held >= 0),
  lifetime_earned bigint not null default 0,
  lifetime_spent bigint not null default 0,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, member_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);

create table points_transactions (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  kind text not null check (kind in ('earn', 'clawback', 'hold', 'capture', 'release', 'spend', 'expire', 'adjust')),
  points bigint not null,
  -- What caused it, once: 'order:<id>', 'refund:<id>', 'adjust:<external id>' … a retry finds the first.
  source_key text,
  order_id uuid,
  refund_id uuid,
  redemption_id uuid,
  business_day date,
  details jsonb not null default '{}',
  actor text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id)
);
create unique index points_transactions_source_key on points_transactions (tenant_id, member_id, source_key) where source_key is not null;
create index points_transactions_member_idx on points_transactions (tenant_id, member_id, created_at desc);
create index points_transactions_order_idx on points_transactions (tenant_id, order_id) where order_id is not null;
create index points_transactions_day_idx on points_transactions (tenant_id, member_id, business_day) where kind = 'earn';

-- Each transaction's postings sum to zero. Accounts: member, held (points under a hold), issued (the
-- brand's liability counterpart), redeemed, expired, adjusted, loss (clawbacks the brand absorbed), partner.
create table points_postings (
  tenant_id uuid not null,
  member_id uuid not null,
  txn_id uuid not null,
  account text not null check (account in ('member', 'held', 'issued', 'redeemed', 'expired', 'adjusted', 'loss', 'partner')),
  partner text not null default '',
  amount bigint not null,
  primary key (tenant_id, member_id, txn_id, account, partner),
  -- Deferred: a merge re-keys a member's transactions and their postings and lots in one transaction.
  foreign key (tenant_id, member_id, txn_id) references points_transactions (tenant_id, member_id, id) deferrable initially deferred
);

create table points_lots (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  txn_id uuid not null,
  order_id uuid,
  amount bigint not null check (amount > 0),
  remaining bigint not null check (remaining >= 0 and remaining <= amount),
  earned_at timestamptz not null,
  available_at timestamptz not null,
  expires_at timestamptz,
  primary key (tenant_id, member_id, id),
  -- Deferred: a merge re-keys a member's transactions and their postings and lots in one transaction.
  foreign key (tenant_id, member_id, txn_id) references points_transactions (tenant_id, member_id, id) deferrable initially deferred
);
create index points_lots_open_idx on points_lots (tenant_id, member_id, expires_at) where remaining > 0;
create index points_lots_due_idx on points_lots (expires_at) where remaining > 0 and expires_at is not null;
create index points_lots_order_idx on points_lots (tenant_id, order_id) where order_id is not null;

-- The lot trail: how much of which lot each transaction added (+) or took (−).
create table points_lot_moves (
  tenant_id uuid not null,
  member_id uuid not null,
  txn_id uuid not null,
  lot_id uuid not null,
  amount bigint not null check (amount <> 0),
  primary key (tenant_id, member_id, txn_id, lot_id)
);
create index points_lot_moves_lot_idx on points_lot_moves (tenant_id, member_id, lot_id);

create table rewards (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  description text,
  points_price bigint not null check (points_price > 0),
  stock integer check (stock >= 0),
  status text not null default 'active' check (status in ('active', 'inactive')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table points_redemptions (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  external_id text not null,
  content_hash text not null,
  kind text not null check (kind in ('cash', 'reward')),
  status text not null check (status in ('held', 'captured', 'canceled', 'expired')),
  points bigint not null check (points > 0),
  value_fen bigint not null default 0 check (value_fen >= 0),
  order_total_fen bigint,
  reward_id uuid,
  quantity integer not null default 1,
  store_id uuid,
  hold_txn_id uuid,
  hold_expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, reward_id) references rewards (tenant_id, id)
);
create unique index points_redemptions_external_key on points_redemptions (tenant_id, member_id, external_id);
create index points_redemptions_id_idx on points_redemptions (tenant_id, id);
create index points_redemptions_hold_due_idx on points_redemptions (hold_expires_at) where status = 'held';

-- One reminder per member, expiry date and lead time, however often the job runs.
create table points_expiry_reminders (
  tenant_id uuid not null,
  member_id uuid not null,
  expires_on date not null,
  days_before integer not null,
  points bigint not null,
  sent_at timestamptz not null default now(),
  primary key (tenant_id, member_id, expires_on, days_before)
);
