import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { feedbackFormSchema, type Program, type ProgramInput, type programUpdateSchema } from '@hearth/contracts/experience';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound, validationError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { productsBySku } from '../products/products.service.ts';
import './experience.tables.ts';

export type ProgramRow = Selectable<DB['experience_programs']>;
type ProgramUpdate = z.infer<typeof programUpdateSchema>;
const json = (value: unknown) => JSON.stringify(value ?? null);
export const parsed = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

export async function createProgram(deps: AppDeps, ctx: RequestContext, input: ProgramInput): Promise<Program> {
  await assertSku(deps.db, ctx.tenantId, input.sku);
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('experience_programs')
      .values({
        tenant_id: ctx.tenantId,
        id: uuidv7(),
        name: input.name,
        description: input.description ?? null,
        sku: input.sku,
        places: input.places,
        apply_from: new Date(input.apply_from),
        apply_until: new Date(input.apply_until),
        feedback_due_at: new Date(input.feedback_due_at),
        eligibility: json(input.eligibility),
        questionnaire: json(input.questionnaire),
        region_quotas: json(input.region_quotas),
        feedback_form: json(input.feedback_form),
        reward: json(input.reward),
        late_policy: input.late_policy,
        reminder_days: json(input.reminder_days),
        selected_message: input.selected_message ? json(input.selected_message) : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'experience.program_create', resourceType: 'experience_program', resourceId: row.id, details: { name: input.name, sku: input.sku, places: input.places } });
    return (await serializePrograms(trx, ctx.tenantId, [row], deps.clock.now()))[0]!;
  });
}

/** Changes a program; places may not fall below the members already selected. */
export async function updateProgram(deps: AppDeps, ctx: RequestContext, id: string, input: ProgramUpdate): Promise<Program> {
  if (input.sku) await assertSku(deps.db, ctx.tenantId, input.sku);
  return withTransaction(deps.db, async (trx) => {
    const current = await lockProgram(trx, ctx.tenantId, id);
    const next = { apply_from: input.apply_from ?? current.apply_from.toISOString(), apply_until: input.apply_until ?? current.apply_until.toISOString(), due: input.feedback_due_at ?? current.feedback_due_at.toISOString() };
    if (Date.parse(next.apply_until) <= Date.parse(next.apply_from)) throw validationError([{ field: 'apply_until', code: 'too_early', message: 'must be after apply_from' }]);
    if (Date.parse(next.due) <= Date.parse(next.apply_until)) throw validationError([{ field: 'feedback_due_at', code: 'too_early', message: 'must be after apply_until' }]);
    if (input.places !== undefined) {
      const selected = await countSelected(trx, ctx.tenantId, id);
      if (input.places < selected) throw validationError([{ field: 'places', code: 'below_selected', message: `${selected} members are already selected` }]);
    }
    if (input.feedback_form) feedbackFormSchema.parse(input.feedback_form);
    const row = await trx
      .updateTable('experience_programs')
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.description !== undefined && { description: input.description ?? null }),
        ...(input.sku !== undefined && { sku: input.sku }),
        ...(input.places !== undefined && { places: input.places }),
        apply_from: new Date(next.apply_from),
        apply_until: new Date(next.apply_until),
        feedback_due_at: new Date(next.due),
        ...(input.eligibility !== undefined && { eligibility: json(input.eligibility) }),
        ...(input.questionnaire !== undefined && { questionnaire: json(input.questionnaire) }),
        ...(input.region_quotas !== undefined && { region_quotas: json(input.region_quotas) }),
        ...(input.feedback_form !== undefined && { feedback_form: json(input.feedback_form) }),
        ...(input.reward !== undefined && { reward: json(input.reward) }),
        ...(input.late_policy !== undefined && { late_policy: input.late_policy }),
        ...(input.reminder_days !== undefined && { reminder_days: json(input.reminder_days) }),
        ...(input.selected_message !== undefined && { selected_message: input.selected_message ? json(input.selected_message) : null }),
        ...(input.status !== undefined && { status: input.status }),
        updated_at: sql`now()`,
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'experience.program_update', resourceType: 'experience_program', resourceId: id, details: { fields: Object.keys(input) } });
    return (await serializePrograms(trx, ctx.tenantId, [row], deps.clock.now()))[0]!;
  });
}

export async function getProgram(deps: AppDeps, ctx: RequestContext, id: string): Promise<Program> {
  const row = await getProgramRow(deps.db, ctx.tenantId, id);
  return (await serializePrograms(deps.db, ctx.tenantId, [row], deps.clock.now()))[0]!;
}

/** Programs, newest first (a tenant runs a handful a month, so one page holds them). */
export async function listPrograms(deps: AppDeps, ctx: RequestContext, query: { status?: 'active' | 'archived' } = {}): Promise<Program[]> {
  let q = deps.db.selectFrom('experience_programs').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('id', 'desc').limit(500);
  if (query.status) q = q.where('status', '=', query.status);
  return serializePrograms(deps.db, ctx.tenantId, await q.execute(), deps.clock.now());
}

export async function getProgramRow(db: Db, tenantId: string, id: string): Promise<ProgramRow> {
  const row = await db.selectFrom('experience_programs').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Experience program');
  return row;
}

/** The program row locked: selections and place changes of one program run one after the other. */
export async function lockProgram(trx: Db, tenantId: string, id: string): Promise<ProgramRow> {
  const row = await trx.selectFrom('experience_programs').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('Experience program');
  return row;
}

export async function countSelected(db: Db, tenantId: string, programId: string): Promise<number> {
  const row = await db.selectFrom('experience_applications').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).where('program_id', '=', programId).where('status', '=', 'selected').executeTakeFirstOrThrow();
  return Number(row.n);
}

export function phaseOf(row: ProgramRow, now: Date, selected: number): Program['phase'] {
  if (now < row.apply_from) return 'upcoming';
  if (now < row.apply_until) return 'recruiting';
  if (now >= row.feedback_due_at) return 'ended';
  return selected > 0 ? 'trial' : 'selecting';
}

export async function serializePrograms(db: Db, tenantId: string, rows: ProgramRow[], now: Date): Promise<Program[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [counts, products] = await Promise.all([
    db
      .selectFrom('experience_applications as a')
      .leftJoin('experience_feedback as f', (j) => j.onRef('f.tenant_id', '=', 'a.tenant_id').onRef('f.member_id', '=', 'a.member_id').onRef('f.application_id', '=', 'a.id'))
      .select((eb) => [
        'a.program_id',
        eb.fn.countAll<number>().as('applied'),
        sql<number>`count(*) filter (where a.status = 'selected')`.as('selected'),
        sql<number>`count(*) filter (where a.shipped_at is not null)`.as('shipped'),
        sql<number>`count(f.application_id)`.as('feedback'),
      ])
      .where('a.tenant_id', '=', tenantId)
      .where('a.program_id', 'in', ids)
      .groupBy('a.program_id')
      .execute(),
    productsBySku(db, tenantId, [...new Set(rows.map((r) => r.sku))]),
  ]);
  const byProgram = new Map(counts.map((c) => [c.program_id, { applied: Number(c.applied), selected: Number(c.selected), shipped: Number(c.shipped), feedback: Number(c.feedback) }]));
  return rows.map((r) => {
    const c = byProgram.get(r.id) ?? { applied: 0, selected: 0, shipped: 0, feedback: 0 };
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      sku: r.sku,
      product_name: products.get(r.sku)?.name ?? null,
      places: r.places,
      apply_from: r.apply_from.toISOString(),
      apply_until: r.apply_until.toISOString(),
      feedback_due_at: r.feedback_due_at.toISOString(),
      eligibility: parsed(r.eligibility),
      questionnaire: parsed(r.questionnaire),
      region_quotas: parsed(r.region_quotas),
      feedback_form: parsed(r.feedback_form),
      reward: parsed(r.reward),
      late_policy: r.late_policy,
      reminder_days: parsed(r.reminder_days),
      selected_message: parsed(r.selected_message) ?? null,
      status: r.status,
      phase: phaseOf(r, now, c.selected),
      counts: c,
      created_at: r.created_at.toISOString(),
    };
  });
}

async function assertSku(db: Db, tenantId: string, sku: string) {
  if (!(await productsBySku(db, tenantId, [sku])).size) throw validationError([{ field: 'sku', code: 'unknown_sku', message: 'no such product' }]);
}
