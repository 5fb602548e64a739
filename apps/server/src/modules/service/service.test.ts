import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { signInByIdentity } from '../member-portal/sign-in.service.ts';
import { recordSlaBreaches } from './sla.service.ts';

describe('after-sales service tickets', () => {
  const clock = createTestClock(new Date('2026-11-20T02:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let phone = 13900000000;
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, tenant: TestTenant = a) => t.app.inject({ method, url, payload, headers: tenant.auth });
  const member = async () => {
    const s = await signInByIdentity(t.deps, { tenantId: a.tenantId, identities: [{ type: 'phone', value: String(++phone) }], channel: 'web', profile: {}, kind: 'bearer', method: 'sms', ip: null, requestId: null });
    return { id: s.memberId, auth: { authorization: `Bearer ${s.token}` } };
  };
  const me = (m: { auth: { authorization: string } }, method: 'GET' | 'POST', url: string, payload?: object) => t.app.inject({ method, url: `/api/v1/me${url}`, payload, headers: m.auth });
  const points = async (memberId: string) => (await req('GET', `/api/v1/members/${memberId}/points`)).json().balance as number;
  const events = async (type: string) => (await t.deps.db.selectFrom('domain_events').select('payload').where('tenant_id', '=', a.tenantId).where('type', '=', type).execute()).map((e) => e.payload as Record<string, unknown>);
  const order = async (memberId: string, n: number) => {
    const res = await req('POST', '/api/v1/orders', { external_id: `SV-${n}`, channel: 'store', member_id: memberId, lines: [{ sku: 'KETTLE', qty: 2, unit_price_fen: 10000 }], total_paid_fen: 20000, occurred_at: clock.now().toISOString() });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    b = await createTestTenant(t.deps);
    await req('POST', '/api/v1/products/bulk', { products: [{ sku: 'KETTLE', name: '电热水壶', list_price_fen: 10000 }] });
    expect((await req('POST', '/api/v1/points/rules', { rules: { base_points_per_yuan: 1 }, effective_from: '2026-01-01T00:00:00+08:00' })).statusCode).toBe(201);
  });
  afterAll(() => t.close());

  it('an accepted return refunds its lines once through orders, clawing back the points, even when the approval is sent twice at once', async () => {
    const m = await member();
    const orderId = await order(m.id, 1);
    expect(await points(m.id)).toBe(200);
    const missing = await me(m, 'POST', '/service-tickets', { type: 'return', order_id: orderId, subject: '坏了' });
    expect(missing.json().errors[0]).toMatchObject({ field: 'lines', code: 'required' });
    const created = await me(m, 'POST', '/service-tickets', { type: 'return', order_id: orderId, lines: [{ line_no: 1, qty: 1 }], subject: '壶底漏水', attachments: ['https://img.example.com/1.jpg'] });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect(created.json()).toMatchObject({ status: 'submitted', sla: { accept: 'ok', resolve: 'ok' } });
    const both = await Promise.all([0, 1].map(() => req('POST', `/api/v1/service/tickets/${id}/transitions`, { to: 'accepted', note: '同意退货' })));
    expect(both.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(await points(m.id)).toBe(100);
    const order2 = (await req('GET', `/api/v1/orders/${orderId}`)).json();
    expect(order2).toMatchObject({ refunded_fen: 10000, status: 'partially_refunded' });
    expect((await req('POST', `/api/v1/service/tickets/${id}/transitions`, { to: 'accepted' })).statusCode).toBe(200);
    expect((await req('GET', `/api/v1/orders/${orderId}`)).json().refunded_fen).toBe(10000);
    const refused = await req('POST', `/api/v1/service/tickets/${id}/transitions`, { to: 'closed' });
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ code: 'SERVICE_TRANSITION_REFUSED', status: 409, errors: [{ field: 'to', code: 'invalid_transition' }] });
    for (const to of ['in_progress', 'resolved']) expect((await req('POST', `/api/v1/service/tickets/${id}/transitions`, { to })).statusCode).toBe(200);
    expect((await me(m, 'POST', `/service-tickets/${id}/survey`, { score: 5 })).json().code).toBe('SURVEY_NOT_ALLOWED');
    expect((await req('POST', `/api/v1/service/tickets/${id}/transitions`, { to: 'closed' })).statusCode).toBe(200);
    const surveys = await Promise.all([0, 1].map(() => me(m, 'POST', `/service-tickets/${id}/survey`, { score: 4, comment: '处理很快' })));
    expect(surveys.map((s) => s.statusCode).sort()).toEqual([200, 409]);
    const detail = (await me(m, 'GET', `/service-tickets/${id}`)).json();
    expect(detail.history.map((h: { to: string }) => h.to)).toEqual(['submitted', 'accepted', 'in_progress', 'resolved', 'closed']);
    expect(detail.satisfaction).toMatchObject({ score: 4 });
    expect((await events('service.closed')).length).toBe(1);
    expect((await events('service.submitted')).length).toBe(1);
    expect((await req('GET', `/api/v1/service/tickets/${id}`, undefined, b)).statusCode).toBe(404);
    const other = await member();
    expect((await me(other, 'GET', `/service-tickets/${id}`)).statusCode).toBe(404);
    expect((await me(other, 'POST', '/service-tickets', { type: 'return', order_id: orderId, lines: [{ line_no: 1, qty: 1 }], subject: 'x' })).json().errors[0]).toMatchObject({ field: 'order_id', code: 'unknown_order' });
  });

  it('fires service.sla_breached exactly once per ticket and timer', async () => {
    expect((await req('PUT', '/api/v1/service/settings', { sla: { complaint: { accept_hours: 1, resolve_hours: 2 } } })).statusCode).toBe(200);
    const m = await member();
    const id = (await me(m, 'POST', '/service-tickets', { type: 'complaint', subject: '店员态度' })).json().id as string;
    expect(await recordSlaBreaches(t.deps)).toBe(0);
    clock.advance(90 * 60_000);
    expect((await req('GET', '/api/v1/service/tickets?sla=breached')).json().data.map((x: { id: string }) => x.id)).toContain(id);
    await Promise.all([recordSlaBreaches(t.deps), recordSlaBreaches(t.deps)]);
    await recordSlaBreaches(t.deps);
    clock.advance(60 * 60_000);
    await recordSlaBreaches(t.deps);
    await recordSlaBreaches(t.deps);
    const breaches = (await events('service.sla_breached')).filter((e) => e.ticket_id === id);
    expect(breaches.map((e) => e.timer).sort()).toEqual(['accept', 'resolve']);
    const comment = await req('POST', `/api/v1/service/tickets/${id}/comments`, { body: '已联系门店' });
    expect(comment.statusCode).toBe(201);
    expect(comment.json().comments[0]).toMatchObject({ author_type: 'operator', body: '已联系门店' });
  });

  it('assigns only to the tenant\'s own operators and stores, and lists by assignee', async () => {
    const m = await member();
    const id = (await me(m, 'POST', '/service-tickets', { type: 'consultation', subject: '怎么除垢' })).json().id as string;
    const operatorId = a.ctx.actor.id as string;
    const foreign = await req('PUT', `/api/v1/service/tickets/${id}/assignment`, { operator_id: b.ctx.actor.id });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().errors[0]).toMatchObject({ field: 'operator_id', code: 'unknown_operator' });
    const store = await req('POST', '/api/v1/stores', { code: 'SV-S1', name: '国贸店' }, b);
    expect((await req('PUT', `/api/v1/service/tickets/${id}/assignment`, { store_id: store.json().id })).json().errors[0]).toMatchObject({ field: 'store_id', code: 'unknown_store' });
    const assigned = await req('PUT', `/api/v1/service/tickets/${id}/assignment`, { operator_id: operatorId });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json()).toMatchObject({ operator_id: operatorId, store_id: null });
    expect((await req('GET', `/api/v1/service/tickets?operator_id=${operatorId}`)).json().data.map((x: { id: string }) => x.id)).toEqual([id]);
    // The picker: active operators whose role handles tickets — store staff yes, an analyst (read-only) no, another brand's never.
    const staff = (await req('POST', '/api/v1/operators', { email: 'desk-staff@brand.test', name: '售后店员', role: 'store_staff', password: 'staff password 1' })).json().id as string;
    const analyst = (await req('POST', '/api/v1/operators', { email: 'desk-analyst@brand.test', name: '分析师', role: 'analyst', password: 'staff password 1' })).json().id as string;
    const assignees = (await req('GET', '/api/v1/service/assignees')).json().data.map((o: { id: string }) => o.id);
    expect(assignees).toEqual(expect.arrayContaining([operatorId, staff]));
    expect(assignees).not.toContain(analyst);
    expect(assignees).not.toContain(b.ctx.actor.id);
  });

  it('moves tickets with their history and comments to the survivor of a merge; erasure blanks the member\'s words and keeps the ticket', async () => {
    const survivor = await member();
    const merged = await member();
    const created = await me(merged, 'POST', '/service-tickets', { type: 'complaint', subject: '开关失灵', description: '住在朝阳区某路 8 号', attachments: ['https://img.example.com/2.jpg'] });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect((await me(merged, 'POST', `/service-tickets/${id}/comments`, { body: '电话 13912345678' })).statusCode).toBe(201);
    expect((await req('POST', `/api/v1/service/tickets/${id}/comments`, { body: '请寄回' })).statusCode).toBe(201);
    const merge = await req('POST', `/api/v1/members/${survivor.id}/merge`, { from_member_id: merged.id, reason: '同一人' });
    expect(merge.statusCode, merge.body).toBe(200);
    const moved = (await me(survivor, 'GET', `/service-tickets/${id}`)).json();
    expect(moved).toMatchObject({ member_id: survivor.id, subject: '开关失灵' });
    expect(moved.history.map((h: { to: string }) => h.to)).toEqual(['submitted']);
    expect(moved.comments).toHaveLength(2);
    expect((await req('POST', `/api/v1/members/${survivor.id}/erase`, { reason: '会员申请注销' })).statusCode).toBe(200);
    const erased = (await req('GET', `/api/v1/service/tickets/${id}`)).json();
    expect(erased).toMatchObject({ type: 'complaint', status: 'submitted', subject: '—', description: '', attachments: [] });
    expect(erased.comments.map((c: { author_type: string; body: string }) => [c.author_type, c.body]).sort()).toEqual([['member', '—'], ['operator', '请寄回']]);
    const leftovers = await t.deps.db.selectFrom('service_ticket_comments').select('body').where('tenant_id', '=', a.tenantId).where('ticket_id', '=', id).execute();
    expect(JSON.stringify(leftovers)).not.toContain('13912345678');
  });

  it('lists tickets in the last quarter of a running timer as due soon, a full page at a time', async () => {
    const c = await createTestTenant(t.deps);
    expect((await req('PUT', '/api/v1/service/settings', { sla: { consultation: { accept_hours: 4, resolve_hours: 8 } } }, c)).statusCode).toBe(200);
    const ask = async () => {
      const s = await signInByIdentity(t.deps, { tenantId: c.tenantId, identities: [{ type: 'phone', value: String(++phone) }], channel: 'web', profile: {}, kind: 'bearer', method: 'sms', ip: null, requestId: null });
      const res = await me({ auth: { authorization: `Bearer ${s.token}` } }, 'POST', '/service-tickets', { type: 'consultation', subject: '会员卡怎么用' });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const early = [await ask(), await ask(), await ask()];
    const accepted = await ask();
    expect((await req('POST', `/api/v1/service/tickets/${accepted}/transitions`, { to: 'accepted' }, c)).statusCode).toBe(200);
    clock.advance(3.5 * 3_600_000);
    const fresh = await ask();
    const first = (await req('GET', '/api/v1/service/tickets?sla=due_soon&limit=2', undefined, c)).json();
    expect(first.data).toHaveLength(2);
    expect(first.next_cursor).not.toBeNull();
    const second = (await req('GET', `/api/v1/service/tickets?sla=due_soon&limit=2&cursor=${first.next_cursor}`, undefined, c)).json();
    const dueSoon = [...first.data, ...second.data].map((x: { id: string; sla: { accept: string } }) => (expect(x.sla.accept).toBe('due_soon'), x.id));
    expect(dueSoon.sort()).toEqual([...early].sort());
    expect(dueSoon).not.toContain(fresh);
    expect(dueSoon).not.toContain(accepted);
    // Tenant a's breached complaints stay out of tenant c's list.
    expect((await req('GET', '/api/v1/service/tickets?sla=breached', undefined, c)).json().data).toEqual([]);
  });
});
