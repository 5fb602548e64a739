import { experienceSettingsSchema, scoreFactors, type ExperienceSettings, type ScoreFactor } from '@hearth/contracts/experience';
import type { Db } from '../../db/database.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { clvPercentilesOf } from '../analytics/clv.service.ts';
import { influenceIndexesOf } from '../analytics/influence.service.ts';
import { orderCountsSince } from '../orders/orders.service.ts';
import './experience.tables.ts';

export const defaultSettings: ExperienceSettings = { weights: { clv: 3000, activity: 2500, influence: 2500, feedback_quality: 2000 }, activity_full_orders: 6 };
/** A member who never reported is neither punished nor favoured on feedback quality. */
export const NEUTRAL_QUALITY = 50;
const ACTIVITY_DAYS = 90;

export interface ScorePart {
  value: number;
  raw: number | null;
  weight_bp: number;
  points: number;
}
export interface Score {
  /** Hundredths of a 0–100 score (stored as an integer). */
  score: number;
  parts: Record<ScoreFactor, ScorePart>;
}

/**
 * Scores applicants for selection. Each factor is put on a 0–100 scale — CLV percentile (analytics' weekly
 * fit; 0 before a member has one), activity (orders in the last 90 days, full at the tenant's
 * `activity_full_orders`), influence index (analytics' daily percentile of weighted behaviour events) and
 * the member's own feedback-quality score from earlier programs (neutral 50 before the first) — and
 * weighted by the tenant's basis points. The parts are stored with the score, so the ranking explains itself.
 */
export async function scoreMembers(db: Db, tenantId: string, memberIds: readonly string[], now: Date): Promise<Map<string, Score>> {
  const settings = await loadSettings(db, tenantId);
  const since = new Date(now.getTime() - ACTIVITY_DAYS * 86_400_000);
  const [clv, orders, influence, quality] = await Promise.all([
    clvPercentilesOf(db, tenantId, memberIds),
    orderCountsSince(db, tenantId, memberIds, since),
    influenceIndexesOf(db, tenantId, memberIds),
    qualityScoresOf(db, tenantId, memberIds),
  ]);
  const scores = new Map<string, Score>();
  for (const id of memberIds) {
    const ordersN = orders.get(id) ?? 0;
    const inputs: Record<ScoreFactor, { value: number; raw: number | null }> = {
      clv: { value: clv.get(id) ?? 0, raw: clv.get(id) ?? null },
      activity: { value: Math.min(100, (ordersN * 100) / settings.activity_full_orders), raw: ordersN },
      influence: { value: influence.get(id) ?? 0, raw: influence.get(id) ?? null },
      feedback_quality: { value: quality.get(id) ?? NEUTRAL_QUALITY, raw: quality.get(id) ?? null },
    };
    let total = 0;
    const parts = {} as Record<ScoreFactor, ScorePart>;
    for (const factor of scoreFactors) {
      const { value, raw } = inputs[factor];
      const weight = settings.weights[factor];
      // Hundredths of a point, so the parts add up exactly to the stored score.
      const hundredths = Math.round((value * weight) / 100);
      total += hundredths;
      parts[factor] = { value: round2(value), raw, weight_bp: weight, points: hundredths / 100 };
    }
    scores.set(id, { score: total, parts });
  }
  return scores;
}

export async function loadSettings(db: Db, tenantId: string): Promise<ExperienceSettings> {
  const row = await db.selectFrom('experience_settings').select(['weights', 'activity_full_orders']).where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!row) return defaultSettings;
  const weights = typeof row.weights === 'string' ? (JSON.parse(row.weights) as Record<string, number>) : row.weights;
  return experienceSettingsSchema.parse({ weights, activity_full_orders: row.activity_full_orders });
}

export async function getSettings(deps: AppDeps, ctx: RequestContext): Promise<ExperienceSettings> {
  return loadSettings(deps.db, ctx.tenantId);
}

export async function updateSettings(deps: AppDeps, ctx: RequestContext, input: ExperienceSettings): Promise<ExperienceSettings> {
  return withTransaction(deps.db, async (trx) => {
    const values = { weights: JSON.stringify(input.weights), activity_full_orders: input.activity_full_orders };
    await trx
      .insertInto('experience_settings')
      .values({ tenant_id: ctx.tenantId, ...values })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, updated_at: deps.clock.now() }))
      .execute();
    await recordAudit(trx, ctx, { action: 'experience.settings_change', resourceType: 'tenant', resourceId: ctx.tenantId, details: input });
    return input;
  });
}

export async function qualityScoresOf(db: Db, tenantId: string, memberIds: readonly string[]): Promise<Map<string, number>> {
  if (!memberIds.length) return new Map();
  const rows = await db.selectFrom('experience_member_quality').select(['member_id', 'quality_score']).where('tenant_id', '=', tenantId).where('member_id', 'in', memberIds).execute();
  return new Map(rows.map((r) => [r.member_id, r.quality_score]));
}

const round2 = (n: number) => Math.round(n * 100) / 100;
