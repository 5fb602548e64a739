import { Ajv, type ValidateFunction } from 'ajv';
import { sql } from 'kysely';
import { withTransaction } from '../../db/transaction.ts';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { validationError, type FieldError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';

declare module '../../db/schema.ts' {
  interface DB {
    event_types: { tenant_id: string; type: string; properties_schema: string | Record<string, unknown>; updated_at: Date | undefined };
  }
}

// One compiler for every tenant's schemas; compiled validators are kept by their schema text.
const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, validate);
  }
  return validate;
}

/** Declares (or replaces) the JSON Schema that events of this type must satisfy. */
export async function defineEventType(deps: AppDeps, ctx: RequestContext, type: string, schema: Record<string, unknown>) {
  try {
    ajv.compile(schema);
  } catch (error) {
    throw validationError([{ field: 'properties_schema', code: 'invalid_schema', message: (error as Error).message }]);
  }
  return withTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('event_types')
      .values({ tenant_id: ctx.tenantId, type, properties_schema: JSON.stringify(schema) })
      .onConflict((oc) => oc.columns(['tenant_id', 'type']).doUpdateSet({ properties_schema: JSON.stringify(schema), updated_at: sql`now()` }))
      .execute();
    await recordAudit(trx, ctx, { action: 'event_type.define', resourceType: 'event_type', resourceId: type });
    return { type, properties_schema: schema };
  });
}

export async function listEventTypes(db: Db, tenantId: string) {
  const rows = await db.selectFrom('event_types').select(['type', 'properties_schema']).where('tenant_id', '=', tenantId).orderBy('type').execute();
  return rows.map((r) => ({ type: r.type, properties_schema: r.properties_schema as Record<string, unknown> }));
}

/** Field errors for events whose properties break their type's schema (types without one pass). */
export async function checkEventProperties(db: Db, tenantId: string, events: { type: string; properties?: Record<string, unknown> }[]): Promise<FieldError[]> {
  const types = [...new Set(events.map((e) => e.type))];
  const schemas = new Map(
    (await db.selectFrom('event_types').select(['type', 'properties_schema']).where('tenant_id', '=', tenantId).where('type', 'in', types).execute()).map((r) => [
      r.type,
      validatorFor(r.properties_schema as Record<string, unknown>),
    ]),
  );
  const errors: FieldError[] = [];
  events.forEach((event, index) => {
    const validate = schemas.get(event.type);
    if (!validate || validate(event.properties ?? {})) return;
    for (const error of validate.errors ?? []) {
      const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
      errors.push({ field: `events.${index}.properties${path ? `.${path}` : ''}`, code: error.keyword, message: error.message ?? 'invalid' });
    }
  });
  return errors;
}
