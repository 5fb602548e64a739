import { loadConfig } from '../config.ts';
import { acquireDataDirLock } from '../data-dir-lock.ts';
import { openConfiguredDatabase } from './database.ts';
import { migrate } from './migrator.ts';

const config = loadConfig(process.env, []);
const release = config.database.kind === 'pglite' ? acquireDataDirLock(config.dataDir) : () => {};
const database = await openConfiguredDatabase(config, { poolSize: 2 });
const applied = await migrate(database.db);
console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
await database.close();
release();
