-- Messaging (#9): channel settings, templates, the delivery log, frequency caps, inbox, web push
-- subscriptions, WeChat access tokens and broadcasts.

create table messaging_settings (
  tenant_id uuid primary key references tenants (id),
  -- {"sms": {"per_day": 1, "per_week": 2}, …}: marketing messages per member, channel and period; absent or null = no cap.
  caps jsonb not null default '{}',
  quiet_enabled boolean not null default true,
  quiet_start text not null default '21:00' check (quiet_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  quiet_end text not null default '09:00' check (quiet_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  -- Whether a transactional notice needs the member's consent on the channel: not_required (the members'
  -- unsubscribe page promises service notices go on), unless_withdrawn, required.
  transactional_consent text not null default 'not_required' check (transactional_consent in ('not_required', 'unless_withdrawn', 'required')),
  updated_at timestamptz not null default now()
);

-- One row per provider: non-secret settings in clear, secrets sealed (secret-box.ts).
create table message_channel_configs (
  tenant_id uuid not null references tenants (id),
  provider text not null check (provider in ('smtp', 'aliyun_sms', 'tencent_sms', 'wechat_oa', 'wechat_mp', 'web_push', 'webhook')),
  settings jsonb not null default '{}',
  secrets_sealed text,
  enabled boolean not null default true,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, provider)
);

create table message_templates (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  channel text not null check (channel in ('wechat_template', 'wechat_subscribe', 'sms', 'email', 'web_push', 'inbox', 'webhook')),
  category text not null check (category in ('marketing', 'transactional')),
  -- {"zh-CN": {"subject", "body", "link", "fields"}, "en": {…}}: Liquid sources.
  bodies jsonb not null,
  -- [{"segment_id"?, "region"?, "bodies"}]: the first variant whose condition holds replaces the bodies (千人千面).
  variants jsonb not null default '[]',
  -- The provider's own template: WeChat template id, SMS template code with its sign name.
  provider_template text,
  sms_sign_name text,
  status text not null default 'active' check (status in ('active', 'archived')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table message_deliveries (
  tenant_id uuid not null references tenants (id),
  member_id uuid not null,
  id uuid not null,
  channel text not null,
  template_id uuid not null,
  variant text,
  category text not null check (category in ('marketing', 'transactional')),
  source_kind text not null check (source_kind in ('journey', 'broadcast', 'api', 'system')),
  source_id text not null,
  dedupe_key text not null,
  status text not null check (status in ('queued', 'delayed', 'sending', 'sent', 'delivered', 'failed', 'bounced', 'clicked', 'suppressed')),
  reason text,
  variables jsonb not null default '{}',
  -- What was sent (rendered subject and body): personal data, nulled on erasure.
  rendered jsonb,
  send_at timestamptz not null,
  -- The attempt that marked it 'sending': a record from an older attempt that lost its lease changes nothing.
  attempt_id uuid,
  attempts integer not null default 0,
  provider_message_id text,
  error text,
  sending_at timestamptz,
  sent_at timestamptz,
  delivered_at timestamptz,
  failed_at timestamptz,
  clicked_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, template_id) references message_templates (tenant_id, id)
);
create unique index message_deliveries_dedupe_key on message_deliveries (tenant_id, dedupe_key);
create unique index message_deliveries_id_key on message_deliveries (tenant_id, id);
create index message_deliveries_provider_idx on message_deliveries (tenant_id, channel, provider_message_id) where provider_message_id is not null;
create index message_deliveries_source_idx on message_deliveries (tenant_id, source_kind, source_id);

-- Marketing sends per member, channel and period ('d:2026-11-23', 'w:2026-W48' in the tenant's zone),
-- counted with a conditional upsert so concurrent senders cannot pass the cap.
create table message_frequency_counters (
  tenant_id uuid not null,
  member_id uuid not null,
  channel text not null,
  period text not null,
  count integer not null default 0,
  primary key (tenant_id, member_id, channel, period),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);

create table message_inbox (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  title text not null,
  body text not null,
  link text,
  read_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);

create table web_push_subscriptions (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  endpoint text not null,
  p256dh text not null,
  auth text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create unique index web_push_subscriptions_endpoint_key on web_push_subscriptions (tenant_id, endpoint);

-- WeChat access tokens, shared by every process of a tenant (WeChat invalidates the old one on each fetch).
create table wechat_access_tokens (
  tenant_id uuid not null references tenants (id),
  app_id text not null,
  token_sealed text not null,
  expires_at timestamptz not null,
  primary key (tenant_id, app_id)
);

create table message_broadcasts (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  segment_id uuid not null,
  channel text not null,
  category text not null check (category in ('marketing', 'transactional')),
  -- [{"key": "A", "template_id", "weight_bp"}]
  variants jsonb not null,
  holdout_bp integer not null default 0 check (holdout_bp between 0 and 10000),
  send_at timestamptz not null,
  status text not null default 'scheduled' check (status in ('scheduled', 'running', 'done', 'canceled')),
  -- Fan-out checkpoint: the last member id done (members are taken in key order).
  cursor uuid,
  processed integer not null default 0,
  queued integer not null default 0,
  delayed integer not null default 0,
  suppressed integer not null default 0,
  holdout integer not null default 0,
  created_by text,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (tenant_id, id)
);

-- Members a broadcast held out: they get nothing and are still counted when conversions are measured.
create table message_broadcast_holdouts (
  tenant_id uuid not null,
  member_id uuid not null,
  broadcast_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, member_id, broadcast_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, broadcast_id) references message_broadcasts (tenant_id, id)
);
