import type { Db } from './database.ts';

/**
 * Runs fn in a transaction, joining the caller's when db already is one. Use cases start transactions
 * with this, so a use case called from another (a seed, an import, a later module) stays atomic with it.
 */
export function withTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
