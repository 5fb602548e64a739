import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { badMemberCsvLines, memberCsvLines } from '../../test/fixtures/member-csv.ts';

function memberCsv(n: number, offset = 0) {
  return { csv: [...memberCsvLines(n, offset)].join('\n'), bad: badMemberCsvLines(n) };
}

describe('member import', () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestTenant(t.deps);
    await t.app.inject({ method: 'POST', url: '/api/v1/member-custom-fields', headers: a.auth, payload: { key: 'level', label: '等级', type: 'number' } });
  });
  afterAll(() => t.close());

  const upload = (tenant: TestTenant, body: string | Buffer) =>
    t.app.inject({ method: 'POST', url: '/api/v1/members/import?file_name=members.csv', headers: { ...tenant.auth, 'content-type': 'text/csv' }, payload: body });
  const runJobs = () => createWorker(t.deps).drain();
  const importOf = async (tenant: TestTenant, id: string) => (await t.app.inject({ url: `/api/v1/members/imports/${id}`, headers: tenant.auth })).json();
  const memberCount = async (tenant: TestTenant) =>
    (await t.deps.db.selectFrom('members').select(({ fn }) => fn.countAll<number>().as('n')).where('tenant_id', '=', tenant.tenantId).executeTakeFirstOrThrow()).n;

  it('imports good rows, reports bad rows with line numbers, and a rerun adds nothing', async () => {
    const { csv, bad } = memberCsv(3000);
    const started = await upload(a, csv);
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ status: 'queued', file_name: 'members.csv' });
    await runJobs();
    const done = await importOf(a, started.json().id);
    expect(done).toMatchObject({ status: 'succeeded', encoding: 'utf8', total_rows: 3000, processed_rows: 3001, created: 2970, updated: 0, failed: 30 });
    expect(await memberCount(a)).toBe(2970);

    const errors = await t.app.inject({ url: `/api/v1/members/imports/${done.id}/errors.csv`, headers: a.auth });
    expect(errors.headers['content-type']).toMatch(/^text\/csv/);
    const errorLines = errors.body.replace(/^\uFEFF/, '').trim().split('\n').slice(1);
    expect([...new Set(errorLines.map((l) => Number(l.split(',')[0])))]).toEqual(bad);
    expect(errors.body).toContain('invalid_phone');
    expect(errors.body).toContain('invalid_gender');

    const member = (await t.app.inject({ url: '/api/v1/members?phone=13800000001', headers: a.auth })).json().data[0];
    expect(member).toMatchObject({ name: '会员1', gender: 'male', birthday: { month: 2, day: 11, year: 1990 }, city: '上海市', channel: 'import', custom_fields: { level: 1 } });

    const rerun = (await upload(a, csv)).json();
    await runJobs();
    expect(await importOf(a, rerun.id)).toMatchObject({ status: 'succeeded', created: 0, updated: 0, unchanged: 2970, failed: 30 });
    expect(await memberCount(a)).toBe(2970);
    // Two passes over 3,000 rows on PGlite: about 20 s on an idle machine, more while the suite runs beside it.
  }, 120_000);

  it('reads GBK files as Excel in China writes them, with Chinese headers', async () => {
    const b = await createTestTenant(t.deps);
    const gbk = iconv.encode('手机号,姓名,性别,城市\n13912340001,张伟,男,北京市\n13912340002,王芳,女,广州市\n', 'gbk');
    const started = (await upload(b, gbk)).json();
    await runJobs();
    expect(await importOf(b, started.id)).toMatchObject({ status: 'succeeded', encoding: 'gb18030', created: 2, failed: 0 });
    const names = (await t.app.inject({ url: '/api/v1/members', headers: b.auth })).json().data.map((m: { name: string; city: string }) => `${m.name}/${m.city}`);
    expect(names.sort()).toEqual(['张伟/北京市', '王芳/广州市']);
    expect((await t.app.inject({ url: `/api/v1/members/imports/${started.id}`, headers: a.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/v1/members/imports/${started.id}/errors.csv`, headers: a.auth })).statusCode).toBe(404);
  });

  it('resumes after its last committed batch', async () => {
    const c = await createTestTenant(t.deps);
    await t.app.inject({ method: 'POST', url: '/api/v1/member-custom-fields', headers: c.auth, payload: { key: 'level', label: '等级', type: 'number' } });
    const { csv } = memberCsv(2500, 50_000);
    const started = (await upload(c, csv)).json();
    // As if the worker died after committing the first batch (rows 1–1000 end on line 1001).
    await t.deps.db.updateTable('member_imports').set({ processed_rows: 1001 }).where('id', '=', started.id).execute();
    await runJobs();
    const done = await importOf(c, started.id);
    expect(done).toMatchObject({ status: 'succeeded', processed_rows: 2501 });
    expect(done).toMatchObject({ created: 1485, failed: 15 });
    expect((await t.app.inject({ url: '/api/v1/members?phone=13800050001', headers: c.auth })).json().data).toEqual([]);
    expect((await t.app.inject({ url: '/api/v1/members?phone=13800051001', headers: c.auth })).json().data).toHaveLength(1);
  });

  it('refuses an empty or non-CSV upload', async () => {
    expect((await upload(a, '')).statusCode).toBe(400);
    const json = await t.app.inject({ method: 'POST', url: '/api/v1/members/import', headers: { ...a.auth, 'content-type': 'application/json' }, payload: { rows: [] } });
    expect(json.statusCode).toBe(415);
  });
});
