import { z } from 'zod';
import { idParamsSchema, problemSchema } from '@hearth/contracts/common';
import { recommendationRunSchema, recommendationSettingsSchema, recommendationsQuerySchema, recommendationsSchema } from '@hearth/contracts/recommendations';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { memberScope, memberSecurity, signedIn } from '../member-portal/member-auth.ts';
import { getRecommendations } from './recommend.service.ts';
import { computeRecommendationStats, findLastRun, getRecommendationSettings, updateRecommendationSettings } from './stats.service.ts';

const tags = ['recommendations'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema };

/** Product recommendations (商品推荐): settings, the statistics run, and a member's list for operators and the member. */
export function recommendationsRoutes(api: Api, { deps }: RouteContext) {
  api.get('/recommendations/settings', { config: { permission: 'recommendations:read' }, schema: { tags, summary: 'Recommendation settings: lookback, minimum support, exclusion window', security: authenticated, response: { 200: recommendationSettingsSchema } } }, async (request) => getRecommendationSettings(deps.db, requestContext(request).tenantId));
  api.put('/recommendations/settings', { config: { permission: 'recommendations:manage' }, schema: { tags, summary: 'Set the recommendation settings (used from the next run)', security: authenticated, body: recommendationSettingsSchema, response: { 200: recommendationSettingsSchema, ...errors } } }, async (request) => updateRecommendationSettings(deps, requestContext(request), request.body));
  api.get('/recommendations/runs/last', { config: { permission: 'recommendations:read' }, schema: { tags, summary: 'When the co-purchase statistics were last built, and over which window', security: authenticated, response: { 200: recommendationRunSchema.nullable() } } }, async (request) => (await findLastRun(deps.db, requestContext(request).tenantId)) ?? null);
  api.post('/recommendations/runs', { config: { permission: 'recommendations:manage' }, schema: { tags, summary: 'Rebuild the co-purchase statistics now (the nightly job does it at 04:40 Shanghai time)', security: authenticated, response: { 200: recommendationRunSchema } } }, async (request) => computeRecommendationStats(deps, requestContext(request).tenantId));
  api.get(
    '/members/:id/recommendations',
    { config: { permission: 'recommendations:read' }, schema: { tags, summary: 'Products for a member: complementary (other categories) and upgrades (same category, higher price tier)', security: authenticated, params: idParamsSchema, querystring: recommendationsQuerySchema, response: { 200: recommendationsSchema, ...errors } } },
    async (request) => getRecommendations(deps, requestContext(request), request.params.id, request.query.limit),
  );

  api.register(
    async (me) => {
      memberScope(me, deps);
      (me as unknown as Api).get('/recommendations', { schema: { tags: ['member center'], summary: 'Products picked for me', security: memberSecurity, querystring: recommendationsQuerySchema, response: { 200: recommendationsSchema, 401: problemSchema } } }, async (request) => {
        const { ctx, memberId } = signedIn(request);
        return getRecommendations(deps, ctx, memberId, (request.query as z.infer<typeof recommendationsQuerySchema>).limit);
      });
    },
    { prefix: '/me' },
  );
}
