-- Store geofences (issue #9, item 7): a radius per store, location as a consent channel, and the last time each
-- member entered each store's fence, which the cooldown is measured from.
alter table stores add column geofence_radius_m integer check (geofence_radius_m between 20 and 5000);
-- The lookup takes the stores in a latitude band around the member, then measures each one.
create index stores_position_idx on stores (tenant_id, latitude, longitude) where latitude is not null and longitude is not null and deleted_at is null;

alter table member_consents drop constraint member_consents_channel_check;
alter table member_consents add constraint member_consents_channel_check check (channel in ('sms', 'email', 'wechat', 'app_push', 'location'));

create table geofence_settings (
  tenant_id uuid not null references tenants (id),
  enabled boolean not null default true,
  default_radius_m integer not null default 300 check (default_radius_m between 20 and 5000),
  cooldown_minutes integer not null default 1440 check (cooldown_minutes between 1 and 43200),
  updated_at timestamptz not null default now(),
  primary key (tenant_id)
);

create table geofence_entries (
  tenant_id uuid not null,
  member_id uuid not null,
  store_id uuid not null,
  last_entered_at timestamptz not null,
  entries integer not null default 1,
  primary key (tenant_id, member_id, store_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, store_id) references stores (tenant_id, id)
);
