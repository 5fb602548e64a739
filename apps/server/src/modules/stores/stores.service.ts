import type { Store, StoreUpdate } from '@hearth/contracts/stores';
import { storeCreateSchema } from '@hearth/contracts/stores';
import type { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import * as repo from './stores.repo.ts';

export type StoreCreate = z.infer<typeof storeCreateSchema>;

export async function createStore(deps: AppDeps, ctx: RequestContext, input: StoreCreate): Promise<Store> {
  return withTransaction(deps.db, async (trx) => {
    const row = await insertOrConflict(trx, ctx.tenantId, input);
    await recordAudit(trx, ctx, { action: 'store.create', resourceType: 'store', resourceId: row.id, details: { code: row.code } });
    const store = serializeStore(row);
    await emitEvent(trx, deps.jobs, ctx, 'store.created', { store });
    return store;
  });
}

export async function getStore(deps: AppDeps, ctx: RequestContext, id: string): Promise<Store> {
  const row = await repo.findStore(deps.db, ctx.tenantId, id);
  if (!row) throw notFound('Store');
  return serializeStore(row);
}

export async function listStores(
  deps: AppDeps,
  ctx: RequestContext,
  query: repo.StoreFilter & { limit: number; cursor?: string },
) {
  const rows = await repo.listStores(deps.db, ctx.tenantId, query, query.limit, decodeCursor(query.cursor));
  const page = toPage(rows, query.limit);
  return { data: page.data.map(serializeStore), next_cursor: page.next_cursor };
}

export async function updateStore(deps: AppDeps, ctx: RequestContext, id: string, changes: StoreUpdate): Promise<Store> {
  return withTransaction(deps.db, async (trx) => {
    const before = await repo.findStore(trx, ctx.tenantId, id);
    if (!before) throw notFound('Store');
    const row = await repo.updateStore(trx, ctx.tenantId, id, toRowChanges(changes)).catch((error: unknown) => {
      throw isUniqueViolation(error, 'stores_code_key') ? codeTaken(changes.code ?? '') : error;
    });
    if (!row) throw notFound('Store');
    const changed = Object.keys(changes).filter((field) => JSON.stringify(before[field as keyof repo.StoreRow]) !== JSON.stringify(row[field as keyof repo.StoreRow]));
    await recordAudit(trx, ctx, { action: 'store.update', resourceType: 'store', resourceId: id, details: { changed } });
    const store = serializeStore(row);
    if (changed.length) await emitEvent(trx, deps.jobs, ctx, 'store.updated', { store, changed });
    return store;
  });
}

export async function deleteStore(deps: AppDeps, ctx: RequestContext, id: string): Promise<void> {
  await withTransaction(deps.db, async (trx) => {
    const deleted = await repo.softDeleteStore(trx, ctx.tenantId, id);
    if (!deleted) throw notFound('Store');
    await recordAudit(trx, ctx, { action: 'store.delete', resourceType: 'store', resourceId: id });
    await emitEvent(trx, deps.jobs, ctx, 'store.deleted', { store_id: id });
  });
}

/** Inserts a store, turning a taken code into a 409 that names the field. */
export async function insertOrConflict(trx: Db, tenantId: string, input: StoreCreate): Promise<repo.StoreRow> {
  try {
    return await repo.insertStore(trx, {
      tenant_id: tenantId,
      id: uuidv7(),
      ...toRowChanges(input),
      code: input.code,
      name: input.name,
      status: input.status,
      deleted_at: null,
    } as repo.NewStoreRow);
  } catch (error) {
    if (isUniqueViolation(error, 'stores_code_key')) throw codeTaken(input.code);
    throw error;
  }
}

const codeTaken = (code: string) =>
  new AppError('STORE_CODE_TAKEN', `Store code ${code} is already used by another store`, {
    errors: [{ field: 'code', code: 'taken', message: 'already used by another store' }],
  });

/** API shape → row columns: absent stays absent, null clears, opening hours become JSON. */
export function toRowChanges(input: Partial<StoreCreate>): repo.StoreChanges {
  const { opening_hours, ...rest } = input;
  const changes: repo.StoreChanges = {};
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) (changes as Record<string, unknown>)[key] = value;
  }
  if (opening_hours !== undefined) changes.opening_hours = opening_hours === null ? null : JSON.stringify(opening_hours);
  return changes;
}

export function serializeStore(row: repo.StoreRow): Store {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    province: row.province,
    city: row.city,
    district: row.district,
    address: row.address,
    latitude: row.latitude,
    longitude: row.longitude,
    phone: row.phone,
    opening_hours: (row.opening_hours as repo.OpeningHours[] | null) ?? null,
    geofence_radius_m: row.geofence_radius_m,
    status: row.status,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
