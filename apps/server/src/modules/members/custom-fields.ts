import { isUniqueViolation } from '../../db/errors.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';

export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'enum' | 'boolean';
  options?: string[] | null;
}

export async function listCustomFields(db: Db, tenantId: string): Promise<CustomFieldDefinition[]> {
  const rows = await db.selectFrom('member_custom_fields').select(['key', 'label', 'type', 'options']).where('tenant_id', '=', tenantId).orderBy('key').execute();
  return rows as CustomFieldDefinition[];
}

export async function defineCustomField(deps: AppDeps, ctx: RequestContext, definition: CustomFieldDefinition) {
  if (definition.type === 'enum' && !definition.options?.length) {
    throw new AppError('VALIDATION_FAILED', 'An enum field needs its options', { errors: [{ field: 'options', code: 'required', message: 'list the allowed values' }] });
  }
  return withTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('member_custom_fields')
      .values({ tenant_id: ctx.tenantId, key: definition.key, label: definition.label, type: definition.type, options: definition.type === 'enum' ? definition.options! : null })
      .execute()
      .catch((error: unknown) => {
        if (isUniqueViolation(error, 'member_custom_fields_pkey')) {
          throw new AppError('CUSTOM_FIELD_EXISTS', `Custom field ${definition.key} exists`, { errors: [{ field: 'key', code: 'taken', message: 'already defined' }] });
        }
        throw error;
      });
    await recordAudit(trx, ctx, { action: 'member_custom_field.create', resourceType: 'member_custom_field', resourceId: definition.key, details: { type: definition.type } });
    return definition;
  });
}

/**
 * Checks values against the tenant's definitions and returns them normalized (dates as YYYY-MM-DD).
 * Unknown keys are refused, so a typo never creates a field nobody can filter on; null removes a value.
 */
export function validateCustomFields(definitions: CustomFieldDefinition[], values: Record<string, unknown>): Record<string, unknown> {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const errors: FieldError[] = [];
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const field = `custom_fields.${key}`;
    const definition = byKey.get(key);
    if (!definition) {
      errors.push({ field, code: 'unknown_field', message: 'no such custom field is defined' });
      continue;
    }
    if (value === null) {
      result[key] = null;
      continue;
    }
    const problem = checkValue(definition, value);
    if (problem) errors.push({ field, code: 'invalid_value', message: problem });
    else result[key] = value;
  }
  if (errors.length) throw new AppError('VALIDATION_FAILED', 'Some custom fields are not valid', { errors });
  return result;
}

function checkValue(definition: CustomFieldDefinition, value: unknown): string | undefined {
  switch (definition.type) {
    case 'text':
      return typeof value === 'string' && value.length <= 500 ? undefined : 'expected text of at most 500 characters';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'expected a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected true or false';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? undefined : 'expected a date YYYY-MM-DD';
    case 'enum':
      return typeof value === 'string' && (definition.options ?? []).includes(value) ? undefined : `expected one of ${(definition.options ?? []).join(', ')}`;
  }
}
