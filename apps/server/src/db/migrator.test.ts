import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/database.ts';
import { listMigrations, migrate, pendingMigrations } from './migrator.ts';

describe('migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('leaves the cloned test database fully migrated', async () => {
    expect(await pendingMigrations(database.db)).toEqual([]);
    expect(await migrate(database.db)).toEqual([]);
  });

  it('orders migration files by their dated names', async () => {
    const names = (await listMigrations()).map((m) => m.name);
    expect(names).toEqual([...names].sort());
    expect(names[0]).toMatch(/^\d{8}T\d{4}_/);
  });

  it('keys every table by tenant_id first (except the global routing tables)', async () => {
    const rows = await sql<{ table_name: string; first_key: string }>`
      select tc.table_name, kcu.column_name as first_key
      from information_schema.table_constraints tc
      join information_schema.key_column_usage kcu
        on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema and kcu.ordinal_position = 1
      where tc.constraint_type = 'PRIMARY KEY' and tc.table_schema = 'public'`.execute(database.db);
    const global = new Set(['tenants', 'schema_migrations']);
    for (const row of rows.rows) {
      if (!global.has(row.table_name)) expect(`${row.table_name}.${row.first_key}`).toBe(`${row.table_name}.tenant_id`);
    }
    expect(rows.rows.length).toBeGreaterThan(5);
  });
});
