import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CreatedAt, Json, Timestamp } from '../../db/schema.ts';

interface MembersTable {
  tenant_id: string;
  id: string;
  member_no: string;
  name: string | null;
  nickname: string | null;
  gender: 'male' | 'female' | 'unknown' | null;
  birthday_month: number | null;
  birthday_day: number | null;
  birth_year: number | null;
  phone: string | null;
  email: string | null;
  province: string | null;
  city: string | null;
  district: string | null;
  home_store_id: string | null;
  channel: string;
  campaign: string | null;
  registered_at: Timestamp;
  status: 'active' | 'frozen' | 'erased' | 'merged';
  merged_into: string | null;
  custom_fields: Json<Record<string, unknown>>;
  erased_at: Date | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

declare module '../../db/schema.ts' {
  interface DB {
    member_counters: { tenant_id: string; last_number: number };
    members: MembersTable;
    member_identities: { tenant_id: string; type: string; app_id: string; value: string; member_id: string; created_at: CreatedAt };
    member_consents: { tenant_id: string; member_id: string; channel: string; granted: boolean; source: string; wording_version: string; updated_at: Timestamp };
    member_consent_history: {
      tenant_id: string;
      member_id: string;
      id: string;
      channel: string;
      granted: boolean;
      source: string;
      wording_version: string;
      actor_label: string | null;
      occurred_at: CreatedAt;
    };
    member_custom_fields: { tenant_id: string; key: string; label: string; type: string; options: string[] | null; created_at: CreatedAt };
    tag_groups: { tenant_id: string; id: string; name: string; created_at: CreatedAt };
    tags: { tenant_id: string; id: string; group_id: string; name: string; created_at: CreatedAt };
    member_tags: { tenant_id: string; member_id: string; tag_id: string; added_by: string | null; added_at: CreatedAt };
    member_tag_history: { tenant_id: string; member_id: string; id: string; tag_id: string; action: 'added' | 'removed'; actor_label: string | null; occurred_at: CreatedAt };
    member_merges: {
      tenant_id: string;
      id: string;
      from_member_id: string;
      to_member_id: string;
      reason: string;
      actor_label: string | null;
      moved: Json<Record<string, number>>;
      occurred_at: CreatedAt;
    };
    tenant_secrets: { tenant_id: string; name: string; secret: string; created_at: CreatedAt };
  }
}

export type MemberRow = Selectable<MembersTable>;

export function findMember(db: Db, tenantId: string, id: string, options: { forUpdate?: boolean } = {}) {
  let q = db.selectFrom('members').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The next member number of a tenant: a counter row updated in the caller's transaction, so numbers never repeat. */
export async function nextMemberNumber(db: Db, tenantId: string): Promise<string> {
  return (await nextMemberNumbers(db, tenantId, 1))[0]!;
}

/** `count` consecutive member numbers in one statement (imports). */
export async function nextMemberNumbers(db: Db, tenantId: string, count: number): Promise<string[]> {
  const row = await db
    .insertInto('member_counters')
    .values({ tenant_id: tenantId, last_number: count })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ last_number: sql`member_counters.last_number + ${count}` }))
    .returning('last_number')
    .executeTakeFirstOrThrow();
  const first = row.last_number - count + 1;
  return Array.from({ length: count }, (_, i) => `M${String(first + i).padStart(8, '0')}`);
}

export interface IdentityKey {
  type: string;
  app_id: string;
  value: string;
}

export function findIdentities(db: Db, tenantId: string, identities: IdentityKey[]) {
  if (identities.length === 0) return Promise.resolve([]);
  // Three arrays joined by unnest: one plan however many identities (an OR of 1,000 ANDs is slow to plan).
  return db
    .selectFrom('member_identities')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where(
      sql<boolean>`(type, app_id, value) in (select * from unnest(${identities.map((i) => i.type)}::text[], ${identities.map((i) => i.app_id)}::text[], ${identities.map((i) => i.value)}::text[]))`,
    )
    .execute();
}

export function identitiesOf(db: Db, tenantId: string, memberId: string) {
  return db.selectFrom('member_identities').select(['type', 'app_id', 'value', 'created_at']).where('tenant_id', '=', tenantId).where('member_id', '=', memberId).orderBy('created_at').execute();
}

export function insertIdentities(db: Db, tenantId: string, memberId: string, identities: IdentityKey[]) {
  if (identities.length === 0) return Promise.resolve();
  return db
    .insertInto('member_identities')
    .values(identities.map((i) => ({ tenant_id: tenantId, member_id: memberId, ...i })))
    .onConflict((oc) => oc.columns(['tenant_id', 'type', 'app_id', 'value']).doNothing())
    .execute()
    .then(() => undefined);
}

/**
 * Serializes every writer of these identities (registration, attaching, merging) for the rest of the
 * transaction, so two logins of a new person at once cannot both decide to register. Locks are taken in
 * a fixed order so two transactions never wait on each other crosswise.
 */
export async function lockIdentities(db: Db, tenantId: string, identities: IdentityKey[]) {
  const keys = [...new Set(identities.map((i) => `${tenantId}|${i.type}|${i.app_id}|${i.value}`))].sort();
  if (keys.length === 0) return;
  // One round trip for a whole import batch; the ORDER BY keeps the lock order fixed.
  await sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${keys}::text[]) as k order by k`.execute(db);
}

export async function getTenantSecret(db: Db, tenantId: string, name: string, make: () => string): Promise<string> {
  await db.insertInto('tenant_secrets').values({ tenant_id: tenantId, name, secret: make() }).onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing()).execute();
  const row = await db.selectFrom('tenant_secrets').select('secret').where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirstOrThrow();
  return row.secret;
}
