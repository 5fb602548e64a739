import crypto from 'node:crypto';

// Seeded randomness for reproducible generated data: the same seed makes the same brand, to the fen.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  u32(): number;
}

/** sfc32 seeded from a string: fast, and the same sequence on every machine. */
export function createRng(seed: string): Rng {
  const h = crypto.createHash('sha256').update(seed).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  const u32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32();
  return { u32, next: () => u32() / 4_294_967_296 };
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A UUIDv7 for the given time, its 74 random bits from the generator's id stream. */
export function uuidV7(ms: number, rng: Rng): string {
  const high = Math.floor(ms / 65_536);
  const low = ms % 65_536;
  const r1 = rng.u32();
  const r2 = rng.u32();
  const r3 = rng.u32();
  const hex8 = (v: number) => HEX[v >>> 24]! + HEX[(v >>> 16) & 255]! + HEX[(v >>> 8) & 255]! + HEX[v & 255]!;
  const hex4 = (v: number) => HEX[(v >>> 8) & 255]! + HEX[v & 255]!;
  return `${hex8(high)}-${hex4(low)}-${hex4(0x7000 | (r1 & 0x0fff))}-${hex4(0x8000 | ((r1 >>> 12) & 0x3fff))}-${hex8(r2)}${hex4(r3)}`;
}

export function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** How often a member buys, relative to others: log-normal, capped — most buy now and then, a few every other day. */
export function propensity(rng: Rng): number {
  return Math.min(30, Math.exp(1.2 * normal(rng)));
}

export function cumulate(weights: number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}

/** The first index whose cumulative weight exceeds x, among the first `length`. */
export function lowerBound(cumulative: ArrayLike<number>, x: number, length: number): number {
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function pickIndex(rng: Rng, cumulative: number[]): number {
  return lowerBound(cumulative, rng.next() * cumulative[cumulative.length - 1]!, cumulative.length);
}

/** Picks from [value, weight] pairs. */
export function pick<T>(rng: Rng, choices: readonly (readonly [T, number])[]): T {
  let x = rng.next() * choices.reduce((sum, c) => sum + c[1], 0);
  for (const [value, weight] of choices) if ((x -= weight) < 0) return value;
  return choices[choices.length - 1]![0];
}
