import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Db } from './database.ts';

const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Arbitrary constant: every Hearth process takes this advisory lock so two starting together migrate once.
const MIGRATION_LOCK_ID = 4_271_100_001;

export interface MigrationFile {
  name: string;
  file: string;
}

/**
 * Migrations are dated SQL files in db/migrations/ and in each module's migrations/ folder, applied in
 * file-name order (the name starts with the date). They are frozen once landed.
 */
export async function listMigrations(): Promise<MigrationFile[]> {
  const dirs = [path.join(srcDir, 'db', 'migrations')];
  const modulesDir = path.join(srcDir, 'modules');
  for (const entry of await fs.readdir(modulesDir, { withFileTypes: true })) {
    if (entry.isDirectory()) dirs.push(path.join(modulesDir, entry.name, 'migrations'));
  }
  const files: MigrationFile[] = [];
  for (const dir of dirs) {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (name.endsWith('.sql')) files.push({ name: name.replace(/\.sql$/, ''), file: path.join(dir, name) });
    }
  }
  files.sort((a, b) => a.name.localeCompare(b.name));
  const seen = new Set<string>();
  for (const migration of files) {
    if (seen.has(migration.name)) throw new Error(`Two migrations are named ${migration.name}`);
    seen.add(migration.name);
  }
  return files;
}

/** Applies every pending migration, each in its own transaction, under a cluster-wide advisory lock. */
export async function migrate(db: Db): Promise<string[]> {
  const migrations = await listMigrations();
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`.execute(conn);
    try {
      await sql`create table if not exists schema_migrations (
        name text primary key, applied_at timestamptz not null default now())`.execute(conn);
      const applied = new Set((await conn.selectFrom('schema_migrations').select('name').execute()).map((r) => r.name));
      const done: string[] = [];
      for (const migration of migrations) {
        if (applied.has(migration.name)) continue;
        const text = await fs.readFile(migration.file, 'utf8');
        await conn.transaction().execute(async (trx) => {
          await sql.raw(text).execute(trx);
          await trx.insertInto('schema_migrations').values({ name: migration.name }).execute();
        });
        done.push(migration.name);
      }
      return done;
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.execute(conn);
    }
  });
}

/** Names of migrations present in the code but not applied to the database (readiness check). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrations = await listMigrations();
  const rows = await db
    .selectFrom('schema_migrations')
    .select('name')
    .execute()
    .catch(() => [] as { name: string }[]);
  const applied = new Set(rows.map((r) => r.name));
  return migrations.filter((m) => !applied.has(m.name)).map((m) => m.name);
}
