-- Lotteries (instant-win and scheduled draws with a committed seed) and daily check-in (#11, part 3).

create table lotteries (
  tenant_id uuid not null,
  id uuid not null,
  name text not null,
  description text,
  mode text not null check (mode in ('instant', 'scheduled')),
  status text not null default 'open' check (status in ('open', 'closed', 'drawn')),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  draw_at timestamptz,
  entry_cost_points integer not null default 0 check (entry_cost_points >= 0),
  daily_limit integer,
  total_limit integer,
  device_daily_limit integer,
  eligibility jsonb not null default '{}',
  -- The commitment: SHA-256 of the seed, public from creation; the seed itself once entries are closed.
  seed text not null,
  seed_hash text not null,
  -- The last entry's seq: entries take the next one under this row's lock, so seq is the commit order.
  entries_count integer not null default 0,
  drawn_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (ends_at > starts_at)
);

create table lottery_prizes (
  tenant_id uuid not null,
  lottery_id uuid not null,
  id uuid not null,
  position integer not null,
  name text not null,
  kind text not null check (kind in ('points', 'coupon', 'partner_code', 'physical')),
  points integer,
  coupon_template_id uuid,
  partner_benefit_id uuid,
  probability_bp integer check (probability_bp between 0 and 10000),
  stock integer,
  -- Never oversold: an instant win takes a unit by one conditional update of this counter.
  remaining integer check (remaining >= 0),
  image_url text,
  primary key (tenant_id, lottery_id, id),
  unique (tenant_id, id),
  unique (tenant_id, lottery_id, position),
  foreign key (tenant_id, lottery_id) references lotteries (tenant_id, id)
);

create table lottery_entries (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  lottery_id uuid not null,
  seq integer not null,
  business_day date not null,
  device_id text,
  cost_points integer not null default 0,
  result text not null check (result in ('pending', 'won', 'lost')),
  prize_id uuid,
  created_at timestamptz not null,
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, lottery_id) references lotteries (tenant_id, id),
  foreign key (tenant_id, prize_id) references lottery_prizes (tenant_id, id)
);
create unique index lottery_entries_seq_key on lottery_entries (tenant_id, lottery_id, seq);
create index lottery_entries_member_day on lottery_entries (tenant_id, lottery_id, member_id, business_day);
create index lottery_entries_device_day on lottery_entries (tenant_id, lottery_id, device_id, business_day) where device_id is not null;

create table lottery_wins (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  lottery_id uuid not null,
  entry_id uuid not null,
  prize_id uuid not null,
  kind text not null,
  status text not null check (status in ('pending', 'fulfilled', 'failed', 'pending_address', 'ready', 'shipped', 'delivered')),
  fulfilment_ref text,
  error text,
  -- Personal data of a physical prize's recipient: masked in lists, exported, erased.
  recipient_name text,
  recipient_phone text,
  address text,
  carrier text,
  tracking_no text,
  shipped_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  unique (tenant_id, id),
  unique (tenant_id, entry_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, lottery_id) references lotteries (tenant_id, id),
  foreign key (tenant_id, prize_id) references lottery_prizes (tenant_id, id)
);
create index lottery_wins_lottery on lottery_wins (tenant_id, lottery_id, status);

create table checkin_settings (
  tenant_id uuid not null primary key,
  enabled boolean not null default true,
  daily_points integer not null default 0,
  streak_rewards jsonb not null default '[]',
  updated_at timestamptz not null default now()
);

-- One row per member and local day: the key is what makes concurrent taps check in once.
create table checkins (
  tenant_id uuid not null,
  member_id uuid not null,
  day date not null,
  streak integer not null check (streak >= 1),
  rewards jsonb not null default '[]',
  created_at timestamptz not null,
  primary key (tenant_id, member_id, day),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create index checkins_day on checkins (tenant_id, day);
