import pg from 'pg';

/**
 * Statements a connection keeps prepared at most; past that, new texts go unprepared. Hot-path texts are
 * prepared within the first requests, and what fills the rest (segment definitions, IN lists of many
 * lengths) would only cost backend memory.
 */
const MAX_PREPARED_PER_CONNECTION = 300;
/** An IN list longer than this makes a text that rarely repeats: not worth a prepared statement. */
const MAX_PARAMETERS = 200;
/** Distinct texts the process names at most (the map holds the texts). */
const MAX_NAMES = 5000;

const names = new Map<string, string>();

/**
 * A pg client that sends every statement with parameters as a named prepared statement, once per
 * connection. node-postgres's default (the unnamed statement) makes PostgreSQL parse and plan each query
 * afresh; for the order path's large statements (tier decisions, points earning, the order write with its
 * events and jobs) planning cost several times the execution. Named, the plan is cached on the
 * connection and PostgreSQL switches to a generic plan once it costs no more than the custom ones.
 * Kysely offers no way to name a statement, so this is done where it hands the text to the driver.
 *
 * The one thing a generic plan cannot do: prove a parameter satisfies a partial unique index's predicate.
 * `on conflict (…) where kind = $1` then fails ("no unique or exclusion constraint matching") from the sixth
 * run on a connection, so such predicates are written as literals (`where (kind = 'follow')`).
 */
export class PreparingClient extends pg.Client {
  #prepared = new Set<string>();

  // node-postgres's overloads cannot be restated in a subclass; the arguments are passed through untouched
  // unless they are the (text, values) form Kysely uses.
  override query(...args: unknown[]): never {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && values.length <= MAX_PARAMETERS && args.length === 2) {
      const name = this.#nameFor(text);
      if (name) return super.query({ name, text, values } as pg.QueryConfig) as never;
    }
    return (super.query as (...a: unknown[]) => unknown)(...args) as never;
  }

  #nameFor(text: string): string | undefined {
    let name = names.get(text);
    if (!name) {
      if (names.size >= MAX_NAMES) return undefined;
      name = `h${names.size.toString(36)}`;
      names.set(text, name);
    }
    if (this.#prepared.has(name)) return name;
    if (this.#prepared.size >= MAX_PREPARED_PER_CONNECTION) return undefined;
    this.#prepared.add(name);
    return name;
  }
}
