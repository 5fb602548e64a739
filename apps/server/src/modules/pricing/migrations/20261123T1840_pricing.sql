-- Member prices, priority purchase windows and scarce-product ballots (#7).

-- A member price of a SKU for a tier (of any ladder) or a paid plan, effective-dated: for one (sku, audience)
-- the version in force at t is the latest effective_from <= t, unless it ended (effective_until <= t).
create table member_prices (
  tenant_id uuid not null,
  id uuid not null,
  sku text not null,
  audience text not null check (audience in ('tier', 'plan')),
  audience_id uuid not null,
  price_fen bigint not null check (price_fen >= 0),
  effective_from timestamptz not null,
  effective_until timestamptz,
  created_by text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, sku) references products (tenant_id, sku),
  unique (tenant_id, sku, audience, audience_id, effective_from),
  check (effective_until is null or effective_until > effective_from)
);

-- A limited launch: `quantity` units of a SKU from opens_at; the early audience may buy early_hours before.
create table launches (
  tenant_id uuid not null,
  id uuid not null,
  name text not null,
  sku text not null,
  quantity integer not null check (quantity > 0),
  reserved integer not null default 0,
  opens_at timestamptz not null,
  closes_at timestamptz,
  early_hours integer not null default 0 check (early_hours between 0 and 720),
  early_eligibility jsonb not null default '{}',
  per_member_limit integer not null default 1 check (per_member_limit > 0),
  benefit_ref text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, sku) references products (tenant_id, sku),
  -- Never oversold: the reservation is one conditional update of this row.
  check (reserved between 0 and quantity)
);

create table launch_reservations (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  launch_id uuid not null,
  -- The member's n-th unit of this launch: with the limit check, never more than per_member_limit.
  seq integer not null,
  early boolean not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, launch_id) references launches (tenant_id, id)
);
create unique index launch_reservations_seq_key on launch_reservations (tenant_id, launch_id, member_id, seq);

create table ballots (
  tenant_id uuid not null,
  id uuid not null,
  name text not null,
  sku text not null,
  quantity integer not null check (quantity > 0),
  eligibility jsonb not null default '{}',
  entry_opens_at timestamptz not null,
  entry_closes_at timestamptz not null,
  -- The commitment: SHA-256 of the seed, public from creation; the seed itself is shown only after the draw.
  seed text not null,
  seed_hash text not null,
  status text not null default 'open' check (status in ('open', 'drawn')),
  drawn_at timestamptz,
  entries_count integer,
  benefit_ref text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, sku) references products (tenant_id, sku),
  check (entry_closes_at > entry_opens_at)
);

create table ballot_entries (
  tenant_id uuid not null,
  member_id uuid not null,
  ballot_id uuid not null,
  -- The member id the entry was made under: what the draw ranks (a merge changes member_id, never this).
  entrant_id uuid not null,
  entrant_no text not null,
  -- The old owner when a merge brought a second entry to a member in an already drawn ballot.
  merged_from uuid,
  result text not null default 'pending' check (result in ('pending', 'won', 'lost')),
  rank integer,
  created_at timestamptz not null default now(),
  primary key (tenant_id, member_id, ballot_id, entrant_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, ballot_id) references ballots (tenant_id, id)
);
-- One entry per member and ballot (the entry race is decided by this index).
create unique index ballot_entries_once_key on ballot_entries (tenant_id, ballot_id, member_id) where merged_from is null;
create unique index ballot_entries_entrant_key on ballot_entries (tenant_id, ballot_id, entrant_id);
