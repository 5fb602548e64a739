-- Per-member flags recomputed daily (and on demand) in one set-based statement per tenant: heavy user in
-- the Pareto window, and the influence index. Segments read them like any other column.
create table member_analytics (
  tenant_id uuid not null,
  member_id uuid not null,
  window_revenue_fen bigint not null default 0,
  heavy_user boolean not null default false,
  influence_score double precision not null default 0,
  -- 0–100: share of members with a score whose score is lower.
  influence_index smallint not null default 0,
  -- Counted events by type in the influence window, e.g. {"share": 4, "review": 1}.
  influence_events jsonb not null default '{}',
  computed_at timestamptz not null,
  primary key (tenant_id, member_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create index member_analytics_influence_idx on member_analytics (tenant_id, influence_score desc, member_id) where influence_score > 0;
