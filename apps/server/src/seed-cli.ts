import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from './config.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';
import { openConfiguredDatabase } from './db/database.ts';
import { migrate } from './db/migrator.ts';
import { AppError } from './http/errors.ts';
import { systemClock, type AppDeps } from './deps.ts';
import { buildRegistries } from './modules.ts';
import { announceDemo, seedDemoIfEmpty } from './seed.ts';
import { cdnowFile, loadCdnow } from './seed/cdnow.ts';
import { generateData, type GenerateProgress } from './seed/generate.ts';

const usage = `Usage:
  npm run seed                                    the demo brand, in an empty database
  npm run seed -- --members N --orders M [--tenant slug] [--seed S]
                                                  generated stores, products, members and orders
  npm run seed -- --cdnow [--sample] [--file path] the real CDNOW purchase histories as the tenant "cdnow"`;

const options = {
  members: { type: 'string' },
  orders: { type: 'string' },
  tenant: { type: 'string' },
  seed: { type: 'string' },
  cdnow: { type: 'boolean', default: false },
  sample: { type: 'boolean', default: false },
  file: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;
const args = readArgs();
if (args.help) {
  console.log(usage);
  process.exit(0);
}
const count = (name: string, text: string | undefined) => {
  if (text === undefined) return 0;
  if (!/^\d[\d_]*$/.test(text)) {
    console.error(`--${name} must be a whole number\n\n${usage}`);
    process.exit(2);
  }
  return Number(text.replaceAll('_', ''));
};
const members = count('members', args.members);
const orders = count('orders', args.orders);
const generating = args.members !== undefined || args.orders !== undefined;
if (generating && args.cdnow) {
  console.error(`--cdnow cannot be combined with --members/--orders\n\n${usage}`);
  process.exit(2);
}

const config = loadConfig(process.env, []);
const postgres = config.database.kind === 'postgres';
const release = postgres ? () => {} : acquireDataDirLock(config.dataDir);
// On PostgreSQL the generator keeps a few batches in flight; PGlite is one backend.
const concurrency = postgres ? 3 : 1;
const database = await openConfiguredDatabase(config, { poolSize: generating ? concurrency + 1 : 2, applicationName: 'hearth-seed' });
try {
  await migrate(database.db);
  const deps: AppDeps = { db: database.db, config, clock: systemClock, log: pino({ level: config.logLevel }), ...buildRegistries() };
  if (generating) await generate(deps);
  else if (args.cdnow) await cdnow(deps);
  else {
    const demo = await seedDemoIfEmpty(deps);
    if (demo) announceDemo(demo, config.dataDir, config.port);
    else console.log('The database already has tenants (or HEARTH_DEMO_DATA=false): nothing seeded.');
  }
} catch (error) {
  // A refusal (unknown tenant, bad seed) is a sentence; anything else keeps its stack.
  console.error(error instanceof AppError ? error.message : error);
  process.exitCode = 1;
} finally {
  await database.close();
  release();
}

async function generate(deps: AppDeps) {
  const result = await generateData(deps, { tenant: args.tenant, members, orders, seed: args.seed, concurrency, onProgress: progressPrinter() });
  if (result.demo) announceDemo(result.demo, config.dataDir, config.port);
  const rate = (rows: number, ms: number) => (rows && ms ? `, ${Math.round(rows / (ms / 1000)).toLocaleString('en')}/s` : '');
  console.log(
    [
      `Generated into tenant "${result.tenant}" (run ${result.run}, seed ${result.seed}):`,
      `  stores    +${result.storesCreated}`,
      `  products  +${result.productsCreated}`,
      `  members   ${result.members.toLocaleString('en')} in ${seconds(result.membersMs)}${rate(result.members, result.membersMs)}${result.phonesSkipped ? ` (${result.phonesSkipped} without phone: already taken)` : ''}`,
      `  orders    ${result.orders.toLocaleString('en')} with ${result.lines.toLocaleString('en')} lines in ${seconds(result.ordersMs)}${rate(result.orders, result.ordersMs)}`,
      `  external ids gen-${result.run}-1 … gen-${result.run}-${result.orders}`,
    ].join('\n'),
  );
}

async function cdnow(deps: AppDeps) {
  const file = args.file ?? cdnowFile(args.sample);
  if (!fs.existsSync(file)) throw new Error(`CDNOW file not found: ${file} (pass --file)`);
  const started = performance.now();
  const result = await loadCdnow(deps, { file, onProgress: (done, total) => console.log(`  orders ${done.toLocaleString('en')} / ${total.toLocaleString('en')}`) });
  const ms = performance.now() - started;
  console.log(
    [
      `Loaded ${path.basename(file)} into tenant "cdnow" in ${seconds(ms)}:`,
      `  customers ${result.customers.toLocaleString('en')} (${result.membersCreated.toLocaleString('en')} new members)`,
      `  purchases ${result.purchases.toLocaleString('en')} (${result.ordersCreated.toLocaleString('en')} new orders, ${Math.round(result.purchases / (ms / 1000)).toLocaleString('en')} rows/s)`,
    ].join('\n'),
  );
  if (result.created) {
    const text = `\n  CDNOW tenant created / 已创建 CDNOW 品牌\n  Brand 品牌标识: ${result.created.tenant}\n  Email 账号:     ${result.created.email}\n  Password 密码:  ${result.created.password}\n`;
    console.log(text);
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(path.join(config.dataDir, 'cdnow-credentials.txt'), `${text}\n`, { mode: 0o600 });
  }
}

/** One line a second at most: rows done and the rate since the phase began. */
function progressPrinter() {
  let last = 0;
  return (p: GenerateProgress) => {
    if (performance.now() - last < 1000 && p.done < p.total) return;
    last = performance.now();
    const lines = p.phase === 'orders' ? ` (+${p.lines.toLocaleString('en')} lines)` : '';
    console.log(`  ${p.phase.padEnd(7)} ${p.done.toLocaleString('en').padStart(11)} / ${p.total.toLocaleString('en')}${lines}  ${Math.round(p.done / (p.ms / 1000)).toLocaleString('en')} rows/s`);
  };
}

function readArgs() {
  try {
    return parseArgs({ options, strict: true }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n\n${usage}`);
    process.exit(2);
  }
}

function seconds(ms: number) {
  return `${(ms / 1000).toFixed(1)} s`;
}
