import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { maskPhone, normalizePhone } from './personal-data.ts';

describe('members', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  const request = (tenant: TestTenant, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object) =>
    t.app.inject({ method, url, payload, headers: tenant.auth });

  it('registers a member with a normalized phone, numbers it, and masks contact data unless revealed', async () => {
    const created = await request(a, 'POST', '/api/v1/members', { channel: 'store', name: '王小明', phone: '138 0013 8000', email: 'Xiaoming@Example.com', birthday: { month: 2, day: 29 } });
    expect(created.statusCode).toBe(201);
    const member = created.json();
    expect(member).toMatchObject({ member_no: expect.stringMatching(/^M\d{8}$/), phone: '138****8000', email: 'x***@example.com', pii_masked: true, status: 'active', birthday: { month: 2, day: 29, year: null } });

    const listed = (await request(a, 'GET', '/api/v1/members?phone=13800138000')).json();
    expect(listed.data.map((m: { id: string }) => m.id)).toEqual([member.id]);
    expect(listed.data[0].phone).toBe('138****8000');

    const revealed = (await request(a, 'GET', `/api/v1/members/${member.id}?reveal=true`)).json();
    expect(revealed.member).toMatchObject({ phone: '+8613800138000', email: 'xiaoming@example.com', pii_masked: false });
    expect(revealed.identities.map((i: { type: string }) => i.type).sort()).toEqual(['email', 'phone']);
    const audit = (await request(a, 'GET', '/api/v1/audit-log?action=member.pii_viewed')).json().data;
    expect(audit[0]).toMatchObject({ resource_id: member.id, actor_type: 'api_key' });
  });

  it('refuses to reveal contact data to a role without members:read_pii', async () => {
    const reader = await createTestTenant(t.deps, { scopes: ['members:read', 'members:write'] });
    const member = (await request(reader, 'POST', '/api/v1/members', { channel: 'app', name: '李雷', phone: '13900139000' })).json();
    expect((await request(reader, 'GET', `/api/v1/members/${member.id}?reveal=true`)).statusCode).toBe(403);
    expect((await request(reader, 'GET', `/api/v1/members/${member.id}`)).json().member.phone).toBe('139****9000');
  });

  it('validates the profile: phone, birthday, home store and custom fields, naming each field', async () => {
    await request(a, 'POST', '/api/v1/member-custom-fields', { key: 'baby_months', label: '宝宝月龄', type: 'number' });
    await request(a, 'POST', '/api/v1/member-custom-fields', { key: 'taste', label: '口味', type: 'enum', options: ['甜', '咸'] });
    const bad = await request(a, 'POST', '/api/v1/members', { channel: 'web', phone: '12345', birthday: { month: 2, day: 30 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toContain('birthday.day');
    const badPhone = await request(a, 'POST', '/api/v1/members', { channel: 'web', phone: '12345678901' });
    expect(badPhone.json().errors).toEqual([expect.objectContaining({ field: 'phone', code: 'invalid_phone' })]);
    const badStore = await request(a, 'POST', '/api/v1/members', { channel: 'web', home_store_id: '01a20000-0000-7000-8000-000000000000' });
    expect(badStore.json().errors[0].field).toBe('home_store_id');
    const badCustom = await request(a, 'POST', '/api/v1/members', { channel: 'web', custom_fields: { baby_months: 'six', taste: '辣', shoe_size: 40 } });
    expect(badCustom.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['custom_fields.baby_months', 'custom_fields.shoe_size', 'custom_fields.taste']);

    const good = (await request(a, 'POST', '/api/v1/members', { channel: 'web', name: '韩梅梅', custom_fields: { baby_months: 6, taste: '甜' } })).json();
    expect(good.custom_fields).toEqual({ baby_months: 6, taste: '甜' });
    const filtered = (await request(a, 'GET', '/api/v1/members?custom=baby_months:6&custom=taste:甜')).json().data;
    expect(filtered.map((m: { id: string }) => m.id)).toEqual([good.id]);
    const patched = (await request(a, 'PATCH', `/api/v1/members/${good.id}`, { custom_fields: { taste: null } })).json();
    expect(patched.custom_fields).toEqual({ baby_months: 6 });
  });

  it('changes the phone identity with the phone, and refuses a phone that belongs to someone else', async () => {
    const first = (await request(a, 'POST', '/api/v1/members', { channel: 'store', phone: '13700137000' })).json();
    const second = (await request(a, 'POST', '/api/v1/members', { channel: 'store', phone: '13700137001' })).json();
    const taken = await request(a, 'PATCH', `/api/v1/members/${second.id}`, { phone: '13700137000' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'MEMBER_IDENTITY_TAKEN', errors: [{ field: 'phone' }] });
    await request(a, 'PATCH', `/api/v1/members/${first.id}`, { phone: '13700137002' });
    const found = (await request(a, 'GET', '/api/v1/members?identity_type=phone&identity_value=13700137002')).json().data;
    expect(found.map((m: { id: string }) => m.id)).toEqual([first.id]);
    expect((await request(a, 'GET', '/api/v1/members?identity_type=phone&identity_value=13700137000')).json().data).toEqual([]);
  });

  it("keeps tenants apart on every member endpoint", async () => {
    const member = (await request(a, 'POST', '/api/v1/members', { channel: 'store', name: '甲方会员', phone: '13600136000' })).json();
    const attempts: [('GET' | 'POST' | 'PATCH' | 'PUT'), string, object?][] = [
      ['GET', `/api/v1/members/${member.id}`],
      ['PATCH', `/api/v1/members/${member.id}`, { name: 'x' }],
      ['POST', `/api/v1/members/${member.id}/identities`, { identity: { type: 'store_card', value: 'C1' } }],
      ['POST', `/api/v1/members/${member.id}/merge`, { from_member_id: '01a20000-0000-7000-8000-00000000beef', reason: 'x' }],
      ['PUT', `/api/v1/members/${member.id}/consents`, { channel: 'sms', granted: true, source: 'test', wording_version: 'v1' }],
      ['GET', `/api/v1/members/${member.id}/unsubscribe-link?channel=sms`],
      ['GET', `/api/v1/members/${member.id}/export`],
      ['POST', `/api/v1/members/${member.id}/erase`, { reason: 'x' }],
    ];
    for (const [method, url, payload] of attempts) {
      expect((await request(b, method, url, payload)).statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await request(b, 'GET', '/api/v1/members?phone=13600136000')).json().data).toEqual([]);
    // Tags, events and member codes of brand A are invisible and unusable to brand B.
    const group = (await request(a, 'POST', '/api/v1/tag-groups', { name: '隔离组' })).json();
    const tag = (await request(a, 'POST', '/api/v1/tags', { group_id: group.id, name: '隔离标签' })).json();
    expect((await request(b, 'POST', `/api/v1/tags/${tag.id}/members`, { action: 'add', member_ids: [member.id] })).statusCode).toBe(404);
    expect((await request(b, 'POST', '/api/v1/tags', { group_id: group.id, name: '借用' })).json().errors[0].field).toBe('group_id');
    expect((await request(b, 'GET', '/api/v1/tag-groups')).json().data.map((g: { id: string }) => g.id)).not.toContain(group.id);
    const foreignEvent = await request(b, 'POST', '/api/v1/events', { events: [{ client_event_id: 'iso-1', type: 'login', occurred_at: new Date().toISOString(), member_id: member.id }] });
    expect(foreignEvent.json().errors[0]).toMatchObject({ field: 'events.0.member_id', code: 'unknown_member' });
    expect((await request(b, 'GET', `/api/v1/members/${member.id}/code`)).statusCode).toBe(404);
    // The same phone is a different person in another brand.
    const theirs = await request(b, 'POST', '/api/v1/members/resolve', { identities: [{ type: 'phone', value: '13600136000' }], profile: { channel: 'app' } });
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().member.id).not.toBe(member.id);
  });

  it('never shows more than the first 3 and last 4 digits of a mainland mobile', () => {
    fc.assert(
      fc.property(fc.constantFrom('3', '5', '7', '8', '9'), fc.stringMatching(/^\d{9}$/), (second, rest) => {
        const raw = `1${second}${rest}`;
        const e164 = normalizePhone(raw);
        if (!e164) return true;
        expect(normalizePhone(`+86 ${raw.slice(0, 3)} ${raw.slice(3, 7)} ${raw.slice(7)}`)).toBe(e164);
        const masked = maskPhone(e164);
        expect(masked).toBe(`${raw.slice(0, 3)}****${raw.slice(-4)}`);
        expect(masked.replace(/\D/g, '').length).toBe(7);
        return true;
      }),
    );
  });
});
