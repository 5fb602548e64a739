/**
 * The figures of docs/recommendations.md: `npm run -s recs:eval` builds a throw-away in-memory database,
 * loads purchase histories with planted patterns and the generated demo data, and prints hit rate at 10 of
 * the recommendations and of the popularity baseline in a time-based holdout (statistics from the orders
 * before the cut, hits among the SKUs each member bought for the first time in the 30 days after it).
 * Uses the same statistics and ranking code as the nightly job and the API.
 */
import { pino } from 'pino';
import { loadConfig } from '../apps/server/src/config.ts';
import { openDatabase } from '../apps/server/src/db/database.ts';
import { migrate } from '../apps/server/src/db/migrator.ts';
import type { AppDeps } from '../apps/server/src/deps.ts';
import { buildRegistries } from '../apps/server/src/modules.ts';
import { createTenant } from '../apps/server/src/modules/access/access.service.ts';
import { evaluateHoldout, type HoldoutResult } from '../apps/server/src/modules/recommendations/evaluate.ts';
import { generateData } from '../apps/server/src/seed/generate.ts';
import { plantBaskets } from '../apps/server/src/seed/planted-baskets.ts';

const DAY_MS = 86_400_000;
const database = await openDatabase({ kind: 'pglite' });
try {
  await migrate(database.db);
  const config = loadConfig({ LOG_LEVEL: 'silent' }, []);
  // The generator writes orders over the two years before today: the cut is 30 days ago.
  const now = new Date();
  const deps: AppDeps = { db: database.db, config, clock: { now: () => now }, log: pino({ level: 'silent' }), ...buildRegistries() };
  const rows: string[] = ['| data | members evaluated | recommendations HR@10 | popularity HR@10 |', '| --- | ---: | ---: | ---: |'];
  const row = (label: string, r: HoldoutResult) => console.log(`| ${label} | ${r.members} | ${(r.hit_rate_bp / 100).toFixed(1)} % | ${(r.baseline_hit_rate_bp / 100).toFixed(1)} % |`);
  console.log(rows.join('\n'));

  const cut = new Date(now.getTime() - 30 * DAY_MS);
  // The generator makes the demo tenant only in an empty database: first.
  const demo = await generateData(deps, { members: 3000, orders: 30_000, seed: 'recs-eval' });
  row(`generated demo data (${demo.members} members, ${demo.orders} orders)`, await evaluateHoldout(deps, demo.tenantId, { cut, testDays: 30 }));
  for (const seed of [1, 2, 3]) {
    const tenant = await createTenant(database.db, { slug: `planted-${seed}`, name: `Planted ${seed}`, owner: { email: `owner${seed}@planted.test`, name: 'Owner', password: 'correct horse battery' } });
    const planted = await plantBaskets(database.db, tenant.tenant.id, { members: 2000, cut, seed });
    row(`planted patterns, seed ${seed} (${planted.members} members, ${planted.orders} orders)`, await evaluateHoldout(deps, tenant.tenant.id, { cut, testDays: 30 }));
  }
} finally {
  await database.close();
}
