import { DateTime } from 'luxon';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { memberScanResultSchema, scanResultSchema } from '@hearth/contracts/item-codes';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { validationError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { adjustPoints } from '../points/points.service.ts';
import { itemCodes } from './batches.service.ts';
import { raiseFlag } from './flags.service.ts';
import { itemCodeSettings } from './settings.service.ts';

type ScanResult = z.infer<typeof scanResultSchema>;
type MemberScanResult = z.infer<typeof memberScanResultSchema>;
export interface ScanInput {
  code: string;
  province?: string;
  city?: string;
}

/** An anonymous scan (the public page): is it genuine, how often and where was it first scanned. Recorded. */
export async function scanAnonymously(deps: AppDeps, ctx: RequestContext, input: ScanInput): Promise<ScanResult> {
  const { claim: _claim, points_awarded: _points, warranty: _warranty, ...result } = await scan(deps, ctx, input, null);
  return result;
}

/** A signed-in member's scan: the same answer, and the first member to scan a genuine code claims its points. */
export function scanAsMember(deps: AppDeps, ctx: RequestContext, memberId: string, input: ScanInput): Promise<MemberScanResult> {
  return scan(deps, ctx, input, memberId);
}

/**
 * One transaction per scan. The code's row is locked (`for update`), then one update counts the scan, keeps
 * the first scan's time and place, and claims the code for this member only `when claimed_by is null`: of any
 * number of simultaneous first scans exactly one claims it and earns the points (adjustPoints, keyed by the
 * code, a second guard). The lock also gives the distance check the previous scan as it really was.
 */
async function scan(deps: AppDeps, ctx: RequestContext, input: ScanInput, memberId: string | null): Promise<MemberScanResult> {
  const code = itemCodes.parseCode(input.code);
  if (!code) throw validationError([{ field: 'code', code: 'invalid_code', message: 'not a code of this brand (length or check symbol)' }]);
  const province = input.province?.trim() || null;
  const city = input.city?.trim() || null;
  const now = deps.clock.now();
  const scanId = uuidv7();
  const settings = await itemCodeSettings(deps.db, ctx.tenantId);
  return withTransaction(deps.db, async (trx) => {
    const found = await sql<LockedCode>`
      select c.batch_id, c.activated_at, c.last_scanned_at, c.last_province, b.status as batch_status, b.sku, b.points_per_claim, b.warranty_months, p.name as product_name
      from item_codes c join code_batches b on b.tenant_id = c.tenant_id and b.id = c.batch_id
      left join products p on p.tenant_id = b.tenant_id and p.sku = b.sku
      where c.tenant_id = ${ctx.tenantId} and c.code = ${code}
      for update of c`.execute(trx);
    const locked = found.rows[0];
    const result: ScanResult['result'] = !locked ? 'unknown' : locked.batch_status === 'activated' && locked.activated_at ? 'genuine' : 'inactive';
    await trx.insertInto('code_scans').values({ tenant_id: ctx.tenantId, id: scanId, code, batch_id: locked?.batch_id ?? null, member_id: memberId, result, province, city, scanned_at: now }).execute();
    await emitEvent(trx, deps.jobs, ctx, 'code.scanned', { scan_id: scanId, code, result, member_id: memberId, province, city });
    if (memberId) await checkMemberBurst(trx, deps, ctx, memberId, settings.member_daily_scans, now, settings.timeZone);
    if (!locked) return { result, code: itemCodes.formatCode(code), product: null, scan_count: 0, first_scanned_at: null, first_province: null, first_city: null, warranty_months: null, claim: 'not_eligible', points_awarded: 0, warranty: null };

    const claimable = result === 'genuine' && memberId !== null;
    const updated = await trx
      .updateTable('item_codes')
      .set({
        scan_count: sql`scan_count + 1`,
        first_scanned_at: sql`coalesce(first_scanned_at, ${now}::timestamptz)`,
        first_province: sql`case when first_scanned_at is null then ${province}::text else first_province end`,
        first_city: sql`case when first_scanned_at is null then ${city}::text else first_city end`,
        last_scanned_at: now,
        last_province: sql`coalesce(${province}::text, last_province)`,
        ...(claimable ? { claimed_by: sql`coalesce(claimed_by, ${memberId}::uuid)`, claimed_at: sql`case when claimed_by is null then ${now}::timestamptz else claimed_at end`, claim_scan_id: sql`case when claimed_by is null then ${scanId}::uuid else claim_scan_id end` } : {}),
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('code', '=', code)
      .returning(['scan_count', 'first_scanned_at', 'first_province', 'first_city', 'claimed_by', 'claim_scan_id'])
      .executeTakeFirstOrThrow();

    let claim: MemberScanResult['claim'] = 'not_eligible';
    let pointsAwarded = 0;
    if (claimable && updated.claim_scan_id === scanId) {
      claim = 'claimed';
      if (locked.points_per_claim > 0) {
        await adjustPoints({ ...deps, db: trx }, ctx, memberId, { points: locked.points_per_claim, reason: `扫码积分 ${itemCodes.formatCode(code)}`, external_id: `item-code:${code}` });
        pointsAwarded = locked.points_per_claim;
      }
      await emitEvent(trx, deps.jobs, ctx, 'code.claimed', { code, member_id: memberId, scan_id: scanId, sku: locked.sku, points: pointsAwarded });
    } else if (claimable) {
      claim = updated.claimed_by === memberId ? 'already_yours' : 'claimed_by_other';
      // Someone else already has this label: a copied code, or a resold item. Staff look before it matters.
      if (claim === 'claimed_by_other') await raiseFlag(trx, deps, ctx, { kind: 'second_claimer', dedupeKey: `${code}:${memberId}`, code, memberId, details: { claimed_by: updated.claimed_by, scan_id: scanId } });
    }
    if (result === 'inactive') await raiseFlag(trx, deps, ctx, { kind: 'inactive_batch', dedupeKey: code, code, memberId, details: { batch_id: locked.batch_id, batch_status: locked.batch_status, scan_id: scanId } });
    if (isDistant(locked, province, now, settings.distant_minutes)) {
      await raiseFlag(trx, deps, ctx, { kind: 'distant_scans', dedupeKey: code, code, memberId, details: { previous_province: locked.last_province, previous_at: locked.last_scanned_at!.toISOString(), province, city, scan_id: scanId } });
    }
    const warranty = memberId ? await trx.selectFrom('code_warranties').select(['id', sql<string>`expires_on::text`.as('expires_on')]).where('tenant_id', '=', ctx.tenantId).where('code', '=', code).where('member_id', '=', memberId).executeTakeFirst() : undefined;
    return {
      result,
      code: itemCodes.formatCode(code),
      product: { sku: locked.sku, name: locked.product_name ?? locked.sku },
      scan_count: updated.scan_count,
      first_scanned_at: updated.first_scanned_at?.toISOString() ?? null,
      first_province: updated.first_province,
      first_city: updated.first_city,
      warranty_months: locked.warranty_months,
      claim,
      points_awarded: pointsAwarded,
      warranty: warranty ?? null,
    };
  });
}

interface LockedCode {
  batch_id: string;
  activated_at: Date | null;
  last_scanned_at: Date | null;
  last_province: string | null;
  batch_status: 'created' | 'activated' | 'deactivated';
  sku: string;
  points_per_claim: number;
  warranty_months: number | null;
  product_name: string | null;
}

/**
 * One label scanned in two provinces within the window: no parcel travels that fast, so one of the two is a
 * copy. Provinces, not cities: neighbouring cities are an hour apart, and the client gives no finer place.
 */
function isDistant(previous: LockedCode, province: string | null, now: Date, minutes: number): boolean {
  if (!province || !previous.last_province || !previous.last_scanned_at || previous.last_province === province) return false;
  return now.getTime() - previous.last_scanned_at.getTime() <= minutes * 60_000;
}

/** More scans by one member in one local day than the brand allows: a flag once per member and day. */
async function checkMemberBurst(trx: Db, deps: AppDeps, ctx: RequestContext, memberId: string, limit: number, now: Date, timeZone: string) {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const since = local.startOf('day').toJSDate();
  const counted = await trx.selectFrom('code_scans').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('scanned_at', '>=', since).where('scanned_at', '<=', now).executeTakeFirstOrThrow();
  if (Number(counted.n) > limit) await raiseFlag(trx, deps, ctx, { kind: 'member_burst', dedupeKey: `${memberId}:${local.toISODate()}`, code: null, memberId, details: { scans_today: Number(counted.n), limit, day: local.toISODate() } });
}
