import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '@hearth/contracts/segments';
import { AppError } from '../../http/errors.ts';
import { createWorker } from '../../jobs/runner.ts';
import { createTestApp, createTestTenant, type TestApp } from '../../test/app.ts';
import { createTestClock } from '../../test/deps.ts';
import { defineCustomField } from '../members/custom-fields.ts';
import { trackEvents } from '../members/events.service.ts';
import { updateMember } from '../members/members.service.ts';
import { mergeMembers } from '../members/merge.service.ts';
import { setConsent } from '../members/privacy.service.ts';
import { createTag, createTagGroup, tagMembers } from '../members/tags.service.ts';
import { refundOrder } from '../orders/refunds.service.ts';
import { adjustPoints } from '../points/points.service.ts';
import { upsertProducts } from '../products/products.service.ts';
import { matchingMembers, scopeFor } from './compile.ts';
import { member, order } from './fixtures.test-helpers.ts';
import { refreshLifecycle } from './lifecycle.service.ts';
import { recomputeSegment } from './membership.ts';
import { sweep } from './segments.jobs.ts';
import { createSegment } from './segments.service.ts';

const DAY = 86_400_000;

const operation = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('order' as const), member: fc.nat(9), fen: fc.integer({ min: 100, max: 30000 }), daysAgo: fc.integer({ min: 0, max: 60 }), sku: fc.constantFrom('P1', 'P2') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('refund' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('event' as const), member: fc.nat(9), type: fc.constantFrom('page_view', 'share'), page: fc.constantFrom('home', 'cart'), daysAgo: fc.integer({ min: 0, max: 20 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('tag' as const), member: fc.nat(9), action: fc.constantFrom('add' as const, 'remove' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('consent' as const), member: fc.nat(9), granted: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('points' as const), member: fc.nat(9), points: fc.integer({ min: -150, max: 300 }).filter((p) => p !== 0) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('profile' as const), member: fc.nat(9), city: fc.constantFrom('上海', '北京', null), vip: fc.option(fc.integer({ min: 0, max: 3 })) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('register' as const), city: fc.constantFrom('上海', '北京') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('merge' as const), a: fc.nat(9), b: fc.nat(9) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 40 }) }) },
);

describe('live segment membership', () => {
  const clock = createTestClock(new Date('2026-06-01T04:00:00Z'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  it('equals a full recompute after any sequence of orders, refunds, events, tags, consent, points, profile changes, merges and time (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 5, maxLength: 30 }), async (ops) => {
        const { deps } = t;
        const tenant = await createTestTenant(deps);
        const ctx = tenant.ctx;
        const worker = createWorker(deps);
        await upsertProducts(deps, ctx, [
          { sku: 'P1', name: '拿铁', category_path: ['饮品'], list_price_fen: 100, member_only: false, tags: [], status: 'active' },
          { sku: 'P2', name: '薯片', category_path: ['零食'], list_price_fen: 100, member_only: false, tags: [], status: 'active' },
        ]);
        await defineCustomField(deps, ctx, { key: 'vip_level', label: '等级', type: 'number' });
        const group = await createTagGroup(deps, ctx, '标签');
        const T1 = (await createTag(deps, ctx, { group_id: group.id, name: '手工' })).id;
        const T2 = (await createTag(deps, ctx, { group_id: group.id, name: '买过' })).id;
        const members: string[] = [];
        for (let i = 0; i < 4; i++) members.push((await member(deps, ctx, { city: i % 2 ? '上海' : '北京', registered_at: new Date(clock.now().getTime() - i * 20 * DAY).toISOString() })).id);

        const rules: Rule[] = [
          { type: 'orders', metric: 'count', compare: { op: 'gte', value: 2 } },
          { type: 'orders', metric: 'amount_fen', window: { last_days: 30 }, compare: { op: 'gte', value: 20000 } },
          { type: 'event', event_type: 'page_view', properties: [{ key: 'page', op: 'eq', value: 'cart' }], compare: { op: 'gte', value: 2 } },
          { op: 'and', rules: [{ type: 'tags', op: 'any', tag_ids: [T1] }, { op: 'not', rule: { type: 'consent', channel: 'sms', granted: true } }] },
          { type: 'points_balance', compare: { op: 'gte', value: 100 } },
          { op: 'or', rules: [{ type: 'profile', field: 'city', op: 'eq', value: '上海' }, { type: 'custom_field', key: 'vip_level', op: 'gt', value: 1 }] },
          { type: 'last_order', days_ago: { op: 'gte', value: 30 }, include_never: true },
          { type: 'lifecycle', stages: ['at_risk', 'dormant', 'won_back'] },
          { type: 'tags', op: 'any', tag_ids: [T2] },
          { op: 'not', rule: { type: 'purchased', categories: ['零食'], window: { last_days: 14 }, bought: true } },
          { type: 'event', event_type: 'share', window: { last_days: 7 }, compare: { op: 'eq', value: 0 } },
        ];
        const segments: string[] = [];
        for (const [i, rule] of rules.entries()) segments.push((await createSegment(deps, ctx, { name: `人群${i}`, kind: 'dynamic', rule })).id);
        // A segment that writes T2, which segment 8 selects on: membership cascades through the outbox.
        segments.push((await createSegment(deps, ctx, { name: '写标签', kind: 'dynamic', rule: { type: 'orders', metric: 'count', compare: { op: 'gte', value: 1 } }, writes_tag_id: T2 })).id);
        await worker.drain();

        const orders: string[] = [];
        const pick = (n: number) => members[n % members.length]!;
        let n = 0;
        const expected = (error: unknown) => {
          if (!(error instanceof AppError) || error.status >= 500) throw error;
        };
        for (const op of ops) {
          n += 1;
          switch (op.op) {
            case 'order':
              await order(deps, ctx, pick(op.member), op.fen, op.daysAgo, { sku: op.sku })
                .then((o) => orders.push(o.id))
                .catch(expected);
              break;
            case 'refund':
              if (orders.length) await refundOrder(deps, ctx, orders[op.pick % orders.length]!, { external_refund_id: `R${n}`, amount_fen: 100 }).catch(expected);
              break;
            case 'event':
              await trackEvents(deps, ctx, [{ client_event_id: `e${n}`, type: op.type, occurred_at: new Date(clock.now().getTime() - op.daysAgo * DAY).toISOString(), member_id: pick(op.member), properties: { page: op.page } }]).catch(expected);
              break;
            case 'tag':
              await tagMembers(deps, ctx, { tag_id: T1, action: op.action, member_ids: [pick(op.member)] }).catch(expected);
              break;
            case 'consent':
              await setConsent(deps, ctx, pick(op.member), { channel: 'sms', granted: op.granted, source: 'test', wording_version: 'v1' }).catch(expected);
              break;
            case 'points':
              await adjustPoints(deps, ctx, pick(op.member), { points: op.points, reason: '测试调整' }).catch(expected);
              break;
            case 'profile':
              await updateMember(deps, ctx, pick(op.member), { city: op.city, custom_fields: { vip_level: op.vip } }).catch(expected);
              break;
            case 'register':
              members.push((await member(deps, ctx, { city: op.city })).id);
              break;
            case 'merge':
              if (pick(op.a) !== pick(op.b)) await mergeMembers(deps, ctx, pick(op.a), pick(op.b), 'same person').catch(expected);
              break;
            case 'advance':
              clock.advance(op.days * DAY);
              // What the hourly cron does: time-based conditions and lifecycle stages.
              await sweep(deps, { tenantId: tenant.tenantId });
              break;
          }
          await worker.drain();
        }

        const failed = await deps.db.selectFrom('jobs').select(['name', 'last_error']).where('tenant_id', '=', tenant.tenantId).where('last_error', 'is not', null).execute();
        expect(failed).toEqual([]);
        const moved = await deps.db.transaction().execute((trx) => refreshLifecycle(trx, tenant.tenantId, clock.now()));
        expect(moved, 'lifecycle stages kept live').toEqual([]);
        const scope = await scopeFor(deps.db, tenant.tenantId, clock.now());
        for (const [i, segmentId] of segments.entries()) {
          const rule = i < rules.length ? rules[i]! : ({ type: 'orders', metric: 'count', compare: { op: 'gte', value: 1 } } as Rule);
          const truth = (await sql<{ id: string }>`${matchingMembers(deps.segmentConditions, rule, scope)}`.execute(deps.db)).rows.map((r) => r.id).sort();
          const live = (await deps.db.selectFrom('segment_members').select('member_id').where('tenant_id', '=', tenant.tenantId).where('segment_id', '=', segmentId).execute()).map((r) => r.member_id).sort();
          expect(live, `segment ${i}: ${JSON.stringify(rule)}`).toEqual(truth);
          expect(await recomputeSegment(deps, tenant.tenantId, segmentId)).toMatchObject({ entered: 0, exited: 0 });
          // The history ends in "entered" exactly for the current members.
          const last = await sql<{ member_id: string; action: string }>`
            select distinct on (member_id) member_id, action from segment_membership_history
            where tenant_id = ${tenant.tenantId} and segment_id = ${segmentId} order by member_id, id desc`.execute(deps.db);
          expect(last.rows.filter((r) => r.action === 'entered').map((r) => r.member_id).sort()).toEqual(truth);
        }
        const tagged = (await deps.db.selectFrom('member_tags').select('member_id').where('tenant_id', '=', tenant.tenantId).where('tag_id', '=', T2).execute()).map((r) => r.member_id).sort();
        const writer = (await deps.db.selectFrom('segment_members').select('member_id').where('tenant_id', '=', tenant.tenantId).where('segment_id', '=', segments[segments.length - 1]!).execute()).map((r) => r.member_id).sort();
        expect(tagged, 'the written tag follows its segment').toEqual(writer);
      }),
      { numRuns: Number(process.env.SEGMENTS_PROPERTY_RUNS ?? 12) },
    );
  }, 600_000);
});
