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

// The redemption baseline's conditional debit behind HTTP: how much of pgbench's rate any HTTP service
// reaches here, whatever it does.
app.post<{ Body: { member_id: string; points: number } }>('/bare/debit', async (request, reply) => {
  const { rowCount } = await pool.query(
    'update points_accounts set balance = balance - $3, lifetime_spent = lifetime_spent + $3, updated_at = now() where tenant_id = $1 and member_id = $2 and balance >= $3',
    [tenantId, request.body.member_id, request.body.points],
  );
  return rowCount ? { ok: true } : reply.status(422).send({ error: 'insufficient' });
});

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('bare server ready');
