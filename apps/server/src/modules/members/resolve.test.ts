import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';

describe('resolve and merge', () => {
  let t: TestApp;
  let a: TestTenant;
  const handlerCalls: { fromMemberId: string; toMemberId: string }[] = [];
  beforeAll(async () => {
    t = await createTestApp({
      memberHooks: (hooks) =>
        hooks.onMerge({
          name: 'test_rows',
          move: async (trx, ctx, args) => {
            handlerCalls.push(args);
            const moved = await sql`update test_member_rows set member_id = ${args.toMemberId} where tenant_id = ${ctx.tenantId} and member_id = ${args.fromMemberId}`.execute(trx);
            return Number(moved.numAffectedRows ?? 0);
          },
        }),
    });
    await sql`create table test_member_rows (tenant_id uuid, member_id uuid, id int, primary key (tenant_id, member_id, id))`.execute(t.deps.db);
    a = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  const resolve = (body: object) => t.app.inject({ method: 'POST', url: '/api/v1/members/resolve', headers: a.auth, payload: body });
  const countMembers = async () =>
    (await t.deps.db.selectFrom('members').select(({ fn }) => fn.countAll<number>().as('n')).where('tenant_id', '=', a.tenantId).executeTakeFirstOrThrow()).n;

  it('makes one member of several simultaneous first logins of the same person', async () => {
    const before = await countMembers();
    const body = { identities: [{ type: 'wechat_unionid', value: 'union-race-1' }, { type: 'mini_program_openid', app_id: 'wxmini', value: 'open-race-1' }], profile: { channel: 'mini_program', nickname: '小程序用户' } };
    const responses = await Promise.all(Array.from({ length: 6 }, () => resolve(body)));
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.json().member.id)).size).toBe(1);
    expect(await countMembers()).toBe(before + 1);
  });

  it('finds the member by any identity, attaches new ones and fills only empty profile fields', async () => {
    const first = (await resolve({ identities: [{ type: 'wechat_openid', app_id: 'wxoa', value: 'oa-1' }], profile: { channel: 'official_account', nickname: '公众号昵称' } })).json();
    const again = await resolve({
      identities: [{ type: 'wechat_openid', app_id: 'wxoa', value: 'oa-1' }, { type: 'store_card', value: 'CARD-9' }],
      profile: { nickname: '别的昵称', name: '赵六', phone: '13511112222' },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false, member: { id: first.member.id, nickname: '公众号昵称', name: '赵六', phone: '135****2222' } });
    const byCard = (await resolve({ identities: [{ type: 'store_card', value: 'CARD-9' }] })).json();
    const byPhone = (await resolve({ identities: [{ type: 'phone', value: '+86 135 1111 2222' }] })).json();
    expect(byCard.member.id).toBe(first.member.id);
    expect(byPhone.member.id).toBe(first.member.id);
    const missingChannel = await resolve({ identities: [{ type: 'app_user_id', value: 'nobody-yet' }] });
    expect(missingChannel.statusCode).toBe(400);
    expect(missingChannel.json().errors[0].field).toBe('profile.channel');
    const noAppId = await resolve({ identities: [{ type: 'wechat_openid', value: 'x' }], profile: { channel: 'app' } });
    expect(noAppId.json().errors[0].field).toBe('identities.0.app_id');
  });

  it('answers 409 when the identities belong to two members, and merges them into the older one on request', async () => {
    const older = (await resolve({ identities: [{ type: 'app_user_id', value: 'app-7' }], profile: { channel: 'app', name: '老会员' } })).json().member;
    const newer = (await resolve({ identities: [{ type: 'phone', value: '13322223333' }], profile: { channel: 'store', email: 'new@brand.test' } })).json().member;
    await sql`insert into test_member_rows values (${a.tenantId}, ${newer.id}, 1), (${a.tenantId}, ${newer.id}, 2)`.execute(t.deps.db);
    const group = (await t.app.inject({ method: 'POST', url: '/api/v1/tag-groups', headers: a.auth, payload: { name: '来源' } })).json();
    const tag = (await t.app.inject({ method: 'POST', url: '/api/v1/tags', headers: a.auth, payload: { group_id: group.id, name: '门店' } })).json();
    await t.app.inject({ method: 'POST', url: `/api/v1/tags/${tag.id}/members`, headers: a.auth, payload: { action: 'add', member_ids: [newer.id] } });
    await t.app.inject({ method: 'PUT', url: `/api/v1/members/${newer.id}/consents`, headers: a.auth, payload: { channel: 'sms', granted: true, source: 'store_counter', wording_version: 'v3' } });

    const both = { identities: [{ type: 'app_user_id', value: 'app-7' }, { type: 'phone', value: '13322223333' }] };
    const conflict = await resolve(both);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().code).toBe('MEMBER_IDENTITY_TAKEN');

    const merged = await resolve({ ...both, merge: true });
    expect(merged.json()).toMatchObject({ created: false, merged_member_ids: [newer.id], member: { id: older.id } });
    const view = (await t.app.inject({ url: `/api/v1/members/${older.id}?reveal=true`, headers: a.auth })).json();
    expect(view.member).toMatchObject({ name: '老会员', phone: '+8613322223333', email: 'new@brand.test' });
    expect(view.identities.map((i: { type: string }) => i.type).sort()).toEqual(['app_user_id', 'email', 'phone']);
    expect(view.tags.map((x: { name: string }) => x.name)).toEqual(['门店']);
    expect(view.consents).toEqual([expect.objectContaining({ channel: 'sms', granted: true, wording_version: 'v3' })]);
    const moved = await sql<{ member_id: string }>`select member_id from test_member_rows where tenant_id = ${a.tenantId}`.execute(t.deps.db);
    expect(moved.rows.every((r) => r.member_id === older.id)).toBe(true);
    expect(handlerCalls).toEqual([{ fromMemberId: newer.id, toMemberId: older.id }]);

    // The merged id still answers, pointing at the survivor, and holds no personal data of its own.
    const pointer = (await t.app.inject({ url: `/api/v1/members/${newer.id}?reveal=true`, headers: a.auth })).json();
    expect(pointer.member).toMatchObject({ status: 'merged', merged_into: older.id, phone: null, email: null });
    // Merging again is the same merge, not a second one.
    const repeat = await t.app.inject({ method: 'POST', url: `/api/v1/members/${older.id}/merge`, headers: a.auth, payload: { from_member_id: newer.id, reason: 'again' } });
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json()).toMatchObject({ from_member_id: newer.id, to_member_id: older.id, moved: { identities: 2, tags: 1, consents: 1, test_rows: 2 } });
    expect(handlerCalls).toHaveLength(1);
    const wrongWay = await t.app.inject({ method: 'POST', url: `/api/v1/members/${newer.id}/merge`, headers: a.auth, payload: { from_member_id: older.id, reason: 'x' } });
    expect(wrongWay.statusCode).toBe(409);
  });

  it('attaches an identity, refusing one owned by another member unless asked to merge', async () => {
    const one = (await resolve({ identities: [{ type: 'partner', app_id: 'jd', value: 'jd-1' }], profile: { channel: 'partner' } })).json().member;
    const two = (await resolve({ identities: [{ type: 'store_card', value: 'CARD-2' }], profile: { channel: 'store' } })).json().member;
    const attach = (merge: boolean) =>
      t.app.inject({ method: 'POST', url: `/api/v1/members/${one.id}/identities`, headers: a.auth, payload: { identity: { type: 'store_card', value: 'CARD-2' }, merge } });
    expect((await attach(false)).statusCode).toBe(409);
    const merged = await attach(true);
    expect(merged.statusCode).toBe(200);
    expect(merged.json().data.map((i: { type: string }) => i.type).sort()).toEqual(['partner', 'store_card']);
    const gone = (await t.app.inject({ url: `/api/v1/members/${two.id}`, headers: a.auth })).json().member;
    expect(gone).toMatchObject({ status: 'merged', merged_into: one.id });
    const writeToMerged = await t.app.inject({ method: 'PATCH', url: `/api/v1/members/${two.id}`, headers: a.auth, payload: { name: 'x' } });
    expect(writeToMerged.statusCode).toBe(409);
    expect(writeToMerged.json().code).toBe('MEMBER_NOT_ACTIVE');
  });
});
