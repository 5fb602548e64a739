import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createWorker } from '../../jobs/runner.ts';
import { member } from './fixtures.test-helpers.ts';

describe('segments over HTTP', () => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    t = await createTestApp();
    tenant = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  it('takes the largest list a static segment accepts in one request, with an entry event for each member', async () => {
    const made = await sql<{ id: string }>`insert into members (tenant_id, id, member_no, channel)
      select ${tenant.tenantId}::uuid, gen_random_uuid(), 'BULK' || g, 'import' from generate_series(1, 10000) g returning id`.execute(t.deps.db);
    const id = (await t.app.inject({ method: 'POST', url: '/api/v1/segments', headers: tenant.auth, payload: { name: '万人名单', kind: 'static' } })).json<{ id: string }>().id;
    const added = await t.app.inject({ method: 'POST', url: `/api/v1/segments/${id}/members`, headers: tenant.auth, payload: { action: 'add', member_ids: made.rows.map((r) => r.id) } });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json()).toEqual({ matched: 10000, changed: 10000, not_found: 0 });
    const entered = await t.deps.db.selectFrom('domain_events').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenant.tenantId).where('type', '=', 'segment.entered').executeTakeFirstOrThrow();
    expect(Number(entered.n)).toBe(10000);
  });

  it('fills a static segment from an uploaded list and exports it masked unless revealed (audited)', async () => {
    const a = await member(t.deps, tenant.ctx, { name: '张三丰', phone: '13800001111', city: '上海' });
    const b = await member(t.deps, tenant.ctx, { name: '李四', phone: '13800002222' });
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/segments', headers: tenant.auth, payload: { name: '门店名单', kind: 'static' } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: string }>().id;
    const csv = `手机号\n138 0000 1111\n13900009999\n\n`;
    const upload = await t.app.inject({ method: 'POST', url: `/api/v1/segments/${id}/import`, headers: { ...tenant.auth, 'content-type': 'text/csv' }, payload: csv });
    expect(upload.statusCode, upload.body).toBe(200);
    expect(upload.json()).toEqual({ rows: 2, added: 1, not_found: 1, not_found_lines: [3] });
    const byNumber = await t.app.inject({ method: 'POST', url: `/api/v1/segments/${id}/import`, headers: { ...tenant.auth, 'content-type': 'text/csv' }, payload: `member_no\n${b.member_no}\n${a.member_no}\n` });
    expect(byNumber.json()).toMatchObject({ rows: 2, added: 1 });

    const masked = await t.app.inject({ url: `/api/v1/segments/${id}/export.csv`, headers: tenant.auth });
    expect(masked.statusCode).toBe(200);
    expect(masked.body).toContain('138****1111');
    expect(masked.body).toContain('张**');
    expect(masked.body).not.toContain('13800001111');
    const revealed = await t.app.inject({ url: `/api/v1/segments/${id}/export.csv?reveal=true`, headers: tenant.auth });
    expect(revealed.body).toContain('+8613800001111');

    const other = await createTestTenant(t.deps);
    const refused = await t.app.inject({ url: `/api/v1/segments/${id}/export.csv`, headers: other.auth });
    expect(refused.statusCode).toBe(404);
    const audit = await t.deps.db.selectFrom('audit_log').select(['details']).where('tenant_id', '=', tenant.tenantId).where('action', '=', 'segment.export').execute();
    expect(audit.map((r) => (r.details as { revealed: boolean }).revealed)).toEqual([false, true]);
  });

  it('refuses to reveal personal data in an export without members:read_pii', async () => {
    const limited = await createTestTenant(t.deps, { scopes: ['segments:read', 'segments:write', 'segments:export'] });
    const id = (await t.app.inject({ method: 'POST', url: '/api/v1/segments', headers: limited.auth, payload: { name: '空', kind: 'static' } })).json<{ id: string }>().id;
    expect((await t.app.inject({ url: `/api/v1/segments/${id}/export.csv?reveal=true`, headers: limited.auth })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/v1/segments/${id}/export.csv`, headers: limited.auth })).statusCode).toBe(200);
  });

  it('computes a dynamic segment as a job, keeps its tag, and refuses a rule on its own tag', async () => {
    const group = (await t.app.inject({ method: 'POST', url: '/api/v1/tag-groups', headers: tenant.auth, payload: { name: '自动' } })).json<{ id: string }>();
    const tag = (await t.app.inject({ method: 'POST', url: '/api/v1/tags', headers: tenant.auth, payload: { group_id: group.id, name: '上海会员' } })).json<{ id: string }>();
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/segments', headers: tenant.auth, payload: { name: '上海', rule: { type: 'profile', field: 'city', op: 'eq', value: '上海' }, writes_tag_id: tag.id } });
    expect(created.statusCode, created.body).toBe(201);
    await createWorker(t.deps).drain();
    const segment = await t.app.inject({ url: `/api/v1/segments/${created.json<{ id: string }>().id}`, headers: tenant.auth });
    expect(segment.json()).toMatchObject({ member_count: 1, depends_on: ['profile'], time_based: false });
    const tagged = await t.deps.db.selectFrom('member_tags').select('member_id').where('tenant_id', '=', tenant.tenantId).where('tag_id', '=', tag.id).execute();
    expect(tagged).toHaveLength(1);
    const loop = await t.app.inject({ method: 'POST', url: '/api/v1/segments', headers: tenant.auth, payload: { name: '环', rule: { op: 'not', rule: { type: 'tags', op: 'any', tag_ids: [tag.id] } }, writes_tag_id: tag.id } });
    expect(loop.statusCode).toBe(400);
    expect(loop.json().errors[0].field).toBe('writes_tag_id');
  });
});
