-- Members, their identities, consent, tags and merges (issue #4).

create table member_counters (
  tenant_id uuid primary key references tenants (id),
  last_number bigint not null default 0
);

create table members (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  member_no text not null,
  name text,
  nickname text,
  gender text check (gender in ('male', 'female', 'unknown')),
  birthday_month smallint check (birthday_month between 1 and 12),
  birthday_day smallint check (birthday_day between 1 and 31),
  birth_year smallint,
  phone text,
  email text,
  province text,
  city text,
  district text,
  home_store_id uuid,
  channel text not null check (channel in ('official_account', 'mini_program', 'app', 'store', 'web', 'import', 'referral', 'partner')),
  campaign text,
  registered_at timestamptz not null default now(),
  status text not null default 'active' check (status in ('active', 'frozen', 'erased', 'merged')),
  merged_into uuid,
  custom_fields jsonb not null default '{}',
  erased_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, home_store_id) references stores (tenant_id, id)
);
create unique index members_number_key on members (tenant_id, member_no);
create index members_phone_idx on members (tenant_id, phone) where phone is not null;
create index members_name_idx on members (tenant_id, name text_pattern_ops) where name is not null;
create index members_custom_fields_idx on members using gin (custom_fields jsonb_path_ops);

-- The routing table from any identity to its member, looked up on every login and POS call. Keyed by the
-- identity (not by member) because it is found before the member is known.
create table member_identities (
  tenant_id uuid not null,
  type text not null check (type in ('wechat_unionid', 'wechat_openid', 'mini_program_openid', 'app_user_id', 'phone', 'email', 'store_card', 'partner')),
  app_id text not null default '',
  value text not null,
  member_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, type, app_id, value),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create index member_identities_member_idx on member_identities (tenant_id, member_id);

create table member_consents (
  tenant_id uuid not null,
  member_id uuid not null,
  channel text not null check (channel in ('sms', 'email', 'wechat', 'app_push')),
  granted boolean not null,
  source text not null,
  wording_version text not null,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, member_id, channel),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);

create table member_consent_history (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  channel text not null,
  granted boolean not null,
  source text not null,
  wording_version text not null,
  actor_label text,
  occurred_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id)
);

create table member_custom_fields (
  tenant_id uuid not null references tenants (id),
  key text not null,
  label text not null,
  type text not null check (type in ('text', 'number', 'date', 'enum', 'boolean')),
  options text[],
  created_at timestamptz not null default now(),
  primary key (tenant_id, key)
);

create table tag_groups (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index tag_groups_name_key on tag_groups (tenant_id, name);

create table tags (
  tenant_id uuid not null,
  id uuid not null,
  group_id uuid not null,
  name text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, group_id) references tag_groups (tenant_id, id)
);
create unique index tags_name_key on tags (tenant_id, group_id, name);

create table member_tags (
  tenant_id uuid not null,
  member_id uuid not null,
  tag_id uuid not null,
  added_by text,
  added_at timestamptz not null default now(),
  primary key (tenant_id, member_id, tag_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, tag_id) references tags (tenant_id, id)
);
create index member_tags_tag_idx on member_tags (tenant_id, tag_id);

create table member_tag_history (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  tag_id uuid not null,
  action text not null check (action in ('added', 'removed')),
  actor_label text,
  occurred_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id)
);

create table member_merges (
  tenant_id uuid not null,
  id uuid not null,
  from_member_id uuid not null,
  to_member_id uuid not null,
  reason text not null,
  actor_label text,
  moved jsonb not null default '{}',
  occurred_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index member_merges_from_key on member_merges (tenant_id, from_member_id);

-- Per-tenant secrets for signed links (unsubscribe) and member codes; made on first use.
create table tenant_secrets (
  tenant_id uuid not null references tenants (id),
  name text not null,
  secret text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, name)
);
