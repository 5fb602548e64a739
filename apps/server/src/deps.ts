import type { FastifyBaseLogger } from 'fastify';
import type { Role } from '@hearth/contracts/auth';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import type { JobRegistry } from './jobs/registry.ts';
import type { MemberHooks } from './modules/members/member-hooks.ts';
import type { PaymentOwners } from './modules/membership/payment-owners.ts';
import type { OrderHooks } from './modules/orders/order-hooks.ts';
import type { PointsHooks } from './modules/points/rules.service.ts';
import type { SegmentConditions } from './modules/segments/conditions.ts';
import type { Permission } from './modules/access/permissions.ts';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** Everything a use case may touch, passed explicitly (no container, no globals). */
export interface AppDeps {
  db: Db;
  config: Config;
  clock: Clock;
  log: FastifyBaseLogger;
  jobs: JobRegistry;
  memberHooks: MemberHooks;
  orderHooks: OrderHooks;
  pointsHooks: PointsHooks;
  paymentOwners: PaymentOwners;
  segmentConditions: SegmentConditions;
}

export interface Actor {
  type: 'operator' | 'api_key' | 'system' | 'member';
  id: string | null;
  /** Human-readable: operator email or API key name and prefix. */
  label: string;
  role: Role | null;
  permissions: ReadonlySet<Permission>;
}

/** Who is acting, for which tenant, in which request: every service call carries one. */
export interface RequestContext {
  tenantId: string;
  actor: Actor;
  requestId: string | null;
  ip: string | null;
}
