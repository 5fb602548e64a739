import { z } from 'zod';
import { idParamsSchema, problemSchema } from '@hearth/contracts/common';
import { addressInputSchema, checkinSchema, enterResultSchema, lotterySchema, myCheckinSchema, myEntryInputSchema, verifySchema, winSchema } from '@hearth/contracts/games';
import type { AppDeps } from '../../deps.ts';
import type { Api } from '../../http/api.ts';
import { memberSecurity, signedIn } from '../member-portal/member-auth.ts';
import { checkIn, myCheckin } from './checkin.service.ts';
import { verifyLottery } from './draws.service.ts';
import { enterLottery } from './entries.service.ts';
import { getLottery, listLotteries } from './lotteries.service.ts';
import { meQuizzesRoutes } from './quizzes.routes.ts';
import { memberWins, setWinAddress } from './wins.service.ts';

const tags = ['member center'];
const errors = { 400: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema, 429: problemSchema };

/** The member's lucky draws, prizes and daily check-in (registered inside the member scope). */
export function meGamesRoutes(me: Api, deps: AppDeps) {
  me.get('/lotteries', { schema: { tags, summary: 'Lotteries open now', security: memberSecurity, response: { 200: z.array(lotterySchema) } } }, async (request) => {
    const { ctx } = signedIn(request);
    const now = deps.clock.now();
    return (await listLotteries(deps, ctx, { status: 'open' })).filter((l) => Date.parse(l.starts_at) <= now.getTime() && now.getTime() < Date.parse(l.ends_at));
  });
  me.get('/lotteries/:id', { schema: { tags, summary: 'A lottery with its prizes', security: memberSecurity, params: idParamsSchema, response: { 200: lotterySchema, 404: problemSchema } } }, async (request) => getLottery(deps, signedIn(request).ctx, request.params.id));
  me.post('/lotteries/:id/entries', { schema: { tags, summary: 'Enter (pays the points cost); an instant lottery answers with the prize or none', security: memberSecurity, params: idParamsSchema, body: myEntryInputSchema, response: { 201: enterResultSchema, ...errors } } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    return reply.status(201).send(await enterLottery(deps, ctx, request.params.id, memberId, { device_id: request.body.device_id ?? deviceOf(request.headers['x-device-id']) }));
  });
  me.get('/lotteries/:id/verify', { schema: { tags, summary: 'Check the draw: revealed seed, its hash and every entry', security: memberSecurity, params: idParamsSchema, response: { 200: verifySchema, ...errors } } }, async (request) => verifyLottery(deps, signedIn(request).ctx, request.params.id));
  me.get('/lottery-wins', { schema: { tags, summary: 'My prizes', security: memberSecurity, response: { 200: z.array(winSchema) } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return memberWins(deps.db, ctx.tenantId, memberId, false);
  });
  me.put('/lottery-wins/:id/address', { schema: { tags, summary: 'Where to send a physical prize (until it ships)', security: memberSecurity, params: idParamsSchema, body: addressInputSchema, response: { 200: winSchema, ...errors } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return setWinAddress(deps, ctx, memberId, request.params.id, request.body);
  });
  me.get('/checkin', { schema: { tags, summary: 'My daily check-in: today, streak, this month', security: memberSecurity, response: { 200: myCheckinSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return myCheckin(deps, ctx, memberId);
  });
  me.post('/checkin', { schema: { tags, summary: 'Check in for today (again the same day answers 200 with the first)', security: memberSecurity, response: { 201: checkinSchema, 200: checkinSchema, ...errors } } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    const result = await checkIn(deps, ctx, memberId);
    return reply.status(result.created ? 201 : 200).send(result);
  });
  meQuizzesRoutes(me, deps);
}

const deviceOf = (header: string | string[] | undefined) => (typeof header === 'string' && header.trim() ? header.trim().slice(0, 100) : undefined);
