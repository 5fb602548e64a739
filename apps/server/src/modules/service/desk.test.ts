import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { signInByIdentity } from '../member-portal/sign-in.service.ts';

describe('the service desk: tickets opened by operators, SLA states and their counts', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let phone = 13600000000;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const member = async (tenant: TestTenant = a) => (await signInByIdentity(t.deps, { tenantId: tenant.tenantId, identities: [{ type: 'phone', value: String(++phone) }], channel: 'web', profile: {}, kind: 'bearer', method: 'sms', ip: null, requestId: null })).memberId;
  const open = async (type: string, memberId?: string) => {
    const res = await req('POST', '/api/v1/service/tickets', { member_id: memberId ?? (await member()), type, subject: `${type} 电话来访` });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const ids = async (query: string) => (await req('GET', `/api/v1/service/tickets?${query}`)).json().data.map((x: { id: string }) => x.id).sort();

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  it('opens a ticket for a member who phoned, with the member’s checks; an unknown or another brand’s member is refused by field', async () => {
    const memberId = await member();
    const id = await open('consultation', memberId);
    const detail = (await req('GET', `/api/v1/service/tickets/${id}`)).json();
    expect(detail).toMatchObject({ member_id: memberId, type: 'consultation', status: 'submitted', sla: { accept: 'ok', resolve: 'ok' } });
    expect(detail.history).toEqual([expect.objectContaining({ from: null, to: 'submitted', actor_type: 'api_key' })]);
    // The desk's list names the member by number, as operators know them.
    const listed = (await req('GET', `/api/v1/service/tickets?member_id=${memberId}`)).json().data;
    const memberNo = (await t.deps.db.selectFrom('members').select('member_no').where('tenant_id', '=', a.tenantId).where('id', '=', memberId).executeTakeFirstOrThrow()).member_no;
    expect(listed.map((x: { member_no: string }) => x.member_no)).toEqual([memberNo]);
    const returned = await req('POST', '/api/v1/service/tickets', { member_id: memberId, type: 'return', subject: '退货' });
    expect(returned.statusCode).toBe(400);
    expect(returned.json().errors[0]).toMatchObject({ field: 'order_id', code: 'required' });
    for (const stranger of [crypto.randomUUID(), await member(b)]) {
      const refused = await req('POST', '/api/v1/service/tickets', { member_id: stranger, type: 'complaint', subject: '投诉' });
      expect(refused.statusCode).toBe(400);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json().errors[0]).toMatchObject({ field: 'member_id', code: 'unknown_member' });
    }
    await req('POST', `/api/v1/service/tickets/${id}/transitions`, { to: 'rejected', note: '已电话答复' });
  });

  it('puts each open ticket in one SLA state (the worst running timer); the filters page through the database and agree with the counts', async () => {
    expect((await req('PUT', '/api/v1/service/settings', { sla: { complaint: { accept_hours: 4, resolve_hours: 8 }, consultation: { accept_hours: 1, resolve_hours: 100 } } })).statusCode).toBe(200);
    const dueSoon = await open('complaint');
    const breached = await open('consultation');
    const accepted = await open('complaint');
    expect((await req('POST', `/api/v1/service/tickets/${accepted}/transitions`, { to: 'accepted' })).statusCode).toBe(200);
    const closed = await open('complaint');
    expect((await req('POST', `/api/v1/service/tickets/${closed}/transitions`, { to: 'rejected' })).statusCode).toBe(200);
    clock.advance(3.5 * 3_600_000);
    const fresh = await open('complaint');
    const operatorId = (await t.deps.db.selectFrom('operators').select('id').where('tenant_id', '=', a.tenantId).executeTakeFirstOrThrow()).id;
    expect((await req('PUT', `/api/v1/service/tickets/${fresh}/assignment`, { operator_id: operatorId })).statusCode).toBe(200);

    // 3.5 h in: the first complaint has half an hour of its 4 h left (under a quarter), the consultation was due after 1 h.
    expect((await req('GET', `/api/v1/service/tickets/${dueSoon}`)).json().sla).toEqual({ accept: 'due_soon', resolve: 'ok' });
    expect(await ids('sla=due_soon')).toEqual([dueSoon]);
    expect(await ids('sla=breached')).toEqual([breached]);
    expect(await ids('sla=ok')).toEqual([accepted, fresh].sort());
    const firstPage = (await req('GET', '/api/v1/service/tickets?sla=ok&limit=1')).json();
    expect(firstPage.data.map((x: { id: string }) => x.id)).toEqual([fresh]);
    expect((await req('GET', `/api/v1/service/tickets?sla=ok&limit=1&cursor=${firstPage.next_cursor}`)).json().data.map((x: { id: string }) => x.id)).toEqual([accepted]);

    const summary = (await req('GET', '/api/v1/service/sla-summary')).json();
    expect(summary).toEqual({
      open: 4, ok: 2, due_soon: 1, breached: 1,
      by_type: [
        { type: 'complaint', open: 3, ok: 2, due_soon: 1, breached: 0 },
        { type: 'consultation', open: 1, ok: 0, due_soon: 0, breached: 1 },
      ],
    });
    expect((await req('GET', `/api/v1/service/sla-summary?operator_id=${operatorId}`)).json()).toMatchObject({ open: 1, ok: 1, by_type: [{ type: 'complaint', open: 1 }] });
    expect((await req('GET', '/api/v1/service/sla-summary', undefined, b)).json()).toEqual({ open: 0, ok: 0, due_soon: 0, breached: 0, by_type: [] });

    // Past 8 h the accepted complaint's resolve timer has run out too: breached though its accept timer stopped.
    clock.advance(5 * 3_600_000);
    expect(await ids('sla=breached')).toEqual([dueSoon, breached, accepted, fresh].sort());
    expect((await req('GET', '/api/v1/service/sla-summary')).json()).toMatchObject({ open: 4, ok: 0, due_soon: 0, breached: 4 });
  });
});
