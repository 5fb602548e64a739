import { AppError } from './errors.ts';

/**
 * Cursors are opaque to clients: base64url of the last row's sort key. Lists sort by id, and ids are
 * UUIDv7 (time-ordered), so "newest first" and "oldest first" are both keyset scans on the primary key.
 */
export function encodeCursor(value: string): string {
  return Buffer.from(JSON.stringify([value])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'string') return parsed[0];
  } catch {
    // fall through to the error below
  }
  throw new AppError('VALIDATION_FAILED', 'The cursor is not valid', {
    errors: [{ field: 'query.cursor', code: 'invalid_cursor', message: 'not a cursor returned by this API' }],
  });
}

/** Given limit+1 rows, returns the page and the cursor of its last row when more rows follow. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => string = (row) => (row as { id: string }).id): { data: T[]; next_cursor: string | null } {
  const hasMore = rows.length > limit;
  const data = hasMore ? rows.slice(0, limit) : rows;
  const last = data[data.length - 1];
  return { data, next_cursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

/**
 * Lists sorted by a time and then an id (rows written in one instant share the time, and member ids are not in
 * join order) carry both in the cursor. A hand-made cursor is a 400 on the field, never an SQL error.
 */
export function timeCursorKey(at: Date, id: string): string {
  return `${at.toISOString()}|${id}`;
}

export function decodeTimeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  const value = decodeCursor(cursor);
  if (value === undefined) return undefined;
  const [at, id] = value.split('|');
  const time = new Date(at ?? '');
  if (Number.isNaN(time.getTime()) || !id || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw new AppError('VALIDATION_FAILED', 'The cursor is not valid', { errors: [{ field: 'query.cursor', code: 'invalid_cursor', message: 'not a cursor returned by this API' }] });
  }
  return { at: time, id };
}
