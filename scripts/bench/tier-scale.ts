import pg from 'pg';
import { pino } from 'pino';
import { loadConfig } from '../../apps/server/src/config.ts';
import { openDatabase } from '../../apps/server/src/db/database.ts';
import { systemClock, type AppDeps } from '../../apps/server/src/deps.ts';
import { createJobRegistry } from '../../apps/server/src/jobs/registry.ts';
import { createMemberHooks } from '../../apps/server/src/modules/members/member-hooks.ts';
import { createOrderHooks } from '../../apps/server/src/modules/orders/order-hooks.ts';
import { createPaymentOwners } from '../../apps/server/src/modules/membership/payment-owners.ts';
import { createPointsHooks } from '../../apps/server/src/modules/points/rules.service.ts';
import { createSegmentConditions } from '../../apps/server/src/modules/segments/conditions.ts';
import { createTenant } from '../../apps/server/src/modules/access/access.service.ts';
import { runEvaluation } from '../../apps/server/src/modules/tiers/runs.ts';
import { createProgram } from '../../apps/server/src/modules/tiers/tiers.service.ts';
import { systemContext } from '../../apps/server/src/seed/bulk.ts';
import { generateData } from '../../apps/server/src/seed/generate.ts';
import type { ReportSection } from './report.ts';

export interface TierScaleResult {
  members: number;
  orders: number;
  baselineSeconds: number;
  evaluationSeconds: number;
  counts: Record<string, number>;
}

const spend = (fen: number) => ({ metric: 'spend_fen' as const, op: 'gte' as const, value: fen, window: { kind: 'calendar_year' as const } });

/**
 * Full re-evaluation at scale: `members` members and ten orders each from the seed generator in a tenant of
 * its own, a four-tier ladder whose rules use spend, orders, visit days and recency over the calendar year
 * and 12 rolling months. Baseline: the bare SQL GROUP BY computing the same metrics for every member into a
 * temporary table. Subject: the evaluation run (chunks of members, each one transaction that locks their
 * tier rows, decides, writes tiers, history and events and advances the run). Both as of the same instant.
 */
export async function measureTiers(options: { databaseUrl: string; members: number }): Promise<TierScaleResult> {
  const orders = options.members * 10;
  const config = loadConfig({ DATABASE_URL: options.databaseUrl, LOG_LEVEL: 'warn', HEARTH_DEMO_DATA: 'false' }, []);
  const database = await openDatabase({ kind: 'postgres', url: options.databaseUrl, poolSize: 4, applicationName: 'hearth-bench-tiers' });
  const deps: AppDeps = { db: database.db, config, clock: systemClock, log: pino({ level: 'warn' }), jobs: createJobRegistry(), memberHooks: createMemberHooks(), orderHooks: createOrderHooks(), pointsHooks: createPointsHooks(), paymentOwners: createPaymentOwners(), segmentConditions: createSegmentConditions() };
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    const { tenant } = await createTenant(deps.db, { slug: 'tierbench', name: '等级压测', owner: { email: 'owner@tierbench.test', name: '压测', password: 'bench-password-1' } });
    const started = Date.now();
    await generateData(deps, { tenant: 'tierbench', members: options.members, orders, seed: 'tiers', concurrency: 3 });
    console.log(`  generated ${options.members} members and ${orders} orders in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const program = await createProgram(deps, systemContext(tenant.id, 'bench'), {
      name: '压测等级',
      status: 'active',
      evaluation: 'yearly',
      downgrade_policy: 'one_level',
      grace_days: 0,
      notice_days: 30,
      tiers: ['normal', 'silver', 'gold', 'platinum'].map((code) => ({ code, name: code, color: '#8c8c8c', icon: null, earning_multiplier: 1, benefits: [] })),
      rules: {
        tiers: [
          { code: 'silver', qualify: { op: 'all', items: [spend(50_000)] }, retain: null },
          {
            code: 'gold',
            qualify: { op: 'any', items: [spend(150_000), { op: 'all', items: [{ metric: 'visit_days', op: 'gte', value: 6, window: { kind: 'calendar_year' } }, { metric: 'days_since_last_purchase', op: 'lte', value: 60, window: { kind: 'rolling_months', months: 12 } }] }] },
            retain: { op: 'all', items: [{ metric: 'spend_fen', op: 'gte', value: 80_000, window: { kind: 'rolling_months', months: 12 } }] },
          },
          { code: 'platinum', qualify: { op: 'all', items: [spend(400_000), { metric: 'orders', op: 'gte', value: 8, window: { kind: 'calendar_year' } }] }, retain: null },
        ],
      },
    });
    await client.query('vacuum analyze orders');
    await client.query('checkpoint');
    const asOf = new Date();
    const yearStart = new Date(`${asOf.getUTCFullYear()}-01-01T00:00:00+08:00`);
    const rollingStart = new Date(asOf);
    rollingStart.setUTCMonth(rollingStart.getUTCMonth() - 12);

    let t0 = Date.now();
    await client.query(
      `create temp table bench_tier_metrics as
       select member_id,
         sum(total_paid_fen - refunded_fen) filter (where occurred_at >= $2) as spend,
         count(*) filter (where occurred_at >= $2 and status <> 'refunded') as orders,
         count(distinct (occurred_at at time zone 'Asia/Shanghai')::date) filter (where occurred_at >= $2 and status <> 'refunded') as days,
         ($4::timestamptz at time zone 'Asia/Shanghai')::date - max((occurred_at at time zone 'Asia/Shanghai')::date) filter (where status <> 'refunded') as recency,
         sum(total_paid_fen - refunded_fen) as rolling_spend
       from orders where tenant_id = $1 and member_id is not null and occurred_at >= least($2, $3) and occurred_at < $4
       group by member_id`,
      [tenant.id, yearStart, rollingStart, asOf],
    );
    const baselineSeconds = (Date.now() - t0) / 1000;
    await client.query('drop table bench_tier_metrics');
    await client.query('checkpoint');

    t0 = Date.now();
    const run = await runEvaluation(deps, tenant.id, program.id, 'manual', asOf, { chunkSize: Number(process.env.BENCH_TIER_CHUNK ?? 5000) });
    const evaluationSeconds = (Date.now() - t0) / 1000;
    return { members: options.members, orders, baselineSeconds, evaluationSeconds, counts: (run?.counts ?? {}) as Record<string, number> };
  } finally {
    await client.end();
    await database.close();
  }
}

export function tierSection(r: TierScaleResult): ReportSection {
  const ratio = r.evaluationSeconds / r.baselineSeconds;
  return {
    id: 'tier-scale',
    markdown: `## Tier re-evaluation at scale

${r.members.toLocaleString('en')} members with ${r.orders.toLocaleString('en')} orders from the seed generator (\`BENCH_TIER_MEMBERS\`), a
four-tier ladder whose rules use spend, orders, visit days and recency over the calendar year and 12 rolling months.
Baseline: the bare SQL \`GROUP BY\` computing the same metrics for every member into a temporary table. Subject: a
full evaluation run (the same aggregate into a temporary table, then chunks of members, each one transaction that
locks their tier rows, decides in one statement, writes tiers, history and events and advances the run's cursor).
Both as of the same instant, one run each.

| members | orders | bare GROUP BY | evaluation | ratio | goal | outcomes |
| ---: | ---: | ---: | ---: | ---: | ---: | --- |
| ${r.members} | ${r.orders} | ${r.baselineSeconds.toFixed(1)} s | ${r.evaluationSeconds.toFixed(1)} s | **${ratio.toFixed(2)}** | ≤ 2 ${ratio <= 2 ? '(met)' : '(**not met**)'} | ${Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(', ')} |
`,
  };
}
