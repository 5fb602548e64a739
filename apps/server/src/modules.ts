import { registerAnalyticsConditions } from './modules/analytics/analytics.conditions.ts';
import { registerTierConditions } from './modules/tiers/tiers.conditions.ts';
import type { AppDeps } from './deps.ts';
import type { HearthModule } from './http/api.ts';
import { createJobRegistry } from './jobs/registry.ts';
import { createMemberHooks } from './modules/members/member-hooks.ts';
import { createOrderHooks } from './modules/orders/order-hooks.ts';
import { createPointsHooks } from './modules/points/rules.service.ts';
import { pointsRoutes } from './modules/points/points.routes.ts';
import { registerPointsJobs } from './modules/points/expiry.job.ts';
import { registerPointsMemberHooks, registerPointsOrderHooks } from './modules/points/points.hooks.ts';
import { tiersRoutes } from './modules/tiers/tiers.routes.ts';
import { registerTierJobs } from './modules/tiers/runs.ts';
import { registerTierMembershipJobs, registerTierMemberHooks, registerTierOrderHooks, registerTierPointsHooks } from './modules/tiers/tiers.hooks.ts';
import { accessRoutes } from './modules/access/access.routes.ts';
import { operatorsRoutes } from './modules/access/operators.routes.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { storesRoutes } from './modules/stores/stores.routes.ts';
import { registerGeofenceMemberHooks } from './modules/stores/geofences.ts';
import { membersRoutes } from './modules/members/members.routes.ts';
import { productsRoutes } from './modules/products/products.routes.ts';
import { ordersRoutes } from './modules/orders/orders.routes.ts';
import { registerOrderHooks } from './modules/orders/orders.hooks.ts';
import { registerOrderImportJob } from './modules/orders/orders.import.ts';
import { registerAfterOrdersJob } from './modules/orders/after-orders.job.ts';
import { tagsRoutes } from './modules/members/tags.routes.ts';
import { unsubscribeRoutes } from './modules/members/unsubscribe.routes.ts';
import { eventsRoutes } from './modules/members/events.routes.ts';
import { registerEventJobs } from './modules/members/events.service.ts';
import { registerMemberHooks } from './modules/members/members.hooks.ts';
import { importRoutes } from './modules/members/import.routes.ts';
import { registerImportJob } from './modules/members/import.job.ts';
import { jobsRoutes } from './jobs/jobs.routes.ts';
import { registerPlatformJobs } from './jobs/queue.service.ts';
import { membershipRoutes } from './modules/membership/membership.routes.ts';
import { membershipReportRoutes } from './modules/membership/reports.routes.ts';
import { registerMembershipJobs } from './modules/membership/membership.jobs.ts';
import { registerMembershipMemberHooks, registerMembershipPaymentOwner } from './modules/membership/membership.hooks.ts';
import { createPaymentOwners } from './modules/membership/payment-owners.ts';
import { registerMembershipConditions } from './modules/membership/membership.conditions.ts';
import { analyticsRoutes } from './modules/analytics/analytics.routes.ts';
import { registerAnalyticsJobs, registerAnalyticsMemberHooks } from './modules/analytics/analytics.jobs.ts';
import { createSegmentConditions } from './modules/segments/conditions.ts';
import { registerBuiltinConditions } from './modules/segments/conditions.builtin.ts';
import { segmentsRoutes } from './modules/segments/segments.routes.ts';
import { registerSegmentJobs, subscribeSegmentTriggers } from './modules/segments/segments.jobs.ts';
import { couponsRoutes } from './modules/coupons/coupons.routes.ts';
import { registerCouponJobs } from './modules/coupons/coupons.jobs.ts';
import { memberPortalRoutes } from './modules/member-portal/member-portal.routes.ts';
import { registerMemberPortalJobs, registerMemberPortalMemberHooks } from './modules/member-portal/member-portal.hooks.ts';
import { journeysRoutes } from './modules/journeys/journeys.routes.ts';
import { registerJourneyJobs } from './modules/journeys/journeys.jobs.ts';
import { registerJourneyMemberHooks } from './modules/journeys/journeys.hooks.ts';
import { registerCouponMemberHooks, registerCouponOrderHooks, registerCouponPointsHooks } from './modules/coupons/coupons.hooks.ts';
import { messagingRoutes } from './modules/messaging/messaging.routes.ts';
import { registerMessagingJobs } from './modules/messaging/messaging.jobs.ts';
import { registerMessagingMemberHooks } from './modules/messaging/messaging.hooks.ts';
import { partnersRoutes } from './modules/partners/partners.routes.ts';
import { registerPartnerJobs } from './modules/partners/callbacks.ts';
import { registerPartnerMemberHooks } from './modules/partners/partners.hooks.ts';
import { pricingRoutes } from './modules/pricing/pricing.routes.ts';
import { registerPricingMemberHooks } from './modules/pricing/pricing.hooks.ts';
import { registerOrderSavingsJob } from './modules/pricing/order-savings.ts';
import { benefitsRoutes } from './modules/benefits/benefits.routes.ts';
import { registerBenefitJobs } from './modules/benefits/benefits.jobs.ts';
import { gamesRoutes } from './modules/games/games.routes.ts';
import { groupsRoutes } from './modules/groups/groups.routes.ts';
import { registerGroupJobs, registerGroupMemberHooks } from './modules/groups/groups.hooks.ts';
import { registerGamesJobs, registerGamesMemberHooks } from './modules/games/games.hooks.ts';
import { guidesRoutes } from './modules/guides/guides.routes.ts';
import { registerGuideJobs, registerGuideMemberHooks, registerGuideOrderHooks } from './modules/guides/guides.hooks.ts';
import { ticketedEventsRoutes } from './modules/events/events.routes.ts';
import { registerTicketedEventJobs } from './modules/events/events.jobs.ts';
import { registerTicketedEventMemberHooks, registerTicketedEventPaymentOwner } from './modules/events/events.hooks.ts';
import { registerBenefitMemberHooks, registerBenefitOrderHooks, registerBenefitPointsHooks } from './modules/benefits/benefits.hooks.ts';
import { experienceRoutes } from './modules/experience/experience.routes.ts';
import { contentRoutes } from './modules/content/content.routes.ts';
import { registerContentJobs, registerContentMemberHooks } from './modules/content/content.hooks.ts';
import { contestsRoutes } from './modules/contests/contests.routes.ts';
import { registerContestMemberHooks } from './modules/contests/contests.hooks.ts';
import { registerExperienceJobs } from './modules/experience/experience.jobs.ts';
import { registerExperienceMemberHooks } from './modules/experience/experience.hooks.ts';
import { memberDaysRoutes } from './modules/member-days/member-days.routes.ts';
import { registerMemberDayJobs } from './modules/member-days/member-days.jobs.ts';
import { itemCodesRoutes } from './modules/item-codes/item-codes.routes.ts';
import { registerItemCodeJobs, registerItemCodeMemberHooks } from './modules/item-codes/item-codes.hooks.ts';
import { serviceRoutes } from './modules/service/service.routes.ts';
import { registerServiceJobs, registerServiceMemberHooks } from './modules/service/service.hooks.ts';
import { registerMemberDayMemberHooks, registerMemberDayPointsHooks } from './modules/member-days/member-days.hooks.ts';
import { referralsRoutes } from './modules/referrals/referrals.routes.ts';
import { recommendationsRoutes } from './modules/recommendations/recommendations.routes.ts';
import { registerRecommendationJobs } from './modules/recommendations/recommendations.jobs.ts';
import { registerReferralJobs, registerReferralMemberHooks, registerReferralOrderHooks } from './modules/referrals/referrals.hooks.ts';
import { distributionRoutes } from './modules/distribution/distribution.routes.ts';
import { registerDistributionJobs, registerDistributionMemberHooks, registerDistributionOrderHooks } from './modules/distribution/distribution.hooks.ts';
import { channelCodesRoutes } from './modules/channel-codes/channel-codes.routes.ts';
import { registerChannelCodeJobs, registerChannelCodeMemberHooks, registerChannelCodeOrderHooks } from './modules/channel-codes/channel-codes.hooks.ts';
import { wecomRoutes } from './modules/wecom/wecom.routes.ts';
import { registerWecomJobs, registerWecomMemberHooks } from './modules/wecom/wecom.hooks.ts';

/** Every module of Hearth, one line each: its routes under /api/v1 and its jobs. */
export const hearthModules: HearthModule[] = [
  { name: 'access', routes: accessRoutes },
  { name: 'operators', routes: operatorsRoutes },
  { name: 'audit', routes: auditRoutes },
  { name: 'jobs', routes: jobsRoutes, jobs: registerPlatformJobs },
  { name: 'stores', routes: storesRoutes, memberHooks: registerGeofenceMemberHooks },
  {
    name: 'members',
    routes: (api, context) => {
      membersRoutes(api, context);
      tagsRoutes(api, context);
      unsubscribeRoutes(api, context);
      eventsRoutes(api, context);
      importRoutes(api, context);
    },
    jobs: (registry) => {
      registerEventJobs(registry);
      registerImportJob(registry);
    },
    memberHooks: registerMemberHooks,
  },
  { name: 'products', routes: productsRoutes },
  { name: 'orders', routes: ordersRoutes, jobs: (registry) => {
      registerOrderImportJob(registry);
      registerAfterOrdersJob(registry);
    }, memberHooks: registerOrderHooks },
  { name: 'points', routes: pointsRoutes, jobs: registerPointsJobs, memberHooks: registerPointsMemberHooks, orderHooks: registerPointsOrderHooks },
  {
    name: 'membership',
    routes: (api, context) => {
      membershipRoutes(api, context);
      membershipReportRoutes(api, context);
    },
    jobs: registerMembershipJobs,
    memberHooks: registerMembershipMemberHooks,
    paymentOwners: registerMembershipPaymentOwner,
    segmentConditions: registerMembershipConditions,
  },
  { name: 'analytics', routes: analyticsRoutes, jobs: registerAnalyticsJobs, memberHooks: registerAnalyticsMemberHooks, segmentConditions: registerAnalyticsConditions },
  { name: 'segments', routes: segmentsRoutes, jobs: registerSegmentJobs, segmentConditions: registerBuiltinConditions },
  {
    name: 'tiers',
    routes: tiersRoutes,
    jobs: (registry) => {
      registerTierJobs(registry);
      registerTierMembershipJobs(registry);
    },
    memberHooks: registerTierMemberHooks,
    orderHooks: registerTierOrderHooks,
    pointsHooks: registerTierPointsHooks,
    segmentConditions: registerTierConditions,
  },
  { name: 'coupons', routes: couponsRoutes, jobs: registerCouponJobs, memberHooks: registerCouponMemberHooks, orderHooks: registerCouponOrderHooks, pointsHooks: registerCouponPointsHooks },
  { name: 'partners', routes: partnersRoutes, jobs: registerPartnerJobs, memberHooks: registerPartnerMemberHooks },
  { name: 'messaging', routes: messagingRoutes, jobs: registerMessagingJobs, memberHooks: registerMessagingMemberHooks },
  { name: 'member-portal', routes: memberPortalRoutes, jobs: registerMemberPortalJobs, memberHooks: registerMemberPortalMemberHooks },
  { name: 'pricing', routes: pricingRoutes, jobs: registerOrderSavingsJob, memberHooks: registerPricingMemberHooks },
  { name: 'benefits', routes: benefitsRoutes, jobs: registerBenefitJobs, memberHooks: registerBenefitMemberHooks, orderHooks: registerBenefitOrderHooks, pointsHooks: registerBenefitPointsHooks },
  { name: 'journeys', routes: journeysRoutes, jobs: registerJourneyJobs, memberHooks: registerJourneyMemberHooks },
  { name: 'games', routes: gamesRoutes, jobs: registerGamesJobs, memberHooks: registerGamesMemberHooks },
  { name: 'groups', routes: groupsRoutes, jobs: registerGroupJobs, memberHooks: registerGroupMemberHooks },
  { name: 'guides', routes: guidesRoutes, jobs: registerGuideJobs, memberHooks: registerGuideMemberHooks, orderHooks: registerGuideOrderHooks },
  { name: 'experience', routes: experienceRoutes, jobs: registerExperienceJobs, memberHooks: registerExperienceMemberHooks },
  { name: 'content', routes: contentRoutes, jobs: registerContentJobs, memberHooks: registerContentMemberHooks },
  { name: 'contests', routes: contestsRoutes, memberHooks: registerContestMemberHooks },
  { name: 'member-days', routes: memberDaysRoutes, jobs: registerMemberDayJobs, memberHooks: registerMemberDayMemberHooks, pointsHooks: registerMemberDayPointsHooks },
  { name: 'events', routes: ticketedEventsRoutes, jobs: registerTicketedEventJobs, memberHooks: registerTicketedEventMemberHooks, paymentOwners: registerTicketedEventPaymentOwner },
  { name: 'referrals', routes: referralsRoutes, jobs: registerReferralJobs, memberHooks: registerReferralMemberHooks, orderHooks: registerReferralOrderHooks },
  { name: 'distribution', routes: distributionRoutes, jobs: registerDistributionJobs, memberHooks: registerDistributionMemberHooks, orderHooks: registerDistributionOrderHooks },
  { name: 'item-codes', routes: itemCodesRoutes, jobs: registerItemCodeJobs, memberHooks: registerItemCodeMemberHooks },
  { name: 'recommendations', routes: recommendationsRoutes, jobs: registerRecommendationJobs },
  { name: 'service', routes: serviceRoutes, jobs: registerServiceJobs, memberHooks: registerServiceMemberHooks },
  { name: 'channel-codes', routes: channelCodesRoutes, jobs: registerChannelCodeJobs, memberHooks: registerChannelCodeMemberHooks, orderHooks: registerChannelCodeOrderHooks },
  { name: 'wecom', routes: wecomRoutes, jobs: registerWecomJobs, memberHooks: registerWecomMemberHooks },
];

/** The registries every process builds at start from the modules' declarations. */
export function buildRegistries(): Registries {
  const registries: Registries = { jobs: createJobRegistry(), memberHooks: createMemberHooks(), orderHooks: createOrderHooks(), pointsHooks: createPointsHooks(), paymentOwners: createPaymentOwners(), segmentConditions: createSegmentConditions() };
  for (const module of hearthModules) {
    module.jobs?.(registries.jobs);
    module.memberHooks?.(registries.memberHooks);
    module.orderHooks?.(registries.orderHooks);
    module.pointsHooks?.(registries.pointsHooks);
    module.paymentOwners?.(registries.paymentOwners);
    module.segmentConditions?.(registries.segmentConditions);
  }
  subscribeSegmentTriggers(registries.jobs, registries.segmentConditions);
  return registries;
}

export type Registries = Pick<AppDeps, 'jobs' | 'memberHooks' | 'orderHooks' | 'pointsHooks' | 'paymentOwners' | 'segmentConditions'>;
