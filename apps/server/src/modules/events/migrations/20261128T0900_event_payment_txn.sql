-- WeChat Pay's transaction id of a ticket payment: kept for reconciliation, and to tell a second payment of the
-- same order (audited) from a repeated notification of the first.
alter table event_registrations add column provider_txn_id text;
