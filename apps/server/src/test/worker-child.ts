import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../db/database.ts';
import type { TestDatabase } from './database.ts';

export type SharedTestDatabase = TestDatabase & { dataDir?: string };

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Starts a worker fixture (src/test/fixtures/<fixture>) in a child process on a database from
 * createSharedTestDatabase, for the kill -9 tests. PGlite's folder is one process's at a time, so the parent's
 * handle is closed first; `killAndReopen` kills the child with SIGKILL and hands the database back.
 */
export async function startWorkerChild(database: SharedTestDatabase, fixture: string, env: Record<string, string> = {}) {
  if (database.dataDir) await database.close();
  const child = spawn(process.execPath, ['--import', 'tsx', `src/test/fixtures/${fixture}`], {
    cwd: serverDir,
    env: { PATH: process.env.PATH ?? '', ...env, ...(database.url ? { TEST_DATABASE_URL: database.url } : { TEST_PGLITE_DIR: database.dataDir }) },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    output: () => output,
    /** Resolves once the child has printed `marker`; fails if it ends first. */
    printed: (marker: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => output.includes(marker) && resolve();
        child.stdout.on('data', check);
        check();
        child.on('exit', () => reject(new Error(`the worker ended before printing "${marker}":\n${output}`)));
      }),
    killAndReopen: async (): Promise<SharedTestDatabase> => {
      child.kill('SIGKILL');
      await exited;
      return database.dataDir ? { ...(await openDatabase({ kind: 'pglite', dataDir: database.dataDir })), dataDir: database.dataDir } : database;
    },
  };
}
