-- Channel codes (渠道活码, #13 part 1): QR codes carrying their source, what happened through each (scans, follows,
-- registrations, first orders) and the first code each member came through.

create table channel_codes (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  source_kind text not null check (source_kind in ('store', 'staff', 'campaign', 'partner')),
  source_ref text,
  campaign text,
  target_kind text not null check (target_kind in ('official_account', 'wecom_contact', 'group', 'member_center')),
  staff_user_ids jsonb not null default '[]',
  group_ref text,
  landing_path text,
  -- What the peer gave back: the official account's QR content, or WeCom's contact-me config and image.
  oa_qr_url text,
  wecom_config_id text,
  wecom_qr_url text,
  -- What the peer sends back to name the code: the WeCom `state` (30 characters at most) or the official-account scene.
  peer_key text not null,
  status text not null default 'active' check (status in ('active', 'archived')),
  created_at timestamptz not null,
  primary key (tenant_id, id)
);
create unique index channel_codes_peer_key on channel_codes (tenant_id, peer_key);

-- One row per thing that happened through a code. `subject` is who did it before a member may be known: a browser
-- (its cookie), an openid, a WeCom external_userid; member_id when known.
create table channel_code_touches (
  tenant_id uuid not null,
  id uuid not null,
  code_id uuid not null,
  kind text not null check (kind in ('scan', 'follow', 'register', 'first_order')),
  subject text not null,
  member_id uuid,
  order_id uuid,
  occurred_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, code_id) references channel_codes (tenant_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create index channel_code_touches_code_idx on channel_code_touches (tenant_id, code_id, occurred_at);
create index channel_code_touches_subject_idx on channel_code_touches (tenant_id, subject) where kind in ('scan', 'follow');
-- A follow is counted once per code and person; a registration and a first order once per member.
create unique index channel_code_touches_follow_key on channel_code_touches (tenant_id, code_id, subject) where kind = 'follow';
create unique index channel_code_touches_member_key on channel_code_touches (tenant_id, member_id, kind) where kind in ('register', 'first_order');

-- The first code a member came through: their acquisition channel. Set once.
create table channel_code_attributions (
  tenant_id uuid not null,
  member_id uuid not null,
  code_id uuid not null,
  attributed_at timestamptz not null,
  registered boolean not null default false,
  first_order_id uuid,
  primary key (tenant_id, member_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, code_id) references channel_codes (tenant_id, id)
);
create index channel_code_attributions_code_idx on channel_code_attributions (tenant_id, code_id);
