-- Community groups (社群, #13 part 3): the group catalogue, routing pools with seat holds, welcome messages,
-- keyword auto-replies, group broadcasts and the join/leave log behind the group stats.

create table group_settings (
  tenant_id uuid not null references tenants (id),
  safety_margin integer not null default 10 check (safety_margin between 0 and 100),
  hold_minutes integer not null default 10 check (hold_minutes between 1 and 120),
  welcome_window_minutes integer not null default 10 check (welcome_window_minutes between 0 and 1440),
  updated_at timestamptz not null default now(),
  primary key (tenant_id)
);

-- A pool is what one QR code stands for: a store's or a theme's groups, among which scanners are spread.
create table group_pools (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  kind text not null check (kind in ('store', 'theme')),
  store_id uuid,
  theme text,
  -- The public code in the pool's link (what the printed QR encodes); never reused.
  code text not null,
  welcome_text text,
  status text not null default 'active' check (status in ('active', 'archived')),
  -- Set when routing found every group of the pool full (the "open a new group" signal); cleared when one has room.
  all_full_since timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, store_id) references stores (tenant_id, id)
);
create unique index group_pools_code_key on group_pools (tenant_id, code);

create table community_groups (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  store_id uuid,
  theme text,
  tier_id uuid,
  pool_id uuid,
  -- The WeCom customer group (客户群) once linked; its owner sends the group's messages.
  chat_id text,
  owner_userid text,
  join_qr_url text,
  join_config_id text,
  capacity integer not null default 200 check (capacity between 1 and 500),
  -- Kept by the join/leave callbacks and the WeCom sync; routing compares it with the capacity.
  member_count integer not null default 0 check (member_count >= 0),
  welcome_text text,
  status text not null default 'active' check (status in ('active', 'closed', 'archived')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, store_id) references stores (tenant_id, id),
  foreign key (tenant_id, pool_id) references group_pools (tenant_id, id)
);
create unique index community_groups_chat_key on community_groups (tenant_id, chat_id) where chat_id is not null;
create index community_groups_pool_idx on community_groups (tenant_id, pool_id, id) where pool_id is not null;

-- A seat a routed scan holds in a group until the scanner joins or the hold runs out, so a burst of scans
-- cannot all be sent to the group's last free seat before WeCom reports the joins.
create table group_route_holds (
  tenant_id uuid not null,
  id uuid not null,
  pool_id uuid not null,
  group_id uuid not null,
  scanner text,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  joined_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, group_id) references community_groups (tenant_id, id),
  foreign key (tenant_id, pool_id) references group_pools (tenant_id, id)
);
create index group_route_holds_open_idx on group_route_holds (tenant_id, group_id, expires_at) where joined_at is null;
create index group_route_holds_scanner_idx on group_route_holds (tenant_id, pool_id, scanner, expires_at) where scanner is not null;

-- Joins and leaves as WeCom reports them; the member is known when the external contact maps to one.
create table group_member_changes (
  tenant_id uuid not null,
  id uuid not null,
  group_id uuid not null,
  kind text not null check (kind in ('join', 'leave')),
  external_userid text,
  member_id uuid,
  occurred_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, group_id) references community_groups (tenant_id, id)
);
create index group_member_changes_group_idx on group_member_changes (tenant_id, group_id, occurred_at);
create index group_member_changes_member_idx on group_member_changes (tenant_id, member_id) where member_id is not null;

-- Messages members sent in a group, when an integration delivers them (WeCom does not call back with
-- customer-group messages; session archiving or a bot does): they answer auto-replies and count activity.
create table group_messages (
  tenant_id uuid not null,
  group_id uuid not null,
  msg_id text not null,
  sender text not null,
  member_id uuid,
  auto_reply_id uuid,
  sent_at timestamptz not null,
  primary key (tenant_id, group_id, msg_id),
  foreign key (tenant_id, group_id) references community_groups (tenant_id, id)
);
create index group_messages_time_idx on group_messages (tenant_id, group_id, sent_at);

create table group_auto_replies (
  tenant_id uuid not null,
  id uuid not null,
  group_id uuid,
  pool_id uuid,
  keyword text not null,
  match text not null check (match in ('exact', 'contains')),
  reply_text text not null,
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, group_id) references community_groups (tenant_id, id),
  foreign key (tenant_id, pool_id) references group_pools (tenant_id, id),
  check ((group_id is null) <> (pool_id is null))
);

create table group_broadcasts (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  text text not null,
  status text not null default 'scheduled' check (status in ('scheduled', 'running', 'done', 'cancelled')),
  send_at timestamptz not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (tenant_id, id)
);

create table group_broadcast_targets (
  tenant_id uuid not null,
  broadcast_id uuid not null,
  group_id uuid not null,
  status text not null default 'pending' check (status in ('pending', 'deferred', 'sending', 'sent', 'skipped', 'failed')),
  reason text,
  send_at timestamptz not null,
  -- Set when claimed for sending: a retry after a crash knows which attempt it resumes.
  attempt_id uuid,
  wecom_msgid text,
  sent_at timestamptz,
  primary key (tenant_id, broadcast_id, group_id),
  foreign key (tenant_id, broadcast_id) references group_broadcasts (tenant_id, id),
  foreign key (tenant_id, group_id) references community_groups (tenant_id, id)
);

-- Marketing group messages per group and period ('d:2026-11-23', 'w:2026-W48' in the tenant's zone): the
-- messaging module's caps, counted per group because a group message cannot leave one member out.
create table group_message_counters (
  tenant_id uuid not null,
  group_id uuid not null,
  period text not null,
  count integer not null default 0,
  primary key (tenant_id, group_id, period),
  foreign key (tenant_id, group_id) references community_groups (tenant_id, id)
);
