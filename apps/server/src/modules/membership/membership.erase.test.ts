import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';

describe('paid membership and erasure', () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestTenant(t.deps);
  });
  afterAll(() => t.close());

  it('forgets the payer openid of an erased member and keeps the payment', async () => {
    const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, payload, headers: a.auth });
    const plan = (await post('/api/v1/membership/plans', { name: '付费会员年卡', price_fen: 9900, period: 'year' })).json();
    const member = (await post('/api/v1/members', { channel: 'mini_program', identities: [{ type: 'store_card', value: 'ERASE-PAY' }] })).json();
    await sql`insert into membership_payments (tenant_id, member_id, id, out_trade_no, plan_id, kind, provider, amount_fen, status, payer_openid)
      values (${a.tenantId}, ${member.id}, ${uuidv7()}, 'HM-ERASE-1', ${plan.id}, 'purchase', 'wechat', 9900, 'closed', 'o-openid-of-the-payer')`.execute(t.deps.db);
    expect((await post(`/api/v1/members/${member.id}/erase`, { reason: '会员申请注销' })).statusCode).toBe(200);
    const { rows } = await sql<{ payer_openid: string | null; amount_fen: number }>`select payer_openid, amount_fen from membership_payments where tenant_id = ${a.tenantId} and member_id = ${member.id}`.execute(t.deps.db);
    expect(rows).toEqual([{ payer_openid: null, amount_fen: 9900 }]);
  });
});
