import type { JobRegistry } from '../../jobs/registry.ts';
import type { MemberHooks } from '../members/member-hooks.ts';
import { GENERATE_JOB, generateCodes } from './batches.service.ts';
import './item-codes.tables.ts';

/** Generation writes and checkpoints its own chunks, so a 100,000-code batch is many short transactions. */
export function registerItemCodeJobs(registry: JobRegistry) {
  registry.define<{ batch_id: string }>({ name: GENERATE_JOB, transactional: false, handler: generateCodes });
}

/**
 * Merges move the member's claims, scans, flags and warranties to the survivor. Scans keep only a province and
 * city; the warranty's store name is free text, so an erasure blanks it and detaches the scans from the member
 * (the counts of the codes stay, they are the brand's). The 360 section (and the export) lists both.
 */
export function registerItemCodeMemberHooks(hooks: MemberHooks) {
  hooks.onMerge({
    name: 'item_codes',
    move: async (trx, ctx, { fromMemberId, toMemberId }) => {
      let moved = 0;
      for (const table of ['code_scans', 'code_flags', 'code_warranties'] as const) {
        moved += Number((await trx.updateTable(table).set({ member_id: toMemberId }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', fromMemberId).executeTakeFirst()).numUpdatedRows);
      }
      moved += Number((await trx.updateTable('item_codes').set({ claimed_by: toMemberId }).where('tenant_id', '=', ctx.tenantId).where('claimed_by', '=', fromMemberId).executeTakeFirst()).numUpdatedRows);
      return moved;
    },
  });
  hooks.onErase({
    name: 'item_codes',
    erase: async (trx, ctx, memberId) => {
      const scans = await trx.updateTable('code_scans').set({ member_id: null }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst();
      const warranties = await trx.updateTable('code_warranties').set({ store_name: null }).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).executeTakeFirst();
      return Number(scans.numUpdatedRows) + Number(warranties.numUpdatedRows);
    },
  });
  hooks.addSection({
    name: 'item_codes',
    load: async (deps, ctx, memberId) => {
      const [claimed, warranties] = await Promise.all([
        deps.db.selectFrom('item_codes').select(['code', 'batch_id', 'claimed_at', 'scan_count', 'flagged']).where('tenant_id', '=', ctx.tenantId).where('claimed_by', '=', memberId).orderBy('claimed_at', 'desc').limit(50).execute(),
        deps.db.selectFrom('code_warranties').select(['id', 'code', 'sku', 'purchase_date', 'store_id', 'store_name', 'expires_on', 'created_at']).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).orderBy('id', 'desc').limit(50).execute(),
      ]);
      return { claimed, warranties };
    },
  });
}
