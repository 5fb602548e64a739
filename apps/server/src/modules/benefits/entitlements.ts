import { sql, type Selectable } from 'kysely';
import { DateTime } from 'luxon';
import type { BenefitSourceKind, BenefitType, Entitlement, UsagePeriod } from '@hearth/contracts/benefits';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { paidMembershipAt } from '../membership/membership.service.ts';
import { getPlanRow } from '../membership/plans.service.ts';
import { tierBenefitsOf } from '../tiers/tier-benefits.ts';
import { serializeBenefit, type BenefitRow } from './catalogue.service.ts';
import './benefits.tables.ts';

export type GrantRow = Selectable<DB['benefit_grants']>;

export interface Source {
  kind: BenefitSourceKind;
  id: string;
  name: string;
  validUntil: Date | null;
  grant?: GrantRow;
}

/** What a member holds of one benefit at an instant, and how many uses are left. */
export interface Holding {
  benefit: BenefitRow;
  sources: Source[];
  /**
   * The source the period's allowance is counted under: the plan, else a tier, else a grant without uses of
   * its own. Null when the member holds the benefit only through grants with their own uses.
   */
  standard: Source | null;
  period: { kind: UsagePeriod; start: Date | null; end: Date | null } | null;
  usedThisPeriod: number;
  /** Grants with uses of their own, soonest ending first, with what is left of each. */
  grantPools: { grant: GrantRow; remaining: number }[];
  /** Uses left now; null: unlimited. */
  remaining: number | null;
}

const precedence: Record<BenefitSourceKind, number> = { plan: 0, tier: 1, grant: 2 };

/**
 * The benefits a member may use at `at`: those of their tiers (every active ladder), of the plan of the paid
 * membership they hold at that instant (a refunded subscription holds none, at once), and of campaign grants
 * valid then; paused benefits are nobody's. `only` narrows to some benefits or types (the earning hook asks for
 * multipliers on every order, so it reads the catalogue first and stops when the brand has none).
 */
export async function holdingsAt(db: Db, tenantId: string, memberId: string, at: Date, only: { types?: BenefitType[]; benefitIds?: string[] } = {}): Promise<Holding[]> {
  let candidates: Map<string, BenefitRow> | null = null;
  if (only.types || only.benefitIds) {
    let q = db.selectFrom('benefits').selectAll().where('tenant_id', '=', tenantId).where('status', '=', 'active');
    if (only.types) q = q.where('type', 'in', only.types);
    if (only.benefitIds) q = q.where('id', 'in', only.benefitIds);
    candidates = new Map((await q.execute()).map((b) => [b.id, b]));
    if (!candidates.size) return [];
  }
  const sources = new Map<string, Source[]>();
  const add = (benefitId: string, source: Source) => {
    if (candidates && !candidates.has(benefitId)) return;
    sources.set(benefitId, [...(sources.get(benefitId) ?? []), source]);
  };
  for (const t of await tierBenefitsOf(db, tenantId, [memberId])) {
    for (const id of t.benefit_ids) add(id, { kind: 'tier', id: t.tier_id, name: `${t.program_name} ${t.tier_name}`, validUntil: null });
  }
  const paid = await paidMembershipAt(db, tenantId, memberId, at);
  if (paid) {
    const plan = await getPlanRow(db, tenantId, paid.plan_id);
    for (const id of plan.benefit_ids) add(id, { kind: 'plan', id: plan.id, name: plan.name, validUntil: paid.until });
  }
  const grants = await db
    .selectFrom('benefit_grants')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('revoked_at', 'is', null)
    .where('valid_from', '<=', at)
    .where('valid_until', '>', at)
    .orderBy('valid_until')
    .orderBy('id')
    .execute();
  for (const g of grants) add(g.benefit_id, { kind: 'grant', id: g.id, name: g.campaign ?? g.reason, validUntil: g.valid_until, grant: g });
  if (!sources.size) return [];

  const benefits = candidates ?? new Map((await db.selectFrom('benefits').selectAll().where('tenant_id', '=', tenantId).where('status', '=', 'active').where('id', 'in', [...sources.keys()]).execute()).map((b) => [b.id, b]));
  // The zone matters only for limited benefits (the earning hook's multipliers have none): read it only then.
  const zone = [...sources.keys()].some((id) => benefits.get(id)?.limit_period) ? (await db.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow()).time_zone : 'UTC';
  const held = [...sources.entries()].flatMap(([id, list]) => {
    const benefit = benefits.get(id);
    if (!benefit) return [];
    list.sort((a, b) => precedence[a.kind] - precedence[b.kind]);
    const standard = list.find((s) => s.kind !== 'grant' || s.grant!.uses === null) ?? null;
    const period = benefit.limit_period ? { kind: benefit.limit_period, ...periodOf(benefit.limit_period, at, zone) } : null;
    return [{ benefit, sources: list, standard, period }];
  });
  const used = await usedCounts(db, tenantId, memberId, held);
  return held
    .map((h) => {
      const usedThisPeriod = used.get(`${h.benefit.id}:`) ?? 0;
      const grantPools = h.sources.flatMap((s) => (s.grant && s.grant.uses !== null ? [{ grant: s.grant, remaining: Math.max(0, s.grant.uses - (used.get(`${h.benefit.id}:${s.grant.id}`) ?? 0)) }] : []));
      const fromGrants = grantPools.reduce((sum, p) => sum + p.remaining, 0);
      const standardLeft = h.standard ? (h.benefit.limit_uses === null ? null : Math.max(0, h.benefit.limit_uses - usedThisPeriod)) : 0;
      return { ...h, usedThisPeriod, grantPools, remaining: standardLeft === null ? null : standardLeft + fromGrants };
    })
    .sort((a, b) => a.benefit.code.localeCompare(b.benefit.code));
}

/**
 * For the pricing module: how many hours before everyone else the member may buy `sku` at `at` — the longest
 * priority window they hold that covers the SKU (a window without SKUs covers every product); 0 without one.
 */
export async function priorityWindowHours(db: Db, tenantId: string, memberId: string, at: Date, sku?: string): Promise<number> {
  let hours = 0;
  for (const h of await holdingsAt(db, tenantId, memberId, at, { types: ['priority_window'] })) {
    const c = h.benefit.config as { hours: number; skus: string[] };
    if (!sku || !c.skus.length || c.skus.includes(sku)) hours = Math.max(hours, c.hours);
  }
  return hours;
}

/** For the pricing module: the exclusive products (SKUs) the member may buy at `at`. */
export async function exclusiveSkus(db: Db, tenantId: string, memberId: string, at: Date): Promise<Set<string>> {
  const held = await holdingsAt(db, tenantId, memberId, at, { types: ['exclusive_access'] });
  return new Set(held.flatMap((h) => (h.benefit.config as { skus: string[] }).skus));
}

/** The period a usage limit counts in, in the tenant's calendar (ISO weeks: Monday to Sunday). */
export function periodOf(kind: UsagePeriod, at: Date, zone: string): { start: Date | null; end: Date | null } {
  if (kind === 'lifetime') return { start: null, end: null };
  const start = DateTime.fromJSDate(at, { zone }).startOf(kind);
  return { start: start.toJSDate(), end: start.plus({ [`${kind}s`]: 1 }).toJSDate() };
}

/**
 * Uses that count against what is left, in one statement: per benefit with a limit, the period's uses taken
 * from the allowance; per grant with uses of its own, every use taken from it. Undone uses do not count.
 */
async function usedCounts(db: Db, tenantId: string, memberId: string, held: { benefit: BenefitRow; sources: Source[]; period: { start: Date | null; end: Date | null } | null }[]) {
  const limited = held.filter((h) => h.period);
  const grantIds = held.flatMap((h) => h.sources.flatMap((s) => (s.grant && s.grant.uses !== null ? [s.grant.id] : [])));
  const counts = new Map<string, number>();
  if (!limited.length && !grantIds.length) return counts;
  const { rows } = await sql<{ benefit_id: string; grant_id: string | null; used: number }>`
    select u.benefit_id, u.grant_id, sum(u.quantity)::int as used
    from benefit_uses u
    left join unnest(${limited.map((h) => h.benefit.id)}::uuid[], ${limited.map((h) => h.period!.start?.toISOString() ?? null)}::timestamptz[], ${limited.map((h) => h.period!.end?.toISOString() ?? null)}::timestamptz[])
      as p(benefit_id, start_at, end_at) on p.benefit_id = u.benefit_id and u.grant_id is null
    where u.tenant_id = ${tenantId} and u.member_id = ${memberId} and u.undone_at is null
      and ((u.grant_id is null and p.benefit_id is not null and u.used_at >= coalesce(p.start_at, '-infinity') and u.used_at < coalesce(p.end_at, 'infinity'))
        or u.grant_id = any(${grantIds}::uuid[]))
    group by u.benefit_id, u.grant_id`.execute(db);
  for (const r of rows) counts.set(`${r.benefit_id}:${r.grant_id ?? ''}`, r.used);
  return counts;
}

export function serializeHolding(h: Holding): Entitlement {
  const ends = h.sources.map((s) => s.validUntil);
  return {
    benefit: serializeBenefit(h.benefit),
    sources: h.sources.map((s) => ({
      kind: s.kind,
      id: s.id,
      name: s.name,
      valid_until: s.validUntil?.toISOString() ?? null,
      ...(s.grant && s.grant.uses !== null ? { remaining: h.grantPools.find((p) => p.grant.id === s.id)?.remaining ?? 0 } : {}),
    })),
    valid_until: ends.includes(null) ? null : new Date(Math.max(...ends.map((d) => d!.getTime()))).toISOString(),
    period: h.period ? { kind: h.period.kind, start: h.period.start?.toISOString() ?? null, end: h.period.end?.toISOString() ?? null } : null,
    used_this_period: h.usedThisPeriod,
    remaining: h.remaining,
  };
}
