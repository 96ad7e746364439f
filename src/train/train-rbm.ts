/**
 * Training loop of a binary RBM by contrastive divergence: minibatch ascent along the CD-k estimate
 * with momentum and L2 weight cost.
 *
 * Each epoch draws a random permutation of the N samples and walks it in batches. For a batch B with
 * CD-k estimate g(B) (see `estimateContrastiveDivergence`), every parameter block moves as
 *
 *   v <- mu v + eta (g(B) - weightCost * W),   theta <- theta + v,
 *
 * with the weight cost applied to W only, not to the biases. The momentum mu is `initialMomentum` for
 * the first `momentumSwitchEpoch` epochs and `momentum` afterwards, because, as Hinton's practical
 * guide (UTML TR 2010-003) explains, the large early changes of the parameters are unstable with
 * high momentum. The defaults come from that guide.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, type NonFiniteLossError, invalidArgument, nonFiniteLoss } from '../linalg/errors.js';
import { type Matrix, selectRows, unsafeMatrix } from '../linalg/matrix.js';
import { columnMeans } from '../linalg/ops.js';
import type { ProgressCallback } from '../optim/types.js';
import { type Rng, permutation } from '../random/rng.js';
import {
  type RbmParams,
  estimateContrastiveDivergence,
  initializeRbm,
  validateRbmParams,
  validateVisibleSamples,
} from '../rbm/rbm.js';

// -------------------------------------------------------------------------------------------------
// Types and defaults
// -------------------------------------------------------------------------------------------------

/** Options of {@link trainRbm}. Optional fields default to {@link RBM_DEFAULTS}. */
export interface RbmTrainingOptions {
  /** H, the number of hidden units, an integer >= 1. */
  readonly hiddenSize: number;
  /** Samples per minibatch, an integer in [1, N]. */
  readonly batchSize: number;
  /** Epoch budget, an integer >= 1; one epoch visits every sample once. */
  readonly epochs: number;
  /** k of CD-k, the Gibbs steps per estimate, an integer >= 1. */
  readonly cdSteps?: number;
  /** eta, a finite number > 0, applied to the batch-mean estimate. */
  readonly learningRate?: number;
  /** mu after the switch epoch, in [0, 1). */
  readonly momentum?: number;
  /** mu during the first `momentumSwitchEpoch` epochs, in [0, 1). */
  readonly initialMomentum?: number;
  /** Number of epochs run with `initialMomentum`, an integer >= 0. */
  readonly momentumSwitchEpoch?: number;
  /** L2 weight cost on W, a finite number >= 0. */
  readonly weightCost?: number;
  /** Starting parameters; when absent they are drawn by `initializeRbm` from the generator and the data's means. */
  readonly initial?: RbmParams;
}

/**
 * Defaults after Hinton's practical guide: CD-1, learning rate 0.1 for pixel probabilities in [0, 1],
 * and momentum 0.5 for the first 5 epochs and 0.9 afterwards. The weight cost 2e-4 lies inside the
 * range 1e-5 to 1e-2 that the guide recommends.
 */
export const RBM_DEFAULTS = {
  cdSteps: 1,
  learningRate: 0.1,
  momentum: 0.9,
  initialMomentum: 0.5,
  momentumSwitchEpoch: 5,
  weightCost: 2e-4,
} as const;

/** A trained RBM and the record of its training. */
export interface TrainedRbm {
  readonly params: RbmParams;
  /** Mean over each epoch's batches of the CD reconstruction error (1/2)||v_0 - v_k||^2, length `epochs`. */
  readonly reconstructionErrors: Float64Array;
}

// -------------------------------------------------------------------------------------------------
// Validation
// -------------------------------------------------------------------------------------------------

const FUNCTION_NAME = 'trainRbm';

const checkInteger = (argument: string, value: number, minimum: number, maximum = Infinity) =>
  Number.isInteger(value) && value >= minimum && value <= maximum
    ? undefined
    : invalidArgument(
        FUNCTION_NAME,
        argument,
        value,
        maximum === Infinity ? `an integer >= ${minimum}` : `an integer in [${minimum}, ${maximum}]`,
      );

const checkMomentum = (argument: string, value: number) =>
  value >= 0 && value < 1 ? undefined : invalidArgument(FUNCTION_NAME, argument, value, 'a number in [0, 1)');

interface ResolvedOptions {
  readonly hiddenSize: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly cdSteps: number;
  readonly learningRate: number;
  readonly momentum: number;
  readonly initialMomentum: number;
  readonly momentumSwitchEpoch: number;
  readonly weightCost: number;
}

const resolveOptions = (options: RbmTrainingOptions, sampleCount: number): E.Either<InvalidArgumentError, ResolvedOptions> => {
  const resolved: ResolvedOptions = {
    hiddenSize: options.hiddenSize,
    batchSize: options.batchSize,
    epochs: options.epochs,
    cdSteps: options.cdSteps ?? RBM_DEFAULTS.cdSteps,
    learningRate: options.learningRate ?? RBM_DEFAULTS.learningRate,
    momentum: options.momentum ?? RBM_DEFAULTS.momentum,
    initialMomentum: options.initialMomentum ?? RBM_DEFAULTS.initialMomentum,
    momentumSwitchEpoch: options.momentumSwitchEpoch ?? RBM_DEFAULTS.momentumSwitchEpoch,
    weightCost: options.weightCost ?? RBM_DEFAULTS.weightCost,
  };
  const invalid =
    checkInteger('options.hiddenSize', resolved.hiddenSize, 1) ??
    checkInteger('options.batchSize', resolved.batchSize, 1, sampleCount) ??
    checkInteger('options.epochs', resolved.epochs, 1) ??
    checkInteger('options.cdSteps', resolved.cdSteps, 1) ??
    (Number.isFinite(resolved.learningRate) && resolved.learningRate > 0
      ? undefined
      : invalidArgument(FUNCTION_NAME, 'options.learningRate', resolved.learningRate, 'a finite number > 0')) ??
    checkMomentum('options.momentum', resolved.momentum) ??
    checkMomentum('options.initialMomentum', resolved.initialMomentum) ??
    checkInteger('options.momentumSwitchEpoch', resolved.momentumSwitchEpoch, 0) ??
    (Number.isFinite(resolved.weightCost) && resolved.weightCost >= 0
      ? undefined
      : invalidArgument(FUNCTION_NAME, 'options.weightCost', resolved.weightCost, 'a finite number >= 0'));
  return invalid === undefined ? E.right(resolved) : E.left(invalid);
};

// -------------------------------------------------------------------------------------------------
// Training
// -------------------------------------------------------------------------------------------------

/** Applies v <- mu v + eta (g - cost * w) and w <- w + v to one block, in place on the owned buffers. */
const ascend = (
  weights: Float64Array,
  velocity: Float64Array,
  estimate: ArrayLike<number>,
  momentum: number,
  learningRate: number,
  cost: number,
): void => {
  for (let i = 0; i < weights.length; i++) {
    velocity[i] = momentum * velocity[i] + learningRate * (estimate[i] - cost * weights[i]);
    weights[i] += velocity[i];
  }
};

/**
 * Trains an RBM with `options.hiddenSize` hidden units on the samples (N x D, one per row, entries in
 * [0, 1] read as probabilities of binary visible units) by CD-k with momentum (see the module
 * comment). Calls `onProgress` once per epoch with the epoch's mean reconstruction error as the loss
 * and the norm of the epoch's mean CD estimate as the gradient norm.
 *
 * Returns the outcome with the advanced generator (unchanged on an `InvalidArgumentError`). The
 * generator draws the initial weights, then per epoch the batch order and the hidden states.
 *
 * Errors: `InvalidArgumentError` for samples that are empty, non-finite or outside [0, 1], an option
 * out of range (named as `options.batchSize` etc.) or starting parameters of the wrong shape.
 * `NonFiniteLossError` when the parameters become NaN or infinite, which a lower learning rate avoids.
 *
 * @example
 * const [trained, next] = trainRbm(images, { hiddenSize: 200, batchSize: 100, epochs: 5 }, rngFromSeed(1));
 */
export const trainRbm = (
  samples: Matrix,
  options: RbmTrainingOptions,
  rng: Rng,
  onProgress?: ProgressCallback,
): [E.Either<InvalidArgumentError | NonFiniteLossError, TrainedRbm>, Rng] => {
  const validSamples = validateVisibleSamples(FUNCTION_NAME, 'samples', samples, samples.cols);
  if (E.isLeft(validSamples)) return [validSamples, rng];
  const resolved = resolveOptions(options, samples.rows);
  if (E.isLeft(resolved)) return [resolved, rng];
  const settings = resolved.right;
  const { epochs, batchSize, learningRate, weightCost } = settings;

  const [initial, afterInit] =
    options.initial === undefined
      ? initializeRbm(rng, settings.hiddenSize, columnMeans(samples))
      : [options.initial, rng];
  const validInitial = validateRbmParams(FUNCTION_NAME, 'options.initial', initial);
  if (E.isLeft(validInitial)) return [validInitial, rng];
  if (initial.W.rows !== settings.hiddenSize || initial.W.cols !== samples.cols) {
    const expected = `a ${settings.hiddenSize} x ${samples.cols} matrix (hiddenSize x D)`;
    return [E.left(invalidArgument(FUNCTION_NAME, 'options.initial.W', `${initial.W.rows} x ${initial.W.cols}`, expected)), rng];
  }

  // Private working copies, updated in place and frozen into the result at the end.
  const weights = Float64Array.from(initial.W.data);
  const hiddenBias = Float64Array.from(initial.hiddenBias);
  const visibleBias = Float64Array.from(initial.visibleBias);
  const params: RbmParams = { W: unsafeMatrix(initial.W.rows, initial.W.cols, weights), hiddenBias, visibleBias };
  const weightVelocity = new Float64Array(weights.length);
  const hiddenVelocity = new Float64Array(hiddenBias.length);
  const visibleVelocity = new Float64Array(visibleBias.length);
  const reconstructionErrors = new Float64Array(epochs);
  const meanEstimate = new Float64Array(weights.length + hiddenBias.length + visibleBias.length);
  let generator = afterInit;

  for (let epoch = 1; epoch <= epochs; epoch++) {
    const momentum = epoch <= settings.momentumSwitchEpoch ? settings.initialMomentum : settings.momentum;
    const [order, afterPermutation] = permutation(generator, samples.rows);
    generator = afterPermutation;
    meanEstimate.fill(0);
    let epochError = 0;
    for (let start = 0; start < samples.rows; start += batchSize) {
      const batch = selectRows(samples, order.subarray(start, Math.min(start + batchSize, samples.rows)));
      const [estimate, next] = estimateContrastiveDivergence(params, batch, settings.cdSteps, generator);
      generator = next;
      ascend(weights, weightVelocity, estimate.W.data, momentum, learningRate, weightCost);
      ascend(hiddenBias, hiddenVelocity, estimate.hiddenBias, momentum, learningRate, 0);
      ascend(visibleBias, visibleVelocity, estimate.visibleBias, momentum, learningRate, 0);
      const weight = batch.rows / samples.rows;
      epochError += weight * estimate.reconstructionError;
      accumulate(meanEstimate, weight, [estimate.W.data, estimate.hiddenBias, estimate.visibleBias]);
    }
    if (!Number.isFinite(epochError)) return [E.left(nonFiniteLoss(FUNCTION_NAME, epoch, epochError)), generator];
    reconstructionErrors[epoch - 1] = epochError;
    let squaredNorm = 0;
    for (const g of meanEstimate) squaredNorm += g * g;
    onProgress?.({ iteration: epoch, maxIterations: epochs, loss: epochError, gradientNorm: Math.sqrt(squaredNorm) });
  }

  return [E.right({ params, reconstructionErrors }), generator];
};

/** Adds `weight` times the blocks, laid end to end, into `mean` (a buffer the loop owns). */
const accumulate = (mean: Float64Array, weight: number, blocks: readonly ArrayLike<number>[]): void => {
  let offset = 0;
  for (const block of blocks) {
    for (let i = 0; i < block.length; i++) mean[offset + i] += weight * block[i];
    offset += block.length;
  }
};
