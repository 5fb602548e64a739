import type { HearthModule } from './http/api.ts';
import { createJobRegistry, type JobRegistry } from './jobs/registry.ts';
import { createMemberHooks, type MemberHooks } from './modules/members/member-hooks.ts';
import { accessRoutes } from './modules/access/access.routes.ts';
import { operatorsRoutes } from './modules/access/operators.routes.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { storesRoutes } from './modules/stores/stores.routes.ts';
import { membersRoutes } from './modules/members/members.routes.ts';
import { productsRoutes } from './modules/products/products.routes.ts';
import { ordersRoutes } from './modules/orders/orders.routes.ts';
import { registerOrderHooks } from './modules/orders/orders.hooks.ts';
import { tagsRoutes } from './modules/members/tags.routes.ts';
import { unsubscribeRoutes } from './modules/members/unsubscribe.routes.ts';
import { eventsRoutes } from './modules/members/events.routes.ts';
import { registerEventJobs } from './modules/members/events.service.ts';
import { registerMemberHooks } from './modules/members/members.hooks.ts';
import { importRoutes } from './modules/members/import.routes.ts';
import { registerImportJob } from './modules/members/import.job.ts';
import { jobsRoutes } from './jobs/jobs.routes.ts';
import { registerPlatformJobs } from './jobs/queue.service.ts';

/** Every module of Hearth, one line each: its routes under /api/v1 and its jobs. */
export const hearthModules: HearthModule[] = [
  { name: 'access', routes: accessRoutes },
  { name: 'operators', routes: operatorsRoutes },
  { name: 'audit', routes: auditRoutes },
  { name: 'jobs', routes: jobsRoutes, jobs: registerPlatformJobs },
  { name: 'stores', routes: storesRoutes },
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
  { name: 'orders', routes: ordersRoutes, memberHooks: registerOrderHooks },
];

/** The registries every process builds at start from the modules' declarations. */
export function buildRegistries(): { jobs: JobRegistry; memberHooks: MemberHooks } {
  const jobs = createJobRegistry();
  const memberHooks = createMemberHooks();
  for (const module of hearthModules) {
    module.jobs?.(jobs);
    module.memberHooks?.(memberHooks);
  }
  return { jobs, memberHooks };
}
