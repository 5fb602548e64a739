import { runLoad } from './load.ts';
import type { Scenario } from './scenario.ts';

/** Every benchmark target. Later issues add their scenarios to this list. */
export function scenarios(storeId: string): Scenario[] {
  return [
    {
      name: 'Authenticated read: GET /api/v1/stores/:id',
      subject: {
        label: 'Hearth GET /api/v1/stores/:id (API key, tenancy, validation, serialization, one SQL read)',
        run: (c) => runLoad({ url: `${c.hearthUrl}/api/v1/stores/${storeId}`, headers: { authorization: `Bearer ${c.apiKey}` } }),
      },
      baselines: [
        {
          label: 'bare Fastify route running the same SQL read',
          goal: 0.5,
          run: (c) => runLoad({ url: `${c.bareUrl}/bare/stores/${storeId}` }),
        },
        {
          label: 'bare Fastify hello-JSON route, no database (for information)',
          run: (c) => runLoad({ url: `${c.bareUrl}/bare/hello` }),
        },
      ],
      notes:
        'The subject pays for everything a real request does: bearer-key check (cached per process for ' +
        'HEARTH_AUTH_CACHE_SECONDS), permission check, rate limit, zod validation of the id, the tenant-scoped ' +
        'query, response validation and serialization, request id. The bare route runs the same query on a pool ' +
        'of the same size.',
    },
  ];
}
