-- Content library (articles, tutorials, product stories, videos) with audience and schedule, and the
-- member-day view and share counters behind its stats (#13, item 5).

create table content_items (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  kind text not null check (kind in ('article', 'tutorial', 'product_story', 'video')),
  title text not null,
  summary text,
  body text not null default '',
  video_url text,
  cover_url text,
  tags text[] not null default '{}',
  skus text[] not null default '{}',
  audience_segment_id uuid,
  publish_at timestamptz,
  unpublish_at timestamptz,
  status text not null default 'draft' check (status in ('draft', 'published', 'archived')),
  published_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, audience_segment_id) references segments (tenant_id, id),
  check (unpublish_at is null or publish_at is null or unpublish_at > publish_at)
);
create index content_items_published on content_items (tenant_id, status, id desc);

-- One row per member, item and local day: the primary key is what makes a view count once a day, also when
-- several opens race (insert … on conflict do nothing).
create table content_views (
  tenant_id uuid not null,
  member_id uuid not null,
  content_id uuid not null,
  day date not null,
  viewed_at timestamptz not null,
  primary key (tenant_id, member_id, content_id, day),
  foreign key (tenant_id, content_id) references content_items (tenant_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create index content_views_item on content_views (tenant_id, content_id, day);

-- Shares by member, item and local day; taps counts every share, only the first of the day becomes a
-- behaviour event (influence).
create table content_shares (
  tenant_id uuid not null,
  member_id uuid not null,
  content_id uuid not null,
  day date not null,
  taps integer not null default 1,
  channels text[] not null default '{}',
  first_at timestamptz not null,
  primary key (tenant_id, member_id, content_id, day),
  foreign key (tenant_id, content_id) references content_items (tenant_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create index content_shares_item on content_shares (tenant_id, content_id, day);
