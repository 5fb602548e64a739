import { pino } from 'pino';
import { loadConfig } from './config.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';
import { openConfiguredDatabase } from './db/database.ts';
import { migrate } from './db/migrator.ts';
import { systemClock } from './deps.ts';
import { buildRegistries } from './modules.ts';
import { announceDemo, seedDemoIfEmpty } from './seed.ts';

// `npm run seed`: creates the demo brand in an empty database without starting the server.
const config = loadConfig(process.env, []);
const release = config.database.kind === 'pglite' ? acquireDataDirLock(config.dataDir) : () => {};
const database = await openConfiguredDatabase(config, { poolSize: 2 });
try {
  await migrate(database.db);
  const log = pino({ level: config.logLevel });
  const demo = await seedDemoIfEmpty({ db: database.db, config, clock: systemClock, log, ...buildRegistries() });
  if (demo) announceDemo(demo, config.dataDir, config.port);
  else console.log('The database already has tenants (or HEARTH_DEMO_DATA=false): nothing seeded.');
} finally {
  await database.close();
  release();
}
