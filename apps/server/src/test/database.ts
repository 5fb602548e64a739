import fs from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../db/database.ts';
import { withDatabase } from './global-setup.ts';

export interface TestDatabase extends Database {
  /** Connection options for another process (PostgreSQL: its URL; PGlite: undefined). */
  url?: string;
}

/** A fresh, migrated database for one test file. Close it in afterAll. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const setup = inject('testDatabase');
  if (setup.kind === 'pglite') {
    const dump = await fs.readFile(setup.templateFile);
    return openDatabase({ kind: 'pglite', loadDataDir: new Blob([dump]) });
  }
  const name = `hearth_t_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: setup.adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${setup.template}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(setup.adminUrl, name);
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 8 });
  return {
    ...database,
    url,
    close: async () => {
      await database.close();
      const dropper = new pg.Client({ connectionString: setup.adminUrl });
      await dropper.connect();
      // The pool's sessions end a moment after close() resolves; forcing the drop while they do makes the
      // server kill them, and a client that is already shutting down reports that as an unhandled error.
      for (let i = 0; i < 50; i++) {
        const open = await dropper.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (open.rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/**
 * For tests that hand the database to another process: on PostgreSQL a fresh database (its `url` is the
 * connection string); on PGlite a copy of the template in a folder on disk (`dataDir`), which only one
 * process may open at a time.
 */
export async function createSharedTestDatabase(dataDir: string): Promise<TestDatabase & { dataDir?: string }> {
  const setup = inject('testDatabase');
  if (setup.kind === 'postgres') return createTestDatabase();
  const dump = await fs.readFile(setup.templateFile);
  const database = await openDatabase({ kind: 'pglite', dataDir, loadDataDir: new Blob([dump]) });
  return { ...database, dataDir };
}
