-- When the schedule job announced an item's publish_at / unpublish_at (content.published / content.unpublished):
-- the job sets these with a guarded update, so a rerun or a second worker finds nothing left to announce.
alter table content_items add column publish_announced_at timestamptz;
alter table content_items add column unpublish_announced_at timestamptz;
-- Items already live when this landed were announced by their publish action.
update content_items set publish_announced_at = published_at where status = 'published' and (publish_at is null or publish_at <= published_at);
create index content_items_schedule_due on content_items (publish_at, unpublish_at) where status = 'published' and (publish_announced_at is null or unpublish_announced_at is null);
