import { distributionSettingsSchema } from '@hearth/contracts/distribution';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { applyAsPromoter, decidePromoter, getPromoter, recordVisit, updateDistributionSettings } from './promoters.service.ts';

/**
 * A demo two-level commission plan (5 %, coffee beans 10 %; 1 % to the recruiter), an approved promoter with a
 * recruit of their own, and a buyer who opened the promoter's link (their next order earns commission).
 */
export async function seedDemoDistribution(deps: AppDeps, ctx: RequestContext, input: { recruiterId: string; promoterId: string; buyerId: string }) {
  await updateDistributionSettings(deps, ctx, distributionSettingsSchema.parse({ levels: [{ default_bp: 500, categories: { 咖啡豆: 1000 } }, { default_bp: 100 }] }));
  await applyAsPromoter(deps, ctx, input.recruiterId, {});
  await decidePromoter(deps, ctx, input.recruiterId, 'approve');
  await applyAsPromoter(deps, ctx, input.promoterId, { recruiter_code: (await getPromoter(deps, ctx, input.recruiterId)).code });
  await decidePromoter(deps, ctx, input.promoterId, 'approve');
  await recordVisit(deps, ctx, input.buyerId, (await getPromoter(deps, ctx, input.promoterId)).code);
}
