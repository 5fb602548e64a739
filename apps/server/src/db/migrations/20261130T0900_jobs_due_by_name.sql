-- A batch job claims more jobs of its own name: without this index the claim read every due job of every
-- name (the whole backlog, when the worker lags behind a burst of orders) to find them.
create index jobs_due_name_idx on jobs (name, run_at) where status = 'queued';
