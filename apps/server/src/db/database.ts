import fs from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { PreparingClient } from './prepared-client.ts';
import type { DB } from './schema.ts';

// bigint counts and sums come back as JS numbers: every amount Hearth stores (fen, points) stays far
// below 2^53, and strings for numbers would leak into every caller.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;
/** A query runner: the database itself or an open transaction. */
export type Queryable = Kysely<DB>;

export type DatabaseOptions =
  | { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob }
  | { kind: 'postgres'; url: string; poolSize: number; applicationName?: string };

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Present only on the embedded database (tests dump it to make templates). */
  pglite?: PGlite;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize,
      application_name: options.applicationName ?? 'hearth',
      Client: PreparingClient,
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  if (options.dataDir) await fs.mkdir(options.dataDir, { recursive: true });
  // Loaded only when used: the embedded database's module alone costs ~50 MB of memory, which a
  // PostgreSQL deployment should not carry.
  const { PGlite } = await import('@electric-sql/pglite');
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  const pglite = new PGlite({ dataDir: options.dataDir, loadDataDir: options.loadDataDir });
  await pglite.waitReady;
  // PGlite is one backend: a single pooled connection makes Kysely serialize transactions instead of
  // interleaving two of them on the same session.
  const pool = new pg.Pool({ ...(createPgConfig(pglite) as unknown as pg.PoolConfig), max: 1, Client: PreparingClient });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'pglite',
    pglite,
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}

/** The database the configuration names: PostgreSQL with its pool, or the embedded one in the data folder. */
export function openConfiguredDatabase(config: Config, options: { poolSize?: number; applicationName?: string } = {}): Promise<Database> {
  return openDatabase(
    config.database.kind === 'postgres'
      ? { kind: 'postgres', url: config.database.url, poolSize: options.poolSize ?? config.database.poolSize, applicationName: options.applicationName }
      : { kind: 'pglite', dataDir: config.database.dataDir },
  );
}
