/**
 * Minibatch stochastic gradient descent (SGD) with heavy-ball momentum.
 *
 * Each epoch draws a uniformly random permutation of the N sample indices from a seeded generator and
 * walks it in consecutive batches of `batchSize` indices. The last batch is smaller when batchSize
 * does not divide N. For each batch B the parameters move as in full-batch gradient descent, but with
 * the batch gradient:
 *
 *   v <- mu v - eta grad E_B(theta),    theta <- theta + v.
 *
 * The velocity carries over from batch to batch and from epoch to epoch. Every sample is visited
 * exactly once per epoch, and the same seed gives bit-identical results.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import type { ReadonlyFloat64Array } from '../linalg/matrix.js';
import { type Rng, permutation } from '../random/rng.js';
import { type MomentumSettings, momentumUpdate } from './gradient-descent.js';
import {
  type EvaluatedPoint,
  type MinibatchObjective,
  type OptimizationResult,
  type ProgressCallback,
  type TrainingFailure,
  checkMomentum,
  checkPositiveFinite,
  checkPositiveInteger,
  dot,
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

/** Options of {@link minimizeSgd}. */
export interface SgdOptions {
  /** N, the number of training samples, an integer >= 1. Batches contain indices in [0, N). */
  readonly sampleCount: number;
  /** Samples per batch, an integer in [1, N]. */
  readonly batchSize: number;
  /** Epoch budget, an integer >= 1. One epoch visits every sample once. */
  readonly epochs: number;
  /** eta, a finite number > 0. */
  readonly learningRate: number;
  /** mu, a number in [0, 1). Default 0 (plain SGD). */
  readonly momentum?: number;
}

/** The parameters and the velocity between two batches. */
export interface SgdState {
  readonly theta: ReadonlyFloat64Array;
  readonly velocity: ReadonlyFloat64Array;
}

/** The outcome of one batch: the evaluation at the old parameters, and the state after the move. */
export interface SgdStepResult {
  /** Loss and gradient on the batch at `state.theta`, before the move. */
  readonly evaluated: EvaluatedPoint;
  readonly next: SgdState;
}

// -------------------------------------------------------------------------------------------------
// Step
// -------------------------------------------------------------------------------------------------

/**
 * Evaluates the objective on `batch` at `state.theta` (one call) and takes one heavy-ball step with
 * that gradient.
 *
 * NOTE: a kernel for validated input. It checks neither the settings nor the evaluation: a NaN
 * gradient gives a NaN state, which {@link minimizeSgd} detects and discards.
 */
export const sgdStep = (
  state: SgdState,
  objective: MinibatchObjective,
  batch: Uint32Array,
  settings: MomentumSettings,
): SgdStepResult => {
  const evaluated = evaluatedPoint(state.theta, objective(state.theta, batch));
  return { evaluated, next: momentumUpdate(state.theta, state.velocity, evaluated.gradient, settings) };
};

// -------------------------------------------------------------------------------------------------
// The loop
// -------------------------------------------------------------------------------------------------

const FUNCTION_NAME = 'minimizeSgd';

/**
 * Minimises a minibatch objective from `theta0` (length P) by SGD with momentum for `epochs` epochs,
 * drawing the batch order from `rng`. Calls `onProgress` once after each epoch.
 *
 * Returns the outcome together with the advanced generator, like the draws of the random module: the
 * generator after `epochs` permutations on success, after the epochs started so far on a
 * `TrainingFailure`, and `rng` unchanged on an `InvalidArgumentError`.
 *
 * Recorded per epoch: the loss is the mean of the batch losses weighted by batch size, which is the mean
 * loss per sample when the objective returns the mean over its batch. The gradient norm is the norm of
 * the same weighted mean of the batch gradients. Both are taken along the way, at parameters that
 * change from batch to batch, so they describe the epoch rather than the final theta. The stop reason
 * of a successful run is always `max-iterations`.
 *
 * Errors:
 * - `InvalidArgumentError` for an option out of range (named as `options.batchSize` etc.), or an
 *   empty theta0 or one with a NaN or infinite entry. Also when the first batch evaluation, at theta0,
 *   returns a gradient of the wrong length or a non-finite loss or gradient.
 * - `TrainingFailure` when a later batch gives a NaN or infinite loss or gradient. Its `iteration` is
 *   the epoch. `lastFinite.theta` is the parameter vector of the previous batch evaluation, the last one
 *   that was finite, and `lastFinite.loss` and `gradientNorm` are that batch's values.
 */
export const minimizeSgd = (
  objective: MinibatchObjective,
  theta0: ReadonlyFloat64Array,
  rng: Rng,
  options: SgdOptions,
  onProgress?: ProgressCallback,
): [E.Either<InvalidArgumentError | TrainingFailure, OptimizationResult>, Rng] => {
  const momentum = options.momentum ?? 0;
  const { sampleCount, batchSize, epochs, learningRate } = options;
  const invalid =
    checkPositiveInteger(FUNCTION_NAME, 'options.sampleCount', sampleCount) ??
    checkBatchSize(batchSize, sampleCount) ??
    checkPositiveInteger(FUNCTION_NAME, 'options.epochs', epochs) ??
    checkPositiveFinite(FUNCTION_NAME, 'options.learningRate', learningRate) ??
    checkMomentum(FUNCTION_NAME, 'options.momentum', momentum) ??
    validateTheta0(FUNCTION_NAME, theta0);
  if (invalid !== undefined) return [E.left(invalid), rng];

  const settings: MomentumSettings = { learningRate, momentum };
  const size = theta0.length;
  const lossHistory = new Float64Array(epochs);
  const meanGradient = new Float64Array(size);
  let state: SgdState = { theta: theta0, velocity: new Float64Array(size) };
  let lastFinite: EvaluatedPoint | undefined;
  let evaluations = 0;
  let generator = rng;
  let epochLoss = 0;
  let epochGradientNorm = 0;

  for (let epoch = 1; epoch <= epochs; epoch++) {
    const [order, advanced] = permutation(generator, sampleCount);
    generator = advanced;
    meanGradient.fill(0);
    epochLoss = 0;

    for (let start = 0; start < sampleCount; start += batchSize) {
      const batch = order.slice(start, Math.min(start + batchSize, sampleCount));
      const { evaluated, next } = sgdStep(state, objective, batch, settings);
      evaluations++;
      if (lastFinite === undefined) {
        const invalidStart = validateFirstEvaluation(FUNCTION_NAME, 'objective(theta0, batch)', evaluated);
        if (invalidStart !== undefined) return [E.left(invalidStart), rng];
      } else if (!isFinitePoint(evaluated)) {
        const result = optimizationResult(lastFinite, epoch - 1, evaluations - 1, 'non-finite', lossHistory);
        return [E.left(trainingFailure(FUNCTION_NAME, epoch, evaluated.loss, result)), generator];
      }
      const weight = batch.length / sampleCount;
      epochLoss += weight * evaluated.loss;
      const gradient = evaluated.gradient;
      for (let i = 0; i < size; i++) meanGradient[i] += weight * gradient[i];
      lastFinite = evaluated;
      state = next;
    }

    epochGradientNorm = Math.sqrt(dot(meanGradient, meanGradient));
    lossHistory[epoch - 1] = epochLoss;
    onProgress?.({ iteration: epoch, maxIterations: epochs, loss: epochLoss, gradientNorm: epochGradientNorm });
  }

  const final = { theta: state.theta, loss: epochLoss, gradientNorm: epochGradientNorm };
  return [E.right(optimizationResult(final, epochs, evaluations, 'max-iterations', lossHistory)), generator];
};

const checkBatchSize = (batchSize: number, sampleCount: number): InvalidArgumentError | undefined =>
  Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= sampleCount
    ? undefined
    : invalidArgument(FUNCTION_NAME, 'options.batchSize', batchSize, `an integer in [1, ${sampleCount}] (sampleCount)`);
