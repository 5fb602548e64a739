-- Analytics: per-tenant settings, CLV fits (one row per weekly run) and each member's latest CLV.

create table analytics_settings (
  tenant_id uuid primary key references tenants (id),
  clv_horizon_months integer not null default 12 check (clv_horizon_months between 1 and 60),
  -- Annual rate in basis points, applied month by month to the predicted spend.
  clv_discount_bp integer not null default 1000 check (clv_discount_bp between 0 and 10000),
  pareto_window_days integer not null default 365 check (pareto_window_days between 7 and 3660),
  -- Top share of members (by revenue in the window) flagged as heavy users: 2000 = the top 20 %.
  heavy_user_share_bp integer not null default 2000 check (heavy_user_share_bp between 100 and 5000),
  influence_weights jsonb not null default '{}',
  -- A region is flagged when its sales fall this much below the same period last year or the trailing mean.
  regional_drop_bp integer not null default 2000 check (regional_drop_bp between 100 and 10000),
  updated_at timestamptz not null default now()
);

create table clv_fits (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  status text not null check (status in ('running', 'succeeded', 'insufficient_data')),
  -- The last day (tenant time zone) whose orders the fit saw.
  calibration_end date not null,
  horizon_months integer not null,
  discount_bp integer not null,
  customers integer not null default 0,
  repeaters integer not null default 0,
  r double precision,
  alpha double precision,
  a double precision,
  b double precision,
  loglik double precision,
  p double precision,
  q double precision,
  -- Gamma-Gamma scale in fen (the amounts' unit).
  v double precision,
  members_scored integer not null default 0,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (tenant_id, id)
);

create table member_clv (
  tenant_id uuid not null,
  member_id uuid not null,
  fit_id uuid not null,
  -- The model's inputs: repeat purchase days, weeks from first to last purchase, weeks since the first.
  repeat_purchases integer not null,
  recency_weeks double precision not null,
  age_weeks double precision not null,
  p_alive double precision not null,
  expected_purchases double precision not null,
  expected_spend_per_purchase_fen bigint not null,
  -- Predicted spend over the horizon (undiscounted) and its discounted value: the CLV.
  expected_spend_fen bigint not null,
  clv_fen bigint not null,
  historic_value_fen bigint not null,
  -- 0–100: share of scored members with a lower CLV.
  clv_percentile smallint not null default 0,
  computed_at timestamptz not null,
  primary key (tenant_id, member_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, fit_id) references clv_fits (tenant_id, id)
);
create index member_clv_rank_idx on member_clv (tenant_id, clv_fen desc, member_id);
create index member_clv_fit_idx on member_clv (tenant_id, fit_id);
