-- Experience-officer programs (体验官, #11 part 5): programs, applications with their explainable score,
-- the selected members' shipping address and shipment, feedback, reminders, feedback quality and badges.

create table experience_settings (
  tenant_id uuid not null references tenants (id),
  -- Basis points per score factor (clv, activity, influence, feedback_quality), summing to 10000.
  weights jsonb not null,
  activity_full_orders integer not null default 6,
  updated_at timestamptz not null default now(),
  primary key (tenant_id)
);

create table experience_programs (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  name text not null,
  description text,
  sku text not null,
  places integer not null check (places > 0),
  apply_from timestamptz not null,
  apply_until timestamptz not null,
  feedback_due_at timestamptz not null,
  eligibility jsonb not null default '{}',
  questionnaire jsonb not null default '[]',
  -- Province → at most this many selected.
  region_quotas jsonb not null default '{}',
  feedback_form jsonb not null,
  reward jsonb not null default '{"kind":"none"}',
  late_policy text not null check (late_policy in ('reward', 'no_reward', 'refuse')),
  reminder_days jsonb not null default '[]',
  selected_message jsonb,
  status text not null default 'active' check (status in ('active', 'archived')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, sku) references products (tenant_id, sku)
);

create table experience_applications (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  program_id uuid not null,
  province text,
  answers jsonb not null default '{}',
  status text not null default 'applied' check (status in ('applied', 'selected', 'not_selected')),
  -- 0–10000 (hundredths of a 0–100 score) and how it was made: {factor: {value, raw, weight_bp, points}}.
  score integer not null,
  score_parts jsonb not null,
  scored_at timestamptz not null,
  selected_at timestamptz,
  -- The shipping address (personal data: masked in lists, revealed with an audit row, erased with the member).
  address_recipient text,
  address_phone text,
  address_province text,
  address_city text,
  address_district text,
  address_line text,
  address_at timestamptz,
  carrier text,
  tracking_no text,
  shipped_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, program_id) references experience_programs (tenant_id, id)
);
-- Once per member and program: the second apply finds the first.
create unique index experience_applications_once on experience_applications (tenant_id, program_id, member_id);
create unique index experience_applications_id_key on experience_applications (tenant_id, id);
-- The ranked list of a program.
create index experience_applications_rank_idx on experience_applications (tenant_id, program_id, score desc, id);

create table experience_feedback (
  tenant_id uuid not null,
  member_id uuid not null,
  application_id uuid not null,
  program_id uuid not null,
  ratings jsonb not null,
  text text not null,
  photo_urls jsonb not null default '[]',
  submitted_at timestamptz not null,
  late boolean not null,
  quality integer not null check (quality between 0 and 100),
  -- Set in the transaction that gave the reward, so it is given once.
  rewarded_at timestamptz,
  reward_ref text,
  primary key (tenant_id, member_id, application_id),
  foreign key (tenant_id, member_id, application_id) references experience_applications (tenant_id, member_id, id) on update cascade
);
create index experience_feedback_program_idx on experience_feedback (tenant_id, program_id, submitted_at);

-- A merge re-keys applications to the survivor; feedback and reminders follow (on update cascade).

-- One experience.feedback_due per member, application and lead time, however often the job runs.
create table experience_feedback_reminders (
  tenant_id uuid not null,
  member_id uuid not null,
  application_id uuid not null,
  days_before integer not null,
  sent_at timestamptz not null,
  primary key (tenant_id, member_id, application_id, days_before),
  foreign key (tenant_id, member_id, application_id) references experience_applications (tenant_id, member_id, id) on update cascade
);

-- The member's feedback-quality score: the mean quality of everything they reported (0–100).
create table experience_member_quality (
  tenant_id uuid not null,
  member_id uuid not null,
  feedback_count integer not null,
  quality_sum integer not null,
  quality_score integer not null,
  updated_at timestamptz not null,
  primary key (tenant_id, member_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);

create table experience_badges (
  tenant_id uuid not null,
  member_id uuid not null,
  program_id uuid not null,
  badge text not null,
  awarded_at timestamptz not null,
  primary key (tenant_id, member_id, program_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, program_id) references experience_programs (tenant_id, id)
);
