/**
 * Greedy layer-wise pretraining of a stack of sigmoid encoders.
 *
 * For hidden sizes [H_1, ..., H_L] and data X (N x D): train a one-hidden-layer model on Z_0 = X and
 * keep its encoder W_1, b_1; encode Z_1 = sigmoid(Z_0 W_1^T + 1 b_1^T); train the next model on Z_1;
 * and so on for every hidden layer. Each layer is trained only on the codes of the layer below, and no
 * label is used. The encoders, stacked, are a feature extractor (`extractFeatures`) and the initial hidden
 * layers of a classifier that fine-tuning then trains as a whole (see ./fine-tune.ts).
 *
 * The model of each layer is chosen by the variant:
 * - `autoencoder`: D_in -> H -> D_in with sigmoid hidden and output units and the cross-entropy
 *   reconstruction loss, untied weights, no regularisation. Inputs and codes lie in [0, 1], so they
 *   are valid cross-entropy targets, and the output delta is simply x^ - x.
 * - `sparse-autoencoder`: the same with weight decay lambda and the KL sparsity penalty (rho, beta).
 *   With SGD the penalty uses each minibatch's mean activations rhoHat.
 * - `denoising-autoencoder`: the same network, trained to reconstruct the clean codes from a corrupted
 *   copy drawn by the given corruption function. With SGD every minibatch is corrupted afresh, so each
 *   sample gets new noise in every epoch. With L-BFGS or gradient descent the layer's whole input is
 *   corrupted once before the run, because a full-batch method needs one fixed objective.
 * - `rbm`: a binary RBM trained by CD-k (./train-rbm.ts); its encoder is sigmoid(W v + c). Only the
 *   `sgd` optimiser settings apply, read as batch size, epochs, learning rate and final momentum.
 */
import * as E from 'fp-ts/lib/Either.js';

import type { Corruption } from '../autoencoder/corruption.js';
import { evaluateObjectiveWithTarget } from '../autoencoder/objective.js';
import {
  type AutoencoderConfig,
  type AutoencoderParams,
  initializeAutoencoder,
  packParams,
  unpackParams,
} from '../autoencoder/params.js';
import { NO_REGULARIZATION, type Regularization } from '../autoencoder/regularization.js';
import type { DenseLayer } from '../classifier/layers.js';
import { encodeThroughStack } from '../classifier/network.js';
import { type LibraryError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, type ReadonlyFloat64Array, selectRows, sliceRows } from '../linalg/matrix.js';
import { minimizeGradientDescent } from '../optim/gradient-descent.js';
import { minimizeLbfgs } from '../optim/lbfgs.js';
import { minimizeSgd } from '../optim/sgd.js';
import type { OptimizationResult, Progress, TrainingFailure } from '../optim/types.js';
import { type Rng, rngFromSeed, uniformInteger } from '../random/rng.js';
import { type RbmParams, rbmEncoder, validateVisibleSamples } from '../rbm/rbm.js';
import { type OptimizerSettings, type TrainedAutoencoder, trainAutoencoder } from './train-autoencoder.js';
import { trainRbm } from './train-rbm.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** The model trained for each layer, with its settings. */
export type PretrainingVariant =
  | { readonly kind: 'autoencoder' }
  | {
      readonly kind: 'sparse-autoencoder';
      /** Target mean activation, in (0, 1). */
      readonly rho: number;
      /** Weight of the KL penalty, a finite number >= 0. */
      readonly beta: number;
      /** Weight-decay coefficient, a finite number >= 0. */
      readonly lambda: number;
    }
  | {
      readonly kind: 'denoising-autoencoder';
      /**
       * Draws a corrupted copy of a batch of codes, `(rng, X) => [X~, advanced rng]`, for example
       * `maskingNoise(0.25)` or `additiveGaussianNoise(0.3)` of ../autoencoder/corruption.ts. It must
       * return a matrix of the same shape as its input and must not write into it.
       */
      readonly corruption: Corruption;
    }
  | {
      readonly kind: 'rbm';
      /** k of CD-k, an integer >= 1. */
      readonly cdSteps: number;
      /** L2 weight cost on W; default `RBM_DEFAULTS.weightCost`. */
      readonly weightCost?: number;
    };

/** The model that produced one encoder of the stack. */
export type PretrainedModel =
  | { readonly kind: 'autoencoder'; readonly config: AutoencoderConfig; readonly params: AutoencoderParams }
  | { readonly kind: 'rbm'; readonly params: RbmParams };

/** The record of one layer's training. */
export interface PretrainedLayer {
  /** The full trained model: the autoencoder (with its decoder) or the RBM. */
  readonly model: PretrainedModel;
  /** The loss per epoch or iteration: reconstruction loss (+ penalties) of an autoencoder, CD reconstruction error of an RBM. */
  readonly lossHistory: Float64Array;
}

/** The outcome of {@link pretrainStack}. */
export interface PretrainedStack {
  /** One sigmoid encoder {W (H_l x H_{l-1}), b (H_l)} per hidden layer, input layer first. */
  readonly stack: DenseLayer[];
  /** One record per hidden layer, in the same order. */
  readonly layers: PretrainedLayer[];
}

/** A progress report of {@link pretrainStack}: which layer is training, and its optimiser's report. */
export interface PretrainingProgress {
  /** 1 for the layer next to the input, up to `layerCount`. */
  readonly layer: number;
  readonly layerCount: number;
  readonly training: Progress;
}

export type PretrainingProgressCallback = (event: PretrainingProgress) => void;

// -------------------------------------------------------------------------------------------------
// Validation
// -------------------------------------------------------------------------------------------------

const FUNCTION_NAME = 'pretrainStack';

/** The autoencoder of every layer: sigmoid units, untied weights, cross-entropy reconstruction loss. */
export const pretrainingAutoencoderConfig = (inputSize: number, hiddenSize: number): AutoencoderConfig => ({
  inputSize,
  hiddenSize,
  tied: false,
  hiddenActivation: 'sigmoid',
  outputActivation: 'sigmoid',
  loss: 'cross-entropy',
});

const validateVariant = (variant: PretrainingVariant): E.Either<LibraryError, PretrainingVariant> => {
  switch (variant.kind) {
    case 'autoencoder':
      return E.right(variant);
    case 'sparse-autoencoder': {
      const { rho, beta, lambda } = variant;
      if (!(rho > 0 && rho < 1)) return E.left(invalidArgument(FUNCTION_NAME, 'variant.rho', rho, 'a number in (0, 1)'));
      if (!(Number.isFinite(beta) && beta >= 0)) {
        return E.left(invalidArgument(FUNCTION_NAME, 'variant.beta', beta, 'a finite number >= 0'));
      }
      if (!(Number.isFinite(lambda) && lambda >= 0)) {
        return E.left(invalidArgument(FUNCTION_NAME, 'variant.lambda', lambda, 'a finite number >= 0'));
      }
      return E.right(variant);
    }
    case 'denoising-autoencoder':
      return typeof variant.corruption === 'function'
        ? E.right(variant)
        : E.left(invalidArgument(FUNCTION_NAME, 'variant.corruption', typeof variant.corruption, 'a function (rng, X) => [X~, rng]'));
    case 'rbm':
      return Number.isInteger(variant.cdSteps) && variant.cdSteps >= 1
        ? E.right(variant)
        : E.left(invalidArgument(FUNCTION_NAME, 'variant.cdSteps', variant.cdSteps, 'an integer >= 1'));
    default:
      return E.left(
        invalidArgument(
          FUNCTION_NAME,
          'variant.kind',
          String((variant as { kind: unknown }).kind),
          "'autoencoder', 'sparse-autoencoder', 'denoising-autoencoder' or 'rbm'",
        ),
      );
  }
};

const validateHiddenSizes = (hiddenSizes: readonly number[]): E.Either<LibraryError, readonly number[]> => {
  if (hiddenSizes.length === 0) {
    return E.left(invalidArgument(FUNCTION_NAME, 'hiddenSizes.length', 0, 'at least 1 hidden layer'));
  }
  const bad = hiddenSizes.findIndex((h) => !(Number.isInteger(h) && h >= 1));
  return bad >= 0
    ? E.left(invalidArgument(FUNCTION_NAME, `hiddenSizes[${bad}]`, hiddenSizes[bad], 'a positive integer'))
    : E.right(hiddenSizes);
};

/** Calls the corruption once on a row of the input and checks the shape of what it returns. */
const probeCorruption = (corruption: Corruption, samples: Matrix): E.Either<LibraryError, Corruption> => {
  const probe = sliceRows(samples, 0, 1);
  const [corrupted] = corruption(rngFromSeed(0), probe);
  return corrupted.rows === probe.rows && corrupted.cols === probe.cols
    ? E.right(corruption)
    : E.left(
        invalidArgument(
          FUNCTION_NAME,
          'variant.corruption',
          `a function that returned a ${corrupted.rows} x ${corrupted.cols} matrix for a 1 x ${probe.cols} input`,
          'a function that returns a matrix of the same shape as its input',
        ),
      );
};

// -------------------------------------------------------------------------------------------------
// One layer
// -------------------------------------------------------------------------------------------------

type LayerOutcome = [E.Either<LibraryError | TrainingFailure, PretrainedLayer>, Rng];

const autoencoderRecord =
  (config: AutoencoderConfig) =>
  (params: AutoencoderParams, lossHistory: Float64Array): PretrainedLayer => ({
    model: { kind: 'autoencoder', config, params },
    lossHistory,
  });

/** Trains a plain or sparse autoencoder on one layer's input with trainAutoencoder. */
const trainPlainLayer = (
  input: Matrix,
  config: AutoencoderConfig,
  regularization: Regularization,
  optimizer: OptimizerSettings,
  rng: Rng,
  onProgress: (progress: Progress) => void,
): LayerOutcome => {
  const [trained, next] = trainAutoencoder({ config, regularization, samples: input }, optimizer, rng, onProgress);
  const record = autoencoderRecord(config);
  const finish = E.map(({ params, optimization }: TrainedAutoencoder) => record(params, optimization.lossHistory));
  return [finish(trained), next];
};

/**
 * Trains a denoising autoencoder on one layer's input: the loss compares the reconstruction of the
 * corrupted input with the clean input.
 */
const trainDenoisingLayer = (
  input: Matrix,
  config: AutoencoderConfig,
  corruption: Corruption,
  optimizer: OptimizerSettings,
  rng: Rng,
  onProgress: (progress: Progress) => void,
): LayerOutcome => {
  const [initial, afterInit] = initializeAutoencoder(rng, config);
  const theta0 = packParams(config, initial);
  // The noise gets its own generator, seeded by a draw from the main one, so that the noise and the
  // batch order of SGD come from different streams.
  const [noiseSeed, afterSeed] = uniformInteger(afterInit, 2 ** 32);
  const record = autoencoderRecord(config);
  const finish = E.map((optimization: OptimizationResult) =>
    record(unpackParams(config, optimization.theta), optimization.lossHistory),
  );
  const regularization = NO_REGULARIZATION;

  if (optimizer.kind === 'sgd') {
    // NOTE: the objective advances this generator on every call. minimizeSgd calls it once per batch in
    // a fixed order, so the noise, and hence the run, is reproducible from the seed.
    let noiseRng = rngFromSeed(noiseSeed);
    const objective = (theta: ReadonlyFloat64Array, batch: Uint32Array) => {
      const clean = selectRows(input, batch);
      const [corrupted, next] = corruption(noiseRng, clean);
      noiseRng = next;
      return evaluateObjectiveWithTarget(config, regularization, corrupted, clean, theta);
    };
    const { batchSize, epochs, learningRate, momentum } = optimizer;
    const [result, next] = minimizeSgd(
      objective,
      theta0,
      afterSeed,
      { sampleCount: input.rows, batchSize, epochs, learningRate, momentum: momentum ?? 0 },
      onProgress,
    );
    return [finish(result), next];
  }

  const [corrupted] = corruption(rngFromSeed(noiseSeed), input);
  const objective = (theta: ReadonlyFloat64Array) =>
    evaluateObjectiveWithTarget(config, regularization, corrupted, input, theta);
  const result =
    optimizer.kind === 'lbfgs'
      ? minimizeLbfgs(objective, theta0, optimizer, onProgress)
      : minimizeGradientDescent(objective, theta0, optimizer, onProgress);
  return [finish(result), afterSeed];
};

/** Trains an RBM on one layer's input, with the SGD settings as its training schedule. */
const trainRbmLayer = (
  input: Matrix,
  hiddenSize: number,
  variant: Extract<PretrainingVariant, { kind: 'rbm' }>,
  optimizer: OptimizerSettings,
  rng: Rng,
  onProgress: (progress: Progress) => void,
): LayerOutcome => {
  if (optimizer.kind !== 'sgd') {
    const expected = "'sgd' for the rbm variant, since contrastive divergence has no objective to minimise";
    return [E.left(invalidArgument(FUNCTION_NAME, 'optimizer.kind', `'${optimizer.kind}'`, expected)), rng];
  }
  const [trained, next] = trainRbm(
    input,
    {
      hiddenSize,
      batchSize: optimizer.batchSize,
      epochs: optimizer.epochs,
      learningRate: optimizer.learningRate,
      cdSteps: variant.cdSteps,
      ...(optimizer.momentum === undefined ? {} : { momentum: optimizer.momentum }),
      ...(variant.weightCost === undefined ? {} : { weightCost: variant.weightCost }),
    },
    rng,
    onProgress,
  );
  return [
    E.map((t: { params: RbmParams; reconstructionErrors: Float64Array }): PretrainedLayer => ({
      model: { kind: 'rbm', params: t.params },
      lossHistory: t.reconstructionErrors,
    }))(trained),
    next,
  ];
};

const encoderOf = (layer: PretrainedLayer): DenseLayer =>
  layer.model.kind === 'rbm' ? rbmEncoder(layer.model.params) : { W: layer.model.params.W, b: layer.model.params.b };

// -------------------------------------------------------------------------------------------------
// The stack
// -------------------------------------------------------------------------------------------------

/**
 * Pretrains one encoder per entry of `hiddenSizes` on the samples X (N x D, one per row, entries in
 * [0, 1]), greedily, each on the codes of the one before (see the module comment for the variants).
 * Returns the stacked encoders with the full per-layer models, and the advanced generator; the same
 * generator gives bit-identical results. Calls `onProgress` once per epoch or iteration of every
 * layer.
 *
 * `optimizer` trains every layer: L-BFGS, gradient descent or minibatch SGD for the autoencoder
 * variants, and only SGD for the RBM.
 *
 * Errors: `InvalidArgumentError` for samples that are empty, non-finite or outside [0, 1], and for an
 * empty `hiddenSizes` or an entry that is not a positive integer. It is also returned for a variant
 * setting out of range (named as `variant.rho` etc.), a corruption that changes the shape of its input,
 * and an optimiser option out of range (named by the optimiser). `TrainingFailure` or
 * `NonFiniteLossError` when a layer's training diverges.
 *
 * @example
 * const [pretrained, next] = pretrainStack(images, [200, 200], { kind: 'rbm', cdSteps: 1 },
 *   { kind: 'sgd', batchSize: 100, epochs: 2, learningRate: 0.1 }, rngFromSeed(1));
 */
export const pretrainStack = (
  samples: Matrix,
  hiddenSizes: readonly number[],
  variant: PretrainingVariant,
  optimizer: OptimizerSettings,
  rng: Rng,
  onProgress?: PretrainingProgressCallback,
): [E.Either<LibraryError | TrainingFailure, PretrainedStack>, Rng] => {
  const validSamples = validateVisibleSamples(FUNCTION_NAME, 'samples', samples, samples.cols);
  if (E.isLeft(validSamples)) return [validSamples, rng];
  const validSizes = validateHiddenSizes(hiddenSizes);
  if (E.isLeft(validSizes)) return [validSizes, rng];
  const validVariant = validateVariant(variant);
  if (E.isLeft(validVariant)) return [validVariant, rng];
  const kinds: readonly string[] = ['lbfgs', 'gradient-descent', 'sgd'];
  if (!kinds.includes(optimizer.kind)) {
    const kind = String((optimizer as { kind: unknown }).kind);
    return [E.left(invalidArgument(FUNCTION_NAME, 'optimizer.kind', kind, "'lbfgs', 'gradient-descent' or 'sgd'")), rng];
  }
  if (variant.kind === 'denoising-autoencoder') {
    const probed = probeCorruption(variant.corruption, samples);
    if (E.isLeft(probed)) return [probed, rng];
  }

  const stack: DenseLayer[] = [];
  const layers: PretrainedLayer[] = [];
  let input = samples;
  let generator = rng;
  for (let l = 0; l < hiddenSizes.length; l++) {
    const config = pretrainingAutoencoderConfig(input.cols, hiddenSizes[l]);
    const report = (training: Progress) => onProgress?.({ layer: l + 1, layerCount: hiddenSizes.length, training });
    const [outcome, next] = trainLayer(input, config, variant, optimizer, generator, report);
    if (E.isLeft(outcome)) return [outcome, next];
    generator = next;
    const encoder = encoderOf(outcome.right);
    layers.push(outcome.right);
    stack.push(encoder);
    // The next layer learns from the codes of this one; the last layer's codes are not needed.
    if (l + 1 < hiddenSizes.length) input = encodeThroughStack([encoder], input);
  }
  return [E.right({ stack, layers }), generator];
};

const trainLayer = (
  input: Matrix,
  config: AutoencoderConfig,
  variant: PretrainingVariant,
  optimizer: OptimizerSettings,
  rng: Rng,
  onProgress: (progress: Progress) => void,
): LayerOutcome => {
  switch (variant.kind) {
    case 'autoencoder':
      return trainPlainLayer(input, config, NO_REGULARIZATION, optimizer, rng, onProgress);
    case 'sparse-autoencoder': {
      const regularization: Regularization = {
        lambda: variant.lambda,
        sparsity: { rho: variant.rho, beta: variant.beta },
      };
      return trainPlainLayer(input, config, regularization, optimizer, rng, onProgress);
    }
    case 'denoising-autoencoder':
      return trainDenoisingLayer(input, config, variant.corruption, optimizer, rng, onProgress);
    case 'rbm':
      return trainRbmLayer(input, config.hiddenSize, variant, optimizer, rng, onProgress);
  }
};
