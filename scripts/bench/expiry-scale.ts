import pg from 'pg';
import { openDatabase } from '../../apps/server/src/db/database.ts';
import { createJobRegistry } from '../../apps/server/src/jobs/registry.ts';
import { expireDuePoints } from '../../apps/server/src/modules/points/expiry.job.ts';
import type { Measurement } from './scenario.ts';

export interface ExpiryScaleResult {
  lots: number;
  members: number;
  baselineSeconds: number;
  expirySeconds: number;
  expiredLots: number;
  ingestAlone: number;
  ingestBeside: number;
}

const LOTS_PER_MEMBER = 10;

/**
 * Expiry at the scale: `lots` due lots over lots/10 members, written straight into the ledger
 * tables; the same rows copied into a twin table for the baseline, one plain UPDATE that zeroes them. Then
 * the real expiry (chunks of members, one transaction each, trail and postings) runs while order ingest
 * goes on beside it, and ingest's rate is compared with its rate alone.
 */
export async function measureExpiry(options: { databaseUrl: string; tenantId: string; lots: number; ingest: (seconds: number) => Promise<Measurement> }): Promise<ExpiryScaleResult> {
  const members = Math.ceil(options.lots / LOTS_PER_MEMBER);
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    const t = options.tenantId;
    await client.query('set synchronous_commit = off');
    await client.query(`create temp table gen as select g as n, gen_random_uuid() as member_id, gen_random_uuid() as txn_id from generate_series(1, $1) g`, [members]);
    await client.query(`insert into members (tenant_id, id, member_no, channel) select $1, member_id, 'EXP' || n, 'import' from gen`, [t]);
    await client.query(`insert into points_accounts (tenant_id, member_id, balance, lifetime_earned) select $1, member_id, $2, $2 from gen`, [t, LOTS_PER_MEMBER * 100]);
    await client.query(
      `insert into points_transactions (tenant_id, member_id, id, kind, points, details, actor, created_at) select $1, member_id, txn_id, 'adjust', $2, '{}', 'bench', now() - interval '2 years' from gen`,
      [t, LOTS_PER_MEMBER * 100],
    );
    await client.query(`insert into points_postings (tenant_id, member_id, txn_id, account, amount) select $1::uuid, member_id, txn_id, 'member', $2::bigint from gen union all select $1::uuid, member_id, txn_id, 'adjusted', -($2::bigint) from gen`, [t, LOTS_PER_MEMBER * 100]);
    await client.query(
      `insert into points_lots (tenant_id, member_id, id, txn_id, amount, remaining, earned_at, available_at, expires_at)
       select $1, member_id, gen_random_uuid(), txn_id, 100, 100, now() - interval '2 years', now() - interval '2 years', now() - interval '1 day' - (k || ' minutes')::interval
       from gen, generate_series(1, $2) k`,
      [t, LOTS_PER_MEMBER],
    );
    await client.query('create table bench_lots_twin (like points_lots including all)');
    await client.query('insert into bench_lots_twin select * from points_lots where tenant_id = $1', [t]);
    await client.query('vacuum analyze points_lots');
    await client.query('vacuum analyze bench_lots_twin');
    await client.query('vacuum analyze points_accounts');
    await client.query('checkpoint');

    const ingestAlone = (await options.ingest(10)).requestsPerSecond;
    // Both arms run with order ingest beside them, as the expiry runs in production.
    const beside = async <T>(work: () => Promise<T>) => {
      const rates: number[] = [];
      let running = true;
      const load = (async () => {
        while (running) rates.push((await options.ingest(5)).requestsPerSecond);
      })();
      const started = Date.now();
      const result = await work();
      const seconds = (Date.now() - started) / 1000;
      running = false;
      await load;
      return { result, seconds, rates };
    };
    const baseline = await beside(() => client.query(`update bench_lots_twin set remaining = 0 where remaining > 0 and expires_at <= now()`));
    await client.query('drop table bench_lots_twin');
    await client.query('checkpoint');

    const database = await openDatabase({ kind: 'postgres', url: options.databaseUrl, poolSize: 2, applicationName: 'hearth-bench-expiry' });
    const expiry = await beside(() => expireDuePoints({ db: database.db, clock: { now: () => new Date() }, jobs: createJobRegistry() }));
    await database.close();
    const baselineSeconds = baseline.seconds;
    const expirySeconds = expiry.seconds;
    const result = expiry.result;
    const ingestRates = expiry.rates;
    const sorted = [...ingestRates].sort((a, b) => a - b);
    return {
      lots: options.lots,
      members,
      baselineSeconds,
      expirySeconds,
      expiredLots: result.lots,
      ingestAlone,
      ingestBeside: sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0,
    };
  } finally {
    await client.end();
  }
}
