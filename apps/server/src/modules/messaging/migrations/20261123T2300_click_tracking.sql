-- Messaging (#9): click tracking. When on, links in email and SMS bodies go through Hearth's redirect at
-- base_url; link_secret (made by the application on first use) signs each link id.
alter table messaging_settings add column click_tracking boolean not null default false;
alter table messaging_settings add column public_base_url text;
alter table messaging_settings add column link_secret text;
