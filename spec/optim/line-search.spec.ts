import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { ReadonlyFloat64Array } from '../../src/linalg/matrix.js';
import {
  DEFAULT_LINE_SEARCH_SETTINGS,
  type LineSearchSettings,
  type LineSearchStep,
  lineSearchSettings,
  strongWolfeLineSearch,
} from '../../src/optim/line-search.js';
import { type EvaluatedPoint, type Objective, evaluatedPoint } from '../../src/optim/types.js';
import { right } from '../support/either.js';
import { spdFrom } from '../support/reference.js';

// -------------------------------------------------------------------------------------------------
// Helpers
// -------------------------------------------------------------------------------------------------

const dotProduct = (x: ReadonlyFloat64Array, y: ReadonlyFloat64Array): number => {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * y[i];
  return sum;
};

/** E(x) = (1/2) x^T A x - b^T x for a symmetric n x n matrix A stored row-major. */
const quadratic =
  (n: number, a: ReadonlyArray<number>, b: ReadonlyArray<number>): Objective =>
  (x) => {
    const gradient = new Float64Array(n);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let ax = 0;
      for (let j = 0; j < n; j++) ax += a[i * n + j] * x[j];
      gradient[i] = ax - b[i];
      loss += x[i] * (0.5 * ax - b[i]);
    }
    return { loss, gradient };
  };

const start = (objective: Objective, theta: ReadonlyFloat64Array): EvaluatedPoint =>
  evaluatedPoint(theta, objective(theta));

const negated = (x: ReadonlyFloat64Array): Float64Array => x.map((value) => -value);

const left = <L, R>(either: E.Either<L, R>): L => {
  if (E.isRight(either)) throw new Error('expected Left, got Right');
  return either.left;
};

/**
 * Checks both strong Wolfe inequalities on the accepted step, recomputing phi(0), phi'(0), the trial
 * point and phi'(alpha) from the objective. They are the floating-point numbers the search itself
 * compared, so the inequalities must hold exactly, with no tolerance.
 */
const expectStrongWolfe = (
  objective: Objective,
  from: EvaluatedPoint,
  direction: ReadonlyFloat64Array,
  accepted: LineSearchStep,
  settings: LineSearchSettings,
): void => {
  const alpha = accepted.step;
  const trial = from.theta.map((x, i) => x + alpha * direction[i]);
  const atTrial = objective(trial);
  const slope0 = dotProduct(from.gradient, direction);
  const slope = dotProduct(atTrial.gradient, direction);

  expect(alpha).toBeGreaterThan(0);
  expect(Array.from(accepted.point.theta)).toEqual(Array.from(trial));
  expect(atTrial.loss).toBeLessThanOrEqual(from.loss + settings.c1 * alpha * slope0);
  expect(Math.abs(slope)).toBeLessThanOrEqual(settings.c2 * Math.abs(slope0));
};

// -------------------------------------------------------------------------------------------------
// Generators
// -------------------------------------------------------------------------------------------------

/** Problem sizes; small, since the conditions are about one direction. */
const MAX_SIZE = 5;
/** Entries of B in A = B^T B + I, keeping the largest eigenvalue of A below 1 + (2 n)^2 = 101. */
const MATRIX_ENTRY = { min: -2, max: 2, noNaN: true };
/** Entries of the minimiser x* and of the random direction. */
const VECTOR_ENTRY = { min: -10, max: 10, noNaN: true };
/**
 * Size of each entry of the offset from x* to the start. With every entry at least 1 the gradient
 * A (x - x*) has norm at least 1, so the loss decrease along the search is far above rounding.
 */
const OFFSET_MAGNITUDE = { min: 1, max: 10, noNaN: true };
const offsetEntry = fc
  .tuple(fc.boolean(), fc.double(OFFSET_MAGNITUDE))
  .map(([negative, size]) => (negative ? -size : size));
/** log10 of the first trial step: from far too short (1e-3) to far too long (1e3). */
const LOG_INITIAL_STEP = { min: -3, max: 3, noNaN: true };
/**
 * c1 up to 0.45 makes sufficient decrease bind: on a convex quadratic it allows steps up to
 * 2 (1 - c1) times the exact minimiser, while curvature with c2 near 1 allows almost twice it.
 */
const C1 = { min: 1e-4, max: 0.45, noNaN: true };
/** Where c2 lies in (c1, 0.99], as a fraction of that interval; the lower bound keeps c2 > c1. */
const C2_FRACTION = { min: 0.01, max: 1, noNaN: true };

const settingsCase = fc
  .tuple(fc.double(C1), fc.double(C2_FRACTION))
  .map(([c1, fraction]): LineSearchSettings => ({ c1, c2: c1 + fraction * (0.99 - c1), maxEvaluations: 30 }));

/** Weight of the random component of the search direction: 0 gives -g, 1 a clearly different direction. */
const MIXING = { min: 0, max: 1, noNaN: true };
/** Coefficient q of the quartic: negative values give two wells, positive ones a single well. */
const QUARTIC_Q = { min: -3, max: 3, noNaN: true };
/** Start of the quartic search, around the wells (at +-sqrt(-q) <= 1.8). */
const QUARTIC_START = { min: -2, max: 2, noNaN: true };
/** |phi'(0)| of the quartic; at least 0.1, so that the start is never a stationary point. */
const QUARTIC_SLOPE = { min: 0.1, max: 5, noNaN: true };

const quadraticCase = fc.integer({ min: 1, max: MAX_SIZE }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    entries: fc.array(fc.double(MATRIX_ENTRY), { minLength: n * n, maxLength: n * n }),
    xStar: fc.array(fc.double(VECTOR_ENTRY), { minLength: n, maxLength: n }),
    offset: fc.array(offsetEntry, { minLength: n, maxLength: n }),
    logInitialStep: fc.double(LOG_INITIAL_STEP),
    mixing: fc.double(MIXING),
    other: fc.array(fc.double(VECTOR_ENTRY), { minLength: n, maxLength: n }),
  }),
);

// -------------------------------------------------------------------------------------------------
// Properties
// -------------------------------------------------------------------------------------------------

describe('strongWolfeLineSearch', () => {
  const settings = DEFAULT_LINE_SEARCH_SETTINGS;

  it('accepted step on a quadratic satisfies strong Wolfe', () => {
    fc.assert(
      fc.property(quadraticCase, settingsCase, (problem, settings) => {
        const { n, entries, xStar, offset, logInitialStep, mixing, other } = problem;
        const a = spdFrom(n, entries);
        const b = xStar.map((_, i) => xStar.reduce((sum, xj, j) => sum + a[i * n + j] * xj, 0));
        const objective = quadratic(n, a, b);
        const from = start(objective, Float64Array.from(xStar, (x, i) => x + offset[i]));
        // d = -g + mixing * (o - (o^T g / g^T g) g) adds a component orthogonal to g, so g^T d = -g^T g < 0.
        const g = from.gradient;
        const o = Float64Array.from(other);
        const along = dotProduct(o, g) / dotProduct(g, g);
        const direction = g.map((gi, i) => -gi + mixing * (o[i] - along * gi));

        const accepted = right(strongWolfeLineSearch(objective, from, direction, 10 ** logInitialStep, settings));

        expectStrongWolfe(objective, from, direction, accepted, settings);
      }),
      { numRuns: 100 },
    );
  });

  it('accepted step on a quartic satisfies strong Wolfe', () => {
    // phi(x) = x^4 / 4 + q x^2 / 2 + r x is bounded below and non-convex for q < 0. With
    // r = s - x0^3 - q x0 the slope at x0 is s, which is non-zero by construction.
    fc.assert(
      fc.property(
        fc.double(QUARTIC_Q),
        fc.double(QUARTIC_START),
        fc.double(QUARTIC_SLOPE),
        fc.boolean(),
        fc.double(LOG_INITIAL_STEP),
        settingsCase,
        (q, x0, slopeSize, negativeSlope, logInitialStep, settings) => {
          const s = negativeSlope ? -slopeSize : slopeSize;
          const r = s - x0 ** 3 - q * x0;
          const objective: Objective = (x) => ({
            loss: x[0] ** 4 / 4 + (q * x[0] ** 2) / 2 + r * x[0],
            gradient: Float64Array.of(x[0] ** 3 + q * x[0] + r),
          });
          const from = start(objective, Float64Array.of(x0));
          const direction = Float64Array.of(-Math.sign(s));

          const accepted = right(strongWolfeLineSearch(objective, from, direction, 10 ** logInitialStep, settings));

          expectStrongWolfe(objective, from, direction, accepted, settings);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('zoom lands on a quadratic minimiser by cubic interpolation', () => {
    // phi(alpha) = (alpha - 1)^2. The first trial 3 violates sufficient decrease, and the cubic through
    // phi and phi' at 0 and 3 is this quadratic, with minimiser 1. With c2 = 0.1 the bisection point
    // 1.5 would fail the curvature condition, so a second call that is accepted shows the cubic step.
    const objective = quadratic(1, [2], [2]);
    const strict: LineSearchSettings = { c1: 1e-4, c2: 0.1, maxEvaluations: 20 };

    const accepted = right(
      strongWolfeLineSearch(objective, start(objective, Float64Array.of(0)), Float64Array.of(1), 3, strict),
    );

    expect(accepted.evaluations).toBe(2);
    // The interpolation formula rounds a few times on numbers of size 3.
    expect(Math.abs(accepted.step - 1)).toBeLessThanOrEqual(16 * Number.EPSILON);
  });

  it('counts every objective call', () => {
    let calls = 0;
    const objective = quadratic(1, [1], [0]);
    const counting: Objective = (x) => {
      calls++;
      return objective(x);
    };

    const accepted = right(
      strongWolfeLineSearch(counting, start(objective, Float64Array.of(5)), Float64Array.of(-1), 1e-3, settings),
    );

    expect(accepted.evaluations).toBe(calls);
  });

  it('shortens a step that reaches a NaN region', () => {
    // E(x) = (x - 3)^2 is NaN beyond x = 3.5; the first trial x = 50 lands there.
    const barrier: Objective = (x) =>
      x[0] > 3.5
        ? { loss: Number.NaN, gradient: Float64Array.of(Number.NaN) }
        : { loss: (x[0] - 3) ** 2, gradient: Float64Array.of(2 * (x[0] - 3)) };
    const from = start(barrier, Float64Array.of(0));

    const accepted = right(strongWolfeLineSearch(barrier, from, Float64Array.of(1), 50, settings));

    expectStrongWolfe(barrier, from, Float64Array.of(1), accepted, settings);
  });
});

// -------------------------------------------------------------------------------------------------
// Failures
// -------------------------------------------------------------------------------------------------

describe('strongWolfeLineSearch failures', () => {
  const settings = DEFAULT_LINE_SEARCH_SETTINGS;
  const bowl = quadratic(2, [1, 0, 0, 1], [0, 0]);

  it('rejects an ascent direction without calls', () => {
    const from = start(bowl, Float64Array.of(1, 1));

    const failure = left(strongWolfeLineSearch(bowl, from, from.gradient, 1, settings));

    expect(failure.reason).toBe('not-descent');
    expect(failure.evaluations).toBe(0);
    expect(failure.best).toBeUndefined();
  });

  it('runs out of calls on an unbounded function', () => {
    // E(x) = -x has no minimum along +x, so no trial satisfies the curvature condition.
    const slope: Objective = (x) => ({ loss: -x[0], gradient: Float64Array.of(-1) });

    const from = start(slope, Float64Array.of(0));

    const failure = left(strongWolfeLineSearch(slope, from, Float64Array.of(1), 1, settings));

    expect(failure._tag).toBe('LineSearchFailure');
    expect(failure.reason).toBe('max-evaluations');
    expect(failure.evaluations).toBe(settings.maxEvaluations);
    expect(failure.best?.loss).toBeLessThan(0);
    expect(failure.message).toContain('evaluation budget');
  });

  it('keeps the best point when curvature never holds', () => {
    // For E(x) = |x| the slope is +-1 at every trial, never within 0.9 of the initial slope 1.
    const absolute: Objective = (x) => ({ loss: Math.abs(x[0]), gradient: Float64Array.of(Math.sign(x[0])) });

    const failure = left(
      strongWolfeLineSearch(absolute, start(absolute, Float64Array.of(0.3)), Float64Array.of(-1), 1, settings),
    );

    expect(failure.best).toBeDefined();
    expect(failure.best?.loss).toBeLessThan(0.3);
    expect(failure.best?.loss).toBe(Math.abs(failure.best?.theta[0] ?? Number.NaN));
  });

  it('fails cleanly next to the minimiser', () => {
    // Regression case found by fast-check: the start is 8.4e-8 from the minimiser of
    // x^2 / 2 - b x, where the loss is about -50. A full step would lower it by g^2 / 2 = 3.5e-15, half
    // an ulp of 50, so no trial can show sufficient decrease and the search must fail with a tag.
    const b = 9.999999999986333;
    const objective: Objective = (x) => ({ loss: x[0] * (0.5 * x[0] - b), gradient: Float64Array.of(x[0] - b) });
    const from = start(objective, Float64Array.of(10.00000008428003));
    const strict: LineSearchSettings = { c1: 1e-4, c2: 0.009999, maxEvaluations: 30 };

    const failure = left(strongWolfeLineSearch(objective, from, negated(from.gradient), 1, strict));

    expect(['max-evaluations', 'interval-too-small']).toContain(failure.reason);
    expect(failure.evaluations).toBeLessThanOrEqual(30);
    expect(failure.best === undefined || failure.best.loss < from.loss).toBe(true);
  });

  it('reports non-finite when every trial is NaN', () => {
    let calls = 0;
    const broken: Objective = (x) => {
      calls++;
      return calls === 1 ? bowl(x) : { loss: Number.NaN, gradient: Float64Array.of(0, 0) };
    };
    const from = start(broken, Float64Array.of(1, 1));

    const failure = left(strongWolfeLineSearch(broken, from, negated(from.gradient), 1, settings));

    expect(failure.reason).toBe('non-finite');
    expect(failure.best).toBeUndefined();
    expect(failure.lastLoss).toBeNaN();
  });
});

// -------------------------------------------------------------------------------------------------
// Settings
// -------------------------------------------------------------------------------------------------

describe('lineSearchSettings', () => {
  it('fills in the defaults', () => {
    expect(right(lineSearchSettings())).toEqual({ c1: 1e-4, c2: 0.9, maxEvaluations: 20 });
    expect(right(lineSearchSettings({ c2: 0.5 }))).toEqual({ c1: 1e-4, c2: 0.5, maxEvaluations: 20 });
  });

  const invalidCases: ReadonlyArray<[string, Record<string, number>, string, string]> = [
    ['c1 = 0', { c1: 0 }, 'c1', '0'],
    ['c1 = 1', { c1: 1, c2: 0.9 }, 'c1', '1'],
    ['c1 = NaN', { c1: Number.NaN }, 'c1', 'NaN'],
    ['c2 = c1', { c1: 0.5, c2: 0.5 }, 'c2', '0.5'],
    ['c2 = 1', { c2: 1 }, 'c2', '1'],
    ['maxEvaluations = 0', { maxEvaluations: 0 }, 'maxEvaluations', '0'],
    ['maxEvaluations = 1.5', { maxEvaluations: 1.5 }, 'maxEvaluations', '1.5'],
  ];

  it.each(invalidCases)('rejects %s', (_, options, option, rendered) => {
    const error = left(lineSearchSettings(options, 'minimizeLbfgs', 'options.lineSearch'));

    expect(error.functionName).toBe('minimizeLbfgs');
    expect(error.argument).toBe(`options.lineSearch.${option}`);
    expect(error.value).toBe(rendered);
  });
});
