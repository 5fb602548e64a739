-- Events with tickets, waitlists and check-in (#11, part 2).

create table events (
  tenant_id uuid not null,
  id uuid not null,
  title text not null,
  -- Markdown, shown as text by both web apps (never injected as HTML).
  description text not null default '',
  location_kind text not null check (location_kind in ('store', 'online')),
  store_id uuid,
  address_note text,
  online_url text,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  cancel_deadline timestamptz not null,
  capacity integer not null check (capacity > 0),
  -- Seats held by registered members and by members whose payment is pending: taken by one conditional
  -- update (seats_taken < capacity), so however many register at once the event is never overbooked.
  seats_taken integer not null default 0,
  waitlist_enabled boolean not null default true,
  -- The waitlist's ticket counter: incremented under the event's row lock, so positions are strictly ordered.
  waitlist_counter bigint not null default 0,
  eligibility jsonb not null default '{}',
  price_kind text not null check (price_kind in ('free', 'fen', 'points')),
  price_amount bigint not null default 0 check (price_amount >= 0),
  member_prices jsonb not null default '[]',
  questions jsonb not null default '[]',
  hold_minutes integer not null default 30,
  status text not null default 'draft' check (status in ('draft', 'published', 'canceled')),
  no_shows_marked_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, store_id) references stores (tenant_id, id),
  check (seats_taken between 0 and capacity),
  check (ends_at > starts_at),
  check ((location_kind = 'store') = (store_id is not null))
);
create index events_starts_idx on events (tenant_id, starts_at);

create table event_registrations (
  tenant_id uuid not null,
  member_id uuid not null,
  id uuid not null,
  event_id uuid not null,
  status text not null check (status in ('pending_payment', 'registered', 'waitlisted', 'canceled', 'expired')),
  -- The event's waitlist counter when the member joined the waitlist: promotion takes the smallest.
  waitlist_seq bigint,
  price_kind text not null,
  amount_fen bigint not null default 0,
  points bigint not null default 0,
  price_source text,
  answers jsonb not null default '{}',
  -- 70 random bits and a check symbol (the coupon code scheme); unguessable, so the QR is the ticket.
  ticket_code text not null,
  hold_expires_at timestamptz,
  provider text check (provider in ('offline', 'wechat')),
  out_trade_no text,
  paid_at timestamptz,
  points_txn_id uuid,
  points_refunded bigint not null default 0,
  refund_fen bigint not null default 0,
  refund_status text check (refund_status in ('processing', 'succeeded', 'failed')),
  checked_in_at timestamptz,
  checked_in_by text,
  no_show boolean not null default false,
  reminded_at timestamptz,
  promoted_at timestamptz,
  canceled_at timestamptz,
  cancel_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, member_id, id),
  foreign key (tenant_id, member_id) references members (tenant_id, id),
  foreign key (tenant_id, event_id) references events (tenant_id, id)
);
-- One live registration per member and event: a second concurrent one fails here and returns the first.
create unique index event_registrations_live_key on event_registrations (tenant_id, event_id, member_id) where status in ('pending_payment', 'registered', 'waitlisted');
create unique index event_registrations_ticket_key on event_registrations (tenant_id, ticket_code);
create unique index event_registrations_trade_key on event_registrations (tenant_id, out_trade_no) where out_trade_no is not null;
create unique index event_registrations_id_key on event_registrations (tenant_id, id);
create index event_registrations_event_idx on event_registrations (tenant_id, event_id, status, waitlist_seq);
create index event_registrations_holds_idx on event_registrations (hold_expires_at) where status = 'pending_payment';

create table event_feedback (
  tenant_id uuid not null,
  member_id uuid not null,
  registration_id uuid not null,
  event_id uuid not null,
  nps smallint not null check (nps between 0 and 10),
  rating smallint not null check (rating between 1 and 5),
  comment text not null default '',
  created_at timestamptz not null default now(),
  -- Once per attendee: the key is the registration.
  primary key (tenant_id, member_id, registration_id),
  foreign key (tenant_id, member_id, registration_id) references event_registrations (tenant_id, member_id, id) on update cascade,
  foreign key (tenant_id, event_id) references events (tenant_id, id)
);
create index event_feedback_event_idx on event_feedback (tenant_id, event_id);

create table event_settings (
  tenant_id uuid not null primary key,
  reminder_hours integer not null default 24,
  reminder_template_id uuid,
  promoted_template_id uuid,
  updated_at timestamptz not null default now()
);
