import { sql, type RawBuilder } from 'kysely';
import './membership.tables.ts';

/**
 * The instant a subscription's benefits end, as SQL over the subscription row `s` with its tenant `t` and
 * membership settings `ms` (benefitsEndJoins): the rule paidMembershipAt applies, written once for the
 * set-based readers (tiers, segments, reports). Refunded: the refund's instant. Past due and grace, or
 * expired out of them (grace_ends_at is set only by those and cleared by every payment): the grace end.
 * Active, or a trial that renews automatically: the period end plus the grace days, because unpaid at the
 * period end it moves to past due or grace with exactly that grace end — so the benefits do not lapse
 * between the period end and the period-end job. Otherwise (a trial without auto-renew, canceled, or
 * expired out of those): the period end.
 */
export const benefitsEndSql: RawBuilder<Date> = sql<Date>`case
    when s.status = 'refunded' then s.ended_at
    when s.status in ('past_due', 'grace') then coalesce(s.grace_ends_at, s.current_period_end)
    when s.status = 'expired' and s.grace_ends_at is not null then s.grace_ends_at
    when s.status = 'active' or (s.status = 'trialing' and s.auto_renew)
      then ((s.current_period_end at time zone t.time_zone) + make_interval(days => coalesce(ms.grace_days, 7))) at time zone t.time_zone
    else s.current_period_end end`;

/** The joins benefitsEndSql reads: the tenant's zone and its membership settings (grace days). */
export const benefitsEndJoins: RawBuilder<unknown> = sql`join tenants t on t.id = s.tenant_id left join membership_settings ms on ms.tenant_id = s.tenant_id`;

/**
 * Every subscription of the tenant (or of the members `memberFilter` admits) as the interval in which it
 * entitled its member: [starts_at, ends_at). A subscription entitles without a gap from its first
 * transition (a trial or a paid start) until benefitsEndSql — renewals, upgrades, past due and grace all
 * keep the benefits — so one interval per subscription is exact, for any instant, past or present.
 */
export function entitlementIntervalsSql(tenantId: string, memberFilter: (column: RawBuilder<string>) => RawBuilder<boolean> = () => sql<boolean>`true`) {
  return sql<{ member_id: string; subscription_id: string; plan_id: string; starts_at: Date; ends_at: Date }>`
    select s.member_id, s.id as subscription_id, s.plan_id, f.starts_at, ${benefitsEndSql} as ends_at
    from membership_subscriptions s ${benefitsEndJoins}
    cross join lateral (
      select min(tr.at) as starts_at from membership_transitions tr
      where tr.tenant_id = s.tenant_id and tr.member_id = s.member_id and tr.subscription_id = s.id
    ) f
    where s.tenant_id = ${tenantId} and ${memberFilter(sql.ref('s.member_id'))}`;
}

/**
 * The members (of those `memberFilter` admits) who held a paid membership at `at`: what tiers read for the
 * `paid_membership` metric of a whole chunk of members in one statement, as isPaidMember would answer for
 * each of them at that instant.
 */
export function paidMembersAtSql(tenantId: string, at: Date, memberFilter: (column: RawBuilder<string>) => RawBuilder<boolean>) {
  return sql<{ member_id: string }>`
    select distinct e.member_id from (${entitlementIntervalsSql(tenantId, memberFilter)}) e
    where e.starts_at <= ${at}::timestamptz and ${at}::timestamptz < e.ends_at`;
}
