-- Paid membership: plans, subscriptions with their transition history, payments through a provider,
-- refunds, renewal reminders, per-tenant policy and payment-provider credentials.

create table membership_settings (
  tenant_id uuid primary key references tenants (id),
  -- A refund within this many days of the period's start returns the whole period; later, the unused days.
  full_refund_days integer not null default 7 check (full_refund_days between 0 and 366),
  -- After a period ends unpaid the member keeps the benefits this many days (grace / past_due), then expires.
  grace_days integer not null default 7 check (grace_days between 0 and 90),
  reminder_days integer not null default 7 check (reminder_days between 1 and 90),
  -- A pending payment without a notification is asked about (status query) after this many minutes ...
  query_after_minutes integer not null default 5 check (query_after_minutes between 1 and 1440),
  -- ... and closed after this many.
  payment_timeout_minutes integer not null default 120 check (payment_timeout_minutes between 5 and 10080),
  updated_at timestamptz not null default now()
);

create table membership_plans (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  description text,
  price_fen bigint not null check (price_fen > 0),
  period text not null check (period in ('month', 'quarter', 'year')),
  trial_days integer not null default 0 check (trial_days between 0 and 365),
  auto_renew_allowed boolean not null default true,
  -- References the benefits module resolves (benefit ids); this module only keeps them with the plan.
  benefit_ids uuid[] not null default '{}',
  -- Plans a subscriber of this plan may move up to.
  upgrade_to uuid[] not null default '{}',
  status text not null default 'active' check (status in ('active', 'inactive')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table membership_subscriptions (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  plan_id uuid not null,
  status text not null check (status in ('trialing', 'active', 'past_due', 'grace', 'canceled', 'expired', 'refunded')),
  auto_renew boolean not null default false,
  provider text not null check (provider in ('offline', 'wechat')),
  trial_ends_at timestamptz,
  -- Paid periods count from the anchor (anchor + n periods), so month ends do not drift: Jan 31, Feb 28, Mar 31.
  anchor_at timestamptz,
  periods_paid integer not null default 0,
  current_period_start timestamptz not null,
  current_period_end timestamptz not null,
  -- What the current period is worth (the plan's price when it was paid); refunds are figured on it.
  period_value_fen bigint not null default 0,
  grace_ends_at timestamptz,
  canceled_at timestamptz,
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, plan_id) references membership_plans (tenant_id, id)
);
-- At most one live subscription per member.
create unique index membership_subscriptions_live on membership_subscriptions (tenant_id, member_id)
  where status in ('trialing', 'active', 'past_due', 'grace', 'canceled');
create index membership_subscriptions_due on membership_subscriptions (current_period_end)
  where status in ('trialing', 'active', 'past_due', 'grace', 'canceled');
create index membership_subscriptions_list on membership_subscriptions (tenant_id, id);

create table membership_transitions (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  subscription_id uuid not null,
  from_status text,
  to_status text not null,
  reason text not null,
  payment_id uuid,
  actor text not null,
  at timestamptz not null,
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id, subscription_id) references membership_subscriptions (tenant_id, member_id, id) deferrable
);

create table membership_payments (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  out_trade_no text not null,
  subscription_id uuid,
  plan_id uuid not null,
  kind text not null check (kind in ('purchase', 'renewal', 'upgrade')),
  provider text not null check (provider in ('offline', 'wechat')),
  amount_fen bigint not null check (amount_fen >= 0),
  -- For an upgrade: what the unused part of the old period was worth.
  credit_fen bigint not null default 0,
  -- pending → paid | closed; paid → refunded (in full); late: money arrived after the order was closed
  -- or the subscription had ended, recorded but never applied.
  status text not null check (status in ('pending', 'paid', 'closed', 'late', 'refunded')),
  payer_openid text,
  prepay_id text,
  provider_txn_id text,
  -- For a renewal: the period end it renews, so the job makes one renewal payment per period.
  for_period_end timestamptz,
  refunded_fen bigint not null default 0,
  paid_at timestamptz,
  closed_at timestamptz,
  last_queried_at timestamptz,
  notes jsonb not null default '[]',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, plan_id) references membership_plans (tenant_id, id)
);
create unique index membership_payments_trade_no on membership_payments (tenant_id, out_trade_no);
create unique index membership_payments_renewal on membership_payments (tenant_id, subscription_id, for_period_end) where kind = 'renewal';
create index membership_payments_pending on membership_payments (created_at) where status = 'pending';

create table membership_refunds (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  out_refund_no text not null,
  payment_id uuid not null,
  subscription_id uuid not null,
  amount_fen bigint not null check (amount_fen > 0),
  policy text not null check (policy in ('full', 'pro_rata')),
  status text not null check (status in ('pending', 'processing', 'succeeded', 'failed')),
  provider_refund_id text,
  reason text,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id, payment_id) references membership_payments (tenant_id, member_id, id) deferrable
);
create index membership_refunds_open on membership_refunds (created_at) where status in ('pending', 'failed');

create table membership_renewal_reminders (
  tenant_id uuid not null,
  member_id uuid not null,
  subscription_id uuid not null,
  period_end timestamptz not null,
  sent_at timestamptz not null default now(),
  primary key (tenant_id, member_id, subscription_id, period_end)
);

create table membership_provider_configs (
  tenant_id uuid not null references tenants (id),
  provider text not null check (provider in ('wechat')),
  mchid text not null,
  appid text not null,
  -- The merchant certificate's serial number and private key (sealed with HEARTH_SECRETS_KEY).
  merchant_serial text not null,
  private_key_sealed text not null,
  -- The APIv3 key that decrypts notification resources (sealed).
  api_v3_key_sealed text not null,
  -- WeChat Pay's platform public key and its id, which verify notifications and answers (public data).
  platform_serial text not null,
  platform_public_key text not null,
  base_url text not null default 'https://api.mch.weixin.qq.com',
  notify_base_url text not null,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, provider)
);
