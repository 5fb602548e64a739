-- Expiry writes its trail into the lot itself (#5): a lot expires at most once (a hold released after its
-- lots expired returns only what is still valid), so which transaction expired it and how much it took fit
-- in two columns, and the nightly job updates each due lot once instead of also inserting a trail row.
alter table points_lots add column expired_points bigint not null default 0 check (expired_points >= 0);
alter table points_lots add column expired_txn_id uuid;
alter table points_lots add constraint points_lots_balanced check (remaining + expired_points <= amount);
create index points_lots_expired_txn_idx on points_lots (tenant_id, member_id, expired_txn_id) where expired_txn_id is not null;
