import type { JobRegistry } from '../../jobs/registry.ts';
import { computeRecommendationStats } from './stats.service.ts';

export const NIGHTLY_JOB = 'recommendations.nightly';

/**
 * Every active tenant's statistics, one transaction per tenant (a failure leaves the others' new statistics
 * and its own old ones); a rerun rebuilds from the orders, so a retry is safe.
 */
export function registerRecommendationJobs(registry: JobRegistry) {
  registry.define({
    name: NIGHTLY_JOB,
    transactional: false,
    maxAttempts: 3,
    handler: async ({ deps }) => {
      const tenants = await deps.db.selectFrom('tenants').select('id').where('status', '=', 'active').execute();
      for (const tenant of tenants) await computeRecommendationStats(deps, tenant.id);
      return { tenants: tenants.length };
    },
  });
  // Before dawn in China, when the shops are shut and after the analytics runs.
  registry.schedule(NIGHTLY_JOB, '40 4 * * *', { timeZone: 'Asia/Shanghai' });
}
