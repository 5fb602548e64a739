import { operatorCreateSchema, operatorSchema, operatorUpdateSchema, tenantSchema, tenantUpdateSchema } from '@hearth/contracts/auth';
import { idParamsSchema, pageSchema, paginationQuerySchema, problemSchema } from '@hearth/contracts/common';
import { authenticated, type Api, type RouteContext } from '../../http/api.ts';
import { requestContext } from '../../http/auth.ts';
import { createOperatorAccount, getTenantSettings, listOperators, updateOperatorAccount, updateTenantSettings } from './operators.service.ts';

const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

export function operatorsRoutes(api: Api, { deps, auth }: RouteContext) {
  api.get(
    '/operators',
    {
      config: { permission: 'operators:manage' },
      schema: { tags: ['operators'], summary: 'Console accounts of this brand', security: authenticated, querystring: paginationQuerySchema, response: { 200: pageSchema(operatorSchema) } },
    },
    async (request) => listOperators(deps, requestContext(request), request.query),
  );

  api.post(
    '/operators',
    {
      config: { permission: 'operators:manage' },
      schema: { tags: ['operators'], summary: 'Create a console account', security: authenticated, body: operatorCreateSchema, response: { 201: operatorSchema, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await createOperatorAccount(deps, requestContext(request), request.body)),
  );

  api.patch(
    '/operators/:id',
    {
      config: { permission: 'operators:manage' },
      schema: {
        tags: ['operators'],
        summary: 'Change a console account (role, status, name, password)',
        security: authenticated,
        params: idParamsSchema,
        body: operatorUpdateSchema,
        response: { 200: operatorSchema, ...errors },
      },
    },
    async (request) => {
      const operator = await updateOperatorAccount(deps, requestContext(request), request.params.id, request.body);
      // Sessions of a changed operator were deleted; drop what this process cached of them.
      auth.invalidate();
      return operator;
    },
  );

  api.get(
    '/tenant',
    { schema: { tags: ['tenant'], summary: 'This brand: name, time zone, language', security: authenticated, response: { 200: tenantSchema } } },
    async (request) => getTenantSettings(deps, requestContext(request)),
  );

  api.patch(
    '/tenant',
    {
      config: { permission: 'tenant:manage' },
      schema: { tags: ['tenant'], summary: "Change the brand's name, time zone or language", security: authenticated, body: tenantUpdateSchema, response: { 200: tenantSchema, 400: problemSchema, 403: problemSchema } },
    },
    async (request) => updateTenantSettings(deps, requestContext(request), request.body),
  );
}

