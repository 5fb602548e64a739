-- Member sessions: a member signed in to the member center (cookie) or a mini program (bearer). Like
-- operator sessions, found by the hash of the token through a unique index on the hash alone (a routing
-- lookup made before the tenant is known).
create table member_sessions (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  token_hash text not null,
  kind text not null check (kind in ('cookie', 'bearer')),
  method text not null check (method in ('sms', 'wechat')),
  -- The openid WeChat sign-in gave, under the official account's appid: WeChat Pay JSAPI needs it.
  wechat_openid text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create unique index member_sessions_token_key on member_sessions (token_hash);

-- One row per phone that asked for a sign-in code: the live code (hashed), its attempts, the sends in the
-- current hour and the failure lock. Keyed by a hash of the phone, so no phone number is stored here.
create table member_sign_in_codes (
  tenant_id uuid not null,
  phone_hash text not null,
  code_hash text,
  code_expires_at timestamptz,
  code_attempts integer not null default 0,
  last_sent_at timestamptz,
  window_started_at timestamptz,
  sends_in_window integer not null default 0,
  failures integer not null default 0,
  locked_until timestamptz,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, phone_hash)
);

-- The brand's WeChat official account for web OAuth; the app secret is sealed with HEARTH_SECRETS_KEY.
create table member_portal_wechat (
  tenant_id uuid not null,
  appid text not null,
  secret_sealed text not null,
  updated_at timestamptz not null default now(),
  primary key (tenant_id)
);

-- Members act for themselves in the member center: their audit rows name them as the actor.
alter table audit_log drop constraint audit_log_actor_type_check;
alter table audit_log add constraint audit_log_actor_type_check check (actor_type in ('operator', 'api_key', 'system', 'member'));
