import type { HearthModule } from './http/api.ts';
import { accessRoutes } from './modules/access/access.routes.ts';
import { operatorsRoutes } from './modules/access/operators.routes.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { storesRoutes } from './modules/stores/stores.routes.ts';
import { jobsRoutes } from './jobs/jobs.routes.ts';
import { registerPlatformJobs } from './jobs/queue.service.ts';

/** Every module of Hearth, one line each: its routes under /api/v1 and its jobs. */
export const hearthModules: HearthModule[] = [
  { name: 'access', routes: accessRoutes },
  { name: 'operators', routes: operatorsRoutes },
  { name: 'audit', routes: auditRoutes },
  { name: 'jobs', routes: jobsRoutes, jobs: registerPlatformJobs },
  { name: 'stores', routes: storesRoutes },
];
