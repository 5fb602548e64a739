import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/database.ts';

describe('prepared statements', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  /** What the session has prepared, read on the same connection (a transaction holds one). */
  const preparedIn = (trx: TestDatabase['db']) => sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx).then((r) => r.rows.map((row) => row.statement));

  it('prepares a statement with parameters once per connection and answers it the same each time', async () => {
    const marker = `prepared-${Date.now()}`;
    await database.db.transaction().execute(async (trx) => {
      for (let n = 1; n <= 7; n++) {
        const { rows } = await sql<{ doubled: number; label: string }>`select ${n}::int * 2 as doubled, ${marker}::text as label`.execute(trx);
        expect(rows).toEqual([{ doubled: n * 2, label: marker }]);
      }
      const prepared = await preparedIn(trx);
      expect(prepared.filter((s) => s.includes('as doubled'))).toHaveLength(1);
    });
  });

  it('leaves statements without parameters and very long parameter lists unprepared', async () => {
    await database.db.transaction().execute(async (trx) => {
      await sql`select 41 + 1 as plain_answer`.execute(trx);
      const many = Array.from({ length: 250 }, (_, i) => i);
      const { rows } = await sql<{ many_total: number }>`select (${sql.join(many.map((n) => sql`${n}::int`), sql` + `)}) as many_total`.execute(trx);
      expect(rows).toEqual([{ many_total: many.reduce((a, b) => a + b, 0) }]);
      const prepared = await preparedIn(trx);
      expect(prepared.some((s) => s.includes('plain_answer') || s.includes('many_total'))).toBe(false);
    });
  });

  it('infers a partial unique index from a literal predicate however often the statement runs', async () => {
    await database.db.transaction().execute(async (trx) => {
      await sql`create temporary table partial_demo (k text not null, kind text not null)`.execute(trx);
      await sql`create unique index partial_demo_key on partial_demo (k) where kind = 'once'`.execute(trx);
      // Past the fifth run PostgreSQL may switch to the generic plan, where only a literal predicate still matches.
      for (let n = 0; n < 8; n++) {
        await sql`insert into partial_demo (k, kind) values (${'a'}, ${'once'}) on conflict (k) where (kind = 'once') do nothing`.execute(trx);
      }
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from partial_demo`.execute(trx);
      expect(rows).toEqual([{ n: 1 }]);
    });
  });

  it('keeps a failed statement from poisoning its name: the corrected text runs, the same failing text fails again alike', async () => {
    await database.db.transaction().execute(async (trx) => {
      await expect(sql`select ${1}::int / 0 as broken`.execute(trx)).rejects.toThrow(/division by zero/);
    });
    await expect(sql`select ${1}::int / 0 as broken`.execute(database.db)).rejects.toThrow(/division by zero/);
    const { rows } = await sql<{ fine: number }>`select ${6}::int / 2 as fine`.execute(database.db);
    expect(rows).toEqual([{ fine: 3 }]);
  });
});
