import type { ColumnType, Generated } from 'kysely';

/**
 * The database as Kysely sees it. Each module adds its own tables to this interface by declaration
 * merging (`declare module '../../db/schema.ts' { interface DB { … } }` in its repo file), so a new module
 * never edits this file.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DB extends PlatformTables {}

export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
export type Json<T = unknown> = ColumnType<T, string | undefined, string>;

interface PlatformTables {
  schema_migrations: { name: string; applied_at: CreatedAt };
  tenants: {
    id: string;
    slug: string;
    name: string;
    time_zone: Generated<string>;
    locale: Generated<string>;
    status: Generated<'active' | 'suspended'>;
    created_at: CreatedAt;
    updated_at: Timestamp;
  };
  operators: {
    tenant_id: string;
    id: string;
    email: string;
    name: string;
    role: string;
    password_hash: string;
    status: Generated<'active' | 'disabled'>;
    failed_logins: Generated<number>;
    locked_until: Date | null;
    last_login_at: Date | null;
    created_at: CreatedAt;
    updated_at: Timestamp;
  };
  operator_sessions: {
    tenant_id: string;
    id: string;
    token_hash: string;
    operator_id: string;
    created_at: CreatedAt;
    expires_at: Date;
    last_seen_at: Timestamp;
    ip: string | null;
    user_agent: string | null;
  };
  api_keys: {
    tenant_id: string;
    id: string;
    name: string;
    prefix: string;
    key_hash: string;
    scopes: string[];
    created_by: string | null;
    created_at: CreatedAt;
    last_used_at: Date | null;
    revoked_at: Date | null;
  };
  audit_log: {
    tenant_id: string;
    id: string;
    occurred_at: CreatedAt;
    actor_type: 'operator' | 'api_key' | 'system' | 'member';
    actor_id: string | null;
    actor_label: string | null;
    action: string;
    resource_type: string | null;
    resource_id: string | null;
    request_id: string | null;
    ip: string | null;
    details: Json<Record<string, unknown>>;
  };
  idempotency_keys: {
    tenant_id: string;
    key: string;
    request_hash: string;
    method: string;
    path: string;
    state: 'running' | 'completed';
    response_status: number | null;
    response_body: string | null;
    response_content_type: string | null;
    locked_until: Date;
    created_at: CreatedAt;
    expires_at: Date;
  };
  jobs: {
    tenant_id: string;
    id: string;
    name: string;
    dedupe_key: string | null;
    payload: Json<Record<string, unknown>>;
    status: Generated<'queued' | 'running' | 'succeeded' | 'failed' | 'canceled'>;
    attempts: Generated<number>;
    max_attempts: number;
    run_at: Timestamp;
    locked_by: string | null;
    locked_until: Date | null;
    last_error: string | null;
    progress_done: number | null;
    progress_total: number | null;
    result: Json<unknown> | null;
    created_at: CreatedAt;
    updated_at: Timestamp;
    started_at: Date | null;
    finished_at: Date | null;
  };
  domain_events: {
    tenant_id: string;
    id: string;
    type: string;
    payload: Json<Record<string, unknown>>;
    actor_type: string | null;
    actor_id: string | null;
    request_id: string | null;
    occurred_at: CreatedAt;
  };
}
