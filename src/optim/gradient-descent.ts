/**
 * Full-batch gradient descent with heavy-ball momentum (Polyak's method).
 *
 * With learning rate eta > 0, momentum mu in [0, 1) and velocity v_0 = 0, each iteration moves
 *
 *   v_{k+1} = mu v_k - eta grad E(theta_k),    theta_{k+1} = theta_k + v_{k+1}.
 *
 * With mu = 0 this is plain gradient descent, theta_{k+1} = theta_k - eta grad E(theta_k). Momentum
 * accumulates steps along directions where the gradient keeps its sign, which speeds up progress along
 * the shallow floor of a narrow valley. On a quadratic whose Hessian has eigenvalues in [m, L], the
 * choice eta = 4 / (sqrt(L) + sqrt(m))^2, mu = q^2 with q = (sqrt(L) - sqrt(m)) / (sqrt(L) + sqrt(m))
 * shrinks the error like k q^k. Plain gradient descent with eta = 1 / L only reaches (1 - m / L)^k.
 */
import * as E from 'fp-ts/lib/Either.js';

import type { InvalidArgumentError } from '../linalg/errors.js';
import type { ReadonlyFloat64Array } from '../linalg/matrix.js';
import {
  type EvaluatedPoint,
  type Objective,
  type OptimizationResult,
  type ProgressCallback,
  type TrainingFailure,
  checkMomentum,
  checkNonNegativeFinite,
  checkPositiveFinite,
  checkPositiveInteger,
  evaluatedPoint,
  isFinitePoint,
  optimizationResult,
  trainingFailure,
  validateFirstEvaluation,
  validateTheta0,
} from './types.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** The two coefficients of a heavy-ball step. */
export interface MomentumSettings {
  /** eta, a finite number > 0. */
  readonly learningRate: number;
  /** mu, a number in [0, 1); 0 gives plain gradient descent. */
  readonly momentum: number;
}

/** Options of {@link minimizeGradientDescent}. */
export interface GradientDescentOptions {
  /** eta, a finite number > 0. */
  readonly learningRate: number;
  /** mu, a number in [0, 1). Default 0 (plain gradient descent). */
  readonly momentum?: number;
  /** Iteration budget, an integer >= 1. */
  readonly maxIterations: number;
  /**
   * Stop once ||grad E(theta)||_2 <= gradientTolerance, a finite number >= 0. Default 0, which stops only
   * at an exactly zero gradient. The test ignores the velocity, so with momentum the parameters could
   * still have moved on.
   */
  readonly gradientTolerance?: number;
}

/** The iterate theta_k with its loss and gradient, the velocity v_k, and the work done so far. */
export interface GradientDescentState extends EvaluatedPoint {
  readonly velocity: ReadonlyFloat64Array;
  /** k, the number of steps taken to reach `theta`. */
  readonly iteration: number;
  /** Calls of the objective so far, the one at theta_0 included. */
  readonly evaluations: number;
}

// -------------------------------------------------------------------------------------------------
// Steps
// -------------------------------------------------------------------------------------------------

/**
 * Computes one heavy-ball move into fresh arrays: v' = mu v - eta g and theta' = theta + v'.
 * All three vectors have length P. SGD uses the same move with a minibatch gradient.
 */
export const momentumUpdate = (
  theta: ReadonlyFloat64Array,
  velocity: ReadonlyFloat64Array,
  gradient: ReadonlyFloat64Array,
  settings: MomentumSettings,
): { readonly theta: Float64Array; readonly velocity: Float64Array } => {
  const { learningRate, momentum } = settings;
  const size = theta.length;
  const nextTheta = new Float64Array(size);
  const nextVelocity = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const v = momentum * velocity[i] - learningRate * gradient[i];
    nextVelocity[i] = v;
    nextTheta[i] = theta[i] + v;
  }
  return { theta: nextTheta, velocity: nextVelocity };
};

/** Evaluates the objective at theta_0 and returns the state k = 0 with zero velocity. Checks nothing. */
export const initialGradientDescentState = (
  objective: Objective,
  theta0: ReadonlyFloat64Array,
): GradientDescentState => ({
  ...evaluatedPoint(theta0, objective(theta0)),
  velocity: new Float64Array(theta0.length),
  iteration: 0,
  evaluations: 1,
});

/**
 * Takes one heavy-ball step from `state` and evaluates the objective at the new iterate (one call).
 *
 * NOTE: a kernel for validated input. It checks neither the settings nor the new loss and gradient,
 * which may be NaN or infinite. {@link minimizeGradientDescent} does both.
 */
export const gradientDescentStep = (
  state: GradientDescentState,
  objective: Objective,
  settings: MomentumSettings,
): GradientDescentState => {
  const moved = momentumUpdate(state.theta, state.velocity, state.gradient, settings);
  return {
    ...evaluatedPoint(moved.theta, objective(moved.theta)),
    velocity: moved.velocity,
    iteration: state.iteration + 1,
    evaluations: state.evaluations + 1,
  };
};

// -------------------------------------------------------------------------------------------------
// The loop
// -------------------------------------------------------------------------------------------------

const FUNCTION_NAME = 'minimizeGradientDescent';

/**
 * Minimises a full-batch objective E(theta) from `theta0` (length P) by gradient descent with
 * heavy-ball momentum, and calls `onProgress` once after each iteration.
 *
 * Stops after `maxIterations` steps, or earlier when ||grad E||_2 <= gradientTolerance (checked at
 * theta_0 too, so a start that already passes takes no step). Each iteration calls the objective once,
 * and the run makes one extra call at theta_0.
 *
 * Errors:
 * - `InvalidArgumentError` for an option out of range (named as `options.learningRate` etc.), an
 *   empty theta0 or one with a NaN or infinite entry, a gradient whose length differs from theta0's,
 *   or a non-finite loss or gradient at theta0.
 * - `TrainingFailure` when the loss or gradient becomes NaN or infinite in iteration k. Its
 *   `lastFinite.theta` is theta_{k-1}, the last iterate with finite loss and gradient.
 *
 * @example
 * // E(theta) = theta^2 / 2 has gradient theta, so eta = 0.5 halves theta at every step.
 * minimizeGradientDescent((t) => ({ loss: t[0] ** 2 / 2, gradient: Float64Array.of(t[0]) }),
 *   Float64Array.of(8), { learningRate: 0.5, maxIterations: 3 })
 * // Right({ theta: [1], loss: 0.5, iterations: 3, evaluations: 4, lossHistory: [8, 2, 0.5], ... })
 */
export const minimizeGradientDescent = (
  objective: Objective,
  theta0: ReadonlyFloat64Array,
  options: GradientDescentOptions,
  onProgress?: ProgressCallback,
): E.Either<InvalidArgumentError | TrainingFailure, OptimizationResult> => {
  const momentum = options.momentum ?? 0;
  const gradientTolerance = options.gradientTolerance ?? 0;
  const { learningRate, maxIterations } = options;
  const invalid =
    checkPositiveFinite(FUNCTION_NAME, 'options.learningRate', learningRate) ??
    checkMomentum(FUNCTION_NAME, 'options.momentum', momentum) ??
    checkPositiveInteger(FUNCTION_NAME, 'options.maxIterations', maxIterations) ??
    checkNonNegativeFinite(FUNCTION_NAME, 'options.gradientTolerance', gradientTolerance) ??
    validateTheta0(FUNCTION_NAME, theta0);
  if (invalid !== undefined) return E.left(invalid);

  let state = initialGradientDescentState(objective, theta0);
  const invalidStart = validateFirstEvaluation(FUNCTION_NAME, 'objective(theta0)', state);
  if (invalidStart !== undefined) return E.left(invalidStart);

  const settings: MomentumSettings = { learningRate, momentum };
  const lossHistory = new Float64Array(maxIterations);
  while (state.gradientNorm > gradientTolerance) {
    if (state.iteration === maxIterations) {
      return E.right(optimizationResult(state, state.iteration, state.evaluations, 'max-iterations', lossHistory));
    }
    const next = gradientDescentStep(state, objective, settings);
    if (!isFinitePoint(next)) {
      const lastFinite = optimizationResult(state, state.iteration, state.evaluations, 'non-finite', lossHistory);
      return E.left(trainingFailure(FUNCTION_NAME, next.iteration, next.loss, lastFinite));
    }
    state = next;
    lossHistory[state.iteration - 1] = state.loss;
    onProgress?.({ iteration: state.iteration, maxIterations, loss: state.loss, gradientNorm: state.gradientNorm });
  }
  return E.right(optimizationResult(state, state.iteration, state.evaluations, 'gradient-tolerance', lossHistory));
};
