/**
 * Experiment: a denoising autoencoder removes noise from new inputs better than a plain autoencoder.
 *
 * Procedure: draw one set of initial weights for a sigmoid autoencoder D -> H -> D (untied weights,
 * sigmoid output, cross-entropy). Train it once as a plain autoencoder on the clean training digits, and
 * once per noise as a denoising autoencoder on corrupted inputs with the clean digits as targets, all
 * from the same initial weights with the same optimiser settings. Then corrupt the test digits with the
 * same noise and measure, against the clean test digits, the mean of (1/2) ||x^ - x||^2 of the plain
 * and of the denoising reconstruction, and of the corrupted input itself.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import { reconstruct } from '../autoencoder/autoencoder.js';
import {
  type CorruptionSettings,
  corruptionFromSettings,
  corruptionLevel,
  describeCorruption,
} from '../autoencoder/corruption.js';
import { type AutoencoderConfig, type AutoencoderParams, initializeAutoencoder } from '../autoencoder/params.js';
import type { Regularization } from '../autoencoder/regularization.js';
import type { LibraryError } from '../linalg/errors.js';
import { type Matrix, sliceRows } from '../linalg/matrix.js';
import { meanHalfSquaredDistance } from '../linalg/ops.js';
import type { Rng } from '../random/rng.js';
import { type OptimizerSettings, type TrainedAutoencoder, trainAutoencoder } from '../train/train-autoencoder.js';
import { trainDenoisingAutoencoder } from '../train/train-denoising.js';
import { validateExperimentInputs } from './experiment-inputs.js';
import type { ExperimentProgressCallback } from './progress.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** Settings of {@link runDenoising}. */
export interface DenoisingExperimentSettings {
  /** H, hidden units. */
  readonly hiddenSize: number;
  /** Weight-decay coefficient lambda >= 0 of every autoencoder. */
  readonly lambda: number;
  /** The noises to compare; one denoising autoencoder is trained per noise. */
  readonly noises: readonly CorruptionSettings[];
  /** The optimiser of every autoencoder. With SGD the denoising inputs are corrupted afresh every epoch. */
  readonly optimizer: OptimizerSettings;
  /** Number of test digits kept for the figure, in [0, M]. */
  readonly exampleCount: number;
}

/** The first test digits at each stage, for the figure: every matrix is exampleCount x D. */
export interface DenoisingExamples {
  readonly clean: Matrix;
  readonly corrupted: Matrix;
  readonly plain: Matrix;
  readonly denoising: Matrix;
}

/** Measurements for one noise. Every error is a mean over test digits of (1/2) ||. - x_clean||^2. */
export interface DenoisingNoiseResult {
  readonly noise: CorruptionSettings;
  /** A description such as `masking noise, nu = 0.25`. */
  readonly name: string;
  /** sigma for Gaussian noise, nu for masking and salt-and-pepper noise. */
  readonly level: number;
  /** Error of the corrupted input x~ itself. */
  readonly corruptedError: number;
  /** Error of the plain autoencoder's reconstruction of x~. */
  readonly plainError: number;
  /** Error of the denoising autoencoder's reconstruction of x~. */
  readonly denoisingError: number;
  /** Error of the denoising autoencoder's reconstruction of the clean x, the price of denoising. */
  readonly denoisingCleanError: number;
  /** Iterations (epochs, for SGD) and final training loss of the denoising autoencoder. */
  readonly iterations: number;
  readonly finalLoss: number;
  readonly examples: DenoisingExamples;
}

/** The outcome of {@link runDenoising}. */
export interface DenoisingExperimentResult {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly trainCount: number;
  readonly testCount: number;
  /** Error of the plain autoencoder's reconstruction of the clean test digits. */
  readonly plainCleanError: number;
  /** Iterations (epochs, for SGD) and final training loss of the plain autoencoder. */
  readonly plainIterations: number;
  readonly plainFinalLoss: number;
  readonly noises: readonly DenoisingNoiseResult[];
}

/**
 * The settings of the main job on MNIST: 256 hidden units, masking noise nu = 0.25 and Gaussian noise
 * sigma = 0.3, and SGD with batches of 100, learning rate 0.1 and momentum 0.9 for `epochs` epochs.
 * The settings were chosen by hand on 10,000 digits. With 20 epochs the denoising autoencoder beats
 * the plain one for both noises. With 5 epochs the plain one still wins for Gaussian noise, because it
 * has not yet learned to copy the noise.
 */
export const mnistDenoisingSettings = (epochs: number): DenoisingExperimentSettings => ({
  hiddenSize: 256,
  lambda: 0,
  noises: [
    { kind: 'masking', nu: 0.25 },
    { kind: 'gaussian', sigma: 0.3 },
  ],
  optimizer: { kind: 'sgd', batchSize: 100, epochs, learningRate: 0.1, momentum: 0.9 },
  exampleCount: 10,
});

// -------------------------------------------------------------------------------------------------
// Steps
// -------------------------------------------------------------------------------------------------

/** The autoencoder of the experiment: sigmoid units, untied weights, cross-entropy for pixels in [0, 1]. */
export const denoisingAutoencoderConfig = (inputSize: number, hiddenSize: number): AutoencoderConfig => ({
  inputSize,
  hiddenSize,
  tied: false,
  hiddenActivation: 'sigmoid',
  outputActivation: 'sigmoid',
  loss: 'cross-entropy',
});

/** Everything one noise's measurement needs besides the noise itself. */
interface Evaluation {
  readonly config: AutoencoderConfig;
  readonly test: Matrix;
  readonly plain: AutoencoderParams;
  readonly exampleCount: number;
}

/** Corrupts the test digits with the noise and measures both autoencoders on them. */
const measureNoise = (
  evaluation: Evaluation,
  noise: CorruptionSettings,
  corruptedTest: Matrix,
  denoising: TrainedAutoencoder,
): DenoisingNoiseResult => {
  const { config, test, plain, exampleCount } = evaluation;
  const plainOutput = reconstruct(config, plain, corruptedTest);
  const denoisingOutput = reconstruct(config, denoising.params, corruptedTest);
  return {
    noise,
    name: describeCorruption(noise),
    level: corruptionLevel(noise),
    corruptedError: meanHalfSquaredDistance(corruptedTest, test),
    plainError: meanHalfSquaredDistance(plainOutput, test),
    denoisingError: meanHalfSquaredDistance(denoisingOutput, test),
    denoisingCleanError: meanHalfSquaredDistance(reconstruct(config, denoising.params, test), test),
    iterations: denoising.optimization.iterations,
    finalLoss: denoising.optimization.loss,
    examples: {
      clean: sliceRows(test, 0, exampleCount),
      corrupted: sliceRows(corruptedTest, 0, exampleCount),
      plain: sliceRows(plainOutput, 0, exampleCount),
      denoising: sliceRows(denoisingOutput, 0, exampleCount),
    },
  };
};

// -------------------------------------------------------------------------------------------------
// The experiment
// -------------------------------------------------------------------------------------------------

/**
 * Runs the experiment on training digits (N x D) and test digits (M x D), one image per row, values in
 * [0, 1]. The generator draws the shared initial weights, then is threaded through every training run
 * and test corruption in turn (plain autoencoder, then for each noise its training and its test
 * corruption), and is returned advanced.
 */
export const runDenoising = (
  train: Matrix,
  test: Matrix,
  settings: DenoisingExperimentSettings,
  rng: Rng,
  onProgress: ExperimentProgressCallback,
): [E.Either<LibraryError, DenoisingExperimentResult>, Rng] => {
  const invalid = validateExperimentInputs('runDenoising', train, test, settings.exampleCount, settings.lambda);
  if (invalid !== undefined) return [E.left(invalid), rng];
  const config = denoisingAutoencoderConfig(train.cols, settings.hiddenSize);
  const regularization: Regularization = { lambda: settings.lambda, sparsity: null };
  const exampleCount = Math.min(settings.exampleCount, test.rows);
  const [initial, afterInit] = initializeAutoencoder(rng, config);
  const problem = { config, regularization, samples: train, initial };
  let generator = afterInit;

  const trainPlain = (): E.Either<LibraryError, TrainedAutoencoder> => {
    const phase = `plain autoencoder ${config.inputSize}-${config.hiddenSize}`;
    const [trained, next] = trainAutoencoder(problem, settings.optimizer, generator, (training) =>
      onProgress({ phase, training }),
    );
    generator = next;
    return trained;
  };

  const runNoise =
    (plain: TrainedAutoencoder) =>
    (noise: CorruptionSettings): E.Either<LibraryError, DenoisingNoiseResult> =>
      pipe(
        corruptionFromSettings(noise),
        E.chainW((corruption) => {
          const phase = `denoising autoencoder, ${describeCorruption(noise)}`;
          const [trained, afterTraining] = trainDenoisingAutoencoder(
            problem,
            corruption,
            settings.optimizer,
            generator,
            (training) => onProgress({ phase, training }),
          );
          const [corruptedTest, afterTest] = corruption(afterTraining, test);
          generator = afterTest;
          const evaluation = { config, test, plain: plain.params, exampleCount };
          return E.map((denoising: TrainedAutoencoder) => measureNoise(evaluation, noise, corruptedTest, denoising))(
            trained,
          );
        }),
      );

  const result = pipe(
    E.Do,
    E.bind('plain', trainPlain),
    // Either's traverse stops at the first failed run and returns its error.
    E.bind('noises', ({ plain }) => E.traverseArray(runNoise(plain))(settings.noises)),
    E.map(
      ({ plain, noises }): DenoisingExperimentResult => ({
        inputSize: config.inputSize,
        hiddenSize: config.hiddenSize,
        trainCount: train.rows,
        testCount: test.rows,
        plainCleanError: meanHalfSquaredDistance(reconstruct(config, plain.params, test), test),
        plainIterations: plain.optimization.iterations,
        plainFinalLoss: plain.optimization.loss,
        noises,
      }),
    ),
  );
  return [result, generator];
};
