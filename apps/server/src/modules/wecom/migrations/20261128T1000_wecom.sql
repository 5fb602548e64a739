-- WeCom (企业微信, #13 part 2): the corp's credentials, its staff, external contacts (客户联系) and which staff each
-- added, customer groups and their members, callback receipts and message tasks.

create table wecom_settings (
  tenant_id uuid primary key references tenants (id),
  corp_id text not null,
  -- Sealed with HEARTH_SECRETS_KEY (secret-box.ts): the app secret, and the callback Token and EncodingAESKey.
  secret_sealed text not null,
  callback_token_sealed text,
  encoding_aes_key_sealed text,
  enabled boolean not null default true,
  last_sync_at timestamptz,
  last_sync_status text check (last_sync_status in ('running', 'succeeded', 'failed')),
  last_sync_error text,
  last_sync_counts jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table wecom_access_tokens (
  tenant_id uuid not null references tenants (id),
  corp_id text not null,
  token_sealed text not null,
  expires_at timestamptz not null,
  primary key (tenant_id, corp_id)
);

create table wecom_staff (
  tenant_id uuid not null references tenants (id),
  user_id text not null,
  name text not null,
  department_ids jsonb not null default '[]',
  -- WeCom's status: 1 active, 2 disabled, 4 not yet activated, 5 left.
  status integer not null default 1,
  active boolean not null default true,
  operator_id uuid,
  store_id uuid,
  synced_at timestamptz not null,
  primary key (tenant_id, user_id),
  foreign key (tenant_id, operator_id) references operators (tenant_id, id),
  foreign key (tenant_id, store_id) references stores (tenant_id, id)
);

-- Keyed by WeCom's id, not the member: a contact exists before (or without) a member its unionid maps to.
create table wecom_contacts (
  tenant_id uuid not null references tenants (id),
  external_user_id text not null,
  name text,
  -- 1 WeChat user, 2 a WeCom user of another corp.
  contact_type integer not null default 1,
  unionid text,
  member_id uuid,
  synced_at timestamptz not null,
  primary key (tenant_id, external_user_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create index wecom_contacts_unionid_idx on wecom_contacts (tenant_id, unionid) where unionid is not null;
create index wecom_contacts_member_idx on wecom_contacts (tenant_id, member_id) where member_id is not null;

-- Which staff member each contact added: the store guide relation. Removed rows stay (removed_at) for the history.
create table wecom_follows (
  tenant_id uuid not null,
  external_user_id text not null,
  staff_user_id text not null,
  added_at timestamptz not null,
  -- The `state` of the contact-me code the contact came through (channel codes put their id there).
  state text,
  removed_at timestamptz,
  removed_by text check (removed_by in ('staff', 'contact')),
  primary key (tenant_id, external_user_id, staff_user_id),
  foreign key (tenant_id, external_user_id) references wecom_contacts (tenant_id, external_user_id) on delete cascade
);
create index wecom_follows_staff_idx on wecom_follows (tenant_id, staff_user_id) where removed_at is null;

create table wecom_groups (
  tenant_id uuid not null references tenants (id),
  chat_id text not null,
  name text not null default '',
  owner_user_id text not null,
  notice text,
  status text not null default 'active' check (status in ('active', 'dismissed')),
  member_count integer not null default 0,
  wecom_created_at timestamptz,
  synced_at timestamptz not null,
  primary key (tenant_id, chat_id)
);

create table wecom_group_members (
  tenant_id uuid not null,
  chat_id text not null,
  -- A staff userid (member_type 1) or an external_userid (2).
  user_id text not null,
  member_type integer not null check (member_type in (1, 2)),
  name text,
  unionid text,
  member_id uuid,
  joined_at timestamptz not null,
  join_scene integer,
  left_at timestamptz,
  primary key (tenant_id, chat_id, user_id),
  foreign key (tenant_id, chat_id) references wecom_groups (tenant_id, chat_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create index wecom_group_members_member_idx on wecom_group_members (tenant_id, member_id) where member_id is not null;

-- WeCom resends a callback it got no answer to within 5 s (three times): each decrypted message is taken once.
create table wecom_callback_receipts (
  tenant_id uuid not null references tenants (id),
  digest text not null,
  received_at timestamptz not null,
  primary key (tenant_id, digest)
);

create table wecom_message_tasks (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  chat_type text not null check (chat_type in ('single', 'group')),
  sender text not null,
  member_id uuid,
  external_user_ids jsonb not null default '[]',
  chat_ids jsonb not null default '[]',
  content text not null,
  wecom_msgid text,
  fail_list jsonb not null default '[]',
  -- The caller's key (a guide task, a broadcast chunk): the same key again returns the first task.
  dedupe_key text,
  created_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create unique index wecom_message_tasks_dedupe_key on wecom_message_tasks (tenant_id, dedupe_key) where dedupe_key is not null;
create index wecom_message_tasks_member_idx on wecom_message_tasks (tenant_id, member_id) where member_id is not null;
