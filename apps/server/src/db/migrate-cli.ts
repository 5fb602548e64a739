import { loadConfig } from '../config.ts';
import { openDatabase } from './database.ts';
import { migrate } from './migrator.ts';

const config = loadConfig(process.env, []);
const database = await openDatabase(
  config.database.kind === 'postgres'
    ? { kind: 'postgres', url: config.database.url, poolSize: 2 }
    : { kind: 'pglite', dataDir: config.database.dataDir },
);
const applied = await migrate(database.db);
console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
await database.close();
