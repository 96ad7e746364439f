/**
 * Training of a deep autoencoder in the two stages of Hinton and Salakhutdinov (Science 2006). First,
 * greedy layer-wise pretraining trains one autoencoder per encoding layer, each on the codes of the
 * previous one. Then the stack is unrolled into the mirrored deep network, and all 2k layers are
 * fine-tuned end to end on the reconstruction error.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import { encode } from '../autoencoder/autoencoder.js';
import type { Corruption } from '../autoencoder/corruption.js';
import { evaluateDeepObjective, validateDeepProblem } from '../autoencoder/deep.js';
import {
  type DeepAutoencoderConfig,
  type DeepAutoencoderParams,
  initializeDeepAutoencoder,
  packDeepParams,
  unpackDeepParams,
  unrollEncoders,
} from '../autoencoder/deep-params.js';
import type { AutoencoderConfig } from '../autoencoder/params.js';
import type { Regularization } from '../autoencoder/regularization.js';
import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, selectRows, shapeOf } from '../linalg/matrix.js';
import type { OptimizationResult, Progress, ProgressCallback, TrainingFailure } from '../optim/types.js';
import type { Rng } from '../random/rng.js';
import { type OptimizerSettings, type TrainedAutoencoder, trainAutoencoder } from './train-autoencoder.js';
import { type TrainingObjective, minimizeWith } from './minimize-with.js';
import { trainDenoisingAutoencoder } from './train-denoising.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** Training settings of the one-layer autoencoders of the greedy stage. */
export interface LayerwiseSettings {
  /**
   * The optimiser of every layer, or one per encoding layer (k entries, first layer first). Linear code
   * units are unbounded, so the code layer often needs a smaller SGD learning rate than sigmoid layers.
   */
  readonly optimizer: OptimizerSettings | readonly OptimizerSettings[];
  readonly regularization: Regularization;
  /** When present, every layer is trained as a denoising autoencoder on corrupted copies of its input. */
  readonly corruption?: Corruption;
}

/** The outcome of greedy pretraining: the k trained autoencoders and their unrolled 2k-layer network. */
export interface PretrainedDeepAutoencoder {
  readonly config: DeepAutoencoderConfig;
  /** Autoencoder l maps h_{l-1} -> h_l -> h_{l-1}, with tied weights. */
  readonly encoders: readonly TrainedAutoencoder[];
  /** The unrolled network: encoders W_l, b_l, and decoders W_l^T, b~_l. */
  readonly params: DeepAutoencoderParams;
}

/** A progress report of the greedy stage: the optimiser's report while training layer `layer` (1-based). */
export type LayerProgressCallback = (layer: number, progress: Progress) => void;

/** A fine-tuning problem: the architecture, the weight decay lambda, the N x D samples and the start. */
export interface DeepAutoencoderProblem {
  readonly config: DeepAutoencoderConfig;
  /** Weight-decay coefficient lambda >= 0 of (lambda / 2) sum_l ||W_l||^2. */
  readonly lambda: number;
  readonly samples: Matrix;
  /** Starting parameters, usually the unrolled pretrained network; when absent, drawn at random. */
  readonly initial?: DeepAutoencoderParams;
}

/** A fine-tuned deep autoencoder and the record of its optimisation. */
export interface TrainedDeepAutoencoder {
  readonly config: DeepAutoencoderConfig;
  readonly params: DeepAutoencoderParams;
  readonly optimization: OptimizationResult;
}

// -------------------------------------------------------------------------------------------------
// Greedy layer-wise pretraining
// -------------------------------------------------------------------------------------------------

/**
 * Returns the one-layer autoencoder that pretrains encoding layer `layer` (1-based) of the deep network:
 * h_{l-1} -> h_l -> h_{l-1} with tied weights, so that the unrolled decoder W_l^T is the decoder it
 * learned. Its hidden units use the code activation at the last layer and the hidden activation
 * elsewhere. Its output reconstructs the data at layer 1, with the deep network's output activation
 * and loss. At deeper layers it reconstructs the previous layer's outputs, with the hidden activation
 * and, for sigmoid hidden units (outputs in (0, 1)), the cross-entropy loss, else the squared error.
 */
export const layerAutoencoderConfig = (config: DeepAutoencoderConfig, layer: number): AutoencoderConfig => {
  const sizes = config.encoderSizes;
  const k = sizes.length - 1;
  const base = {
    inputSize: sizes[layer - 1],
    hiddenSize: sizes[layer],
    tied: true,
    hiddenActivation: layer === k ? config.codeActivation : config.hiddenActivation,
  };
  if (layer === 1) return { ...base, outputActivation: config.outputActivation, loss: config.loss };
  const loss = config.hiddenActivation === 'sigmoid' ? 'cross-entropy' : 'squared-error';
  return { ...base, outputActivation: config.hiddenActivation, loss };
};

/**
 * Pretrains the k encoding layers of a deep autoencoder greedily on the samples X (N x D, one sample
 * per row): autoencoder 1 is trained on X, autoencoder l on the codes Y_{l-1} = f(Y_{l-2} W_{l-1}^T + b)
 * of the previous one, each from its own random start drawn from the generator. The trained stack is
 * unrolled into the 2k-layer network (see `unrollEncoders`). Returns the advanced generator.
 *
 * Errors: `InvalidArgumentError` for an invalid configuration or samples, a list of optimisers whose
 * length is not k, or layer settings that `trainAutoencoder` rejects (a sparsity penalty on a layer
 * with linear units, for example). `TrainingFailure` when a layer's loss becomes non-finite, after
 * which no further layer is trained.
 */
export const pretrainDeepAutoencoder = (
  config: DeepAutoencoderConfig,
  samples: Matrix,
  settings: LayerwiseSettings,
  rng: Rng,
  onProgress?: LayerProgressCallback,
): [E.Either<InvalidArgumentError | TrainingFailure, PretrainedDeepAutoencoder>, Rng] => {
  const invalid = validateDeepProblem('pretrainDeepAutoencoder', config, 0, samples);
  if (invalid !== undefined) return [E.left(invalid), rng];
  const k = config.encoderSizes.length - 1;
  const optimizers = settings.optimizer;
  if (isOptimizerList(optimizers) && optimizers.length !== k) {
    const expected = `${k}, one per encoding layer`;
    const error = invalidArgument('pretrainDeepAutoencoder', 'settings.optimizer.length', optimizers.length, expected);
    return [E.left(error), rng];
  }

  const encoders: TrainedAutoencoder[] = [];
  let layerInput = samples;
  let generator = rng;
  for (let layer = 1; layer <= k; layer++) {
    const layerConfig = layerAutoencoderConfig(config, layer);
    const optimizer = isOptimizerList(optimizers) ? optimizers[layer - 1] : optimizers;
    const problem = { config: layerConfig, regularization: settings.regularization, samples: layerInput };
    const report = onProgress === undefined ? undefined : (progress: Progress) => onProgress(layer, progress);
    const [trained, next] =
      settings.corruption === undefined
        ? trainAutoencoder(problem, optimizer, generator, report)
        : trainDenoisingAutoencoder(problem, settings.corruption, optimizer, generator, report);
    generator = next;
    if (E.isLeft(trained)) return [trained, generator];
    encoders.push(trained.right);
    // The next autoencoder learns from the codes of the clean samples, never from corrupted ones.
    layerInput = encode(layerConfig, trained.right.params, layerInput);
  }

  const unrolled = unrollEncoders(
    config,
    encoders.map((encoder) => encoder.params),
  );
  return [E.map((params: DeepAutoencoderParams) => ({ config, encoders, params }))(unrolled), generator];
};

const isOptimizerList = (
  optimizer: OptimizerSettings | readonly OptimizerSettings[],
): optimizer is readonly OptimizerSettings[] => Array.isArray(optimizer);

// -------------------------------------------------------------------------------------------------
// Fine-tuning
// -------------------------------------------------------------------------------------------------

/**
 * Fine-tunes every layer of a deep autoencoder on the samples X (N x D), minimising the mean
 * reconstruction loss plus weight decay over all 2k layers (see `evaluateDeepObjective`), and returns
 * the trained parameters with the advanced generator. Without `problem.initial` the start is drawn with
 * `initializeDeepAutoencoder`, the baseline without pretraining.
 *
 * L-BFGS and gradient descent use the full-batch objective; SGD evaluates it on each minibatch. The
 * progress callback is called once per iteration (per epoch for SGD).
 *
 * Errors: `InvalidArgumentError` for an invalid configuration, lambda, samples, starting parameters or
 * optimiser option; `TrainingFailure` when the loss or gradient becomes NaN or infinite.
 */
export const fineTuneDeepAutoencoder = (
  problem: DeepAutoencoderProblem,
  optimizer: OptimizerSettings,
  rng: Rng,
  onProgress?: ProgressCallback,
): [E.Either<InvalidArgumentError | TrainingFailure, TrainedDeepAutoencoder>, Rng] => {
  const { config, lambda, samples } = problem;
  const invalid = validateDeepProblem('fineTuneDeepAutoencoder', config, lambda, samples);
  if (invalid !== undefined) return [E.left(invalid), rng];

  const [initial, afterInit] =
    problem.initial === undefined ? initializeDeepAutoencoder(rng, config) : [problem.initial, rng];
  const theta0 = packChecked(config, initial);
  if (E.isLeft(theta0)) return [theta0, afterInit];

  const finish = E.map(
    (optimization: OptimizationResult): TrainedDeepAutoencoder => ({
      config,
      params: unpackDeepParams(config, optimization.theta),
      optimization,
    }),
  );
  const objective: TrainingObjective = {
    fullBatch: (theta) => evaluateDeepObjective(config, lambda, samples, theta),
    minibatch: (theta, batch) => evaluateDeepObjective(config, lambda, selectRows(samples, batch), theta),
    sampleCount: samples.rows,
  };
  const [result, next] = minimizeWith('fineTuneDeepAutoencoder', optimizer, objective, theta0.right, afterInit, onProgress);
  return [pipe(result, finish), next];
};

/** Packs starting parameters, turning a shape mismatch into an error value naming `problem.initial`. */
const packChecked = (
  config: DeepAutoencoderConfig,
  params: DeepAutoencoderParams,
): E.Either<InvalidArgumentError, Float64Array> => {
  try {
    return E.right(packDeepParams(config, params));
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const shapes = params.layers.map((layer) => shapeOf(layer.W)).join(', ');
    return E.left(
      invalidArgument(
        'fineTuneDeepAutoencoder',
        'problem.initial',
        `layers with W of ${shapes}`,
        `the ${config.encoderSizes.length * 2 - 2} layers of the configuration (${error.message})`,
      ),
    );
  }
};
