-- Store guides (导购, #13 part 4): each member's guide, follow-up tasks, 1-to-1 messages and conversions.

-- A guide is an operator (usually store_staff) working for one store, optionally a WeCom staff user.
create table guides (
  tenant_id uuid not null,
  operator_id uuid not null,
  store_id uuid not null,
  wecom_user_id text,
  status text not null default 'active' check (status in ('active', 'left')),
  left_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, operator_id),
  foreign key (tenant_id, operator_id) references operators (tenant_id, id),
  foreign key (tenant_id, store_id) references stores (tenant_id, id)
);
create unique index guides_wecom_user_key on guides (tenant_id, wecom_user_id) where wecom_user_id is not null;
create index guides_store_idx on guides (tenant_id, store_id) where status = 'active';

-- Each member's current guide and how they got them: explicit > wecom (the staff they added) > store (home store).
create table guide_members (
  tenant_id uuid not null,
  member_id uuid not null,
  guide_id uuid not null,
  source text not null check (source in ('explicit', 'wecom', 'store')),
  assigned_at timestamptz not null,
  primary key (tenant_id, member_id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, guide_id) references guides (tenant_id, operator_id)
);
create index guide_members_guide_idx on guide_members (tenant_id, guide_id, member_id);

-- Every (re)assignment: who moved the member from whom to whom, why and when.
create table guide_member_history (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  from_guide_id uuid,
  to_guide_id uuid,
  source text not null,
  reason text not null default '',
  actor_label text not null,
  at timestamptz not null,
  primary key (tenant_id, member_id, id)
);
create index guide_member_history_to_idx on guide_member_history (tenant_id, to_guide_id, at);

-- Operator-defined task rules: the members of a segment get a task each, to their guide.
create table guide_task_rules (
  tenant_id uuid not null,
  id uuid not null,
  name text not null,
  segment_id uuid not null,
  title_template text not null,
  due_in_days integer not null check (due_in_days between 0 and 365),
  status text not null default 'active' check (status in ('active', 'paused')),
  last_run_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, segment_id) references segments (tenant_id, id)
);

create table guide_tasks (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  guide_id uuid not null,
  kind text not null check (kind in ('rule', 'journey', 'welcome', 'manual')),
  rule_id uuid,
  -- What made the task, for exactly-once sources (welcome:<member>, journey:<step run key>); null for rules,
  -- which dedupe on the open task instead.
  source_key text,
  title text not null,
  due_at timestamptz not null,
  status text not null default 'open' check (status in ('open', 'done')),
  done_at timestamptz,
  done_by text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, guide_id) references guides (tenant_id, operator_id),
  foreign key (tenant_id, rule_id) references guide_task_rules (tenant_id, id)
);
create unique index guide_tasks_id_key on guide_tasks (tenant_id, id);
-- A rule gives a member at most one open task: a rerun while it is open adds nothing.
create unique index guide_tasks_open_rule_key on guide_tasks (tenant_id, rule_id, member_id) where status = 'open' and rule_id is not null;
create unique index guide_tasks_source_key on guide_tasks (tenant_id, source_key) where source_key is not null;
create index guide_tasks_guide_idx on guide_tasks (tenant_id, guide_id, status, due_at);
-- The conversion hook's read: a member's completed tasks by completion time.
create index guide_tasks_done_idx on guide_tasks (tenant_id, member_id, done_at) where status = 'done';

-- Done / undone / reassigned, with who and when.
create table guide_task_history (
  tenant_id uuid not null,
  member_id uuid not null,
  task_id uuid not null,
  id uuid not null,
  action text not null check (action in ('created', 'done', 'undone', 'reassigned', 'messaged')),
  actor_label text not null,
  at timestamptz not null,
  primary key (tenant_id, member_id, task_id, id),
  foreign key (tenant_id, member_id, task_id) references guide_tasks (tenant_id, member_id, id) on update cascade
);

-- 1-to-1 messages a guide sent from a task through WeCom (a WeCom add_msg_template task).
create table guide_task_messages (
  tenant_id uuid not null,
  member_id uuid not null,
  task_id uuid not null,
  id uuid not null,
  guide_id uuid not null,
  text text not null,
  wecom_ref text,
  sent_at timestamptz not null,
  primary key (tenant_id, member_id, task_id, id),
  foreign key (tenant_id, member_id, task_id) references guide_tasks (tenant_id, member_id, id) on update cascade
);
create index guide_task_messages_sent_idx on guide_task_messages (tenant_id, member_id, sent_at);

-- An order credited to a guide; the order's id is unique, so an order is credited once however often the hook runs.
create table guide_conversions (
  tenant_id uuid not null,
  member_id uuid not null,
  order_id uuid not null,
  guide_id uuid not null,
  task_id uuid not null,
  via text not null check (via in ('task', 'message')),
  revenue_fen bigint not null,
  occurred_at timestamptz not null,
  credited_at timestamptz not null,
  primary key (tenant_id, member_id, order_id),
  foreign key (tenant_id, order_id) references orders (tenant_id, id),
  foreign key (tenant_id, guide_id) references guides (tenant_id, operator_id)
);
create unique index guide_conversions_order_key on guide_conversions (tenant_id, order_id);
create index guide_conversions_guide_idx on guide_conversions (tenant_id, guide_id, occurred_at);

create table guide_settings (
  tenant_id uuid not null primary key,
  conversion_window_days integer not null default 7 check (conversion_window_days between 1 and 90),
  welcome_enabled boolean not null default true,
  welcome_title text not null default '欢迎新会员 {{member_no}}',
  welcome_due_days integer not null default 2 check (welcome_due_days between 0 and 365),
  updated_at timestamptz not null default now()
);
