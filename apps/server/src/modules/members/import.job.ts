import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { memberChannels } from '@hearth/contracts/members';
import type { Db } from '../../db/database.ts';
import type { RequestContext } from '../../deps.ts';
import type { FieldError } from '../../http/errors.ts';
import { emitEvent } from '../../jobs/outbox.ts';
import type { JobRegistry } from '../../jobs/registry.ts';
import { countDataLines, csvRecords, detectEncoding } from '../../imports/csv-files.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { listCustomFields, validateCustomFields, type CustomFieldDefinition } from './custom-fields.ts';
import { getImportRow, IMPORT_JOB } from './import.service.ts';
import * as repo from './members.repo.ts';
import { normalizeEmail, normalizePhone } from './personal-data.ts';

const BATCH = 1000;
const PROFILE_COLUMNS = ['name', 'nickname', 'gender', 'birthday_month', 'birthday_day', 'birth_year', 'email', 'province', 'city', 'district', 'channel', 'campaign'] as const;
type ProfileColumn = (typeof PROFILE_COLUMNS)[number];

interface ParsedRow {
  line: number;
  phone: string | null;
  externalId: string | null;
  profile: Partial<Record<ProfileColumn, string | number | null>>;
  custom: Record<string, unknown>;
  registeredAt: Date | null;
}

/**
 * Processes an uploaded member CSV in batches of 1,000 rows. Each batch — its members, identities,
 * errors, counts and the checkpoint (last line done) — commits in one transaction, so a crashed import
 * resumes after its last batch and never adds a row twice; a rerun of the same file updates nothing.
 * Rows are upserted by phone or external_id; the file is streamed and decoded (UTF-8 or GBK) on the fly.
 */
export function registerImportJob(registry: JobRegistry) {
  registry.define<{ import_id: string; actor: string }>({
    name: IMPORT_JOB,
    transactional: false,
    maxAttempts: 3,
    handler: async ({ job, payload, deps, progress }) => {
      const ctx: RequestContext = {
        tenantId: job.tenant_id,
        actor: { type: 'system', id: null, label: `import (${payload.actor})`, role: null, permissions: new Set() },
        requestId: null,
        ip: null,
      };
      let record = await getImportRow(deps, job.tenant_id, payload.import_id);
      if (record.status === 'succeeded') return { skipped: true };
      const encoding = record.encoding ?? (await detectEncoding(record.file_path));
      const total = record.total_rows ?? (await countDataLines(record.file_path));
      await deps.db.updateTable('member_imports').set({ status: 'running', encoding, total_rows: total }).where('tenant_id', '=', ctx.tenantId).where('id', '=', record.id).execute();
      const definitions = await listCustomFields(deps.db, ctx.tenantId);

      let batch: { line: number; record: Record<string, string> }[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const rows = batch;
        batch = [];
        await deps.db.transaction().execute((trx) => processBatch(trx, deps.jobs, ctx, record.id, rows, definitions));
        record = await getImportRow(deps, ctx.tenantId, record.id);
        await progress(record.processed_rows, total);
      };
      const resumeAfter = record.processed_rows;
      for await (const { record: csvRecord, info } of csvRecords(record.file_path, encoding as 'utf8' | 'gb18030', normalizeHeader)) {
        if (info.lines <= resumeAfter) continue;
        batch.push({ line: info.lines, record: csvRecord });
        if (batch.length >= BATCH) await flush();
      }
      await flush();

      const done = await deps.db
        .updateTable('member_imports')
        .set({ status: 'succeeded', finished_at: sql`now()` })
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', '=', record.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(deps.db, ctx, { action: 'member.import', resourceType: 'member_import', resourceId: record.id, details: { created: done.created, updated: done.updated, unchanged: done.unchanged, failed: done.failed } });
      return { created: done.created, updated: done.updated, unchanged: done.unchanged, failed: done.failed };
    },
  });
}

async function processBatch(trx: Db, jobs: JobRegistry, ctx: RequestContext, importId: string, rows: { line: number; record: Record<string, string> }[], definitions: CustomFieldDefinition[]) {
  const errors: (FieldError & { line: number })[] = [];
  // Later rows win: a person listed twice ends up with the last row's data, across batches too.
  const byKey = new Map<string, ParsedRow>();
  let validRows = 0;
  for (const row of rows) {
    const parsed = parseRow(row.line, row.record, definitions);
    if ('errors' in parsed) {
      errors.push(...parsed.errors.map((e) => ({ ...e, line: row.line })));
      continue;
    }
    validRows++;
    byKey.set(parsed.phone ? `p:${parsed.phone}` : `x:${parsed.externalId}`, parsed);
  }
  const parsedRows = [...byKey.values()];
  const keysOf = (r: ParsedRow): repo.IdentityKey[] => [
    ...(r.phone ? [{ type: 'phone', app_id: '', value: r.phone }] : []),
    ...(r.externalId ? [{ type: 'app_user_id', app_id: '', value: r.externalId }] : []),
  ];
  const allKeys = parsedRows.flatMap(keysOf);
  await repo.lockIdentities(trx, ctx.tenantId, allKeys);
  const owners = new Map((await repo.findIdentities(trx, ctx.tenantId, allKeys)).map((i) => [`${i.type}|${i.value}`, i.member_id]));

  const creates: ParsedRow[] = [];
  const updates: { row: ParsedRow; memberId: string }[] = [];
  for (const row of parsedRows) {
    const ids = new Set(keysOf(row).flatMap((k) => owners.get(`${k.type}|${k.value}`) ?? []));
    if (ids.size > 1) errors.push({ line: row.line, field: 'phone', code: 'identity_conflict', message: 'phone and external_id belong to different members' });
    else if (ids.size === 1) updates.push({ row, memberId: [...ids][0]! });
    else creates.push(row);
  }

  const counts = { created: creates.length, updated: 0, unchanged: 0 };
  if (creates.length) {
    const numbers = await repo.nextMemberNumbers(trx, ctx.tenantId, creates.length);
    const inserted = creates.map((row, i) => ({
      tenant_id: ctx.tenantId,
      id: uuidv7(),
      member_no: numbers[i]!,
      ...row.profile,
      phone: row.phone,
      channel: (row.profile.channel as string | undefined) ?? 'import',
      custom_fields: JSON.stringify(row.custom),
      registered_at: row.registeredAt ?? new Date(),
      status: 'active' as const,
    }));
    await trx.insertInto('members').values(inserted as never).execute();
    await trx
      .insertInto('member_identities')
      .values(
        creates.flatMap((row, i) => [
          ...keysOf(row),
          ...(row.profile.email ? [{ type: 'email', app_id: '', value: row.profile.email as string }] : []),
        ].map((k) => ({ tenant_id: ctx.tenantId, member_id: inserted[i]!.id, ...k }))),
      )
      .onConflict((oc) => oc.columns(['tenant_id', 'type', 'app_id', 'value']).doNothing())
      .execute();
    await emitEvent(trx, jobs, ctx, 'members.imported', { import_id: importId, member_ids: inserted.map((m) => m.id) });
  }
  if (updates.length) {
    const current = new Map((await trx.selectFrom('members').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', 'in', updates.map((u) => u.memberId)).execute()).map((m) => [m.id, m]));
    for (const { row, memberId } of updates) {
      const member = current.get(memberId)!;
      const changes: Record<string, unknown> = {};
      for (const column of PROFILE_COLUMNS) {
        const value = row.profile[column];
        if (value !== undefined && value !== member[column] && column !== 'channel') changes[column] = value;
      }
      if (row.phone && row.phone !== member.phone && member.phone === null) changes.phone = row.phone;
      const custom = { ...member.custom_fields, ...row.custom };
      if (JSON.stringify(custom) !== JSON.stringify(member.custom_fields)) changes.custom_fields = JSON.stringify(custom);
      if (Object.keys(changes).length === 0) {
        counts.unchanged++;
        continue;
      }
      counts.updated++;
      await trx.updateTable('members').set({ ...changes, updated_at: sql`now()` }).where('tenant_id', '=', ctx.tenantId).where('id', '=', memberId).execute();
      await repo.insertIdentities(trx, ctx.tenantId, memberId, [...keysOf(row), ...(changes.email ? [{ type: 'email', app_id: '', value: changes.email as string }] : [])]);
    }
  }
  if (errors.length) {
    await trx
      .insertInto('member_import_errors')
      .values(errors.map((e) => ({ tenant_id: ctx.tenantId, import_id: importId, line: e.line, field: e.field, code: e.code, message: e.message })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  const failedLines = new Set(errors.map((e) => e.line)).size;
  // Rows repeated within the batch were folded into their last occurrence: nothing more to write for them.
  const folded = validRows - byKey.size;
  await trx
    .updateTable('member_imports')
    .set({
      processed_rows: rows[rows.length - 1]!.line,
      created: sql`created + ${counts.created}`,
      updated: sql`updated + ${counts.updated}`,
      unchanged: sql`unchanged + ${counts.unchanged + folded}`,
      failed: sql`failed + ${failedLines}`,
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', importId)
    .execute();
}

const GENDERS: Record<string, 'male' | 'female' | 'unknown'> = { 男: 'male', 女: 'female', male: 'male', female: 'female', m: 'male', f: 'female', 未知: 'unknown', unknown: 'unknown' };

function parseRow(line: number, record: Record<string, string>, definitions: CustomFieldDefinition[]): ParsedRow | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const cell = (name: string) => (record[name] ?? '').trim() || null;
  const phoneText = cell('phone');
  const phone = phoneText ? normalizePhone(phoneText) : null;
  if (phoneText && !phone) errors.push({ field: 'phone', code: 'invalid_phone', message: 'not a valid phone number' });
  const externalId = cell('external_id');
  if (!phoneText && !externalId) errors.push({ field: 'phone', code: 'required', message: 'a row needs phone or external_id' });
  const profile: ParsedRow['profile'] = {};
  for (const column of ['name', 'nickname', 'province', 'city', 'district', 'campaign'] as const) {
    const value = cell(column);
    if (value !== null) profile[column] = value.slice(0, 100);
  }
  const gender = cell('gender');
  if (gender) {
    const mapped = GENDERS[gender.toLowerCase()];
    if (mapped) profile.gender = mapped;
    else errors.push({ field: 'gender', code: 'invalid_gender', message: 'use 男, 女, male or female' });
  }
  const email = cell('email');
  if (email) {
    if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) profile.email = normalizeEmail(email);
    else errors.push({ field: 'email', code: 'invalid_email', message: 'not an email address' });
  }
  const channel = cell('channel');
  if (channel) {
    if ((memberChannels as readonly string[]).includes(channel)) profile.channel = channel;
    else errors.push({ field: 'channel', code: 'invalid_channel', message: `one of ${memberChannels.join(', ')}` });
  }
  const birthday = cell('birthday');
  if (birthday) {
    const match = /^(?:(\d{4})[-/.])?(\d{1,2})[-/.](\d{1,2})$/.exec(birthday);
    const [year, month, day] = match ? [match[1] ? Number(match[1]) : null, Number(match[2]), Number(match[3])] : [null, 0, 0];
    if (!match || month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year ?? 2000, month, 0)).getUTCDate()) {
      errors.push({ field: 'birthday', code: 'invalid_date', message: 'use YYYY-MM-DD or MM-DD' });
    } else {
      Object.assign(profile, { birthday_month: month, birthday_day: day, birth_year: year });
    }
  }
  const registered = cell('registered_at');
  const registeredAt = registered ? new Date(registered) : null;
  if (registeredAt && Number.isNaN(registeredAt.getTime())) errors.push({ field: 'registered_at', code: 'invalid_date', message: 'not a date' });
  let custom: Record<string, unknown> = {};
  const customCells = Object.entries(record).filter(([key, value]) => key.startsWith('cf.') && value.trim() !== '');
  if (customCells.length) {
    const raw = Object.fromEntries(customCells.map(([key, value]) => [key.slice(3), coerce(definitions.find((d) => d.key === key.slice(3)), value.trim())]));
    try {
      custom = validateCustomFields(definitions, raw);
    } catch (error) {
      errors.push(...((error as { details?: { errors?: FieldError[] } }).details?.errors ?? []));
    }
  }
  if (errors.length) return { errors };
  return { line, phone: phone ?? null, externalId, profile, custom, registeredAt };
}

function coerce(definition: CustomFieldDefinition | undefined, value: string): unknown {
  if (definition?.type === 'number') return Number.isFinite(Number(value)) ? Number(value) : value;
  if (definition?.type === 'boolean') return ['true', '是', '1', 'yes'].includes(value.toLowerCase()) ? true : ['false', '否', '0', 'no'].includes(value.toLowerCase()) ? false : value;
  return value;
}

/** Column names as Excel users write them, in Chinese or English. */
const HEADER_ALIASES: Record<string, string> = { 手机号: 'phone', 手机: 'phone', 姓名: 'name', 昵称: 'nickname', 性别: 'gender', 生日: 'birthday', 邮箱: 'email', 省份: 'province', 城市: 'city', 区县: 'district', 来源渠道: 'channel', 活动: 'campaign', 注册时间: 'registered_at', 外部编号: 'external_id' };

function normalizeHeader(header: string): string {
  const trimmed = header.trim();
  return HEADER_ALIASES[trimmed] ?? (trimmed.startsWith('cf.') ? trimmed : trimmed.toLowerCase());
}

