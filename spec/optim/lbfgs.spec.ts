import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { InvalidArgumentError } from '../../src/linalg/errors.js';
import type { ReadonlyFloat64Array } from '../../src/linalg/matrix.js';
import { type CurvaturePair, type LbfgsOptions, lbfgsDirection, minimizeLbfgs } from '../../src/optim/lbfgs.js';
import type { Objective, Progress } from '../../src/optim/types.js';
import { right } from '../support/either.js';
import { spdFrom } from '../support/reference.js';

// -------------------------------------------------------------------------------------------------
// Test functions
// -------------------------------------------------------------------------------------------------

/**
 * Chained Rosenbrock function E(x) = sum_{i < n-1} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, minimum 0
 * at x = (1, ..., 1). For n = 2 it is the classic banana-shaped valley.
 */
const rosenbrock: Objective = (x) => {
  const n = x.length;
  const gradient = new Float64Array(n);
  let loss = 0;
  for (let i = 0; i < n - 1; i++) {
    const valley = x[i + 1] - x[i] * x[i];
    const offset = 1 - x[i];
    loss += 100 * valley * valley + offset * offset;
    gradient[i] += -400 * x[i] * valley - 2 * offset;
    gradient[i + 1] += 200 * valley;
  }
  return { loss, gradient };
};

/** The standard start (-1.2, 1) repeated: (-1.2, 1, -1.2, 1, ...). */
const rosenbrockStart = (n: number): Float64Array =>
  Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1));

/**
 * E(x) = (1/2) (x - x*)^T A (x - x*) for a symmetric n x n matrix A (row-major). Its minimiser x*
 * solves A x = b with b = A x*. This form equals (1/2) x^T A x - b^T x up to a constant but vanishes
 * at the minimum, so loss differences stay above rounding error until the gradient is tiny.
 */
const shiftedQuadratic =
  (n: number, a: ReadonlyArray<number>, xStar: ReadonlyArray<number>): Objective =>
  (x) => {
    const gradient = new Float64Array(n);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += a[i * n + j] * (x[j] - xStar[j]);
      gradient[i] = sum;
      loss += 0.5 * (x[i] - xStar[i]) * sum;
    }
    return { loss, gradient };
  };

const distance = (x: ReadonlyFloat64Array, y: ReadonlyArray<number>): number => {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i] - y[i]) ** 2;
  return Math.sqrt(sum);
};

const maxDistanceFromOnes = (x: ReadonlyFloat64Array): number => Math.max(...Array.from(x, (v) => Math.abs(v - 1)));

const bytesOf = (x: ReadonlyFloat64Array): Uint8Array => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);

const left = <L, R>(either: E.Either<L, R>): L => {
  if (E.isRight(either)) throw new Error('expected Left, got Right');
  return either.left;
};

const asInvalidArgument = (error: { readonly _tag: string; readonly message: string }): InvalidArgumentError => {
  if (error._tag !== 'InvalidArgumentError') throw new Error(`expected InvalidArgumentError, got ${error.message}`);
  return error as InvalidArgumentError;
};

/** Options that run until the gradient is negligible: the loss-change test is off in effect. */
const tight = (maxIterations: number): LbfgsOptions => ({
  maxIterations,
  gradientTolerance: 1e-10,
  lossChangeTolerance: 0,
});

// -------------------------------------------------------------------------------------------------
// Convergence
// -------------------------------------------------------------------------------------------------

describe('minimizeLbfgs on Rosenbrock', () => {
  it('reaches (1, 1) from (-1.2, 1)', () => {
    // Measured: 38 iterations and 47 calls (Node 20). 60 leaves room for small changes in the line
    // search, while a method that degrades to steepest descent needs thousands of iterations.
    const result = right(minimizeLbfgs(rosenbrock, rosenbrockStart(2), tight(60)));

    expect(result.stopReason).toBe('gradient-tolerance');
    // Near (1, 1) the Hessian's smallest eigenvalue is about 0.4, so ||g|| <= 1e-10 puts theta within
    // about 2.5e-10 of the minimiser, far inside the required 1e-6.
    expect(maxDistanceFromOnes(result.theta)).toBeLessThanOrEqual(1e-6);
  });

  it('reaches the ones vector in 10 dimensions', () => {
    // Measured: 87 iterations (Node 20); with memory 3 it takes 148, so 130 also checks that the
    // default memory of 10 is used. The alternating start leads to the global minimiser (1, ..., 1),
    // whereas the start (-1.2, 1, 1, ..., 1) ends in the local minimum near x_0 = -1.
    const result = right(minimizeLbfgs(rosenbrock, rosenbrockStart(10), tight(130)));

    expect(result.stopReason).toBe('gradient-tolerance');
    expect(maxDistanceFromOnes(result.theta)).toBeLessThanOrEqual(1e-6);
  });

  it('stops on loss change with the defaults', () => {
    const result = right(minimizeLbfgs(rosenbrock, rosenbrockStart(10), { maxIterations: 500 }));

    expect(['gradient-tolerance', 'loss-change-tolerance']).toContain(result.stopReason);
    expect(result.loss).toBeLessThan(1e-8);
  });
});

/** Problem sizes of the random quadratics. */
const MAX_SIZE = 6;
/** Entries of B in A = B^T B + I; they bound the eigenvalues of A by 1 + (2 n)^2 = 145. */
const MATRIX_ENTRY = { min: -2, max: 2, noNaN: true };
/** Entries of the minimiser and of the start. */
const VECTOR_ENTRY = { min: -10, max: 10, noNaN: true };
/**
 * A gradient tolerance far below the problem scale but far above rounding. Near x* the difference
 * x - x* is exact, so the computed gradient A (x - x*) is off by only a few ulps of its own size.
 */
const QUADRATIC_GRADIENT_TOLERANCE = 1e-9;

const quadraticCase = fc.integer({ min: 1, max: MAX_SIZE }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    entries: fc.array(fc.double(MATRIX_ENTRY), { minLength: n * n, maxLength: n * n }),
    xStar: fc.array(fc.double(VECTOR_ENTRY), { minLength: n, maxLength: n }),
    x0: fc.array(fc.double(VECTOR_ENTRY), { minLength: n, maxLength: n }),
    memory: fc.integer({ min: 1, max: 10 }),
  }),
);

describe('minimizeLbfgs on quadratics', () => {
  it('reaches the solution of A x = b', () => {
    fc.assert(
      fc.property(quadraticCase, ({ n, entries, xStar, x0, memory }) => {
        const objective = shiftedQuadratic(n, spdFrom(n, entries), xStar);

        const result = right(
          minimizeLbfgs(objective, Float64Array.from(x0), {
            maxIterations: 200,
            memory,
            gradientTolerance: QUADRATIC_GRADIENT_TOLERANCE,
            lossChangeTolerance: 0,
          }),
        );

        expect(result.stopReason).toBe('gradient-tolerance');
        // ||x - x*|| = ||A^{-1} g|| <= ||g|| / lambda_min(A) <= ||g||, since lambda_min(A) >= 1. The
        // 1e-12 allows for rounding in the computed gradient and in the distance.
        expect(distance(result.theta, xStar)).toBeLessThanOrEqual(QUADRATIC_GRADIENT_TOLERANCE + 1e-12);
      }),
      { numRuns: 60 },
    );
  });
});

describe('lbfgsDirection', () => {
  /**
   * Sizes of the entries of the steps s and of g. Keeping them away from 0 keeps s, y and g away from
   * the zero vector, for which s^T y > 0 or g^T p < 0 cannot hold.
   */
  const ENTRY_MAGNITUDE = { min: 0.5, max: 2, noNaN: true };
  const signedEntry = fc
    .tuple(fc.boolean(), fc.double(ENTRY_MAGNITUDE))
    .map(([negative, size]) => (negative ? -size : size));

  it('is a descent direction for positive curvature pairs', () => {
    // Pairs with y = A s for a symmetric positive definite A have s^T y > 0, which keeps H positive
    // definite, so g^T p = -g^T H g < 0.
    const pairCase = fc.integer({ min: 1, max: MAX_SIZE }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        entries: fc.array(fc.double(MATRIX_ENTRY), { minLength: n * n, maxLength: n * n }),
        steps: fc.array(fc.array(signedEntry, { minLength: n, maxLength: n }), {
          minLength: 0,
          maxLength: 5,
        }),
        gradient: fc.array(signedEntry, { minLength: n, maxLength: n }),
      }),
    );
    fc.assert(
      fc.property(pairCase, ({ n, entries, steps, gradient }) => {
        const a = spdFrom(n, entries);
        const pairs: CurvaturePair[] = steps.map((step) => {
          const s = Float64Array.from(step);
          const y = s.map((_, i) => step.reduce((sum, sj, j) => sum + a[i * n + j] * sj, 0));
          const sy = s.reduce((sum, si, i) => sum + si * y[i], 0);
          const yy = y.reduce((sum, yi) => sum + yi * yi, 0);
          return { s, y, rho: 1 / sy, gamma: sy / yy };
        });
        const g = Float64Array.from(gradient);

        const p = lbfgsDirection(g, pairs);

        expect(p.reduce((sum, pi, i) => sum + pi * g[i], 0)).toBeLessThan(0);
      }),
      { numRuns: 100 },
    );
  });

  it('is -g with no pairs', () => {
    expect(Array.from(lbfgsDirection(Float64Array.of(1, -2), []))).toEqual([-1, 2]);
  });
});

// -------------------------------------------------------------------------------------------------
// Contract
// -------------------------------------------------------------------------------------------------

describe('minimizeLbfgs contract', () => {
  it('reports progress once per iteration', () => {
    const calls: Progress[] = [];

    const result = right(minimizeLbfgs(rosenbrock, rosenbrockStart(2), tight(25), (p) => calls.push(p)));

    expect(result.iterations).toBe(25);
    expect(calls.map((p) => p.iteration)).toEqual(Array.from({ length: 25 }, (_, k) => k + 1));
    expect(calls.every((p) => p.maxIterations === 25)).toBe(true);
    expect(calls.map((p) => p.loss)).toEqual(Array.from(result.lossHistory));
    expect(calls[24].gradientNorm).toBe(result.gradientNorm);
  });

  it('lowers the loss at every iteration', () => {
    // Sufficient decrease makes E_{k+1} < E_k whenever the step is accepted.
    const result = right(minimizeLbfgs(rosenbrock, rosenbrockStart(2), tight(30)));
    const losses = [rosenbrock(rosenbrockStart(2)).loss, ...result.lossHistory];

    for (let k = 1; k < losses.length; k++) expect(losses[k]).toBeLessThan(losses[k - 1]);
  });

  it('leaves theta0 unchanged', () => {
    const theta0 = rosenbrockStart(4);

    right(minimizeLbfgs(rosenbrock, theta0, tight(50)));

    expect(Array.from(theta0)).toEqual([-1.2, 1, -1.2, 1]);
  });

  it('tolerates an objective that reuses its gradient buffer', () => {
    // L-BFGS needs g_k and g_{k+1} together for y = g_{k+1} - g_k, so it must not keep a reference.
    const shared = new Float64Array(2);
    const reusing: Objective = (x) => {
      shared.set(rosenbrock(x).gradient);
      return { loss: rosenbrock(x).loss, gradient: shared };
    };

    const reused = right(minimizeLbfgs(reusing, rosenbrockStart(2), tight(60)));
    const fresh = right(minimizeLbfgs(rosenbrock, rosenbrockStart(2), tight(60)));

    expect(bytesOf(reused.theta)).toEqual(bytesOf(fresh.theta));
    expect(reused.iterations).toBe(fresh.iterations);
  });

  it('stops on loss change tolerance', () => {
    const result = right(
      minimizeLbfgs(rosenbrock, rosenbrockStart(2), { maxIterations: 100, lossChangeTolerance: 0.5 }),
    );

    expect(result.stopReason).toBe('loss-change-tolerance');
    expect(result.iterations).toBeLessThan(38);
  });

  it('takes no step from a stationary start', () => {
    const result = right(minimizeLbfgs(rosenbrock, Float64Array.of(1, 1), tight(10)));

    expect(result.iterations).toBe(0);
    expect(result.evaluations).toBe(1);
    expect(result.stopReason).toBe('gradient-tolerance');
  });

  it('ends at the best point when the line search fails', () => {
    // E(x) = |x| has slope +-1 everywhere, so no step satisfies the curvature condition.
    const absolute: Objective = (x) => ({ loss: Math.abs(x[0]), gradient: Float64Array.of(Math.sign(x[0])) });

    const result = right(minimizeLbfgs(absolute, Float64Array.of(0.3), tight(10)));

    expect(result.stopReason).toBe('line-search-failed');
    expect(result.iterations).toBe(1);
    expect(result.loss).toBeLessThan(0.3);
    expect(result.loss).toBe(Math.abs(result.theta[0]));
  });

  it('retries along steepest descent after a failed search', () => {
    // Every call of the line search in iteration 2 (along -H g, with the default budget of 20 calls)
    // returns NaN. Only the retry along -g with a cleared memory can then continue the run.
    const afterFirst = right(minimizeLbfgs(rosenbrock, rosenbrockStart(2), tight(1))).evaluations;
    let calls = 0;
    const blackout: Objective = (x) => {
      calls++;
      const poisoned = calls > afterFirst && calls <= afterFirst + 20;
      return poisoned ? { loss: Number.NaN, gradient: Float64Array.of(0, 0) } : rosenbrock(x);
    };

    const result = right(minimizeLbfgs(blackout, rosenbrockStart(2), tight(200)));

    expect(result.stopReason).toBe('gradient-tolerance');
    expect(maxDistanceFromOnes(result.theta)).toBeLessThanOrEqual(1e-6);
  });

  it('recovers from NaN trials by shortening the step', () => {
    // E(x) = 0.01 sum (x_i - 3)^2 is NaN once any x_i > 3.2. The first search starts with the step
    // 1 and multiplies it by 4, from theta_0 = 0 along -g = (0.06, 0.06). With c2 = 0.1 it accepts no
    // step before 64, which lands at 3.84 and so in the NaN region.
    let nanCalls = 0;
    const barrier: Objective = (x) => {
      if (x[0] > 3.2 || x[1] > 3.2) {
        nanCalls++;
        return { loss: Number.NaN, gradient: Float64Array.of(Number.NaN, Number.NaN) };
      }
      return {
        loss: 0.01 * ((x[0] - 3) ** 2 + (x[1] - 3) ** 2),
        gradient: Float64Array.of(0.02 * (x[0] - 3), 0.02 * (x[1] - 3)),
      };
    };

    const result = right(minimizeLbfgs(barrier, Float64Array.of(0, 0), { ...tight(50), lineSearch: { c2: 0.1 } }));

    expect(nanCalls).toBeGreaterThan(0);
    expect(result.stopReason).toBe('gradient-tolerance');
    expect(distance(result.theta, [3, 3])).toBeLessThanOrEqual(1e-8);
  });
});

// -------------------------------------------------------------------------------------------------
// Failures
// -------------------------------------------------------------------------------------------------

describe('minimizeLbfgs failures', () => {
  it('stops on non-finite values with the last finite iterate', () => {
    for (let completed = 0; completed <= 6; completed++) {
      // A clean run of `completed` iterations gives theta_completed and the calls it needed. Poisoning
      // every later call makes iteration completed + 1 fail, and L-BFGS is deterministic, so the last
      // finite iterate must be that same theta, bit for bit.
      const clean =
        completed === 0 ? undefined : right(minimizeLbfgs(rosenbrock, rosenbrockStart(2), tight(completed)));
      const cleanCalls = clean?.evaluations ?? 1;
      let calls = 0;
      const broken: Objective = (x) => {
        calls++;
        return calls <= cleanCalls ? rosenbrock(x) : { loss: Number.NaN, gradient: Float64Array.of(0, 0) };
      };

      const failure = left(minimizeLbfgs(broken, rosenbrockStart(2), tight(20)));

      if (failure._tag !== 'NonFiniteLossError') throw new Error(failure.message);
      expect(failure.iteration).toBe(completed + 1);
      expect(failure.message).toContain(`at iteration ${completed + 1}`);
      expect(failure.lastFinite.iterations).toBe(completed);
      expect(failure.lastFinite.stopReason).toBe('non-finite');
      expect(bytesOf(failure.lastFinite.theta)).toEqual(bytesOf(clean?.theta ?? rosenbrockStart(2)));
    }
  });

  it('rejects a non-finite loss at theta0', () => {
    const overflowing: Objective = () => ({ loss: Number.POSITIVE_INFINITY, gradient: Float64Array.of(0) });

    const error = left(minimizeLbfgs(overflowing, Float64Array.of(1), tight(5)));

    expect(asInvalidArgument(error).argument).toBe('theta0');
  });

  const invalidCases: ReadonlyArray<[string, Partial<Record<keyof LbfgsOptions, unknown>>, string, string]> = [
    ['maxIterations = 0', { maxIterations: 0 }, 'options.maxIterations', '0'],
    ['maxIterations = NaN', { maxIterations: Number.NaN }, 'options.maxIterations', 'NaN'],
    ['memory = 0', { memory: 0 }, 'options.memory', '0'],
    ['memory = 2.5', { memory: 2.5 }, 'options.memory', '2.5'],
    ['gradientTolerance = -1', { gradientTolerance: -1 }, 'options.gradientTolerance', '-1'],
    ['lossChangeTolerance = NaN', { lossChangeTolerance: Number.NaN }, 'options.lossChangeTolerance', 'NaN'],
    ['lineSearch.c2 = 1e-5', { lineSearch: { c2: 1e-5 } }, 'options.lineSearch.c2', '0.00001'],
    ['lineSearch.maxEvaluations = 0', { lineSearch: { maxEvaluations: 0 } }, 'options.lineSearch.maxEvaluations', '0'],
  ];

  it.each(invalidCases)('rejects %s', (_, overrides, argument, rendered) => {
    const options = { maxIterations: 10, ...overrides } as LbfgsOptions;

    const error = left(minimizeLbfgs(rosenbrock, rosenbrockStart(2), options));

    const invalid = asInvalidArgument(error);
    expect(invalid.functionName).toBe('minimizeLbfgs');
    expect(invalid.argument).toBe(argument);
    expect(invalid.value).toBe(rendered);
  });

  it('rejects a non-finite theta0 entry', () => {
    const error = left(minimizeLbfgs(rosenbrock, Float64Array.of(1, Number.POSITIVE_INFINITY), tight(5)));

    expect(asInvalidArgument(error).argument).toBe('theta0[1]');
  });
});
