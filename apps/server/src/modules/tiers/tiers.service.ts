import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type {
  MemberTier,
  Tier,
  TierEvaluationRun,
  TierHistoryEntry,
  TierProgram,
  TierProgramInput,
  TierRules,
  TierRuleVersion,
  TierSimulation,
  tierAssignmentInputSchema,
  tierProgramInputSchema,
  tierRuleVersionInputSchema,
  tierSimulationInputSchema,
} from '@hearth/contracts/tiers';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, notFound, validationError, type FieldError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import { enqueueJob } from '../../jobs/enqueue.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { assertBenefitIds } from '../benefits/catalogue.service.ts';
import { loadLadders, lockOrCreateMemberTiers } from './apply.ts';
import { numeric, readDecisions, type Ladder } from './evaluate.ts';
import { gapFor } from './progress.ts';
import { eachChunk, nextEvaluationAt } from './runs.ts';
import './tiers.tables.ts';

type TierRow = Selectable<DB['tiers']>;

export async function createProgram(deps: AppDeps, ctx: RequestContext, input: TierProgramInput): Promise<TierProgram> {
  checkLadder(input.tiers, input.rules);
  const id = uuidv7();
  const now = deps.clock.now();
  await withTransaction(deps.db, async (trx) => {
    await checkTierBenefits(trx, ctx.tenantId, input.tiers);
    await trx
      .insertInto('tier_programs')
      .values({ tenant_id: ctx.tenantId, id, name: input.name, status: input.status, evaluation: input.evaluation, downgrade_policy: input.downgrade_policy, grace_days: input.grace_days, notice_days: input.notice_days, created_at: now, updated_at: now })
      .execute();
    await trx.insertInto('tiers').values(input.tiers.map((t, rank) => tierRow(ctx.tenantId, id, rank, t))).execute();
    if (input.rules) await insertVersion(trx, ctx, id, input.rules, now, '初始规则');
    await recordAudit(trx, ctx, { action: 'tier_program.create', resourceType: 'tier_program', resourceId: id, details: { tiers: input.tiers.length } });
  });
  return getProgram(deps, ctx, id);
}

/**
 * Updates the settings and the ladder: tiers named by id keep their members (and may be renamed or moved),
 * new tiers are added, and a tier left out is removed — unless members hold it (409 TIER_IN_USE).
 */
export async function updateProgram(deps: AppDeps, ctx: RequestContext, id: string, input: Omit<TierProgramInput, 'rules'>): Promise<TierProgram> {
  checkLadder(input.tiers, undefined);
  await withTransaction(deps.db, async (trx) => {
    const program = await trx.selectFrom('tier_programs').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!program) throw notFound('Tier program');
    await checkTierBenefits(trx, ctx.tenantId, input.tiers);
    const existing = await trx.selectFrom('tiers').selectAll().where('tenant_id', '=', ctx.tenantId).where('program_id', '=', id).execute();
    const keptIds = new Set(input.tiers.flatMap((t) => (t.id ? [t.id] : [])));
    const unknown = input.tiers.findIndex((t) => t.id && !existing.some((e) => e.id === t.id));
    if (unknown >= 0) throw validationError([{ field: `tiers.${unknown}.id`, code: 'unknown_tier', message: 'not a tier of this program' }]);
    const removed = existing.filter((e) => !keptIds.has(e.id)).map((e) => e.id);
    if (removed.length) {
      const held = await trx.selectFrom('member_tiers').select('tier_id').where('tenant_id', '=', ctx.tenantId).where('program_id', '=', id).where((eb) => eb.or([eb('tier_id', 'in', removed), eb('grace_tier_id', 'in', removed)])).limit(1).executeTakeFirst();
      if (held) throw new AppError('TIER_IN_USE', 'Members hold a tier that the new ladder leaves out; move them first');
      await trx.deleteFrom('tiers').where('tenant_id', '=', ctx.tenantId).where('program_id', '=', id).where('id', 'in', removed).execute();
    }
    for (const [rank, t] of input.tiers.entries()) {
      const row = tierRow(ctx.tenantId, id, rank, t);
      if (t.id) await trx.updateTable('tiers').set({ code: row.code, rank, name: row.name, color: row.color, icon: row.icon, earning_multiplier_x100: row.earning_multiplier_x100, ...(t.benefit_ids ? { benefit_ids: row.benefit_ids } : {}) }).where('tenant_id', '=', ctx.tenantId).where('program_id', '=', id).where('id', '=', t.id).execute();
      else await trx.insertInto('tiers').values(row).execute();
    }
    await trx
      .updateTable('tier_programs')
      .set({ name: input.name, status: input.status, evaluation: input.evaluation, downgrade_policy: input.downgrade_policy, grace_days: input.grace_days, notice_days: input.notice_days, updated_at: deps.clock.now() })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, ctx, { action: 'tier_program.update', resourceType: 'tier_program', resourceId: id, details: { tiers: input.tiers.length, removed: removed.length } });
  });
  return getProgram(deps, ctx, id);
}

export async function listPrograms(deps: AppDeps, ctx: RequestContext): Promise<TierProgram[]> {
  const rows = await deps.db.selectFrom('tier_programs').select('id').where('tenant_id', '=', ctx.tenantId).orderBy('created_at').orderBy('id').execute();
  return Promise.all(rows.map((r) => getProgram(deps, ctx, r.id)));
}

export async function getProgram(deps: AppDeps, ctx: RequestContext, id: string): Promise<TierProgram> {
  const program = await deps.db.selectFrom('tier_programs').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id).executeTakeFirst();
  if (!program) throw notFound('Tier program');
  const tiers = await deps.db.selectFrom('tiers').selectAll().where('tenant_id', '=', ctx.tenantId).where('program_id', '=', id).orderBy('rank').execute();
  const version = await deps.db
    .selectFrom('tier_rule_versions')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('program_id', '=', id)
    .where('effective_from', '<=', deps.clock.now())
    .orderBy('effective_from', 'desc')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    id: program.id,
    name: program.name,
    status: program.status,
    evaluation: program.evaluation,
    downgrade_policy: program.downgrade_policy,
    grace_days: program.grace_days,
    notice_days: program.notice_days,
    tiers: tiers.map(serializeTier),
    rules: version ? serializeVersion(version) : null,
    created_at: program.created_at.toISOString(),
  };
}

/** Publishes a rule version; with `evaluate`, every member is evaluated under it at its effective instant. */
export async function publishRules(deps: AppDeps, ctx: RequestContext, programId: string, input: z.infer<typeof tierRuleVersionInputSchema>): Promise<TierRuleVersion> {
  const effectiveFrom = input.effective_from ? new Date(input.effective_from) : deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
    const tiers = await trx.selectFrom('tiers').select(['code', 'rank']).where('tenant_id', '=', ctx.tenantId).where('program_id', '=', programId).execute();
    if (!tiers.length) throw notFound('Tier program');
    checkRules(tiers, input.rules);
    const version = await insertVersion(trx, ctx, programId, input.rules, effectiveFrom, input.note ?? null);
    if (input.evaluate) {
      await enqueueJob(trx, deps.jobs, { tenantId: ctx.tenantId, name: 'tiers.evaluate', payload: { program_id: programId, kind: 'publish', as_of: effectiveFrom.toISOString() }, key: `publish:${programId}:${version.version}`, runAt: effectiveFrom });
    }
    await emitEvent(trx, deps.jobs, ctx, 'tier.rules_published', { program_id: programId, version: version.version, effective_from: version.effective_from });
    return version;
  });
}

export async function listRuleVersions(deps: AppDeps, ctx: RequestContext, programId: string): Promise<TierRuleVersion[]> {
  await getProgram(deps, ctx, programId);
  const rows = await deps.db.selectFrom('tier_rule_versions').selectAll().where('tenant_id', '=', ctx.tenantId).where('program_id', '=', programId).orderBy('version', 'desc').execute();
  return rows.map(serializeVersion);
}

/**
 * What an evaluation as of `as_of` would do under draft rules, without writing: the same decisions the
 * evaluation writes (decisionsSql), over every member in the same chunks, counted by (from, to).
 */
export async function simulate(deps: AppDeps, ctx: RequestContext, programId: string, input: z.infer<typeof tierSimulationInputSchema>): Promise<TierSimulation> {
  const asOf = input.as_of ? new Date(input.as_of) : deps.clock.now();
  const [ladder] = await loadLadders(deps.db, ctx.tenantId, asOf, { programId });
  if (!ladder) throw notFound('Tier program');
  if (input.rules) checkRules(ladder.tiers, input.rules);
  const draft: Ladder = input.rules ? { ...ladder, rules: input.rules, ruleVersion: null } : ladder;
  const cells = new Map<string, { from: number; to: number; count: number; sample: string[] }>();
  let members = 0;
  await eachChunk(deps.db, draft, asOf, 'simulate', null, async (conn, ids) => {
    members += ids.length;
    for (const d of await readDecisions(conn, draft, asOf, 'evaluate', { ids }, 'prepared')) {
      const key = `${d.cur_rank}>${d.new_rank}`;
      const cell = cells.get(key) ?? { from: d.cur_rank, to: d.new_rank, count: 0, sample: [] };
      cell.count += 1;
      if (cell.sample.length < input.sample_size) cell.sample.push(d.member_id);
      cells.set(key, cell);
    }
    return true;
  });
  const code = (rank: number) => ladder.tiers[rank]!.code;
  return {
    as_of: asOf.toISOString(),
    members,
    distribution: ladder.tiers.map((t) => ({
      tier_code: t.code,
      before: [...cells.values()].filter((c) => c.from === t.rank).reduce((s, c) => s + c.count, 0),
      after: [...cells.values()].filter((c) => c.to === t.rank).reduce((s, c) => s + c.count, 0),
    })),
    moves: [...cells.values()].sort((a, b) => a.from - b.from || a.to - b.to).map((c) => ({ from: code(c.from), to: code(c.to), count: c.count, sample: c.sample })),
  };
}

/** Members per tier now (members without a row are in the entry tier). */
export async function distribution(deps: AppDeps, ctx: RequestContext, programId: string) {
  const program = await getProgram(deps, ctx, programId);
  const rows = await deps.db.selectFrom('member_tiers').select(['tier_id', sql<number>`count(*)::int`.as('n')]).where('tenant_id', '=', ctx.tenantId).where('program_id', '=', programId).groupBy('tier_id').execute();
  const total = await deps.db.selectFrom('members').select(sql<number>`count(*)::int`.as('n')).where('tenant_id', '=', ctx.tenantId).where('status', 'in', ['active', 'frozen']).executeTakeFirstOrThrow();
  const counts = new Map(rows.map((r) => [r.tier_id, r.n]));
  const above = program.tiers.slice(1).reduce((s, t) => s + (counts.get(t.id) ?? 0), 0);
  return { data: program.tiers.map((t) => ({ tier_id: t.id, code: t.code, name: t.name, color: t.color, members: t.rank === 0 ? total.n - above : (counts.get(t.id) ?? 0) })) };
}

export async function startEvaluation(deps: AppDeps, ctx: RequestContext, programId: string, input: { as_of?: string }) {
  await getProgram(deps, ctx, programId);
  const asOf = input.as_of ? new Date(input.as_of) : deps.clock.now();
  return withTransaction(deps.db, async (trx) => {
    const job = await enqueueJob(trx, deps.jobs, { tenantId: ctx.tenantId, name: 'tiers.evaluate', payload: { program_id: programId, kind: 'manual', as_of: asOf.toISOString() }, key: `manual:${programId}:${asOf.toISOString()}` });
    await recordAudit(trx, ctx, { action: 'tier_program.evaluate', resourceType: 'tier_program', resourceId: programId, details: { as_of: asOf.toISOString() } });
    return { job_id: job.id, as_of: asOf.toISOString() };
  });
}

export async function listRuns(deps: AppDeps, ctx: RequestContext, programId: string): Promise<TierEvaluationRun[]> {
  const rows = await deps.db.selectFrom('tier_evaluation_runs').selectAll().where('tenant_id', '=', ctx.tenantId).where('program_id', '=', programId).orderBy('created_at', 'desc').limit(50).execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    as_of: r.as_of.toISOString(),
    rule_version: r.rule_version,
    status: r.status,
    done: r.done,
    total: r.total,
    counts: r.counts as Record<string, number>,
    created_at: r.created_at.toISOString(),
    finished_at: r.finished_at?.toISOString() ?? null,
  }));
}

/** The member's tier in every ladder, with the metrics so far and what is missing to go up or to stay. */
export async function getMemberTiers(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<MemberTier[]> {
  const member = await deps.db.selectFrom('members').select(['id', 'registered_at']).where('tenant_id', '=', ctx.tenantId).where('id', '=', memberId).executeTakeFirst();
  if (!member) throw notFound('Member');
  const now = deps.clock.now();
  const ladders = await loadLadders(deps.db, ctx.tenantId, now);
  const programs = await deps.db.selectFrom('tier_programs').select(['id', 'name', 'evaluation']).where('tenant_id', '=', ctx.tenantId).execute();
  const tiers = await deps.db.selectFrom('tiers').selectAll().where('tenant_id', '=', ctx.tenantId).execute();
  const rows = await deps.db.selectFrom('member_tiers').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).execute();
  const out: MemberTier[] = [];
  for (const ladder of ladders) {
    const program = programs.find((p) => p.id === ladder.programId)!;
    const row = rows.find((r) => r.program_id === ladder.programId);
    const [decision] = await readDecisions(deps.db, ladder, now, 'upgrade', { ids: [memberId] });
    const rank = decision?.cur_rank ?? 0;
    const tier = tiers.find((t) => t.program_id === ladder.programId && t.rank === rank)!;
    const metrics = decision?.metrics ?? {};
    out.push({
      program: { id: program.id, name: program.name, evaluation: program.evaluation },
      tier: serializeTier(tier),
      since: row?.since.toISOString() ?? null,
      valid_until: row?.manual_until?.toISOString() ?? row?.grace_until?.toISOString() ?? (rank > 0 ? nextEvaluationAt(ladder.evaluation, now, ladder.timeZone, member.registered_at).toISOString() : null),
      manual: row?.manual_until ? { until: row.manual_until.toISOString(), reason: row.manual_reason ?? '' } : null,
      grace: row?.grace_until ? { until: row.grace_until.toISOString(), to_tier_code: tiers.find((t) => t.id === row.grace_tier_id)?.code ?? '' } : null,
      rule_version: ladder.ruleVersion,
      metrics,
      next: gapFor(ladder, rank, 'next', metrics),
      keep: gapFor(ladder, rank, 'keep', metrics),
    });
  }
  return out;
}

/**
 * The member's current tier id in every ladder (the entry tier where the member has no row yet): what member
 * prices and eligibility rules compare against, without the metrics getMemberTiers computes.
 */
export async function currentTierIds(db: Db, tenantId: string, memberId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('tier_programs as p')
    .innerJoin('tiers as t0', (j) => j.onRef('t0.tenant_id', '=', 'p.tenant_id').onRef('t0.program_id', '=', 'p.id').on('t0.rank', '=', 0))
    .leftJoin('member_tiers as mt', (j) => j.onRef('mt.tenant_id', '=', 'p.tenant_id').onRef('mt.program_id', '=', 'p.id').on('mt.member_id', '=', memberId))
    .select(sql<string>`coalesce(mt.tier_id, t0.id)`.as('tier_id'))
    .where('p.tenant_id', '=', tenantId)
    .execute();
  return rows.map((r) => r.tier_id);
}

export async function listHistory(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<TierHistoryEntry[]> {
  const member = await deps.db.selectFrom('members').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', memberId).executeTakeFirst();
  if (!member) throw notFound('Member');
  const rows = await deps.db
    .selectFrom('tier_history as h')
    .leftJoin('tiers as f', (j) => j.onRef('f.tenant_id', '=', 'h.tenant_id').onRef('f.program_id', '=', 'h.program_id').onRef('f.id', '=', 'h.from_tier_id'))
    .leftJoin('tiers as t', (j) => j.onRef('t.tenant_id', '=', 'h.tenant_id').onRef('t.program_id', '=', 'h.program_id').onRef('t.id', '=', 'h.to_tier_id'))
    .select(['h.id', 'h.program_id', 'h.kind', 'f.code as from_code', 't.code as to_code', 'h.reason', 'h.rule_version', 'h.metrics', 'h.actor', 'h.at'])
    .where('h.tenant_id', '=', ctx.tenantId)
    .where('h.member_id', '=', memberId)
    .orderBy('h.at', 'desc')
    .orderBy('h.id', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({ id: r.id, program_id: r.program_id, kind: r.kind, from_tier: r.from_code, to_tier: r.to_code ?? '', reason: r.reason, rule_version: r.rule_version, metrics: numeric(r.metrics), actor: r.actor, at: r.at.toISOString() }));
}

/** Gives a member a tier until a date (a gifted VIP), with a reason; they keep at least what they had earned. */
export async function assignTier(deps: AppDeps, ctx: RequestContext, memberId: string, input: z.infer<typeof tierAssignmentInputSchema>): Promise<MemberTier[]> {
  const now = deps.clock.now();
  const until = new Date(input.until);
  if (until <= now) throw validationError([{ field: 'until', code: 'in_the_past', message: 'must be later than now' }]);
  await withTransaction(deps.db, async (trx) => {
    const member = await trx.selectFrom('members').select(['id', 'status']).where('tenant_id', '=', ctx.tenantId).where('id', '=', memberId).executeTakeFirst();
    if (!member) throw notFound('Member');
    if (member.status !== 'active' && member.status !== 'frozen') throw new AppError('MEMBER_NOT_ACTIVE', `Member is ${member.status}`);
    const [ladder] = await loadLadders(trx, ctx.tenantId, now, { programId: input.program_id });
    if (!ladder) throw notFound('Tier program');
    const tier = ladder.tiers.find((t) => t.code === input.tier_code);
    if (!tier) throw validationError([{ field: 'tier_code', code: 'unknown_tier', message: 'not a tier of this program' }]);
    await lockOrCreateMemberTiers(trx, ladder, [memberId], now);
    const row = await trx.selectFrom('member_tiers').selectAll().where('tenant_id', '=', ctx.tenantId).where('member_id', '=', memberId).where('program_id', '=', ladder.programId).executeTakeFirstOrThrow();
    const fromRank = ladder.tiers.find((t) => t.id === row.tier_id)!.rank;
    const earned = row.manual_until ? (row.manual_earned_rank ?? 0) : fromRank;
    await trx
      .updateTable('member_tiers')
      .set({ tier_id: tier.id, since: tier.id === row.tier_id ? row.since : now, manual_until: until, manual_reason: input.reason, manual_earned_rank: earned, grace_until: null, grace_tier_id: null, updated_at: sql`now()` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('member_id', '=', memberId)
      .where('program_id', '=', ladder.programId)
      .execute();
    await trx
      .insertInto('tier_history')
      .values({ tenant_id: ctx.tenantId, member_id: memberId, program_id: ladder.programId, id: uuidv7(), kind: 'manual', from_tier_id: row.tier_id, to_tier_id: tier.id, reason: input.reason, rule_version: ladder.ruleVersion, metrics: '{}', actor: ctx.actor.label, at: now })
      .execute();
    const type = tier.rank > fromRank ? 'tier.upgraded' : tier.rank < fromRank ? 'tier.downgraded' : 'tier.retained';
    await emitEvent(trx, deps.jobs, ctx, type, { member_id: memberId, program_id: ladder.programId, from: ladder.tiers[fromRank]!.code, to: tier.code, reason: 'manual', until: until.toISOString(), at: now.toISOString() });
    await recordAudit(trx, ctx, { action: 'member_tier.assign', resourceType: 'member', resourceId: memberId, details: { program_id: ladder.programId, tier: tier.code, until: until.toISOString() } });
  });
  return getMemberTiers(deps, ctx, memberId);
}

function checkLadder(tiers: TierProgramInput['tiers'], rules: TierRules | undefined) {
  const errors: FieldError[] = [];
  tiers.forEach((t, i) => {
    if (tiers.findIndex((o) => o.code === t.code) !== i) errors.push({ field: `tiers.${i}.code`, code: 'duplicate', message: 'codes are unique in a ladder' });
  });
  if (errors.length) throw validationError(errors);
  if (rules) checkRules(tiers.map((t, rank) => ({ code: t.code, rank })), rules);
}

/** Rules name tiers above the entry tier, each once. */
function checkRules(tiers: readonly { code: string; rank: number }[], rules: TierRules) {
  const errors: FieldError[] = [];
  rules.tiers.forEach((r, i) => {
    const tier = tiers.find((t) => t.code === r.code);
    if (!tier) errors.push({ field: `rules.tiers.${i}.code`, code: 'unknown_tier', message: 'not a tier of this program' });
    else if (tier.rank === 0) errors.push({ field: `rules.tiers.${i}.code`, code: 'entry_tier', message: 'the entry tier needs no rule: everyone is in it' });
    if (rules.tiers.findIndex((o) => o.code === r.code) !== i) errors.push({ field: `rules.tiers.${i}.code`, code: 'duplicate', message: 'one rule per tier' });
  });
  if (errors.length) throw validationError(errors);
}

async function insertVersion(trx: Db, ctx: RequestContext, programId: string, rules: TierRules, effectiveFrom: Date, note: string | null): Promise<TierRuleVersion> {
  // Versions are numbered per ladder under a lock, so two editors never write the same number.
  await sql`select pg_advisory_xact_lock(hashtext('tier_rules:' || ${programId}))`.execute(trx);
  const last = await trx.selectFrom('tier_rule_versions').select(sql<number>`coalesce(max(version), 0)::int`.as('v')).where('tenant_id', '=', ctx.tenantId).where('program_id', '=', programId).executeTakeFirstOrThrow();
  const row = await trx
    .insertInto('tier_rule_versions')
    .values({ tenant_id: ctx.tenantId, program_id: programId, version: last.v + 1, effective_from: effectiveFrom, rules: JSON.stringify(rules), note, created_by: ctx.actor.label })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, { action: 'tier_rules.publish', resourceType: 'tier_program', resourceId: programId, details: { version: row.version, effective_from: effectiveFrom.toISOString() } });
  return serializeVersion(row);
}

/** Benefit ids must name benefits of the tenant's catalogue (the benefits module resolves them). */
async function checkTierBenefits(trx: Db, tenantId: string, tiers: TierProgramInput['tiers']) {
  for (const [i, t] of tiers.entries()) {
    if (t.benefit_ids?.length) await assertBenefitIds(trx, tenantId, t.benefit_ids, `tiers.${i}.benefit_ids`);
  }
}

function tierRow(tenantId: string, programId: string, rank: number, t: TierProgramInput['tiers'][number]) {
  return { tenant_id: tenantId, program_id: programId, id: t.id ?? uuidv7(), code: t.code, rank, name: t.name, color: t.color, icon: t.icon, earning_multiplier_x100: Math.round(t.earning_multiplier * 100), benefit_ids: [...new Set(t.benefit_ids ?? [])] };
}

export function serializeTier(t: TierRow): Tier {
  return { id: t.id, code: t.code, rank: t.rank, name: t.name, color: t.color, icon: t.icon, earning_multiplier: t.earning_multiplier_x100 / 100, benefit_ids: t.benefit_ids };
}

function serializeVersion(row: Selectable<DB['tier_rule_versions']>): TierRuleVersion {
  return { version: row.version, effective_from: row.effective_from.toISOString(), rules: row.rules as TierRules, note: row.note, created_by: row.created_by, created_at: row.created_at.toISOString() };
}
