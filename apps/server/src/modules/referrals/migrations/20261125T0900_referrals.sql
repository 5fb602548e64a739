-- Referrals (推荐有礼): invite codes, share/click counts, who brought whom, and each side's reward once.
create table referral_settings (
  tenant_id uuid primary key references tenants (id),
  settings jsonb not null,
  updated_at timestamptz not null default now()
);

create table referral_codes (
  tenant_id uuid not null references tenants (id),
  member_id uuid not null,
  code text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, member_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create unique index referral_codes_code on referral_codes (tenant_id, code);

-- One row per referrer, kind, local day and visitor: the key makes a visitor count once a day.
create table referral_visits (
  tenant_id uuid not null references tenants (id),
  member_id uuid not null,
  kind text not null check (kind in ('share', 'click')),
  day date not null,
  visitor_hash text not null,
  created_at timestamptz not null,
  primary key (tenant_id, member_id, kind, day, visitor_hash),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);

-- Keyed by the new member: a member can be referred once.
create table referrals (
  tenant_id uuid not null references tenants (id),
  member_id uuid not null,
  referrer_id uuid not null,
  status text not null check (status in ('joined', 'ordered', 'rewarded', 'canceled', 'pending_review', 'rejected')),
  flags jsonb not null default '[]',
  device_hash text,
  address_hash text,
  joined_at timestamptz not null,
  order_id uuid,
  qualifies_at timestamptz,
  rewarded_at timestamptz,
  reviewed_by text,
  reviewed_at timestamptz,
  review_note text,
  primary key (tenant_id, member_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, referrer_id) references members (tenant_id, id)
);
create index referrals_referrer on referrals (tenant_id, referrer_id, joined_at);
create index referrals_due on referrals (qualifies_at) where status = 'ordered';

-- One reward per referral and side, ever: the key is what makes settlement exactly once.
create table referral_rewards (
  tenant_id uuid not null references tenants (id),
  referral_member_id uuid not null,
  side text not null check (side in ('referrer', 'referee')),
  member_id uuid not null,
  status text not null check (status in ('fulfilled', 'failed', 'limited')),
  reward_month text not null,
  points integer not null default 0,
  coupon_id uuid,
  error text,
  created_at timestamptz not null,
  primary key (tenant_id, referral_member_id, side),
  foreign key (tenant_id, referral_member_id) references referrals (tenant_id, member_id) on update cascade
);
create index referral_rewards_month on referral_rewards (tenant_id, member_id, reward_month) where side = 'referrer' and status = 'fulfilled';
