import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import {
  checkinSchema,
  checkinSettingsSchema,
  checkinStatsSchema,
  enterResultSchema,
  entryInputSchema,
  entrySchema,
  listedEntrySchema,
  lotteryInputSchema,
  lotterySchema,
  shipInputSchema,
  verifySchema,
  winSchema,
  winStatuses,
} from '@hearth/contracts/games';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { checkIn, checkinStats, getCheckinSettings, updateCheckinSettings } from './checkin.service.ts';
import { drawLottery, verifyLottery } from './draws.service.ts';
import { enterLottery, listEntries } from './entries.service.ts';
import { quizzesRoutes } from './quizzes.routes.ts';
import { closeLottery, createLottery, getLottery, listLotteries } from './lotteries.service.ts';
import { deliverWin, getWin, listWins, retryWin, shipWin } from './wins.service.ts';

const tags = ['games'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema, 429: problemSchema };

/** Lotteries (抽奖), their entries, winners and shipping, and daily check-in (签到) for operators and integrations. */
export function gamesRoutes(api: Api, context: RouteContext) {
  const { deps } = context;
  api.get('/lotteries', { config: { permission: 'games:read' }, schema: { tags, summary: 'Lotteries, newest first, with prizes and stock', security: authenticated, querystring: z.object({ status: z.enum(['open', 'closed', 'drawn']).optional() }), response: { 200: z.object({ data: z.array(lotterySchema) }) } } }, async (request) => ({ data: await listLotteries(deps, requestContext(request), request.query) }));
  api.post(
    '/lotteries',
    { config: { permission: 'games:manage' }, schema: { tags, summary: 'Create a lottery (instant-win or scheduled draw); SHA-256 of its seed is published at once, the seed when entries close', security: authenticated, body: lotteryInputSchema, response: { 201: lotterySchema, ...errors } } },
    async (request, reply) => reply.status(201).send(await createLottery(deps, requestContext(request), request.body)),
  );
  api.get('/lotteries/:id', { config: { permission: 'games:read' }, schema: { tags, summary: 'A lottery with prizes, stock left and counts', security: authenticated, params: idParamsSchema, response: { 200: lotterySchema, 404: problemSchema } } }, async (request) => getLottery(deps, requestContext(request), request.params.id));
  api.post('/lotteries/:id/close', { config: { permission: 'games:manage' }, schema: { tags, summary: 'Close entries now (reveals an instant lottery’s seed)', security: authenticated, params: idParamsSchema, response: { 200: lotterySchema, ...errors } } }, async (request) => closeLottery(deps, requestContext(request), request.params.id));
  api.post('/lotteries/:id/draw', { config: { permission: 'games:manage' }, schema: { tags, summary: 'Draw a closed scheduled lottery (once; again returns the result); 409 LOTTERY_NOT_CLOSED', security: authenticated, params: idParamsSchema, response: { 200: lotterySchema, ...errors } } }, async (request) => drawLottery(deps, requestContext(request), request.params.id));
  api.get(
    '/lotteries/:id/verify',
    { config: { permission: 'games:read' }, schema: { tags, summary: 'The revealed seed, its hash, prizes, every entry with its prize and the algorithm: enough to recompute every outcome', security: authenticated, params: idParamsSchema, response: { 200: verifySchema, ...errors } } },
    async (request) => verifyLottery(deps, requestContext(request), request.params.id),
  );
  api.post(
    '/lotteries/:id/entries',
    { config: { permission: 'games:enter' }, schema: { tags, summary: 'Enter a member (cost in points, limits, eligibility); an instant lottery answers with the outcome', security: authenticated, params: idParamsSchema, body: entryInputSchema, response: { 201: enterResultSchema, ...errors } } },
    async (request, reply) => reply.status(201).send(await enterLottery(deps, requestContext(request), request.params.id, request.body.member_id, { device_id: request.body.device_id })),
  );
  api.get(
    '/lotteries/:id/entries',
    { config: { permission: 'games:read' }, schema: { tags, summary: 'Entries, newest first', security: authenticated, params: idParamsSchema, querystring: paginationQuerySchema.extend({ member_id: z.uuid().optional(), result: z.enum(['pending', 'won', 'lost']).optional() }), response: { 200: pageSchema(listedEntrySchema), 404: problemSchema } } },
    async (request) => listEntries(deps, requestContext(request), request.params.id, request.query),
  );

  api.get(
    '/lottery-wins',
    { config: { permission: 'games:read' }, schema: { tags, summary: 'Winners and their fulfilment or shipping status, newest first (recipient masked)', security: authenticated, querystring: paginationQuerySchema.extend({ lottery_id: z.uuid().optional(), member_id: z.uuid().optional(), status: z.enum(winStatuses).optional() }), response: { 200: pageSchema(winSchema) } } },
    async (request) => listWins(deps, requestContext(request), request.query),
  );
  api.get(
    '/lottery-wins/:id',
    { config: { permission: 'games:read' }, schema: { tags, summary: 'A win; reveal=true shows the recipient and address (needs members:read_pii; audited)', security: authenticated, params: idParamsSchema, querystring: z.object({ reveal: z.enum(['true', 'false']).optional() }), response: { 200: winSchema, ...errors } } },
    async (request) => {
      const ctx = requestContext(request);
      const reveal = request.query.reveal === 'true';
      if (reveal && !ctx.actor.permissions.has('members:read_pii')) throw new AppError('FORBIDDEN', 'Seeing the address needs members:read_pii');
      return getWin(deps, ctx, request.params.id, reveal);
    },
  );
  api.post('/lottery-wins/:id/ship', { config: { permission: 'games:manage' }, schema: { tags, summary: 'Mark a physical prize shipped with carrier and tracking number (from ready)', security: authenticated, params: idParamsSchema, body: shipInputSchema, response: { 200: winSchema, ...errors } } }, async (request) => shipWin(deps, requestContext(request), request.params.id, request.body));
  api.post('/lottery-wins/:id/deliver', { config: { permission: 'games:manage' }, schema: { tags, summary: 'Mark a shipped prize delivered', security: authenticated, params: idParamsSchema, response: { 200: winSchema, ...errors } } }, async (request) => deliverWin(deps, requestContext(request), request.params.id));
  api.post('/lottery-wins/:id/retry', { config: { permission: 'games:manage' }, schema: { tags, summary: 'Retry a failed fulfilment (coupon or partner code refused)', security: authenticated, params: idParamsSchema, response: { 200: winSchema, ...errors } } }, async (request) => retryWin(deps, requestContext(request), request.params.id));

  api.get('/checkin/settings', { config: { permission: 'games:read' }, schema: { tags, summary: 'Daily check-in settings: points per day and streak rewards', security: authenticated, response: { 200: checkinSettingsSchema } } }, async (request) => getCheckinSettings(deps.db, requestContext(request).tenantId));
  api.put('/checkin/settings', { config: { permission: 'games:manage' }, schema: { tags, summary: 'Set daily check-in points and streak rewards (e.g. day 7 → 50 points, day 30 → a coupon)', security: authenticated, body: checkinSettingsSchema, response: { 200: checkinSettingsSchema, ...errors } } }, async (request) => updateCheckinSettings(deps, requestContext(request), request.body));
  api.get('/checkin/stats', { config: { permission: 'games:read' }, schema: { tags, summary: 'Check-ins per local day, members, current streaks', security: authenticated, querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }), response: { 200: checkinStatsSchema } } }, async (request) => checkinStats(deps, requestContext(request), request.query.days));
  api.post(
    '/members/:id/checkins',
    { config: { permission: 'games:enter' }, schema: { tags, summary: 'Check a member in for today (once a day; again answers 200 with the first)', security: authenticated, params: idParamsSchema, response: { 201: checkinSchema, 200: checkinSchema, ...errors } } },
    async (request, reply) => {
      const result = await checkIn(deps, requestContext(request), request.params.id);
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );
  quizzesRoutes(api, context);
}
