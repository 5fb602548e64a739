// The baselines: plain Fastify with a pg pool, no Hearth machinery (no auth, tenancy hooks, validation,
// idempotency or schema serialization). Started as its own process so it gets the same CPU share as Hearth.
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const tenantId = process.env.BENCH_TENANT_ID;
const app = Fastify({ logger: false });

app.get('/bare/hello', async () => ({ hello: 'world' }));

app.get<{ Params: { id: string } }>('/bare/stores/:id', async (request, reply) => {
  const { rows } = await pool.query('select * from stores where tenant_id = $1 and id = $2 and deleted_at is null', [tenantId, request.params.id]);
  if (!rows[0]) return reply.status(404).send({ error: 'not found' });
  return rows[0];
});

app.get<{ Params: { value: string } }>('/bare/members/by-identity/:value', async (request, reply) => {
  const { rows } = await pool.query(
    `select m.* from member_identities i join members m on m.tenant_id = i.tenant_id and m.id = i.member_id
      where i.tenant_id = $1 and i.type = 'app_user_id' and i.app_id = '' and i.value = $2`,
    [tenantId, request.params.value],
  );
  if (!rows[0]) return reply.status(404).send({ error: 'not found' });
  return rows[0];
});

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('bare server ready');
