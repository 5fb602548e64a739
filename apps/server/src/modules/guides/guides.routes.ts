import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import {
  assignInputSchema,
  guideInputSchema,
  guideLeaveSchema,
  guideMemberSchema,
  guideSchema,
  guideSettingsSchema,
  guideUpdateSchema,
  leaderboardQuerySchema,
  leaderboardSchema,
  manualTaskInputSchema,
  memberGuideSchema,
  sidebarSchema,
  taskDetailSchema,
  taskQuerySchema,
  taskRuleInputSchema,
  taskRuleSchema,
  taskRunResultSchema,
  taskMessageInputSchema,
  taskSchema,
} from '@hearth/contracts/guides';
import { jssdkSignatureInputSchema, jssdkSignaturesSchema } from '@hearth/contracts/wecom';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { jssdkSignatures, memberOfContact } from '../wecom/wecom.service.ts';
import { leaderboard } from './conversions.service.ts';
import { assignMembers, createGuide, getGuide, getMemberGuide, guideLeaves, listGuideMembers, listGuides, updateGuide } from './guides.service.ts';
import { guideSettings, saveGuideSettings } from './settings.service.ts';
import { memberSidebar } from './sidebar.service.ts';
import { createManualTask, createTaskRule, getTask, getTaskRule, listTaskRules, listTasks, runTaskRule, sendTaskMessage, setTaskDone, updateTaskRule } from './tasks.service.ts';

const tags = ['guides'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const guideQuery = paginationQuerySchema.extend({ store_id: z.uuid().optional(), status: z.enum(['active', 'left']).optional() });

/** Store guides (导购): guides and their members, task rules, tasks, conversions, the leaderboard and the sidebar. */
export function guidesRoutes(api: Api, { deps }: RouteContext) {
  const ctxOf = requestContext;
  api.get('/guides', { config: { permission: 'guides:read' }, schema: { tags, summary: 'Guides, with their member and open-task counts', security: authenticated, querystring: guideQuery, response: { 200: pageSchema(guideSchema) } } }, async (request) => listGuides(deps, ctxOf(request), request.query));
  api.post('/guides', { config: { permission: 'guides:manage' }, schema: { tags, summary: 'Make an operator a guide of a store (optionally a WeCom staff user)', security: authenticated, body: guideInputSchema, response: { 201: guideSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createGuide(deps, ctxOf(request), request.body)));
  api.get('/guides/me', { config: { permission: 'guides:work' }, schema: { tags, summary: 'The signed-in operator as a guide (404 when not a guide)', security: authenticated, response: { 200: guideSchema, 404: problemSchema } } }, async (request) => getGuide(deps, ctxOf(request), ctxOf(request).actor.id ?? ''));
  api.get('/guides/me/members', { config: { permission: 'guides:work' }, schema: { tags, summary: 'The signed-in guide’s members', security: authenticated, querystring: paginationQuerySchema, response: { 200: pageSchema(guideMemberSchema), 404: problemSchema } } }, async (request) => listGuideMembers(deps, ctxOf(request), ctxOf(request).actor.id ?? '', request.query));
  api.get('/guides/leaderboard', { config: { permission: 'guides:read' }, schema: { tags, summary: 'Per guide over the tenant’s local days: tasks done, conversions, revenue credited, new members', security: authenticated, querystring: leaderboardQuerySchema, response: { 200: leaderboardSchema, 400: problemSchema } } }, async (request) => leaderboard(deps, ctxOf(request), request.query));
  api.get('/guides/settings', { config: { permission: 'guides:read' }, schema: { tags, summary: 'Conversion window and the welcome task', security: authenticated, response: { 200: guideSettingsSchema } } }, async (request) => guideSettings(deps.db, ctxOf(request).tenantId));
  api.put('/guides/settings', { config: { permission: 'guides:manage' }, schema: { tags, summary: 'Set the conversion window and the welcome task', security: authenticated, body: guideSettingsSchema, response: { 200: guideSettingsSchema, ...errors } } }, async (request) => saveGuideSettings(deps, ctxOf(request), request.body));
  api.post('/guides/assignments', { config: { permission: 'guides:manage' }, schema: { tags, summary: 'Assign members to a guide explicitly (wins over WeCom follows and home stores), with history', security: authenticated, body: assignInputSchema, response: { 200: z.object({ assigned: z.number().int() }), ...errors } } }, async (request) => assignMembers(deps, ctxOf(request), request.body));
  api.get('/guides/:id', { config: { permission: 'guides:read' }, schema: { tags, summary: 'One guide', security: authenticated, params: idParamsSchema, response: { 200: guideSchema, 404: problemSchema } } }, async (request) => getGuide(deps, ctxOf(request), request.params.id));
  api.patch('/guides/:id', { config: { permission: 'guides:manage' }, schema: { tags, summary: 'Change a guide’s store or WeCom user id', security: authenticated, params: idParamsSchema, body: guideUpdateSchema, response: { 200: guideSchema, ...errors } } }, async (request) => updateGuide(deps, ctxOf(request), request.params.id, request.body));
  api.get('/guides/:id/members', { config: { permission: 'guides:read' }, schema: { tags, summary: 'A guide’s members', security: authenticated, params: idParamsSchema, querystring: paginationQuerySchema, response: { 200: pageSchema(guideMemberSchema), 404: problemSchema } } }, async (request) => listGuideMembers(deps, ctxOf(request), request.params.id, request.query));
  api.post('/guides/:id/leave', { config: { permission: 'guides:manage' }, schema: { tags, summary: 'A guide leaves: members and open tasks go to another guide or are shared by the store’s guides', security: authenticated, params: idParamsSchema, body: guideLeaveSchema, response: { 200: z.object({ members: z.number().int(), moved: z.number().int(), unassigned: z.number().int() }), ...errors } } }, async (request) => guideLeaves(deps, ctxOf(request), request.params.id, request.body));
  api.get('/members/:id/guide', { config: { permission: 'guides:read' }, schema: { tags, summary: 'A member’s guide and every change of guide', security: authenticated, params: idParamsSchema, response: { 200: memberGuideSchema, 404: problemSchema } } }, async (request) => getMemberGuide(deps, ctxOf(request), request.params.id));

  api.get('/guide-task-rules', { config: { permission: 'guides:read' }, schema: { tags, summary: 'Task rules: a segment, a title and a due time', security: authenticated, response: { 200: pageSchema(taskRuleSchema) } } }, async (request) => listTaskRules(deps, ctxOf(request)));
  api.post('/guide-task-rules', { config: { permission: 'guides:manage' }, schema: { tags, summary: 'Create a task rule (runs every morning and on demand)', security: authenticated, body: taskRuleInputSchema, response: { 201: taskRuleSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createTaskRule(deps, ctxOf(request), request.body)));
  api.get('/guide-task-rules/:id', { config: { permission: 'guides:read' }, schema: { tags, summary: 'One task rule', security: authenticated, params: idParamsSchema, response: { 200: taskRuleSchema, 404: problemSchema } } }, async (request) => getTaskRule(deps, ctxOf(request), request.params.id));
  api.put('/guide-task-rules/:id', { config: { permission: 'guides:manage' }, schema: { tags, summary: 'Change or pause a task rule', security: authenticated, params: idParamsSchema, body: taskRuleInputSchema, response: { 200: taskRuleSchema, ...errors } } }, async (request) => updateTaskRule(deps, ctxOf(request), request.params.id, request.body));
  api.post('/guide-task-rules/:id/run', { config: { permission: 'guides:manage' }, schema: { tags, summary: 'Run a rule now: one task per segment member, none for a member whose task of the rule is still open', security: authenticated, params: idParamsSchema, response: { 200: taskRunResultSchema, ...errors } } }, async (request) => runTaskRule(deps, ctxOf(request), request.params.id));

  api.get('/guide-tasks', { config: { permission: 'guides:work' }, schema: { tags, summary: 'Tasks, newest first (a guide sees their own)', security: authenticated, querystring: taskQuerySchema, response: { 200: pageSchema(taskSchema) } } }, async (request) => listTasks(deps, ctxOf(request), request.query));
  api.post('/guide-tasks', { config: { permission: 'guides:manage' }, schema: { tags, summary: 'A one-off task for a member’s guide', security: authenticated, body: manualTaskInputSchema, response: { 201: taskDetailSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createManualTask(deps, ctxOf(request), request.body)));
  api.get('/guide-tasks/:id', { config: { permission: 'guides:work' }, schema: { tags, summary: 'A task with who did what when and its messages', security: authenticated, params: idParamsSchema, response: { 200: taskDetailSchema, 404: problemSchema } } }, async (request) => getTask(deps, ctxOf(request), request.params.id));
  api.post('/guide-tasks/:id/done', { config: { permission: 'guides:work' }, schema: { tags, summary: 'Mark a task done (who and when are recorded)', security: authenticated, params: idParamsSchema, response: { 200: taskDetailSchema, ...errors } } }, async (request) => setTaskDone(deps, ctxOf(request), request.params.id, true));
  api.post('/guide-tasks/:id/messages', { config: { permission: 'guides:work' }, schema: { tags, summary: 'Message the member 1-to-1 through WeCom from the task’s guide (a WeCom message task the guide confirms); recorded on the task', security: authenticated, params: idParamsSchema, body: taskMessageInputSchema, response: { 201: taskDetailSchema, ...errors, 502: problemSchema } } }, async (request, reply) => reply.status(201).send(await sendTaskMessage(deps, ctxOf(request), request.params.id, request.body.text)));
  api.post('/guide-tasks/:id/undone', { config: { permission: 'guides:work' }, schema: { tags, summary: 'Reopen a task', security: authenticated, params: idParamsSchema, response: { 200: taskDetailSchema, ...errors } } }, async (request) => setTaskDone(deps, ctxOf(request), request.params.id, false));

  api.get('/guide-sidebar/:id', { config: { permission: 'guides:work' }, schema: { tags, summary: 'The guide sidebar for a member: profile (masked), tiers, points, coupons, recent orders, suggestions, open tasks (audited)', security: authenticated, params: idParamsSchema, response: { 200: sidebarSchema, 404: problemSchema } } }, async (request) => {
    const ctx = ctxOf(request);
    if (!ctx.actor.id) throw notFound('Member');
    return memberSidebar(deps, ctx, request.params.id);
  });
  // Inside WeCom the sidebar knows the chat's external contact (JS-SDK getCurExternalContact), not the member.
  api.get('/guide-sidebar/contacts/:externalUserId', { config: { permission: 'guides:work' }, schema: { tags, summary: 'The guide sidebar for the member a WeCom external contact is mapped to (404 WECOM_CONTACT_NOT_MEMBER while unmapped)', security: authenticated, params: z.object({ externalUserId: z.string().min(1).max(64) }), response: { 200: sidebarSchema, 404: problemSchema } } }, async (request) => {
    const ctx = ctxOf(request);
    const memberId = ctx.actor.id ? await memberOfContact(deps.db, ctx.tenantId, request.params.externalUserId) : null;
    if (!memberId) throw new AppError('WECOM_CONTACT_NOT_MEMBER', 'This WeCom contact is not linked to a member yet (not synced, or not registered)', { errors: [{ field: 'externalUserId', code: 'not_member', message: 'no member for this contact' }] });
    return memberSidebar(deps, ctx, memberId);
  });
  api.post('/guide-sidebar/jssdk-signatures', { config: { permission: 'guides:work' }, schema: { tags, summary: 'Signatures for the WeCom JS-SDK on the sidebar page (ww.register getConfigSignature / getAgentConfigSignature)', security: authenticated, body: jssdkSignatureInputSchema, response: { 200: jssdkSignaturesSchema, ...errors, 502: problemSchema } } }, async (request) => jssdkSignatures(deps, ctxOf(request), request.body.url));
}
