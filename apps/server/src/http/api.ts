import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.ts';
import type { JobRegistry } from '../jobs/registry.ts';
import type { MemberHooks } from '../modules/members/member-hooks.ts';
import type { OrderHooks } from '../modules/orders/order-hooks.ts';
import type { PaymentOwners } from '../modules/membership/payment-owners.ts';
import type { PointsHooks } from '../modules/points/rules.service.ts';
import type { SegmentConditions } from '../modules/segments/conditions.ts';
import type { Authenticator } from './auth.ts';

/** The Fastify instance routes are declared on: zod schemas type the request and the reply. */
export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

export interface RouteContext {
  deps: AppDeps;
  auth: Authenticator;
}

/**
 * What a domain module plugs into the platform: its routes (mounted under /api/v1) and its jobs and
 * event subscriptions. modules.ts lists every module, one line each.
 */
export interface HearthModule {
  name: string;
  routes?(api: Api, context: RouteContext): void;
  jobs?(registry: JobRegistry): void;
  /** Merge handlers and member 360 sections. */
  memberHooks?(hooks: MemberHooks): void;
  /** Reactions to orders inside the order's transaction. */
  orderHooks?(hooks: OrderHooks): void;
  /** Earning multipliers (tiers, member days). */
  pointsHooks?(hooks: PointsHooks): void;
  /** Owners of provider orders: who settles a payment notification's out_trade_no. */
  paymentOwners?(owners: PaymentOwners): void;
  /** Segment conditions (compilers) and the events that re-evaluate them live. */
  segmentConditions?(conditions: SegmentConditions): void;
}

/** OpenAPI security requirement for routes that take either credential. */
export const authenticated: { [scheme: string]: string[] }[] = [{ apiKey: [] }, { session: [] }];
