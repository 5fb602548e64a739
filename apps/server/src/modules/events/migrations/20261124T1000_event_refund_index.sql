-- The minutely holds job retries refunds still processing: find them without reading every registration.
create index event_registrations_refunds_idx on event_registrations (updated_at) where refund_status = 'processing';
