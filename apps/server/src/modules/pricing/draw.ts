import crypto from 'node:crypto';

/**
 * The ballot draw, published with every verification so anyone can recompute it:
 *
 * 1. seed: 32 random bytes written as 64 lowercase hex characters; seed_hash = hex(SHA-256(UTF-8 bytes of seed)),
 *    published when the ballot is created, the seed itself only after the draw.
 * 2. entries: every entrant_id (the member id the entry was made under, a lowercase hyphenated UUID), sorted
 *    ascending as text.
 * 3. score(entrant) = hex(HMAC-SHA256(key = UTF-8 bytes of seed, message = UTF-8 bytes of entrant_id)).
 * 4. rank: entries ordered by score ascending (text), ties by entrant_id; the first `quantity` win.
 */
export const DRAW_ALGORITHM = [
  'seed_hash = hex(SHA-256(utf8(seed)))',
  'entries sorted by entrant_id (lowercase UUID text, ascending)',
  'score = hex(HMAC-SHA256(key = utf8(seed), message = utf8(entrant_id)))',
  'ranked by score ascending, ties by entrant_id; ranks 1..quantity win',
].join('; ');

export function newSeed(): { seed: string; hash: string } {
  const seed = crypto.randomBytes(32).toString('hex');
  return { seed, hash: seedHash(seed) };
}

export function seedHash(seed: string): string {
  return crypto.createHash('sha256').update(seed, 'utf8').digest('hex');
}

/** Entrant ids in rank order (1 first). */
export function rankEntrants(seed: string, entrantIds: readonly string[]): string[] {
  const scored = [...entrantIds].sort().map((id) => ({ id, score: hmacHex(seed, id) }));
  scored.sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return scored.map((s) => s.id);
}

/** hex(HMAC-SHA256(key = utf8(seed), message = utf8(message))): the score every committed-seed draw uses. */
export function hmacHex(seed: string, message: string): string {
  return crypto.createHmac('sha256', seed).update(message, 'utf8').digest('hex');
}
