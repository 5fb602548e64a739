import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';

/** Every place in the database where a string occurs: each text, varchar, json and array column of each table. */
async function findEverywhere(db: Db, needle: string): Promise<string[]> {
  const columns = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_name = c.table_name and t.table_schema = c.table_schema
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      and c.data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`.execute(db);
  const hits: string[] = [];
  for (const { table_name, column_name } of columns.rows) {
    const found = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table_name)} where ${sql.ref(column_name)}::text like ${`%${needle}%`}`.execute(db);
    if (found.rows[0]!.n > 0) hits.push(`${table_name}.${column_name}`);
  }
  return hits;
}

describe('consent, export and erasure', () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) => t.app.inject({ method, url, payload, headers: a.auth });

  it('records consent per channel with its history, and a signed link withdraws it without signing in', async () => {
    const member = (await call('POST', '/api/v1/members', { channel: 'app', phone: '15000150000' })).json();
    await call('PUT', `/api/v1/members/${member.id}/consents`, { channel: 'sms', granted: true, source: 'app_signup', wording_version: '2026-01' });
    const link = (await call('GET', `/api/v1/members/${member.id}/unsubscribe-link?channel=sms`)).json().path as string;
    const page = await t.app.inject({ url: link });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('确认退订');
    // Opening the link asks; only the button changes anything (mail scanners follow links).
    expect((await call('GET', `/api/v1/members/${member.id}`)).json().consents[0]).toMatchObject({ channel: 'sms', granted: true });
    const done = await t.app.inject({ method: 'POST', url: link });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('已退订');
    await t.app.inject({ method: 'POST', url: link });
    expect((await call('GET', `/api/v1/members/${member.id}`)).json().consents[0]).toMatchObject({ channel: 'sms', granted: false, source: 'unsubscribe_link' });
    const history = await t.deps.db.selectFrom('member_consent_history').select(['granted', 'source']).where('member_id', '=', member.id).orderBy('id').execute();
    expect(history).toEqual([{ granted: true, source: 'app_signup' }, { granted: false, source: 'unsubscribe_link' }]);

    const forged = await t.app.inject({ method: 'POST', url: link.replace(/sig=[^&]+/, 'sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA') });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().code).toBe('INVALID_SIGNATURE');
    const otherChannel = await t.app.inject({ method: 'POST', url: link.replace('channel=sms', 'channel=email') });
    expect(otherChannel.statusCode).toBe(400);
  });

  it('exports everything held about a member, audited', async () => {
    const member = (await call('POST', '/api/v1/members', { channel: 'store', name: '导出测试', phone: '15100151000', identities: [{ type: 'store_card', value: 'EXP-1' }] })).json();
    const exported = (await call('GET', `/api/v1/members/${member.id}/export`)).json();
    expect(exported.profile).toMatchObject({ name: '导出测试', phone: '+8615100151000', pii_masked: false });
    expect(exported.identities.map((i: { type: string }) => i.type).sort()).toEqual(['phone', 'store_card']);
    const audit = (await call('GET', '/api/v1/audit-log?action=member.export')).json().data;
    expect(audit[0].resource_id).toBe(member.id);
    // Exporting personal data is an admin's act: a key without members:erase is refused before any lookup.
    const operatorOnly = await createTestTenant(t.deps, { scopes: ['members:read', 'members:write'] });
    expect((await t.app.inject({ url: `/api/v1/members/${member.id}/export`, headers: operatorOnly.auth })).statusCode).toBe(403);
  });

  it('leaves neither the phone nor the name anywhere in the database after erasure', async () => {
    const name = '欧阳擦除测试';
    const phone = '15912345678';
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/members',
      headers: { ...a.auth, 'idempotency-key': 'erase-create' },
      payload: { channel: 'mini_program', name, phone, email: 'erase.me@brand.test', identities: [{ type: 'wechat_unionid', value: 'union-erase' }] },
    });
    const member = created.json();
    await call('PATCH', `/api/v1/members/${member.id}`, { nickname: '擦除昵称', city: '杭州市' });
    await call('PUT', `/api/v1/members/${member.id}/consents`, { channel: 'email', granted: true, source: 'web', wording_version: 'v1' });
    const group = (await call('POST', '/api/v1/tag-groups', { name: '宝宝月龄' })).json();
    const tag = (await call('POST', '/api/v1/tags', { group_id: group.id, name: '0-6 个月' })).json();
    await call('POST', `/api/v1/tags/${tag.id}/members`, { action: 'add', phones_csv: `phone\n${phone}\n` });
    await call('GET', `/api/v1/members?phone=${phone}&reveal=true`);
    await call('POST', '/api/v1/events', { events: [{ client_event_id: 'erase-1', type: 'page_view', occurred_at: new Date().toISOString(), member_id: member.id, properties: { note: name } }] });
    await call('GET', `/api/v1/members/${member.id}/code`);
    expect(await findEverywhere(t.deps.db, phone)).not.toEqual([]);

    const erased = await call('POST', `/api/v1/members/${member.id}/erase`, { reason: '会员申请注销' });
    expect(erased.statusCode).toBe(200);
    expect(erased.json()).toMatchObject({ status: 'erased', member_no: member.member_no, name: null, phone: null });
    for (const secret of [phone, name, '擦除昵称', 'erase.me@brand.test', 'union-erase']) {
      expect(await findEverywhere(t.deps.db, secret), secret).toEqual([]);
    }
    // The pseudonymous number stays for financial records, and erasing twice changes nothing.
    expect((await call('POST', `/api/v1/members/${member.id}/erase`, { reason: 'again' })).json().member_no).toBe(member.member_no);
    expect((await call('GET', '/api/v1/audit-log?action=member.erase')).json().data).toHaveLength(1);
    const resolveAgain = await call('POST', '/api/v1/members/resolve', { identities: [{ type: 'phone', value: phone }], profile: { channel: 'app' } });
    expect(resolveAgain.statusCode).toBe(201);
    expect(resolveAgain.json().member.id).not.toBe(member.id);
  });
});
