import { z } from 'zod';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import {
  availabilitySchema,
  ballotEntrySchema,
  ballotInputSchema,
  ballotSchema,
  launchInputSchema,
  launchSchema,
  memberPriceInputSchema,
  memberPriceSchema,
  quoteInputSchema,
  quoteSchema,
  reservationSchema,
  verificationSchema,
} from '@hearth/contracts/pricing';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { createBallot, drawBallot, enterBallot, getBallot, listBallots, listEntries, verification } from './ballots.service.ts';
import { availability, createLaunch, getLaunch, listLaunches, listReservations, reserveUnit } from './launches.service.ts';
import { createMemberPrice, endMemberPrice, listMemberPrices, quote } from './prices.service.ts';

const tags = ['pricing'];
const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema };
const memberBody = z.object({ member_id: z.uuid() });

export function pricingRoutes(api: Api, { deps }: RouteContext) {
  api.get('/member-prices', { config: { permission: 'pricing:read' }, schema: { tags, summary: 'Member prices (every version), by SKU', security: authenticated, querystring: z.object({ sku: z.string().max(64).optional() }), response: { 200: z.object({ data: z.array(memberPriceSchema) }) } } }, async (request) => ({ data: await listMemberPrices(deps, requestContext(request), request.query) }));
  api.post(
    '/member-prices',
    { config: { permission: 'pricing:manage' }, schema: { tags, summary: 'Set a member price for a SKU and a tier or paid plan from an instant (the same start again replaces it)', security: authenticated, body: memberPriceInputSchema, response: { 201: memberPriceSchema, ...errors } } },
    async (request, reply) => reply.status(201).send(await createMemberPrice(deps, requestContext(request), request.body)),
  );
  api.delete('/member-prices/:id', { config: { permission: 'pricing:manage' }, schema: { tags, summary: 'End a price version now (one not started yet is removed)', security: authenticated, params: idParamsSchema, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await endMemberPrice(deps, requestContext(request), request.params.id);
    return reply.status(204).send(null);
  });
  api.post(
    '/pricing/quote',
    { config: { permission: 'pricing:read' }, schema: { tags, summary: 'A member’s prices for a cart: list price, the lowest member price they are entitled to with its source, and the saving, in fen', security: authenticated, body: quoteInputSchema, response: { 200: quoteSchema, ...errors } } },
    async (request) => quote(deps, requestContext(request), request.body),
  );

  api.get('/launches', { config: { permission: 'pricing:read' }, schema: { tags, summary: 'Limited launches, newest first', security: authenticated, response: { 200: z.object({ data: z.array(launchSchema) }) } } }, async (request) => ({ data: await listLaunches(deps, requestContext(request)) }));
  api.post('/launches', { config: { permission: 'pricing:manage' }, schema: { tags, summary: 'Create a limited launch with a priority window for paid members (or given tiers/plans)', security: authenticated, body: launchInputSchema, response: { 201: launchSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createLaunch(deps, requestContext(request), request.body)));
  api.get('/launches/:id', { config: { permission: 'pricing:read' }, schema: { tags, summary: 'A launch with what is left', security: authenticated, params: idParamsSchema, response: { 200: launchSchema, 404: problemSchema } } }, async (request) => getLaunch(deps, requestContext(request), request.params.id));
  api.get(
    '/launches/:id/availability',
    { config: { permission: 'pricing:read' }, schema: { tags, summary: 'Whether a member may buy now, and from when', security: authenticated, params: idParamsSchema, querystring: memberBody, response: { 200: availabilitySchema, ...errors } } },
    async (request) => availability(deps, requestContext(request), request.params.id, request.query.member_id),
  );
  api.post(
    '/launches/:id/purchase',
    { config: { permission: 'pricing:sell' }, schema: { tags, summary: 'Reserve one unit for the member (never oversold; per-member limit); 409 LAUNCH_NOT_OPEN / LAUNCH_SOLD_OUT / LAUNCH_LIMIT_REACHED', security: authenticated, params: idParamsSchema, body: memberBody, response: { 201: reservationSchema, ...errors } } },
    async (request, reply) => reply.status(201).send(await reserveUnit(deps, requestContext(request), request.params.id, request.body.member_id)),
  );
  api.get('/launches/:id/reservations', { config: { permission: 'pricing:read' }, schema: { tags, summary: 'The launch’s reservations in order', security: authenticated, params: idParamsSchema, response: { 200: z.object({ data: z.array(reservationSchema) }), 404: problemSchema } } }, async (request) => ({ data: await listReservations(deps, requestContext(request), request.params.id) }));

  api.get('/ballots', { config: { permission: 'pricing:read' }, schema: { tags, summary: 'Scarce-product ballots, newest first', security: authenticated, response: { 200: z.object({ data: z.array(ballotSchema) }) } } }, async (request) => ({ data: await listBallots(deps, requestContext(request)) }));
  api.post('/ballots', { config: { permission: 'pricing:manage' }, schema: { tags, summary: 'Create a ballot; its seed’s SHA-256 is published at once, the seed after the draw', security: authenticated, body: ballotInputSchema, response: { 201: ballotSchema, ...errors } } }, async (request, reply) => reply.status(201).send(await createBallot(deps, requestContext(request), request.body)));
  api.get('/ballots/:id', { config: { permission: 'pricing:read' }, schema: { tags, summary: 'A ballot', security: authenticated, params: idParamsSchema, response: { 200: ballotSchema, 404: problemSchema } } }, async (request) => getBallot(deps, requestContext(request), request.params.id));
  api.post(
    '/ballots/:id/entries',
    { config: { permission: 'pricing:sell' }, schema: { tags, summary: 'Enter the member (once; again answers 200 with the entry)', security: authenticated, params: idParamsSchema, body: memberBody, response: { 201: ballotEntrySchema, 200: ballotEntrySchema, ...errors } } },
    async (request, reply) => {
      const { entry, created } = await enterBallot(deps, requestContext(request), request.params.id, request.body.member_id);
      return reply.status(created ? 201 : 200).send(entry);
    },
  );
  api.get(
    '/ballots/:id/entries',
    { config: { permission: 'pricing:read' }, schema: { tags, summary: 'Entries with their result and rank', security: authenticated, params: idParamsSchema, querystring: paginationQuerySchema.extend({ result: z.enum(['pending', 'won', 'lost']).optional(), member_id: z.uuid().optional() }), response: { 200: pageSchema(ballotEntrySchema), 404: problemSchema } } },
    async (request) => listEntries(deps, requestContext(request), request.params.id, request.query),
  );
  api.post('/ballots/:id/draw', { config: { permission: 'pricing:manage' }, schema: { tags, summary: 'Draw a closed ballot (once; again returns the result)', security: authenticated, params: idParamsSchema, response: { 200: ballotSchema, ...errors } } }, async (request) => drawBallot(deps, requestContext(request), request.params.id));
  api.get(
    '/ballots/:id/verification',
    { config: { permission: 'pricing:read' }, schema: { tags, summary: 'Seed, its hash, every entry and the algorithm: enough to recompute the draw', security: authenticated, params: idParamsSchema, response: { 200: verificationSchema, ...errors } } },
    async (request) => verification(deps, requestContext(request), request.params.id),
  );
}
