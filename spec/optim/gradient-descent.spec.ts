import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { InvalidArgumentError } from '../../src/linalg/errors.js';
import type { ReadonlyFloat64Array } from '../../src/linalg/matrix.js';
import {
  type GradientDescentOptions,
  gradientDescentStep,
  initialGradientDescentState,
  minimizeGradientDescent,
} from '../../src/optim/gradient-descent.js';
import type { Objective, Progress } from '../../src/optim/types.js';
import { right } from '../support/either.js';

// -------------------------------------------------------------------------------------------------
// Helpers
// -------------------------------------------------------------------------------------------------

/** E(x) = (1/2) sum_i lambda_i x_i^2, a quadratic with Hessian diag(lambda) and minimum 0 at x = 0. */
const diagonalQuadratic =
  (lambda: ReadonlyArray<number>): Objective =>
  (x) => {
    const gradient = new Float64Array(x.length);
    let loss = 0;
    for (let i = 0; i < x.length; i++) {
      gradient[i] = lambda[i] * x[i];
      loss += 0.5 * lambda[i] * x[i] * x[i];
    }
    return { loss, gradient };
  };

/** Wraps an objective so that call number `poisonedCall` (1-based) returns a NaN loss or gradient. */
const poisoned = (objective: Objective, poisonedCall: number, part: 'loss' | 'gradient') => {
  const thetas: Float64Array[] = [];
  const wrapped: Objective = (theta) => {
    thetas.push(theta.slice());
    const evaluation = objective(theta);
    if (thetas.length !== poisonedCall) return evaluation;
    if (part === 'loss') return { loss: Number.NaN, gradient: evaluation.gradient };
    const gradient = evaluation.gradient.slice();
    gradient[0] = Number.NaN;
    return { loss: evaluation.loss, gradient };
  };
  return { wrapped, thetas };
};

const left = <L, R>(either: E.Either<L, R>): L => {
  if (E.isRight(either)) throw new Error('expected Left, got Right');
  return either.left;
};

const asInvalidArgument = (error: { readonly _tag: string; readonly message: string }): InvalidArgumentError => {
  if (error._tag !== 'InvalidArgumentError') throw new Error(`expected InvalidArgumentError, got ${error.message}`);
  return error as InvalidArgumentError;
};

const bytesOf = (x: ReadonlyFloat64Array): Uint8Array => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);

// -------------------------------------------------------------------------------------------------
// Convergence
// -------------------------------------------------------------------------------------------------

/** Smallest Hessian eigenvalue m drawn; scales from 0.01 to 10 cover badly and well scaled losses. */
const MIN_CURVATURE = { min: 0.01, max: 10, noNaN: true };
/** Condition number L / m up to 400, so that q = (sqrt(400) - 1) / (sqrt(400) + 1) = 0.905 at worst. */
const CONDITION = { min: 1, max: 400, noNaN: true };
/** Entries of theta_0. */
const START = { min: -10, max: 10, noNaN: true };
/**
 * Magnitudes of theta_0 entries in the rate test. The lower bound keeps every iterate far above the
 * subnormal range, where rounding errors are absolute rather than relative to |theta_0|.
 */
const START_MAGNITUDE = { min: 1e-6, max: 10, noNaN: true };
const signedStart = fc
  .tuple(fc.boolean(), fc.double(START_MAGNITUDE))
  .map(([negative, size]) => (negative ? -size : size));
/** Where the middle eigenvalue lies in [m, L], as a fraction of that interval. */
const MIDDLE_FRACTION = { min: 0, max: 1, noNaN: true };
/** Steps checked; 200 steps take the worst-case error envelope k q^k (q = 0.905) down to about 4e-7. */
const RATE_STEPS = 200;

describe('gradientDescentStep', () => {
  it('heavy-ball error stays within k q^k envelope', () => {
    // Per eigenvalue lambda, the error obeys x_{k+1} = (1 + mu - eta lambda) x_k - mu x_{k-1}, x_{-1} = x_0.
    // With eta = 4 / (sqrt(L) + sqrt(m))^2 and mu = q^2, q = (sqrt(L) - sqrt(m)) / (sqrt(L) + sqrt(m)),
    // the characteristic roots of every lambda in [m, L] have modulus q (complex, or double at m and L).
    // Writing x_k = p_k (1 - eta lambda) x_0 - mu p_{k-1} x_0 with |p_k| <= k q^(k-1) gives
    //   |x_k| <= (k |1 - eta lambda| q^(k-1) + (k - 1) q^k) |x_0|.
    fc.assert(
      fc.property(
        fc.double(MIN_CURVATURE),
        fc.double(CONDITION),
        fc.double(MIDDLE_FRACTION),
        fc.tuple(signedStart, signedStart, signedStart),
        (m, condition, middle, x0) => {
          const L = m * condition;
          const lambda = [m, m + middle * (L - m), L];
          const sqrtM = Math.sqrt(m);
          const sqrtL = Math.sqrt(L);
          const q = (sqrtL - sqrtM) / (sqrtL + sqrtM);
          const settings = { learningRate: 4 / (sqrtL + sqrtM) ** 2, momentum: q * q };
          const objective = diagonalQuadratic(lambda);

          let state = initialGradientDescentState(objective, Float64Array.from(x0));
          for (let k = 1; k <= RATE_STEPS; k++) {
            state = gradientDescentStep(state, objective, settings);
            for (let i = 0; i < 3; i++) {
              const contraction = Math.abs(1 - settings.learningRate * lambda[i]);
              const envelope = (k * contraction * q ** (k - 1) + (k - 1) * q ** k) * Math.abs(x0[i]);
              // Each step adds a few ulps of |x_0|, and the recurrence amplifies an error by at most
              // sum_j j q^(j-1) = 1 / (1 - q)^2 in total.
              const rounding = (4 * k * Number.EPSILON * Math.abs(x0[i])) / (1 - q) ** 2;
              expect(Math.abs(state.theta[i])).toBeLessThanOrEqual(envelope + rounding);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  /** Hessian eigenvalues of the quadratics in the comparison with plain gradient descent. */
  const EIGENVALUE = { min: 0.1, max: 10, noNaN: true };
  /** Learning rates below 2 / max lambda = 0.2, so that the iterates stay bounded over the 20 steps. */
  const PLAIN_LEARNING_RATE = { min: 0.001, max: 0.19, noNaN: true };

  it('momentum 0 equals plain gradient descent', () => {
    // theta + (0 v - eta g) and theta - eta g are the same floating-point operations, so the
    // trajectories must agree bit for bit.
    fc.assert(
      fc.property(
        fc.array(fc.double(EIGENVALUE), { minLength: 1, maxLength: 6 }).chain((lambda) =>
          fc.tuple(
            fc.constant(lambda),
            fc.array(fc.double(START), { minLength: lambda.length, maxLength: lambda.length }),
            fc.double(PLAIN_LEARNING_RATE),
          ),
        ),
        ([lambda, x0, learningRate]) => {
          const objective = diagonalQuadratic(lambda);
          let state = initialGradientDescentState(objective, Float64Array.from(x0));
          let plain = Float64Array.from(x0);
          for (let k = 0; k < 20; k++) {
            const gradient = objective(plain).gradient;
            plain = plain.map((value, i) => value - learningRate * gradient[i]);
            state = gradientDescentStep(state, objective, { learningRate, momentum: 0 });
            expect(bytesOf(state.theta)).toEqual(bytesOf(plain));
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('minimizeGradientDescent', () => {
  const halving = diagonalQuadratic([1]);

  it('halves theta on theta^2 / 2 with eta 0.5', () => {
    const result = right(minimizeGradientDescent(halving, Float64Array.of(8), { learningRate: 0.5, maxIterations: 3 }));

    expect(Array.from(result.theta)).toEqual([1]);
    expect(result.loss).toBe(0.5);
    expect(Array.from(result.lossHistory)).toEqual([8, 2, 0.5]);
    expect(result.iterations).toBe(3);
    expect(result.evaluations).toBe(4);
    expect(result.stopReason).toBe('max-iterations');
  });

  it('stops at gradient tolerance', () => {
    // theta_k = 8 / 2^k and the gradient equals theta, so ||g|| <= 0.1 is first true at k = 7 (0.0625).
    const result = right(
      minimizeGradientDescent(halving, Float64Array.of(8), {
        learningRate: 0.5,
        maxIterations: 100,
        gradientTolerance: 0.1,
      }),
    );

    expect(result.stopReason).toBe('gradient-tolerance');
    expect(result.iterations).toBe(7);
    expect(result.gradientNorm).toBe(0.0625);
  });

  it('takes no step from a stationary start', () => {
    const calls: Progress[] = [];
    const result = right(
      minimizeGradientDescent(halving, Float64Array.of(0), { learningRate: 0.5, maxIterations: 5 }, (p) =>
        calls.push(p),
      ),
    );

    expect(result.iterations).toBe(0);
    expect(result.evaluations).toBe(1);
    expect(result.stopReason).toBe('gradient-tolerance');
    expect(calls).toHaveLength(0);
  });

  it('reports progress once per iteration', () => {
    const calls: Progress[] = [];
    const result = right(
      minimizeGradientDescent(
        diagonalQuadratic([1, 3]),
        Float64Array.of(1, -2),
        { learningRate: 0.1, momentum: 0.5, maxIterations: 12 },
        (p) => calls.push(p),
      ),
    );

    expect(calls.map((p) => p.iteration)).toEqual(Array.from({ length: 12 }, (_, k) => k + 1));
    expect(calls.every((p) => p.maxIterations === 12)).toBe(true);
    expect(calls.map((p) => p.loss)).toEqual(Array.from(result.lossHistory));
    expect(calls[11].gradientNorm).toBe(result.gradientNorm);
  });

  it('leaves theta0 unchanged', () => {
    const theta0 = Float64Array.of(3, -1);
    const options = { learningRate: 0.1, momentum: 0.9, maxIterations: 5 };

    const result = right(minimizeGradientDescent(diagonalQuadratic([1, 2]), theta0, options));

    expect(Array.from(theta0)).toEqual([3, -1]);
    expect(result.theta).not.toBe(theta0);
  });

  it('tolerates an objective that reuses its gradient buffer', () => {
    const shared = new Float64Array(2);
    const reusing: Objective = (x) => {
      shared[0] = x[0];
      shared[1] = 4 * x[1];
      return { loss: 0.5 * (x[0] * x[0] + 4 * x[1] * x[1]), gradient: shared };
    };
    const options = { learningRate: 0.1, momentum: 0.8, maxIterations: 30 };

    const reused = right(minimizeGradientDescent(reusing, Float64Array.of(1, 1), options));
    const fresh = right(minimizeGradientDescent(diagonalQuadratic([1, 4]), Float64Array.of(1, 1), options));

    expect(bytesOf(reused.theta)).toEqual(bytesOf(fresh.theta));
  });
});

// -------------------------------------------------------------------------------------------------
// Failures
// -------------------------------------------------------------------------------------------------

describe('minimizeGradientDescent failures', () => {
  const halvingObjective = diagonalQuadratic([1]);
  it.each(['loss', 'gradient'] as const)('stops on a non-finite %s with the last finite iterate', (part) => {
    for (let poisonedCall = 2; poisonedCall <= 8; poisonedCall++) {
      const { wrapped, thetas } = poisoned(diagonalQuadratic([1, 2]), poisonedCall, part);

      const options = { learningRate: 0.1, momentum: 0.5, maxIterations: 20 };

      const failure = left(minimizeGradientDescent(wrapped, Float64Array.of(1, 1), options));

      // Call c evaluates theta_{c-1}, the iterate of iteration c - 1; theta_{c-2} was the last finite one.
      const iteration = poisonedCall - 1;
      if (failure._tag !== 'NonFiniteLossError') throw new Error(failure.message);
      expect(failure.iteration).toBe(iteration);
      expect(failure.message).toContain(`at iteration ${iteration}`);
      expect(bytesOf(failure.lastFinite.theta)).toEqual(bytesOf(thetas[poisonedCall - 2]));
      expect(failure.lastFinite.iterations).toBe(iteration - 1);
      expect(failure.lastFinite.lossHistory).toHaveLength(iteration - 1);
      expect(failure.lastFinite.stopReason).toBe('non-finite');
    }
  });

  it('rejects a non-finite loss at theta0', () => {
    const { wrapped } = poisoned(diagonalQuadratic([1]), 1, 'loss');

    const error = left(minimizeGradientDescent(wrapped, Float64Array.of(1), { learningRate: 0.1, maxIterations: 3 }));

    expect(error._tag).toBe('InvalidArgumentError');
    expect(error.message).toContain('theta0');
  });

  it('rejects a gradient of the wrong length', () => {
    const short: Objective = () => ({ loss: 1, gradient: new Float64Array(1) });

    const error = left(minimizeGradientDescent(short, Float64Array.of(1, 2), { learningRate: 0.1, maxIterations: 3 }));

    expect(asInvalidArgument(error).argument).toBe('objective(theta0).gradient.length');
  });

  const valid: GradientDescentOptions = { learningRate: 0.1, momentum: 0.5, maxIterations: 10, gradientTolerance: 0 };
  const invalidCases: ReadonlyArray<[keyof GradientDescentOptions, number, string]> = [
    ['learningRate', 0, '0'],
    ['learningRate', -1, '-1'],
    ['learningRate', Number.NaN, 'NaN'],
    ['learningRate', Number.POSITIVE_INFINITY, 'Infinity'],
    ['momentum', -0.1, '-0.1'],
    ['momentum', 1, '1'],
    ['momentum', Number.NaN, 'NaN'],
    ['maxIterations', 0, '0'],
    ['maxIterations', 2.5, '2.5'],
    ['gradientTolerance', -1e-9, '-1e-9'],
    ['gradientTolerance', Number.POSITIVE_INFINITY, 'Infinity'],
  ];

  it.each(invalidCases)('rejects options.%s = %s', (option, value, rendered) => {
    const error = left(minimizeGradientDescent(halvingObjective, Float64Array.of(1), { ...valid, [option]: value }));

    const invalid = asInvalidArgument(error);
    expect(invalid.argument).toBe(`options.${option}`);
    expect(invalid.value).toBe(rendered);
  });

  it('rejects a non-finite theta0 entry', () => {
    const error = left(minimizeGradientDescent(halvingObjective, Float64Array.of(0, Number.NaN), valid));

    expect(asInvalidArgument(error).argument).toBe('theta0[1]');
  });

  it('rejects an empty theta0', () => {
    const error = left(minimizeGradientDescent(halvingObjective, new Float64Array(0), valid));

    expect(asInvalidArgument(error).argument).toBe('theta0');
  });
});
