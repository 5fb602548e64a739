import { DateTime } from 'luxon';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { warrantyInputSchema, warrantySchema } from '@hearth/contracts/item-codes';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { getStore } from '../stores/stores.service.ts';
import { itemCodes } from './batches.service.ts';
import { itemCodeSettings } from './settings.service.ts';

type Warranty = z.infer<typeof warrantySchema>;

/**
 * Warranty for an item the member scanned and claimed (the first member to scan it), once per item. The period
 * is the batch's, counted from the purchase date in the brand's calendar.
 */
export async function registerWarranty(deps: AppDeps, ctx: RequestContext, memberId: string, rawCode: string, input: z.infer<typeof warrantyInputSchema>): Promise<Warranty> {
  const code = itemCodes.parseCode(rawCode);
  if (!code) throw notFound('Code');
  const { timeZone } = await itemCodeSettings(deps.db, ctx.tenantId);
  const today = DateTime.fromJSDate(deps.clock.now(), { zone: timeZone }).toISODate()!;
  if (input.purchase_date > today) throw validationError([{ field: 'purchase_date', code: 'in_future', message: 'the purchase date is after today' }]);
  if (input.store_id) await getStore(deps, ctx, input.store_id).catch(() => Promise.reject(validationError([{ field: 'store_id', code: 'unknown_store', message: 'no such store' }])));
  const id = uuidv7();
  try {
    await withTransaction(deps.db, async (trx) => {
      const item = await trx
        .selectFrom('item_codes as c')
        .innerJoin('code_batches as b', (j) => j.onRef('b.tenant_id', '=', 'c.tenant_id').onRef('b.id', '=', 'c.batch_id'))
        .select(['c.claimed_by', 'c.activated_at', 'b.status', 'b.sku', 'b.warranty_months'])
        .where('c.tenant_id', '=', ctx.tenantId)
        .where('c.code', '=', code)
        .executeTakeFirst();
      if (!item) throw notFound('Code');
      if (item.status !== 'activated' || !item.activated_at) throw new AppError('CODE_NOT_ACTIVE', 'This code is not active: the item cannot be registered');
      if (item.claimed_by !== memberId) {
        throw item.claimed_by ? new AppError('CODE_CLAIMED_BY_OTHER', 'This item was registered to another member') : new AppError('CODE_NOT_CLAIMED', 'Scan the code while signed in first');
      }
      if (!item.warranty_months) throw new AppError('WARRANTY_NOT_OFFERED', 'This product has no warranty to register');
      const expiresOn = DateTime.fromISO(input.purchase_date).plus({ months: item.warranty_months }).toISODate()!;
      await trx.insertInto('code_warranties').values({ tenant_id: ctx.tenantId, member_id: memberId, id, code, sku: item.sku, purchase_date: input.purchase_date, store_id: input.store_id ?? null, store_name: input.store_name ?? null, expires_on: expiresOn }).execute();
      await emitEvent(trx, deps.jobs, ctx, 'warranty.registered', { warranty_id: id, code, member_id: memberId, sku: item.sku, expires_on: expiresOn });
    });
  } catch (error) {
    if (isUniqueViolation(error, 'code_warranties_code_key')) throw new AppError('WARRANTY_EXISTS', 'A warranty is already registered for this item');
    throw error;
  }
  return (await listWarranties(deps.db, ctx.tenantId, memberId)).find((w) => w.id === id)!;
}

export async function listWarranties(db: Db, tenantId: string, memberId: string): Promise<Warranty[]> {
  const rows = await db
    .selectFrom('code_warranties')
    .select(['id', 'code', 'sku', sql<string>`purchase_date::text`.as('purchase_date'), 'store_id', 'store_name', sql<string>`expires_on::text`.as('expires_on'), 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, code: itemCodes.formatCode(r.code), created_at: r.created_at.toISOString() }));
}

/** Whether a member holds this item (claimed it): the service desk links tickets to scanned codes by it. */
export async function findClaimedCode(db: Db, tenantId: string, memberId: string, rawCode: string): Promise<{ code: string; sku: string } | undefined> {
  const code = itemCodes.parseCode(rawCode);
  if (!code) return undefined;
  return db
    .selectFrom('item_codes as c')
    .innerJoin('code_batches as b', (j) => j.onRef('b.tenant_id', '=', 'c.tenant_id').onRef('b.id', '=', 'c.batch_id'))
    .select(['c.code', 'b.sku'])
    .where('c.tenant_id', '=', tenantId)
    .where('c.code', '=', code)
    .where('c.claimed_by', '=', memberId)
    .executeTakeFirst();
}
