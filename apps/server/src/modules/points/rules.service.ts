import { sql, type RawBuilder } from 'kysely';
import { earningRulesSchema, type EarningExplanation, type EarningRules, type EarningRuleVersion, type PointsPreviewInput } from '@hearth/contracts/points';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { validationError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { groupModifiers, noPoints, scoreOrder, type EarningModifier, type EarningOrder } from './earning.ts';
import { businessDay, loadPointsSetup } from './ledger.ts';
import './points.tables.ts';
import '../products/products.service.ts';

/**
 * A later module's multiplier for a member's order (tier multiplier, member-day multiplier …), in one of two
 * forms: `modifiersFor`, asked order by order (for modifiers that depend on the order's time or channel), or
 * `memberModifiers`, SQL for a set of members that the order path embeds in the statement locking their
 * points accounts (one statement for any number of orders, instead of a round trip per order).
 */
export interface EarningModifierSource {
  name: string;
  modifiersFor?(db: Db, ctx: RequestContext, args: { memberId: string; occurredAt: Date; channel: string }): Promise<EarningModifier[]>;
  memberModifiers?(args: MemberModifiersArgs): MemberModifiersSql;
}

export interface MemberModifiersArgs {
  tenantId: string;
  now: Date;
  /**
   * On the order path: the name of a CTE of (member_id) whose rows are the members' points accounts, locked
   * by then. The source may lock rows of its own there, after those (so the locks are taken in one order),
   * and must then read the members' current values through that lock (insert … on conflict do update …
   * returning reads the latest committed row), since the statement's snapshot predates the lock waits.
   * Elsewhere (preview) null, with `memberIds` given: a plain read.
   */
  lockedAccounts: string | null;
  memberIds: readonly string[];
}

export interface MemberModifiersSql {
  /** CTEs (`name as (…)`) the rows need, or null. */
  ctes: RawBuilder<unknown> | null;
  /** Rows of (member_id, rule, detail, multiplier), each member's in the order they apply. */
  rows: RawBuilder<{ member_id: string; rule: string; detail: string; multiplier: number }>;
}

/** Runs in the transaction that spent points on a reward (a coupon reward issues its coupon); throwing undoes the spend. */
export type RewardRedeemedHandler = (trx: Db, deps: AppDeps, ctx: RequestContext, redeemed: { memberId: string; rewardId: string; quantity: number; redemptionId: string }) => Promise<void>;

/** Where other modules plug into earning and rewards without editing them. */
export interface PointsHooks {
  addEarningModifier(source: EarningModifierSource): void;
  earningModifiers(): readonly EarningModifierSource[];
  onRewardRedeemed(handler: RewardRedeemedHandler): void;
  rewardRedeemedHandlers(): readonly RewardRedeemedHandler[];
}

export function createPointsHooks(): PointsHooks {
  const sources: EarningModifierSource[] = [];
  const rewardHandlers: RewardRedeemedHandler[] = [];
  return {
    addEarningModifier: (source) => void sources.push(source),
    earningModifiers: () => sources,
    onRewardRedeemed: (handler) => void rewardHandlers.push(handler),
    rewardRedeemedHandlers: () => rewardHandlers,
  };
}

export async function createRuleVersion(deps: AppDeps, ctx: RequestContext, input: { rules: EarningRules; effective_from?: string; note?: string }): Promise<EarningRuleVersion> {
  return withTransaction(deps.db, async (trx) => {
    // Versions are numbered per tenant under a lock, so two editors never write the same number.
    await sql`select pg_advisory_xact_lock(hashtext('earning_rules:' || ${ctx.tenantId}))`.execute(trx);
    const last = await trx.selectFrom('earning_rule_versions').select(sql<number>`coalesce(max(version), 0)::int`.as('v')).where('tenant_id', '=', ctx.tenantId).executeTakeFirstOrThrow();
    const effectiveFrom = input.effective_from ? new Date(input.effective_from) : deps.clock.now();
    const row = await trx
      .insertInto('earning_rule_versions')
      .values({ tenant_id: ctx.tenantId, version: last.v + 1, effective_from: effectiveFrom, rules: JSON.stringify(input.rules), note: input.note ?? null, created_by: ctx.actor.label })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'earning_rules.create', resourceType: 'earning_rules', resourceId: String(row.version), details: { effective_from: effectiveFrom.toISOString() } });
    return serializeVersion(row);
  });
}

export async function listRuleVersions(deps: AppDeps, ctx: RequestContext): Promise<EarningRuleVersion[]> {
  const rows = await deps.db.selectFrom('earning_rule_versions').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('version', 'desc').limit(200).execute();
  return rows.map(serializeVersion);
}

/** The version in force at an instant: the latest effective_from not after it (ties: the higher version). */
export async function ruleVersionAt(db: Db, tenantId: string, at: Date): Promise<{ version: number; rules: EarningRules } | undefined> {
  const row = await db
    .selectFrom('earning_rule_versions')
    .select(['version', 'rules'])
    .where('tenant_id', '=', tenantId)
    .where('effective_from', '<=', at)
    .orderBy('effective_from', 'desc')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { version: row.version, rules: earningRulesSchema.parse(row.rules) } : undefined;
}

export interface ScoreRequest {
  memberId: string | null;
  occurredAt: Date;
  order: EarningOrder;
  draft?: EarningRules;
}

/** How many points an order earns and why, without writing anything. Used by preview. */
export async function explainEarning(deps: AppDeps, db: Db, ctx: RequestContext, request: ScoreRequest): Promise<EarningExplanation> {
  const inForce = request.draft ? { version: null, rules: request.draft } : await ruleVersionAt(db, ctx.tenantId, request.occurredAt);
  if (!inForce) return noPoints(request.order, 'no_rules');
  const skus = [...new Set(request.order.lines.map((l) => l.sku))];
  const products = skus.length ? await db.selectFrom('products').select(['sku', 'category_path']).where('tenant_id', '=', ctx.tenantId).where('sku', 'in', skus).execute() : [];
  const { timeZone } = await loadPointsSetup(db, ctx.tenantId);
  return scoreForMember(deps, db, ctx, { ...request, inForce, categories: new Map(products.map((p) => [p.sku, p.category_path])), timeZone });
}

/**
 * Scores an order under a known rule version: adds the member's multipliers from other modules and, under
 * a daily cap, what the member already earned that day (read after the caller locked the account, so two
 * orders on the same day cannot both use the same room under the cap).
 */
export async function scoreForMember(
  deps: AppDeps,
  db: Db,
  ctx: RequestContext,
  request: Omit<ScoreRequest, 'draft'> & {
    inForce: { version: number | null; rules: EarningRules };
    categories: ReadonlyMap<string, readonly string[]>;
    timeZone: string;
    /** What the member earned that business day, when the caller already knows (a batch keeps its own count). */
    earnedToday?: number | null;
    /** The set-based sources' modifiers, by source index, when the caller read them (the order path does, under its lock). */
    memberModifiers?: readonly (ReadonlyMap<string, EarningModifier[]> | undefined)[];
  },
): Promise<EarningExplanation> {
  const { inForce, memberId } = request;
  const modifiers: EarningModifier[] = [];
  if (memberId) {
    const sources = deps.pointsHooks.earningModifiers();
    const bySource = request.memberModifiers ?? (sources.some((s) => s.memberModifiers) ? await readMemberModifiers(db, deps, ctx, [memberId]) : []);
    for (const [i, source] of sources.entries()) {
      if (source.modifiersFor) modifiers.push(...(await source.modifiersFor(db, ctx, { memberId, occurredAt: request.occurredAt, channel: request.order.channel })));
      else modifiers.push(...(bySource[i]?.get(memberId) ?? []));
    }
  }
  let earnedToday = request.earnedToday ?? null;
  if (inForce.rules.cap_per_day !== null && memberId && earnedToday === null) {
    const row = await db
      .selectFrom('points_transactions')
      .select(sql<number>`coalesce(sum(points), 0)::bigint`.as('points'))
      .where('tenant_id', '=', ctx.tenantId)
      .where('member_id', '=', memberId)
      .where('kind', '=', 'earn')
      .where('business_day', '=', businessDay(request.occurredAt, request.timeZone))
      .executeTakeFirstOrThrow();
    earnedToday = row.points;
  }
  return scoreOrder(inForce.rules, inForce.version, request.order, { categories: request.categories, modifiers, earnedToday });
}

/** The set-based modifier sources' values for some members, without locking (preview). Indexed like the sources. */
async function readMemberModifiers(db: Db, deps: AppDeps, ctx: RequestContext, memberIds: string[]) {
  const out: (Map<string, EarningModifier[]> | undefined)[] = [];
  for (const source of deps.pointsHooks.earningModifiers()) {
    if (!source.memberModifiers) {
      out.push(undefined);
      continue;
    }
    const read = source.memberModifiers({ tenantId: ctx.tenantId, now: deps.clock.now(), lockedAccounts: null, memberIds });
    const { rows } = await sql<{ member_id: string; rule: string; detail: string; multiplier: number }>`${read.ctes ? sql`with ${read.ctes} ` : sql``}${read.rows}`.execute(db);
    out.push(groupModifiers(rows));
  }
  return out;
}

export async function previewEarning(deps: AppDeps, ctx: RequestContext, input: PointsPreviewInput): Promise<EarningExplanation> {
  const errors = [];
  if (input.member_id) {
    const member = await deps.db.selectFrom('members').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', input.member_id).executeTakeFirst();
    if (!member) errors.push({ field: 'member_id', code: 'unknown_member', message: 'no such member' });
  }
  const lines = input.lines.map((l, i) => ({ ...l, line_no: i + 1 }));
  lines.forEach((l, i) => {
    if (l.discount_fen > l.qty * l.unit_price_fen) errors.push({ field: `lines.${i}.discount_fen`, code: 'discount_too_large', message: 'larger than qty × unit price' });
  });
  if (errors.length) throw validationError(errors);
  const total = lines.reduce((s, l) => s + l.qty * l.unit_price_fen - l.discount_fen, 0) + input.shipping_fen;
  return explainEarning(deps, deps.db, ctx, {
    memberId: input.member_id ?? null,
    occurredAt: input.occurred_at ? new Date(input.occurred_at) : deps.clock.now(),
    order: { channel: input.channel, lines, shipping_fen: input.shipping_fen, total_paid_fen: total },
    draft: input.rules,
  });
}

function serializeVersion(row: { version: number; effective_from: Date; rules: unknown; note: string | null; created_by: string | null; created_at: Date }): EarningRuleVersion {
  return { version: row.version, effective_from: row.effective_from.toISOString(), rules: earningRulesSchema.parse(row.rules), note: row.note, created_by: row.created_by, created_at: row.created_at.toISOString() };
}
