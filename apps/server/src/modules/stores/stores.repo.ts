import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CreatedAt, Json, Timestamp } from '../../db/schema.ts';
import { containsPattern } from '../../db/like.ts';

export interface OpeningHours {
  weekdays: number[];
  open: string;
  close: string;
}

interface StoresTable {
  tenant_id: string;
  id: string;
  code: string;
  name: string;
  province: string | null;
  city: string | null;
  district: string | null;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  phone: string | null;
  opening_hours: Json<OpeningHours[] | null> | null;
  geofence_radius_m: number | null;
  status: 'active' | 'inactive' | 'closed';
  created_at: CreatedAt;
  updated_at: Timestamp;
  deleted_at: Date | null;
}

declare module '../../db/schema.ts' {
  interface DB {
    stores: StoresTable;
  }
}

export type StoreRow = Selectable<StoresTable>;
export type NewStoreRow = Insertable<StoresTable>;
export type StoreChanges = Updateable<StoresTable>;

export interface StoreFilter {
  q?: string;
  status?: StoreRow['status'];
  province?: string;
  city?: string;
}

const live = (db: Db, tenantId: string) =>
  db.selectFrom('stores').selectAll().where('tenant_id', '=', tenantId).where('deleted_at', 'is', null);

export function findStore(db: Db, tenantId: string, id: string) {
  return live(db, tenantId).where('id', '=', id).executeTakeFirst();
}

export function findStoresByCode(db: Db, tenantId: string, codes: string[]) {
  if (codes.length === 0) return Promise.resolve([] as StoreRow[]);
  return live(db, tenantId).where('code', 'in', codes).execute();
}

/** Newest first, keyset on id. */
export function listStores(db: Db, tenantId: string, filter: StoreFilter, limit: number, before?: string) {
  let q = live(db, tenantId).orderBy('id', 'desc').limit(limit + 1);
  if (before) q = q.where('id', '<', before);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.province) q = q.where('province', '=', filter.province);
  if (filter.city) q = q.where('city', '=', filter.city);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    q = q.where((eb) => eb.or([eb('code', 'ilike', pattern), eb('name', 'ilike', pattern)]));
  }
  return q.execute();
}

export function insertStore(db: Db, row: NewStoreRow) {
  return db.insertInto('stores').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateStore(db: Db, tenantId: string, id: string, changes: StoreChanges) {
  return db
    .updateTable('stores')
    .set({ ...changes, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export function softDeleteStore(db: Db, tenantId: string, id: string) {
  return db
    .updateTable('stores')
    .set({ deleted_at: sql`now()`, updated_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
}
