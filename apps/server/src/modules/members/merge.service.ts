import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { recordAudit } from '../audit/audit.service.ts';
import * as repo from './members.repo.ts';
import { assertWritable } from './members.service.ts';

const profileFields = ['name', 'nickname', 'gender', 'birthday_month', 'birthday_day', 'birth_year', 'phone', 'email', 'province', 'city', 'district', 'home_store_id', 'campaign'] as const;

export interface MergeResult {
  id: string;
  from_member_id: string;
  to_member_id: string;
  reason: string;
  moved: Record<string, number>;
  occurred_at: string;
}

/**
 * Merges `fromId` into the survivor: identities, tags, consent, and every row other modules registered a
 * merge handler for move in this one transaction; the survivor's empty profile fields take the other's
 * values; the merged profile keeps only its number and a pointer. Merging the same pair again returns
 * the first merge.
 */
export async function mergeMembers(deps: AppDeps, ctx: RequestContext, survivorId: string, fromId: string, reason: string): Promise<MergeResult> {
  if (survivorId === fromId) {
    throw new AppError('VALIDATION_FAILED', 'A member cannot be merged into itself', { errors: [{ field: 'from_member_id', code: 'same_member', message: 'choose another member' }] });
  }
  return withTransaction(deps.db, async (trx) => {
    // Row locks in id order: two merges of the same pair in opposite directions cannot deadlock.
    const [first, second] = [survivorId, fromId].sort();
    const locked = new Map<string, repo.MemberRow>();
    for (const id of [first!, second!]) {
      const row = await repo.findMember(trx, ctx.tenantId, id, { forUpdate: true });
      if (!row) throw notFound('Member');
      locked.set(id, row);
    }
    const survivor = locked.get(survivorId)!;
    const from = locked.get(fromId)!;
    const earlier = await trx.selectFrom('member_merges').selectAll().where('tenant_id', '=', ctx.tenantId).where('from_member_id', '=', fromId).executeTakeFirst();
    if (earlier) {
      if (earlier.to_member_id !== survivorId) throw new AppError('MERGE_CONFLICT', `That member was already merged into ${earlier.to_member_id}`);
      return serializeMerge(earlier);
    }
    assertWritable(survivor);
    assertWritable(from);

    const where = { tenant: ctx.tenantId, from: fromId, to: survivorId };
    const moved: Record<string, number> = {};
    moved.identities = Number(
      (await trx.updateTable('member_identities').set({ member_id: survivorId }).where('tenant_id', '=', where.tenant).where('member_id', '=', fromId).executeTakeFirst()).numUpdatedRows,
    );
    moved.tags = await moveTags(trx, where);
    moved.consents = await moveConsents(trx, where);
    for (const table of ['member_tag_history', 'member_consent_history'] as const) {
      await trx.updateTable(table).set({ member_id: survivorId }).where('tenant_id', '=', where.tenant).where('member_id', '=', fromId).execute();
    }
    for (const handler of deps.memberHooks.mergeHandlers()) moved[handler.name] = await handler.move(trx, ctx, { fromMemberId: fromId, toMemberId: survivorId });

    const filled: Record<string, unknown> = {};
    for (const field of profileFields) if (survivor[field] === null && from[field] !== null) filled[field] = from[field];
    await trx
      .updateTable('members')
      .set({ ...filled, custom_fields: JSON.stringify({ ...from.custom_fields, ...survivor.custom_fields }), updated_at: sql`now()` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', survivorId)
      .execute();
    // The merged profile's personal data now lives in the survivor; keep no second copy of it.
    await trx
      .updateTable('members')
      .set({ ...Object.fromEntries(profileFields.map((f) => [f, null])), custom_fields: '{}', status: 'merged', merged_into: survivorId, updated_at: sql`now()` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', fromId)
      .execute();

    const record = await trx
      .insertInto('member_merges')
      .values({ tenant_id: ctx.tenantId, id: uuidv7(), from_member_id: fromId, to_member_id: survivorId, reason, actor_label: ctx.actor.label, moved: JSON.stringify(moved) })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'member.merge', resourceType: 'member', resourceId: survivorId, details: { from_member_id: fromId, reason, moved } });
    await emitEvent(trx, deps.jobs, ctx, 'member.merged', { from_member_id: fromId, to_member_id: survivorId });
    return serializeMerge(record);
  });
}

async function moveTags(trx: AppDeps['db'], where: { tenant: string; from: string; to: string }) {
  const moved = await sql`
    insert into member_tags (tenant_id, member_id, tag_id, added_by, added_at)
    select tenant_id, ${where.to}, tag_id, added_by, added_at from member_tags where tenant_id = ${where.tenant} and member_id = ${where.from}
    on conflict do nothing`.execute(trx);
  await trx.deleteFrom('member_tags').where('tenant_id', '=', where.tenant).where('member_id', '=', where.from).execute();
  return Number(moved.numAffectedRows ?? 0);
}

/** Per channel the more recent statement of the two profiles wins: it is what the person last said. */
async function moveConsents(trx: AppDeps['db'], where: { tenant: string; from: string; to: string }) {
  const moved = await sql`
    insert into member_consents (tenant_id, member_id, channel, granted, source, wording_version, updated_at)
    select tenant_id, ${where.to}, channel, granted, source, wording_version, updated_at from member_consents
     where tenant_id = ${where.tenant} and member_id = ${where.from}
    on conflict (tenant_id, member_id, channel) do update
      set granted = excluded.granted, source = excluded.source, wording_version = excluded.wording_version, updated_at = excluded.updated_at
      where excluded.updated_at > member_consents.updated_at`.execute(trx);
  await trx.deleteFrom('member_consents').where('tenant_id', '=', where.tenant).where('member_id', '=', where.from).execute();
  return Number(moved.numAffectedRows ?? 0);
}

function serializeMerge(row: { id: string; from_member_id: string; to_member_id: string; reason: string; moved: Record<string, number>; occurred_at: Date }): MergeResult {
  return { id: row.id, from_member_id: row.from_member_id, to_member_id: row.to_member_id, reason: row.reason, moved: row.moved, occurred_at: row.occurred_at.toISOString() };
}
