import { hmacHex } from '../pricing/draw.ts';

/**
 * How every lottery outcome follows from the seed (committed as SHA-256(seed) when the lottery is created,
 * revealed when entries close) and the public entry list. The seed and hashing are the ballots' (pricing/draw.ts).
 *
 * score(seq)    = hex(HMAC-SHA256(key = utf8(seed), message = utf8(lottery_id + ":" + seq)))
 * instant mode  : u = (first 16 hex digits of score as an unsigned 64-bit integer) mod 10000; prizes in position
 *                 order cover [0, p1), [p1, p1+p2), … in basis points, the rest is “no prize”. Entries are replayed
 *                 in seq order; a prize whose stock is used up by earlier entries gives no prize instead.
 * scheduled mode: entries ranked by score ascending (ties by seq); prizes in position order take the next
 *                 `stock` ranks each; the rest win nothing.
 */
export const LOTTERY_ALGORITHM = [
  'seed_hash = hex(SHA-256(utf8(seed)))',
  'score(seq) = hex(HMAC-SHA256(key = utf8(seed), message = utf8(lottery_id + ":" + seq)))',
  'instant: u = uint64(first 16 hex digits of score) mod 10000; prizes by position cover consecutive probability_bp ranges of [0, 10000), the rest is no prize; replayed in seq order, a prize whose stock ran out gives no prize',
  'scheduled: entries ranked by score ascending (ties by seq); prizes by position take the next stock ranks each',
].join('; ');

export interface DrawPrize {
  id: string;
  probability_bp: number | null;
  stock: number | null;
}

export const entryScore = (seed: string, lotteryId: string, seq: number) => hmacHex(seed, `${lotteryId}:${seq}`);

/** The entry's uniform number in [0, 10000). The modulo bias of 2^64 mod 10^4 is below 10^-15. */
export function uniformBasisPoints(seed: string, lotteryId: string, seq: number): number {
  return Number(BigInt(`0x${entryScore(seed, lotteryId, seq).slice(0, 16)}`) % 10_000n);
}

/** The prize an instant entry's number lands on, before stock (prizes in position order). */
export function prizeForNumber(prizes: readonly DrawPrize[], u: number): DrawPrize | null {
  let cumulative = 0;
  for (const prize of prizes) {
    cumulative += prize.probability_bp ?? 0;
    if (u < cumulative) return prize;
  }
  return null;
}

/** Replays an instant lottery: the prize id of each seq in 1..count, stock-aware in seq order. */
export function replayInstant(seed: string, lotteryId: string, prizes: readonly DrawPrize[], count: number): (string | null)[] {
  const left = new Map(prizes.map((p) => [p.id, p.stock ?? Infinity]));
  const out: (string | null)[] = [];
  for (let seq = 1; seq <= count; seq += 1) {
    const prize = prizeForNumber(prizes, uniformBasisPoints(seed, lotteryId, seq));
    if (prize && left.get(prize.id)! > 0) {
      left.set(prize.id, left.get(prize.id)! - 1);
      out.push(prize.id);
    } else out.push(null);
  }
  return out;
}

/** A scheduled draw: seq → prize id for the winners (prizes in position order, `stock` winners each). */
export function drawScheduled(seed: string, lotteryId: string, prizes: readonly DrawPrize[], seqs: readonly number[]): Map<number, string> {
  const ranked = seqs.map((seq) => ({ seq, score: entryScore(seed, lotteryId, seq) })).sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : a.seq - b.seq));
  const winners = new Map<number, string>();
  let rank = 0;
  for (const prize of prizes) {
    for (let k = 0; k < (prize.stock ?? 0) && rank < ranked.length; k += 1) winners.set(ranked[rank++]!.seq, prize.id);
  }
  return winners;
}
