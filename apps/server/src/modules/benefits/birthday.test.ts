import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestTenant, type TestApp, type TestTenant } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { giveBirthdayGifts } from './benefits.jobs.ts';

describe('benefits: birthday gifts', () => {
  // 2027-03-01 09:00 in Shanghai.
  const clock = createTestClock(new Date('2027-03-01T01:00:00Z'));
  let t: TestApp;
  let a: TestTenant;
  let n = 0;
  let templateId: string;
  const req = (method: 'GET' | 'POST', url: string, payload?: object) => t.app.inject({ method, url, payload, headers: a.auth });
  const newMember = async (birthday: string | null) => {
    const [year, month, day] = birthday ? (birthday.length === 5 ? [null, ...birthday.split('-').map(Number)] : birthday.split('-').map(Number)) : [];
    const res = await req('POST', '/api/v1/members', { channel: 'store', identities: [{ type: 'store_card', value: `BD-${++n}` }], ...(birthday ? { birthday: { year, month, day } } : {}) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const coupons = async (memberId: string) => (await req('GET', `/api/v1/members/${memberId}/coupons`)).json().data.length as number;
  const points = async (memberId: string) => (await req('GET', `/api/v1/members/${memberId}/points`)).json().balance as number;
  const run = () => giveBirthdayGifts(t.deps, { tenantId: a.tenantId });

  beforeAll(async () => {
    t = await createTestApp({ clock });
    a = await createTestTenant(t.deps);
    const template = await req('POST', '/api/v1/coupon-templates', { name: '生日蛋糕券', terms: { kind: 'free_item', free_sku: 'CAKE', valid_days: 31 } });
    expect(template.statusCode, template.body).toBe(201);
    templateId = template.json().id;
  });
  afterAll(() => t.close());

  it('gives each entitled member born this month their gift once a year, across reruns, days and years', async () => {
    const cake = (await req('POST', '/api/v1/benefits', { code: 'bday-cake', name: '生日蛋糕', usage_limit: { period: 'year', uses: 1 }, config: { type: 'birthday_gift', gift: { kind: 'coupon', template_id: templateId } } })).json().id;
    const bonus = (await req('POST', '/api/v1/benefits', { code: 'bday-points', name: '生日积分', config: { type: 'birthday_gift', gift: { kind: 'points', points: 500 } } })).json().id;
    const program = await req('POST', '/api/v1/tier-programs', { name: '等级', tiers: [{ code: 'normal', name: '普通', benefit_ids: [cake] }, { code: 'gold', name: '金卡', benefit_ids: [cake, bonus] }] });
    expect(program.statusCode, program.body).toBe(201);
    const march = await newMember('1990-03-15');
    const marchGold = await newMember('03-02');
    const april = await newMember('1992-04-01');
    const unknown = await newMember(null);
    await req('POST', `/api/v1/members/${marchGold}/tier/assignments`, { program_id: program.json().id, tier_code: 'gold', until: '2029-12-31T16:00:00Z', reason: '贵宾' });

    expect(await run()).toMatchObject({ tenants: 1, given: 3, failed: 0 });
    expect([await coupons(march), await coupons(marchGold), await coupons(april), await coupons(unknown)]).toEqual([1, 1, 0, 0]);
    expect(await points(marchGold)).toBe(500);
    // The same day again: the tenant's day is done.
    expect(await run()).toMatchObject({ tenants: 0, given: 0 });
    // Later days of the month run again and give nothing twice (the gift rows and use keys hold).
    clock.set(new Date('2027-03-20T01:00:00Z'));
    await t.deps.db.deleteFrom('benefit_daily_runs').where('tenant_id', '=', a.tenantId).execute();
    const [again1, again2] = await Promise.all([run(), run()]);
    expect(again1.given + again2.given).toBe(0);
    expect([await coupons(march), await coupons(marchGold), await points(marchGold)]).toEqual([1, 1, 500]);
    // A member who registers later in the month gets it on the next day's run.
    const late = await newMember('1995-03-28');
    clock.set(new Date('2027-03-21T01:00:00Z'));
    expect((await run()).given).toBe(1);
    expect(await coupons(late)).toBe(1);
    // April: April's member; March's members nothing.
    clock.set(new Date('2027-04-01T00:30:00Z')); // 08:30 in Shanghai
    expect((await run()).given).toBe(1);
    expect([await coupons(march), await coupons(april)]).toEqual([1, 1]);
    // The next March: once more each.
    clock.set(new Date('2028-03-01T01:00:00Z'));
    expect((await run()).given).toBe(4);
    expect([await coupons(march), await coupons(marchGold), await points(marchGold)]).toEqual([2, 2, 1000]);
    const gifts = await t.deps.db.selectFrom('benefit_birthday_gifts').select(['member_id', 'year']).where('tenant_id', '=', a.tenantId).execute();
    expect(gifts.filter((g) => g.member_id === march).map((g) => g.year).sort()).toEqual([2027, 2028]);
    const uses = (await req('GET', `/api/v1/members/${marchGold}/benefit-uses`)).json().data;
    expect(uses.map((u: { use_key: string }) => u.use_key).sort()).toEqual(['birthday:2027', 'birthday:2027', 'birthday:2028', 'birthday:2028']);
  });

  it('counts the birthday month in the tenant’s zone', async () => {
    const edge = await newMember('2000-05-01');
    clock.set(new Date('2028-04-30T16:30:00Z')); // still April 30th in UTC, already May 1st (00:30) in Shanghai
    await t.deps.db.deleteFrom('benefit_daily_runs').where('tenant_id', '=', a.tenantId).execute();
    expect(await run()).toMatchObject({ given: 1, failed: 0 });
    expect(await coupons(edge)).toBe(1);
  });
});
