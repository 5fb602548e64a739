import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import './tiers.tables.ts';

export interface TierBenefits {
  member_id: string;
  program_id: string;
  program_name: string;
  tier_id: string;
  tier_name: string;
  benefit_ids: string[];
}

/**
 * The tiers members hold now in every active ladder (the entry tier where they have no row) with the
 * benefits attached: what the benefits module counts as tier entitlements. One statement for any number
 * of members (the birthday job asks for a chunk at once).
 */
export async function tierBenefitsOf(db: Db, tenantId: string, memberIds: readonly string[]): Promise<TierBenefits[]> {
  if (!memberIds.length) return [];
  const { rows } = await sql<TierBenefits>`
    select m.id as member_id, p.id as program_id, p.name as program_name, coalesce(t.id, e.id) as tier_id, coalesce(t.name, e.name) as tier_name,
      coalesce(t.benefit_ids, e.benefit_ids) as benefit_ids
    from unnest(${memberIds}::uuid[]) as m(id)
    cross join tier_programs p
    join tiers e on e.tenant_id = p.tenant_id and e.program_id = p.id and e.rank = 0
    left join member_tiers mt on mt.tenant_id = p.tenant_id and mt.program_id = p.id and mt.member_id = m.id
    left join tiers t on t.tenant_id = p.tenant_id and t.program_id = p.id and t.id = mt.tier_id
    where p.tenant_id = ${tenantId} and p.status = 'active'`.execute(db);
  return rows.filter((r) => r.benefit_ids.length > 0);
}

/** Tiers (of any ladder) that list a benefit: a benefit they refer to cannot be deleted. */
export async function tiersReferencingBenefit(db: Db, tenantId: string, benefitId: string): Promise<{ id: string; name: string }[]> {
  return db.selectFrom('tiers').select(['id', 'name']).where('tenant_id', '=', tenantId).where(sql<boolean>`benefit_ids @> array[${benefitId}]::uuid[]`).execute();
}
