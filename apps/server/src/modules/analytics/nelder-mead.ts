/**
 * Nelder–Mead downhill simplex, restarted from its own best point until a restart no longer improves.
 *
 * Written here rather than taken from npm (see docs/clv.md): the only optimizer packages on the
 * registry are unmaintained (`numeric` 2012, `fmin` whose last release 0.0.4 ships a UMD bundle
 * under `"type": "module"` and so exports nothing in Node), and the CLV fits need exactly this: a
 * derivative-free minimizer of a smooth function of 3–4 unconstrained variables (log-parameters),
 * deterministic, with tolerances we control. The restarts matter: a simplex can collapse before the
 * optimum, and the acceptance test compares the fit against every nearby parameter vector.
 */
export interface MinimizeOptions {
  /**
   * Stop when the simplex's function values differ by less than this, relative to the best value: a
   * likelihood summed over thousands of customers carries rounding noise proportional to its size.
   */
  fTolerance?: number;
  /** …and its vertices by less than this in every coordinate. */
  xTolerance?: number;
  /** Edge of the initial simplex in each coordinate. */
  step?: number;
  maxEvaluations?: number;
}

export interface MinimizeResult {
  x: number[];
  fx: number;
  evaluations: number;
  converged: boolean;
}

export function minimize(f: (x: number[]) => number, x0: number[], options: MinimizeOptions = {}): MinimizeResult {
  const fTolerance = options.fTolerance ?? 1e-12;
  const xTolerance = options.xTolerance ?? 1e-8;
  const maxEvaluations = options.maxEvaluations ?? 50_000;
  let best = { x: x0.slice(), fx: safe(f(x0)) };
  let evaluations = 1;
  let step = options.step ?? 0.5;
  for (;;) {
    const run = simplexRun(f, best.x, step, fTolerance, xTolerance, maxEvaluations - evaluations);
    evaluations += run.evaluations;
    const improved = best.fx - run.fx > fTolerance * (Math.abs(best.fx) + 1);
    if (run.fx <= best.fx) best = { x: run.x, fx: run.fx };
    if (!improved || evaluations >= maxEvaluations) return { ...best, evaluations, converged: evaluations < maxEvaluations };
    // Each restart starts smaller: the optimum is near, and a large simplex would only re-explore.
    step = Math.max(step / 2, 1e-3);
  }
}

interface Vertex {
  x: number[];
  fx: number;
}

function simplexRun(f: (x: number[]) => number, start: number[], step: number, fTolerance: number, xTolerance: number, budget: number) {
  const n = start.length;
  let evaluations = 0;
  const evaluate = (x: number[]): Vertex => {
    evaluations++;
    return { x, fx: safe(f(x)) };
  };
  const simplex: Vertex[] = [evaluate(start.slice())];
  for (let i = 0; i < n; i++) {
    const x = start.slice();
    x[i]! += step;
    simplex.push(evaluate(x));
  }
  const along = (from: number[], to: number[], t: number) => from.map((v, i) => v + t * (to[i]! - v));
  while (evaluations < budget) {
    simplex.sort((p, q) => p.fx - q.fx);
    const bestV = simplex[0]!;
    const worst = simplex[n]!;
    let spread = 0;
    for (const v of simplex) for (let i = 0; i < n; i++) spread = Math.max(spread, Math.abs(v.x[i]! - bestV.x[i]!));
    if (worst.fx - bestV.fx <= fTolerance * (Math.abs(bestV.fx) + 1) && spread < xTolerance) break;
    const centroid = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) centroid[i]! += simplex[j]!.x[i]! / n;
    const reflected = evaluate(along(centroid, worst.x, -1));
    if (reflected.fx < bestV.fx) {
      const expanded = evaluate(along(centroid, worst.x, -2));
      simplex[n] = expanded.fx < reflected.fx ? expanded : reflected;
    } else if (reflected.fx < simplex[n - 1]!.fx) {
      simplex[n] = reflected;
    } else {
      const outside = reflected.fx < worst.fx;
      const contracted = evaluate(along(centroid, outside ? reflected.x : worst.x, 0.5));
      if (contracted.fx < (outside ? reflected.fx : worst.fx)) {
        simplex[n] = contracted;
      } else {
        for (let j = 1; j <= n; j++) simplex[j] = evaluate(along(bestV.x, simplex[j]!.x, 0.5));
      }
    }
  }
  simplex.sort((p, q) => p.fx - q.fx);
  return { x: simplex[0]!.x, fx: simplex[0]!.fx, evaluations };
}

/** A likelihood that overflows or is undefined far from the optimum is just a very bad point. */
function safe(value: number): number {
  return Number.isFinite(value) ? value : Number.MAX_VALUE;
}
