import { pino } from 'pino';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { acquireDataDirLock, DataDirLockedError } from './data-dir-lock.ts';
import { openConfiguredDatabase } from './db/database.ts';
import { migrate } from './db/migrator.ts';
import { systemClock, type AppDeps } from './deps.ts';
import { createWorker } from './jobs/runner.ts';
import { buildRegistries } from './modules.ts';
import { announceDemo, seedDemoIfEmpty } from './seed.ts';

/** Starts the roles this process was given: the API, the job worker, or both (the default). */
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = pino({
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
  });

  let releaseLock = () => {};
  if (config.database.kind === 'pglite') {
    try {
      releaseLock = acquireDataDirLock(config.dataDir);
    } catch (error) {
      if (error instanceof DataDirLockedError) {
        console.error(error.message);
        process.exit(1);
      }
      throw error;
    }
  }

  const database = await openConfiguredDatabase(config, { applicationName: `hearth-${config.role}` });
  const applied = await migrate(database.db);
  if (applied.length) log.info({ applied }, 'migrations applied');

  const deps: AppDeps = { db: database.db, config, clock: systemClock, log, ...buildRegistries() };

  const app = config.role === 'worker' ? undefined : await buildApp(deps);
  if (app) {
    const demo = await seedDemoIfEmpty(deps);
    await app.listen({ port: config.port, host: config.host });
    if (demo) announceDemo(demo, config.dataDir, config.port);
  }
  const worker = config.role === 'api' ? undefined : createWorker(deps);
  worker?.start();
  log.info({ role: config.role, database: database.kind, port: app ? config.port : undefined }, 'Hearth started');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      log.warn('second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: draining requests and jobs');
    try {
      await app?.close();
      await worker?.stop({ graceMs: config.shutdownGraceSeconds * 1000 });
      await database.close();
    } catch (error) {
      log.error({ err: error }, 'error during shutdown');
      process.exitCode = 1;
    } finally {
      releaseLock();
    }
    log.info('stopped');
    process.exit();
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

await main();
