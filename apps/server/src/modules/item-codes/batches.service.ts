import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { CodeBatch, codeBatchInputSchema } from '@hearth/contracts/item-codes';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError } from '../../http/errors.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import type { JobContext } from '../../jobs/registry.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { codeScheme } from '../coupons/codes.ts';
import { productsBySku } from '../products/products.service.ts';
import './item-codes.tables.ts';

/** Item labels: 13 random symbols (65 bits) and the coupons' check symbol, 14 in all, shown XXXXX-XXXXX-XXXX. */
export const itemCodes = codeScheme(13);
export const GENERATE_JOB = 'item_codes.generate';
/** Codes per statement and per checkpoint of the generation job. */
export const GENERATE_CHUNK = 5_000;

type BatchInput = z.infer<typeof codeBatchInputSchema>;
type BatchRow = Awaited<ReturnType<typeof getBatchRow>>;

/** A batch is written by a job in chunks, so 100,000 codes never sit in one request or one transaction. */
export async function createBatch(deps: AppDeps, ctx: RequestContext, input: BatchInput): Promise<CodeBatch> {
  if (!(await productsBySku(deps.db, ctx.tenantId, [input.sku])).size) throw validationError([{ field: 'sku', code: 'unknown_sku', message: 'no such product' }]);
  const id = uuidv7();
  await withTransaction(deps.db, async (trx) => {
    await trx.insertInto('code_batches').values({ tenant_id: ctx.tenantId, id, sku: input.sku, name: input.name, quantity: input.quantity, points_per_claim: input.points_per_claim, warranty_months: input.warranty_months ?? null }).execute();
    await enqueueJob(trx, deps.jobs, { tenantId: ctx.tenantId, name: GENERATE_JOB, key: id, payload: { batch_id: id } });
    await recordAudit(trx, ctx, { action: 'code_batch.create', resourceType: 'code_batch', resourceId: id, details: { sku: input.sku, quantity: input.quantity } });
  });
  return getBatch(deps.db, ctx.tenantId, id);
}

/**
 * The generation job: each chunk's codes and the batch's `generated` checkpoint commit together, guarded by the
 * checkpoint the chunk started from, so a job killed mid-way and run again continues where it stopped and never
 * writes a position twice. A random collision with an existing code (2⁻⁶⁵ a pair) fails the chunk, and the
 * retry draws new codes.
 */
export async function generateCodes({ deps, job, payload, progress }: JobContext<{ batch_id: string }>): Promise<void> {
  const tenantId = job.tenant_id;
  for (;;) {
    const batch = await deps.db.selectFrom('code_batches').select(['quantity', 'generated']).where('tenant_id', '=', tenantId).where('id', '=', payload.batch_id).executeTakeFirst();
    if (!batch || batch.generated >= batch.quantity) return;
    const from = batch.generated;
    const count = Math.min(GENERATE_CHUNK, batch.quantity - from);
    const codes = Array.from({ length: count }, () => itemCodes.newCode());
    const seqs = codes.map((_, i) => from + i + 1);
    await withTransaction(deps.db, async (trx) => {
      const moved = await trx.updateTable('code_batches').set({ generated: from + count }).where('tenant_id', '=', tenantId).where('id', '=', payload.batch_id).where('generated', '=', from).executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return;
      // Codes of an already activated batch (activated while generating) are live at once.
      await sql`
        insert into item_codes (tenant_id, code, batch_id, seq, activated_at)
        select ${tenantId}, c.code, ${payload.batch_id}, c.seq, b.activated_at
        from unnest(${codes}::text[], ${seqs}::int[]) as c(code, seq)
        join code_batches b on b.tenant_id = ${tenantId} and b.id = ${payload.batch_id}`.execute(trx);
    });
    await progress(from + count, batch.quantity);
  }
}

/** Shipped: the whole batch, or the codes from_seq…to_seq of it (a carton range). Deactivated batches stay so. */
export async function activateBatch(deps: AppDeps, ctx: RequestContext, id: string, range: { from_seq?: number; to_seq?: number }): Promise<CodeBatch> {
  await withTransaction(deps.db, async (trx) => {
    const batch = await lockBatch(trx, ctx.tenantId, id);
    if (batch.status === 'deactivated') throw new AppError('CODE_BATCH_DEACTIVATED', 'A deactivated batch cannot be activated again');
    if (range.to_seq !== undefined && range.to_seq > batch.quantity) throw validationError([{ field: 'to_seq', code: 'out_of_range', message: `the batch has ${batch.quantity} codes` }]);
    const now = deps.clock.now();
    let query = trx.updateTable('item_codes').set({ activated_at: now }).where('tenant_id', '=', ctx.tenantId).where('batch_id', '=', id).where('activated_at', 'is', null);
    if (range.from_seq !== undefined) query = query.where('seq', '>=', range.from_seq).where('seq', '<=', range.to_seq!);
    const activated = await query.executeTakeFirst();
    // A whole-batch activation also stamps the batch, so codes the job writes later are active as they land.
    const whole = range.from_seq === undefined;
    await trx.updateTable('code_batches').set({ status: 'activated', ...(whole ? { activated_at: batch.activated_at ?? now } : {}) }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).execute();
    await recordAudit(trx, ctx, { action: 'code_batch.activate', resourceType: 'code_batch', resourceId: id, details: { ...range, codes: Number(activated.numUpdatedRows) } });
  });
  return getBatch(deps.db, ctx.tenantId, id);
}

/** Withdrawn (a stolen shipment, a recall): every scan of its codes answers inactive and is flagged. */
export async function deactivateBatch(deps: AppDeps, ctx: RequestContext, id: string): Promise<CodeBatch> {
  await withTransaction(deps.db, async (trx) => {
    const batch = await lockBatch(trx, ctx.tenantId, id);
    if (batch.status === 'deactivated') return;
    await trx.updateTable('code_batches').set({ status: 'deactivated', deactivated_at: deps.clock.now() }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).execute();
    await recordAudit(trx, ctx, { action: 'code_batch.deactivate', resourceType: 'code_batch', resourceId: id, details: {} });
  });
  return getBatch(deps.db, ctx.tenantId, id);
}

export async function listBatches(db: Db, tenantId: string, query: { sku?: string; limit: number; cursor?: string }) {
  let q = db.selectFrom('code_batches').select('id').where('tenant_id', '=', tenantId).orderBy('id', 'desc').limit(query.limit + 1);
  if (query.sku) q = q.where('sku', '=', query.sku);
  if (query.cursor) q = q.where('id', '<', query.cursor);
  const ids = (await q.execute()).map((r) => r.id);
  const page = ids.slice(0, query.limit);
  return { data: await Promise.all(page.map((id) => getBatch(db, tenantId, id))), next_cursor: ids.length > query.limit ? page.at(-1)! : null };
}

export async function getBatch(db: Db, tenantId: string, id: string): Promise<CodeBatch> {
  const row = await getBatchRow(db, tenantId, id);
  const active = await db.selectFrom('item_codes').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).where('batch_id', '=', id).where('activated_at', 'is not', null).executeTakeFirstOrThrow();
  const product = (await productsBySku(db, tenantId, [row.sku])).get(row.sku);
  return {
    id: row.id,
    sku: row.sku,
    product_name: product?.name ?? null,
    name: row.name,
    quantity: row.quantity,
    generated: row.generated,
    status: row.status,
    activated_codes: Number(active.n),
    points_per_claim: row.points_per_claim,
    warranty_months: row.warranty_months,
    activated_at: row.activated_at?.toISOString() ?? null,
    deactivated_at: row.deactivated_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}

export async function getBatchRow(db: Db, tenantId: string, id: string) {
  const row = await db.selectFrom('code_batches').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Code batch');
  return row;
}

/**
 * The printer's file, in position order, streamed page by page: a UTF-8 BOM (Excel otherwise reads UTF-8 as
 * GBK), then `seq,code,qr_url`. Only a completely generated batch is exported, so a file is never short.
 */
export async function* batchCsv(db: Db, batch: BatchRow, qrUrl: (code: string) => string): AsyncGenerator<string> {
  yield '\uFEFFseq,code,qr_url\r\n';
  for (let after = 0; after < batch.quantity; after += GENERATE_CHUNK) {
    const rows = await db.selectFrom('item_codes').select(['seq', 'code']).where('tenant_id', '=', batch.tenant_id).where('batch_id', '=', batch.id).where('seq', '>', after).where('seq', '<=', after + GENERATE_CHUNK).orderBy('seq').execute();
    yield rows.map((r) => `${r.seq},${itemCodes.formatCode(r.code)},${qrUrl(r.code)}\r\n`).join('');
  }
}

export function assertGenerated(batch: BatchRow): void {
  if (batch.generated < batch.quantity) throw new AppError('CODE_BATCH_NOT_READY', `Only ${batch.generated} of ${batch.quantity} codes are generated yet`);
}

async function lockBatch(trx: Db, tenantId: string, id: string): Promise<BatchRow> {
  const row = await trx.selectFrom('code_batches').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('Code batch');
  return row;
}
