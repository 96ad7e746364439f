/**
 * Types shared by the optimisers, and the few helpers they all use.
 *
 * An optimiser minimises a loss E(theta) over a flat parameter vector theta of length P (for an
 * autoencoder, W, b and b~ laid end to end). It reads the loss and its gradient only through an
 * {@link Objective}. It never writes into theta0 or into a gradient the objective returned, and it
 * copies every gradient on receipt, so an objective may reuse one gradient buffer for all its calls.
 */
import {
  type InvalidArgumentError,
  type NonFiniteLossError,
  invalidArgument,
  nonFiniteLoss,
} from '../linalg/errors.js';
import { type ReadonlyFloat64Array, firstNonFinite } from '../linalg/matrix.js';

// -------------------------------------------------------------------------------------------------
// Objectives
// -------------------------------------------------------------------------------------------------

/** The loss E(theta) and its gradient dE/dtheta (length P, like theta) at one parameter vector. */
export interface Evaluation {
  readonly loss: number;
  readonly gradient: ReadonlyFloat64Array;
}

/**
 * A full-batch objective: the loss over the whole training set and its gradient at `theta`.
 * It must not write into `theta`, and must return a gradient of the same length as `theta`.
 */
export type Objective = (theta: ReadonlyFloat64Array) => Evaluation;

/**
 * A minibatch objective: the loss over the samples listed in `batch` (row indices into the N x D data
 * matrix, each in [0, N)) and its gradient at `theta`, of the same length as `theta`. The optimisers
 * pass a fresh `batch` array on every call, so the objective may keep it. For the epoch loss of SGD to
 * be the mean loss per sample, the objective should return the mean over its batch, not the sum.
 */
export type MinibatchObjective = (theta: ReadonlyFloat64Array, batch: Uint32Array) => Evaluation;

// -------------------------------------------------------------------------------------------------
// Progress and results
// -------------------------------------------------------------------------------------------------

/** The report an optimiser passes to its progress callback after each iteration (each epoch, for SGD). */
export interface Progress {
  /** Number of the iteration just finished: 1, 2, ..., at most `maxIterations`. */
  readonly iteration: number;
  readonly maxIterations: number;
  /** The loss recorded for this iteration (see {@link OptimizationResult.lossHistory}). */
  readonly loss: number;
  /** Euclidean norm of the gradient that goes with `loss`. */
  readonly gradientNorm: number;
}

/** A function called with one {@link Progress} per iteration, in order, for example to draw a progress bar. */
export type ProgressCallback = (progress: Progress) => void;

/**
 * The reason an optimiser stopped.
 *
 * - `max-iterations`: the iteration (or epoch) budget ran out.
 * - `gradient-tolerance`: ||gradient||_2 fell to the gradient tolerance or below.
 * - `loss-change-tolerance`: the relative decrease of the loss in one iteration fell to its tolerance.
 * - `line-search-failed`: L-BFGS found no step satisfying the strong Wolfe conditions, even along the
 *   steepest-descent direction. The result is the best point seen.
 * - `non-finite`: only in {@link TrainingFailure.lastFinite}. The next evaluation was NaN or infinite.
 */
export type StopReason =
  | 'max-iterations'
  | 'gradient-tolerance'
  | 'loss-change-tolerance'
  | 'line-search-failed'
  | 'non-finite';

/** The outcome of a minimisation. All arrays are fresh and belong to the caller. */
export interface OptimizationResult {
  /** The final parameter vector, length P. */
  readonly theta: Float64Array;
  /**
   * The loss at `theta` for the full-batch methods. For SGD, it is the mean batch loss of the last
   * epoch, which was accumulated along the way and never evaluated at the final `theta`.
   */
  readonly loss: number;
  /** Euclidean norm of the gradient that goes with `loss`. */
  readonly gradientNorm: number;
  /** Iterations completed (epochs, for SGD). */
  readonly iterations: number;
  /** Calls of the objective, including the evaluation at theta0 and every line-search trial. */
  readonly evaluations: number;
  readonly stopReason: StopReason;
  /**
   * One loss per iteration, length `iterations`: entry k - 1 is the loss reported for iteration k.
   * For the full-batch methods it is the loss at the iterate after k iterations. For SGD it is the mean
   * batch loss of epoch k. The loss at theta0 is not included.
   */
  readonly lossHistory: Float64Array;
}

/**
 * A run stopped because the loss or its gradient became NaN or infinite. `iteration` names the
 * iteration (epoch, for SGD) in which that happened. `lastFinite` describes the last parameters whose
 * loss and gradient were both finite, with stop reason `non-finite`.
 */
export type TrainingFailure = NonFiniteLossError & { readonly lastFinite: OptimizationResult };

// -------------------------------------------------------------------------------------------------
// Helpers shared by the optimisers
// -------------------------------------------------------------------------------------------------

/**
 * A parameter vector with the loss and gradient evaluated there. The optimisers create these and never
 * write into their arrays afterwards.
 */
export interface EvaluatedPoint {
  readonly theta: ReadonlyFloat64Array;
  readonly loss: number;
  /** A copy of the objective's gradient, so the objective may reuse its buffer. */
  readonly gradient: ReadonlyFloat64Array;
  readonly gradientNorm: number;
}

/** Returns x^T y for two vectors of equal length. */
export const dot = (x: ReadonlyFloat64Array, y: ReadonlyFloat64Array): number => {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * y[i];
  return sum;
};

/** Pairs `theta` with an evaluation of the objective there, copying the gradient. */
export const evaluatedPoint = (theta: ReadonlyFloat64Array, evaluation: Evaluation): EvaluatedPoint => {
  const gradient = evaluation.gradient.slice();
  return { theta, loss: evaluation.loss, gradient, gradientNorm: Math.sqrt(dot(gradient, gradient)) };
};

/**
 * Tells whether the loss and every gradient entry are finite. A NaN or infinite entry makes the squared
 * norm NaN or infinite, so one test covers them all. A gradient whose squared norm overflows (entries
 * beyond about 1e154) also counts as non-finite, because no step computed from it is meaningful.
 */
export const isFinitePoint = (point: EvaluatedPoint): boolean =>
  Number.isFinite(point.loss) && Number.isFinite(point.gradientNorm);

/** Rejects an empty theta0 or one with a NaN or infinite entry, naming the first such entry. */
export const validateTheta0 = (
  functionName: string,
  theta0: ReadonlyFloat64Array,
): InvalidArgumentError | undefined => {
  if (theta0.length === 0) {
    return invalidArgument(functionName, 'theta0', 'an empty array', 'an array with at least one entry');
  }
  const bad = firstNonFinite(theta0);
  return bad >= 0 ? invalidArgument(functionName, `theta0[${bad}]`, theta0[bad], 'a finite number') : undefined;
};

/**
 * Rejects the first evaluation of a run when its gradient has the wrong length, or when its loss or
 * gradient is not finite: a start where nothing can be computed is an invalid theta0, not a failure of
 * training.
 */
export const validateFirstEvaluation = (
  functionName: string,
  objectiveCall: string,
  point: EvaluatedPoint,
): InvalidArgumentError | undefined => {
  const size = point.theta.length;
  if (point.gradient.length !== size) {
    const argument = `${objectiveCall}.gradient.length`;
    return invalidArgument(functionName, argument, point.gradient.length, `${size}, the length of theta0`);
  }
  if (isFinitePoint(point)) return undefined;
  return invalidArgument(
    functionName,
    'theta0',
    `a point where ${objectiveCall} has loss ${point.loss} and gradient norm ${point.gradientNorm}`,
    'a point where the loss and gradient are finite',
  );
};

/** Rejects a value that is not an integer >= 1. */
export const checkPositiveInteger = (
  functionName: string,
  argument: string,
  value: number,
): InvalidArgumentError | undefined =>
  Number.isInteger(value) && value >= 1 && value <= MAX_COUNT
    ? undefined
    : invalidArgument(functionName, argument, value, `an integer in [1, ${MAX_COUNT}]`);

/**
 * Largest accepted iteration, epoch or sample count. The loss history keeps one float64 per iteration,
 * so 1e8 iterations already take 800 MB; larger budgets are mistakes, not long runs.
 */
export const MAX_COUNT = 100_000_000;

/** Rejects a value that is not a finite number > 0. */
export const checkPositiveFinite = (
  functionName: string,
  argument: string,
  value: number,
): InvalidArgumentError | undefined =>
  Number.isFinite(value) && value > 0
    ? undefined
    : invalidArgument(functionName, argument, value, 'a finite number > 0');

/** Rejects a value that is not a finite number >= 0. */
export const checkNonNegativeFinite = (
  functionName: string,
  argument: string,
  value: number,
): InvalidArgumentError | undefined =>
  Number.isFinite(value) && value >= 0
    ? undefined
    : invalidArgument(functionName, argument, value, 'a finite number >= 0');

/** Rejects a momentum coefficient outside [0, 1); momentum 1 or more lets the velocity grow without bound. */
export const checkMomentum = (
  functionName: string,
  argument: string,
  value: number,
): InvalidArgumentError | undefined =>
  value >= 0 && value < 1 ? undefined : invalidArgument(functionName, argument, value, 'a number in [0, 1)');

/**
 * Assembles a result from the point where a run ended. `lossHistory` may be a buffer sized for the
 * whole budget, and only its first `iterations` entries are copied.
 */
export const optimizationResult = (
  point: Pick<EvaluatedPoint, 'theta' | 'loss' | 'gradientNorm'>,
  iterations: number,
  evaluations: number,
  stopReason: StopReason,
  lossHistory: Float64Array,
): OptimizationResult => ({
  theta: point.theta.slice(),
  loss: point.loss,
  gradientNorm: point.gradientNorm,
  iterations,
  evaluations,
  stopReason,
  lossHistory: lossHistory.slice(0, iterations),
});

/** Builds the failure for a loss or gradient that became non-finite in `iteration`. */
export const trainingFailure = (
  functionName: string,
  iteration: number,
  loss: number,
  lastFinite: OptimizationResult,
): TrainingFailure => ({ ...nonFiniteLoss(functionName, iteration, loss), lastFinite });
