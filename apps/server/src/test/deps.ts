import { pino } from 'pino';
import { loadConfig, type Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { AppDeps, Clock } from '../deps.ts';
import { createJobRegistry } from '../jobs/registry.ts';
import type { Registries } from '../modules.ts';
import { createMemberHooks } from '../modules/members/member-hooks.ts';
import { createOrderHooks } from '../modules/orders/order-hooks.ts';
import { createPaymentOwners } from '../modules/membership/payment-owners.ts';
import { createPointsHooks } from '../modules/points/rules.service.ts';
import { createSegmentConditions } from '../modules/segments/conditions.ts';

/** A clock tests can move. */
export function createTestClock(start = new Date('2026-11-23T02:00:00Z')): Clock & { set(d: Date): void; advance(ms: number): void } {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    set: (d) => {
      now = d.getTime();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  // Tests send far more than a client would; the rate-limit test sets its own limit.
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', HEARTH_DEMO_DATA: 'false', HEARTH_RATE_LIMIT_PER_MINUTE: '1000000', ...overrides }, []);
}

export function createTestDeps(db: Db, options: Partial<Registries> & { clock?: Clock; config?: Config } = {}): AppDeps {
  const config = options.config ?? testConfig();
  return {
    db,
    config,
    clock: options.clock ?? { now: () => new Date() },
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    jobs: options.jobs ?? createJobRegistry(),
    memberHooks: options.memberHooks ?? createMemberHooks(),
    orderHooks: options.orderHooks ?? createOrderHooks(),
    pointsHooks: options.pointsHooks ?? createPointsHooks(),
    paymentOwners: options.paymentOwners ?? createPaymentOwners(),
    segmentConditions: options.segmentConditions ?? createSegmentConditions(),
  };
}
