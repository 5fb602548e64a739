-- UGC contests (评选大赛, #11 part 4): contests, members' entries with moderation, votes with per-day and
-- total limits, and the winners with their rewards.

create table contests (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  title text not null,
  description text,
  submit_from timestamptz not null,
  submit_until timestamptz not null,
  vote_from timestamptz not null,
  vote_until timestamptz not null,
  votes_per_day integer not null,
  votes_total integer not null,
  -- Weight of votes in the final score (basis points); the jury's score has the rest.
  vote_weight_bp integer not null check (vote_weight_bp between 0 and 10000),
  rewards jsonb not null default '[]',
  finalized_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table contest_entries (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  contest_id uuid not null,
  title text not null,
  text text not null,
  image_urls jsonb not null default '[]',
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  reject_reason text,
  moderated_at timestamptz,
  votes integer not null default 0,
  shares integer not null default 0,
  jury_score integer check (jury_score between 0 and 100),
  created_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, contest_id) references contests (tenant_id, id)
);
-- One entry per member and contest.
create unique index contest_entries_once on contest_entries (tenant_id, contest_id, member_id);
create unique index contest_entries_id_key on contest_entries (tenant_id, id);

create table contest_votes (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  contest_id uuid not null,
  entry_id uuid not null,
  -- The voter's day in the tenant's zone, for the per-day limit.
  local_day date not null,
  created_at timestamptz not null,
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, contest_id) references contests (tenant_id, id)
);
create index contest_votes_limit_idx on contest_votes (tenant_id, contest_id, member_id, local_day);

create table contest_winners (
  tenant_id uuid not null,
  contest_id uuid not null,
  rank integer not null,
  entry_id uuid not null,
  member_id uuid not null,
  -- Hundredths of the 0–100 score (votes and jury weighted).
  score integer not null,
  reward_ref text,
  primary key (tenant_id, contest_id, rank),
  foreign key (tenant_id, contest_id) references contests (tenant_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
