import { sql } from 'kysely';
import type { BenefitUsageReportRow } from '@hearth/contracts/benefits';
import type { AppDeps, RequestContext } from '../../deps.ts';

/** Benefit usage over a window, by benefit and by the source a use was counted under (tier, plan, grant). */
export async function benefitUsageReport(deps: AppDeps, ctx: RequestContext, range: { from?: string; to?: string }): Promise<BenefitUsageReportRow[]> {
  const from = range.from ? new Date(range.from) : new Date(0);
  const to = range.to ? new Date(range.to) : new Date('9999-12-31T00:00:00Z');
  const { rows } = await sql<BenefitUsageReportRow>`
    select b.id as benefit_id, b.code, b.name, b.type, u.source_kind as source,
      sum(u.quantity)::int as uses, count(distinct u.member_id)::int as members, sum(u.value_fen)::bigint as value_fen
    from benefit_uses u join benefits b on b.tenant_id = u.tenant_id and b.id = u.benefit_id
    where u.tenant_id = ${ctx.tenantId} and u.undone_at is null and u.used_at >= ${from} and u.used_at < ${to}
    group by b.id, b.code, b.name, b.type, u.source_kind
    order by uses desc, b.code, u.source_kind`.execute(deps.db);
  return rows.map((r) => ({ ...r, value_fen: Number(r.value_fen) }));
}
