import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { MessageTemplate, MessageTemplateInput, RenderedMessage } from '@hearth/contracts/messaging';
import type { Db } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { decodeCursor, toPage } from '../../http/pagination.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { memberContact } from '../members/contact.service.ts';
import { checkTemplate, renderForMember, type RenderableTemplate } from './render.ts';
import './messaging.tables.ts';

export type TemplateRow = Selectable<DB['message_templates']>;

export async function createTemplate(deps: AppDeps, ctx: RequestContext, input: MessageTemplateInput): Promise<MessageTemplate> {
  checkTemplate(input);
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .insertInto('message_templates')
      .values({ tenant_id: ctx.tenantId, id: uuidv7(), ...columns(input) })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'message_template.create', resourceType: 'message_template', resourceId: row.id, details: { name: row.name, channel: row.channel } });
    return serializeTemplate(row);
  });
}

/** Edits apply to messages rendered from now on; deliveries keep what they were sent with. */
export async function updateTemplate(deps: AppDeps, ctx: RequestContext, id: string, input: MessageTemplateInput): Promise<MessageTemplate> {
  checkTemplate(input);
  return withTransaction(deps.db, async (trx) => {
    const row = await trx
      .updateTable('message_templates')
      .set({ ...columns(input), updated_at: sql`now()` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('Message template');
    await recordAudit(trx, ctx, { action: 'message_template.update', resourceType: 'message_template', resourceId: id, details: { name: row.name } });
    return serializeTemplate(row);
  });
}

export async function setTemplateStatus(deps: AppDeps, ctx: RequestContext, id: string, status: 'active' | 'archived'): Promise<MessageTemplate> {
  return withTransaction(deps.db, async (trx) => {
    const row = await trx.updateTable('message_templates').set({ status, updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) throw notFound('Message template');
    await recordAudit(trx, ctx, { action: `message_template.${status === 'archived' ? 'archive' : 'restore'}`, resourceType: 'message_template', resourceId: id });
    return serializeTemplate(row);
  });
}

export async function getTemplateRow(db: Db, tenantId: string, id: string): Promise<TemplateRow> {
  const row = await db.selectFrom('message_templates').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Message template');
  return row;
}

export async function getTemplate(deps: AppDeps, ctx: RequestContext, id: string): Promise<MessageTemplate> {
  return serializeTemplate(await getTemplateRow(deps.db, ctx.tenantId, id));
}

export async function listTemplates(deps: AppDeps, ctx: RequestContext, query: { limit: number; cursor?: string; channel?: string; status?: 'active' | 'archived' }) {
  const before = decodeCursor(query.cursor);
  const rows = await deps.db
    .selectFrom('message_templates')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .$if(query.channel !== undefined, (q) => q.where('channel', '=', query.channel!))
    .$if(query.status !== undefined, (q) => q.where('status', '=', query.status!))
    .$if(before !== undefined, (q) => q.where('id', '<', before!))
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = toPage(rows, query.limit);
  return { data: page.data.map(serializeTemplate), next_cursor: page.next_cursor };
}

/** What the member would receive now, rendered with their data (nothing is sent or recorded). */
export async function previewTemplate(deps: AppDeps, ctx: RequestContext, id: string, input: { member_id: string; locale?: 'zh-CN' | 'en'; variables?: Record<string, unknown> }): Promise<RenderedMessage> {
  const template = await getTemplateRow(deps.db, ctx.tenantId, id);
  const contact = await memberContact(deps.db, ctx.tenantId, input.member_id);
  if (!contact) throw notFound('Member');
  return renderForMember(deps, ctx, renderable(template), contact, { locale: input.locale, variables: input.variables });
}

export function renderable(row: TemplateRow): RenderableTemplate {
  return { channel: row.channel, bodies: row.bodies as RenderableTemplate['bodies'], variants: row.variants as RenderableTemplate['variants'] };
}

function columns(input: MessageTemplateInput) {
  return {
    name: input.name,
    channel: input.channel,
    category: input.category,
    bodies: JSON.stringify(input.bodies),
    variants: JSON.stringify(input.variants),
    provider_template: input.provider_template ?? null,
    sms_sign_name: input.sms_sign_name ?? null,
  };
}

export function serializeTemplate(row: TemplateRow): MessageTemplate {
  return {
    id: row.id,
    name: row.name,
    channel: row.channel as MessageTemplate['channel'],
    category: row.category,
    bodies: row.bodies as MessageTemplate['bodies'],
    variants: row.variants as MessageTemplate['variants'],
    provider_template: row.provider_template,
    sms_sign_name: row.sms_sign_name,
    status: row.status,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
