import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import { myAnswersSchema, myAttemptResultSchema, myQuizSchema, quizInputSchema, quizResultSchema, givenRewardSchema, quizSchema } from '@hearth/contracts/quizzes';
import type { AppDeps } from '../../deps.ts';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { memberSecurity, signedIn } from '../member-portal/member-auth.ts';
import { myQuiz, myQuizzes, submitAttempt } from './quiz-attempts.service.ts';
import { closeQuiz, createQuiz, getQuiz, listAttempts, listQuizRewards, listQuizzes, retryQuizReward, updateQuiz } from './quizzes.service.ts';

const tags = ['games'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

/** Quizzes (答题) for operators: questions with their answers, results. */
export function quizzesRoutes(api: Api, { deps }: RouteContext) {
  api.get('/quizzes', { config: { permission: 'games:read' }, schema: { tags, summary: 'Quizzes, newest first, with attempts, pass and reward counts', security: authenticated, querystring: paginationQuerySchema.extend({ status: z.enum(['open', 'closed']).optional() }), response: { 200: pageSchema(quizSchema), 400: problemSchema } } }, async (request) =>
    listQuizzes(deps, requestContext(request), request.query),
  );
  api.post('/quizzes', { config: { permission: 'games:manage' }, schema: { tags, summary: 'Create a quiz: single/multiple-choice questions, a window, an attempt rule, a pass score and a reward', security: authenticated, body: quizInputSchema, response: { 201: quizSchema, ...errors } } }, async (request, reply) =>
    reply.status(201).send(await createQuiz(deps, requestContext(request), request.body)),
  );
  api.get('/quizzes/:id', { config: { permission: 'games:read' }, schema: { tags, summary: 'A quiz with its right answers and stats', security: authenticated, params: idParamsSchema, response: { 200: quizSchema, 404: problemSchema } } }, async (request) => getQuiz(deps, requestContext(request), request.params.id));
  api.put('/quizzes/:id', { config: { permission: 'games:manage' }, schema: { tags, summary: 'Replace a quiz (attempts made keep their score)', security: authenticated, params: idParamsSchema, body: quizInputSchema, response: { 200: quizSchema, ...errors } } }, async (request) =>
    updateQuiz(deps, requestContext(request), request.params.id, request.body),
  );
  api.post('/quizzes/:id/close', { config: { permission: 'games:manage' }, schema: { tags, summary: 'Close a quiz now', security: authenticated, params: idParamsSchema, response: { 200: quizSchema, ...errors } } }, async (request) => closeQuiz(deps, requestContext(request), request.params.id));
  api.get(
    '/quizzes/:id/rewards',
    { config: { permission: 'games:read' }, schema: { tags, summary: 'Rewards given for passing, newest first; status=failed lists those to retry', security: authenticated, params: idParamsSchema, querystring: paginationQuerySchema.extend({ status: z.enum(['fulfilled', 'failed']).optional() }), response: { 200: pageSchema(givenRewardSchema), 400: problemSchema, 404: problemSchema } } },
    async (request) => listQuizRewards(deps, requestContext(request), request.params.id, request.query),
  );
  api.post(
    '/quizzes/:id/rewards/:memberId/retry',
    { config: { permission: 'games:manage' }, schema: { tags, summary: 'Give a failed reward again (after adding coupon stock); never twice', security: authenticated, params: idParamsSchema.extend({ memberId: z.uuid() }), response: { 200: givenRewardSchema, ...errors } } },
    async (request) => retryQuizReward(deps, requestContext(request), request.params.id, request.params.memberId),
  );
  api.get(
    '/quizzes/:id/attempts',
    { config: { permission: 'games:read' }, schema: { tags, summary: 'Results: attempts, newest first', security: authenticated, params: idParamsSchema, querystring: paginationQuerySchema.extend({ passed: z.enum(['true', 'false']).optional(), member_id: z.uuid().optional() }), response: { 200: pageSchema(quizResultSchema), 404: problemSchema } } },
    async (request) => listAttempts(deps, requestContext(request), request.params.id, { ...request.query, passed: request.query.passed === undefined ? undefined : request.query.passed === 'true' }),
  );
}

/** The member's quizzes (registered inside the member scope by the games' member routes). */
export function meQuizzesRoutes(me: Api, deps: AppDeps) {
  const memberTags = ['member center'];
  me.get('/quizzes', { schema: { tags: memberTags, summary: 'Quizzes open now (no answers), and whether I can still answer', security: memberSecurity, response: { 200: z.array(myQuizSchema) } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return myQuizzes(deps, ctx, memberId);
  });
  me.get('/quizzes/:id', { schema: { tags: memberTags, summary: 'A quiz open now', security: memberSecurity, params: idParamsSchema, response: { 200: myQuizSchema, 404: problemSchema } } }, async (request) => {
    const { ctx, memberId } = signedIn(request);
    return myQuiz(deps, ctx, memberId, request.params.id);
  });
  me.post('/quizzes/:id/attempts', { schema: { tags: memberTags, summary: 'Submit my answers: score, right or wrong per question, the reward on the first pass', security: memberSecurity, params: idParamsSchema, body: myAnswersSchema, response: { 201: myAttemptResultSchema, ...errors } } }, async (request, reply) => {
    const { ctx, memberId } = signedIn(request);
    return reply.status(201).send(await submitAttempt(deps, ctx, memberId, request.params.id, request.body.answers));
  });
}
