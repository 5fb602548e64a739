import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import hyp2f1 from '@stdlib/math-base-special-hyp2f1';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cdnowFile } from '../../seed/cdnow.ts';
import { fitFile, isoDay, readPurchases, type FileFit } from './clv.cli.ts';
import { rfCells, spendCells, summarise } from './clv.data.ts';
import { bgnbdLogLikelihood, conditionalExpectedPurchases, expectedSpend, gammaGammaLogLikelihood, probabilityAlive } from './clv.model.ts';

const sample = cdnowFile(true);
const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const published = { bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, loglik: -9582.4 }, gammagamma: { p: 6.25, q: 3.74, v: 15.44 } };

describe('CLV fit on the CDNOW sample', () => {
  let fit: FileFit;

  it('finds the data set beside the repository (../shared/datasets/cdnow)', () => {
    expect(existsSync(sample), sample).toBe(true);
  });

  it('`npm run -s clv:fit` prints the fit as JSON, the same on every run', async () => {
    const run = () => promisify(execFile)('npm', ['run', '-s', 'clv:fit', '--', sample, '--format', 'cdnow', '--calibration-end', '1997-09-30', '--json'], { cwd: repoRoot });
    const [first, second] = await Promise.all([run(), run()]);
    expect(first.stdout).toBe(second.stdout);
    fit = JSON.parse(first.stdout) as FileFit;
    expect(Object.keys(fit)).toEqual(['customers', 'repeaters', 'bgnbd', 'gammagamma']);
    expect(Object.keys(fit.bgnbd)).toEqual(['r', 'alpha', 'a', 'b', 'loglik']);
    expect(Object.keys(fit.gammagamma)).toEqual(['p', 'q', 'v']);
    expect(fit).toEqual(await fitFile(sample, { format: 'cdnow', calibrationEnd: '1997-09-30' }));
  }, 60_000);

  it('matches the published estimates to their printed precision', () => {
    expect(fit.customers).toBe(2357);
    expect(fit.repeaters).toBe(946);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) expect(fit.bgnbd[key]).toBeCloseTo(published.bgnbd[key], 3);
    expect(fit.bgnbd.loglik).toBeCloseTo(published.bgnbd.loglik, 1);
    for (const key of ['p', 'q', 'v'] as const) expect(fit.gammagamma[key]).toBeCloseTo(published.gammagamma[key], 2);
  });

  it('has a log-likelihood at least as good as the published vector and any nearby one', async () => {
    const histories = summarise(await readPurchases(sample, 'cdnow'), isoDay('1997-09-30'));
    const rf = rfCells(histories);
    const spend = spendCells(histories);
    const best = bgnbdLogLikelihood(fit.bgnbd, rf);
    expect(best).toBe(fit.bgnbd.loglik);
    expect(best).toBeGreaterThanOrEqual(bgnbdLogLikelihood(published.bgnbd, rf));
    const bestSpend = gammaGammaLogLikelihood(fit.gammagamma, spend);
    expect(bestSpend).toBeGreaterThanOrEqual(gammaGammaLogLikelihood(published.gammagamma, spend));
    // Relative perturbations from 1e-4 to 20 % of each parameter, in every direction.
    const factor = fc.double({ min: -0.2, max: 0.2, noNaN: true }).filter((d) => Math.abs(d) >= 1e-4);
    fc.assert(
      fc.property(fc.tuple(factor, factor, factor, factor), ([dr, dalpha, da, db]) => {
        const { r, alpha, a, b } = fit.bgnbd;
        expect(bgnbdLogLikelihood({ r: r * (1 + dr), alpha: alpha * (1 + dalpha), a: a * (1 + da), b: b * (1 + db) }, rf)).toBeLessThanOrEqual(best);
      }),
      { numRuns: 300, seed: 8 },
    );
    fc.assert(
      fc.property(fc.tuple(factor, factor, factor), ([dp, dq, dv]) => {
        const { p, q, v } = fit.gammagamma;
        expect(gammaGammaLogLikelihood({ p: p * (1 + dp), q: q * (1 + dq), v: v * (1 + dv) }, spend)).toBeLessThanOrEqual(bestSpend);
      }),
      { numRuns: 300, seed: 8 },
    );
  }, 60_000);
});

describe('BG/NBD and Gamma-Gamma expressions', () => {
  const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

  it('reproduce the paper’s worked customer (Hardie’s spreadsheet: x=2, t_x=30.43, T=38.86 → 1.226 in 39 weeks)', () => {
    expect(conditionalExpectedPurchases(params, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
  });

  it('agree with the paper’s form of the conditional expectation, and stay finite for heavy buyers where it overflows', () => {
    const { r, alpha, a, b } = params;
    const textbook = (t: number, x: number, tx: number, T: number) =>
      (((a + b + x - 1) / (a - 1)) * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t)))) /
      (1 + (x > 0 ? (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x) : 0));
    for (const [t, x, tx, T] of [[39, 0, 0, 38], [39, 1, 5, 30], [10, 7, 20, 38.86], [52, 50, 38, 38.86]] as const) {
      expect(conditionalExpectedPurchases(params, t, x, tx, T)).toBeCloseTo(textbook(t, x, tx, T), 8);
    }
    expect(Number.isFinite(textbook(52, 1000, 38.8, 38.86))).toBe(false);
    const heavy = conditionalExpectedPurchases(params, 52, 1000, 38.8, 38.86);
    expect(heavy).toBeGreaterThan(500);
    expect(heavy).toBeLessThan((1000 / 38.86) * 52);
    expect(probabilityAlive(params, 0, 0, 10)).toBe(1);
    expect(probabilityAlive(params, 5, 10, 38)).toBeLessThan(probabilityAlive(params, 5, 37, 38));
  });

  it('shrink a repeater’s mean spend towards the population mean, less as purchases accumulate', () => {
    const gg = { p: 6.25, q: 3.74, v: 15.44 };
    const population = expectedSpend(gg, 0, 0);
    expect(population).toBeCloseTo((6.25 * 15.44) / 2.74, 6);
    const once = expectedSpend(gg, 1, 100);
    const often = expectedSpend(gg, 20, 100);
    expect(once).toBeGreaterThan(population);
    expect(once).toBeLessThan(often);
    expect(often).toBeLessThan(100);
  });
});
