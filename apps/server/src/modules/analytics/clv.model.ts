import gammaln from '@stdlib/math-base-special-gammaln';
import hyp2f1 from '@stdlib/math-base-special-hyp2f1';
import { minimize } from './nelder-mead.ts';

/**
 * The BG/NBD model of repeat purchasing (Fader, Hardie & Lee, "Counting Your Customers the Easy Way",
 * Marketing Science 2005) and the Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee,
 * "RFM and CLV", JMR 2005; Fader & Hardie, "The Gamma-Gamma Model of Monetary Value", 2013), fitted by
 * maximum likelihood. Time is in weeks; money in whatever unit the caller's amounts are in.
 */

/** One row of the calibration summary: x repeat purchase days, the last at t_x, observed for T since the first. */
export interface RfCell {
  x: number;
  tx: number;
  T: number;
  /** How many customers share this (x, t_x, T): the product groups them in SQL, which makes a fit over 1M members cheap. */
  count: number;
}

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

/** A repeater's spend: x repeat transactions averaging m. */
export interface SpendCell {
  x: number;
  m: number;
  count: number;
}

/** Σ log-likelihood of the BG/NBD (the paper's equation 6, in logs with a log-sum-exp for the two terms). */
export function bgnbdLogLikelihood({ r, alpha, a, b }: BgNbdParams, cells: readonly RfCell[]): number {
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return -Infinity;
  const constant = -gammaln(r) + r * Math.log(alpha) + gammaln(a + b) - gammaln(b);
  // The gamma terms depend on x alone, and a tenant's buyers share a few dozen values of x among
  // thousands of cells: computed once per x, a fit over a large tenant costs a few logs per cell.
  const gammaTerms = new Map<number, number>();
  let total = 0;
  for (const { x, tx, T, count } of cells) {
    let terms = gammaTerms.get(x);
    if (terms === undefined) gammaTerms.set(x, (terms = gammaln(r + x) + constant + gammaln(b + x) - gammaln(a + b + x)));
    const a3 = -(r + x) * Math.log(alpha + T);
    let ll: number;
    if (x > 0) {
      const a4 = Math.log(a / (b + x - 1)) - (r + x) * Math.log(alpha + tx);
      const top = Math.max(a3, a4);
      ll = terms + top + Math.log(Math.exp(a3 - top) + Math.exp(a4 - top));
    } else {
      ll = terms + a3;
    }
    total += count * ll;
  }
  return total;
}

/** Σ log-likelihood of the Gamma-Gamma spend model over repeaters (terms free of p, q, v left out, as in the note). */
export function gammaGammaLogLikelihood({ p, q, v }: GammaGammaParams, cells: readonly SpendCell[]): number {
  if (!(p > 0 && q > 0 && v > 0)) return -Infinity;
  const constant = -gammaln(q) + q * Math.log(v);
  const gammaTerms = new Map<number, number>();
  let total = 0;
  for (const { x, m, count } of cells) {
    const px = p * x;
    let terms = gammaTerms.get(x);
    if (terms === undefined) gammaTerms.set(x, (terms = gammaln(px + q) - gammaln(px) + constant + px * Math.log(x)));
    total += count * (terms + (px - 1) * Math.log(m) - (px + q) * Math.log(v + m * x));
  }
  return total;
}

export interface BgNbdFit extends BgNbdParams {
  loglik: number;
}

/**
 * Maximum-likelihood BG/NBD: the parameters are optimized on the log scale (so they stay positive
 * without constraints) from r = α = a = b = 1, as the papers' Excel and the `lifetimes` package start.
 */
export function fitBgNbd(cells: readonly RfCell[]): BgNbdFit {
  const toParams = (v: number[]): BgNbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });
  const result = minimize((v) => -bgnbdLogLikelihood(toParams(v), cells), [0, 0, 0, 0]);
  const params = toParams(result.x);
  return { ...params, loglik: bgnbdLogLikelihood(params, cells) };
}

export interface GammaGammaFit extends GammaGammaParams {
  loglik: number;
}

export function fitGammaGamma(cells: readonly SpendCell[]): GammaGammaFit {
  const toParams = (v: number[]): GammaGammaParams => ({ p: Math.exp(v[0]!), q: Math.exp(v[1]!), v: Math.exp(v[2]!) });
  // v is on the scale of the amounts: starting it at their mean keeps the first simplex in a sane region
  // whether amounts are in dollars or in fen.
  const weight = cells.reduce((s, c) => s + c.count, 0);
  const meanSpend = cells.reduce((s, c) => s + c.count * c.m, 0) / weight;
  const result = minimize((v) => -gammaGammaLogLikelihood(toParams(v), cells), [0, 0, Math.log(meanSpend)]);
  const params = toParams(result.x);
  return { ...params, loglik: gammaGammaLogLikelihood(params, cells) };
}

/**
 * The customer's probability of being alive at T (the paper's equation 11). A customer with no repeat
 * purchase cannot have dropped out yet under the BG/NBD story (dropout happens right after a purchase).
 */
export function probabilityAlive({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  return 1 / (1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x));
}

/**
 * Expected repeat purchases in the next t weeks of a customer with history (x, t_x, T) (the paper's
 * equation 10). The 2F1 is taken through Euler's transformation,
 *   ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z) = (1−z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z),
 * whose parameters do not grow with x: for a heavy buyer the direct form multiplies an overflowing
 * 2F1 by a vanishing power.
 */
export function conditionalExpectedPurchases(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const tail = Math.pow(1 - z, a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  const expectedIfAlive = ((a + b + x - 1) / (a - 1)) * (1 - tail);
  return expectedIfAlive * (x > 0 ? probabilityAlive(params, x, tx, T) : 1);
}

/** Expected repeat purchases in the first t weeks after a customer's first purchase (equation 9). */
export function expectedPurchases(params: BgNbdParams, t: number): number {
  return conditionalExpectedPurchases(params, t, 0, 0, 0);
}

/** A repeater's expected spend per transaction given x repeat transactions averaging m (the note's equation 5). */
export function expectedSpend({ p, q, v }: GammaGammaParams, x: number, m: number): number {
  if (x <= 0) return (p * v) / (q - 1);
  return (p * (v + x * m)) / (p * x + q - 1);
}
