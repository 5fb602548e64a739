-- Quizzes (答题): questions with hidden answers, one attempt per member per day or in all, a reward on the first pass (#13, item 6).

create table quizzes (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  title text not null,
  description text,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  attempt_rule text not null check (attempt_rule in ('daily', 'once')),
  pass_score integer not null check (pass_score >= 0),
  reward_kind text check (reward_kind in ('points', 'coupon')),
  reward_points integer,
  reward_coupon_template_id uuid,
  -- [{id, kind, prompt, options, correct, points}]: edited as a whole with the quiz.
  questions jsonb not null,
  status text not null default 'open' check (status in ('open', 'closed')),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, id),
  check (ends_at > starts_at)
);

-- period is the attempt's local day (daily quizzes) or 'once': the unique key is the attempt limit, so
-- concurrent submissions cannot both count.
create table quiz_attempts (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  quiz_id uuid not null,
  period text not null,
  answers jsonb not null,
  score integer not null,
  max_score integer not null,
  passed boolean not null,
  created_at timestamptz not null,
  primary key (tenant_id, member_id, id),
  unique (tenant_id, member_id, quiz_id, period),
  foreign key (tenant_id, quiz_id) references quizzes (tenant_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id)
);
create index quiz_attempts_quiz on quiz_attempts (tenant_id, quiz_id, id desc);

-- One reward per member and quiz, whatever the number of passes.
create table quiz_rewards (
  tenant_id uuid not null,
  member_id uuid not null,
  quiz_id uuid not null,
  attempt_id uuid not null,
  kind text not null,
  points integer,
  coupon_template_id uuid,
  status text not null check (status in ('fulfilled', 'failed')),
  ref text,
  error text,
  created_at timestamptz not null,
  primary key (tenant_id, member_id, quiz_id),
  foreign key (tenant_id, quiz_id) references quizzes (tenant_id, id)
);
