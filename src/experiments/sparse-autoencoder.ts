/**
 * Experiment: how the KL sparsity penalty changes what the hidden units of an autoencoder learn.
 *
 * Procedure: for each penalty weight beta, train a sigmoid autoencoder (D -> H -> D, untied weights,
 * sigmoid output, squared error, weight decay lambda) on the same digits from the same initial weights
 * with L-BFGS, then measure the mean activation rhoHat of the hidden units against the target rho, how
 * many units respond strongly to a typical sample, and the reconstruction error. The weights W are
 * returned so that each unit's feature can be drawn as an image.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import { encode, meanReconstructionError } from '../autoencoder/autoencoder.js';
import { type AutoencoderConfig, initializeAutoencoder } from '../autoencoder/params.js';
import type { LibraryError } from '../linalg/errors.js';
import type { Matrix } from '../linalg/matrix.js';
import { columnMeans } from '../linalg/ops.js';
import type { Rng } from '../random/rng.js';
import { trainAutoencoder } from '../train/train-autoencoder.js';
import type { ExperimentProgressCallback } from './progress.js';

/** Settings of {@link runSparseAutoencoders}. */
export interface SparseExperimentSettings {
  /** H, hidden units. */
  readonly hiddenSize: number;
  /** Target mean activation rho, in (0, 1). */
  readonly rho: number;
  /** Weight-decay coefficient lambda >= 0. */
  readonly lambda: number;
  /** The penalty weights beta >= 0 to compare, one autoencoder each. */
  readonly betas: readonly number[];
  /** L-BFGS iterations per autoencoder. */
  readonly maxIterations: number;
}

/**
 * A hidden unit counts as active for a sample when its output exceeds this. Sigmoid outputs range over
 * (0, 1), so 0.5 is the point where the pre-activation changes sign.
 */
export const ACTIVE_THRESHOLD = 0.5;

/** Measurements for one value of beta. */
export interface SparseRunResult {
  readonly beta: number;
  readonly rho: number;
  readonly hiddenSize: number;
  /** Mean over hidden units of rhoHat_j on the training data. */
  readonly meanActivation: number;
  /** rhoHat_j of every hidden unit on the training data (length H). */
  readonly rhoHat: Float64Array;
  /** Mean over training samples of the fraction of hidden units whose output exceeds {@link ACTIVE_THRESHOLD}. */
  readonly activeFraction: number;
  /** Mean over training samples of (1/2)||x - x^||^2. */
  readonly reconstructionError: number;
  readonly testReconstructionError: number;
  readonly iterations: number;
  readonly finalLoss: number;
  readonly stopReason: string;
  /** The learned features, the rows of W (H x D). */
  readonly weights: Matrix;
}

/** The sparse autoencoder of the experiment: sigmoid units, untied weights, squared error. */
export const sparseAutoencoderConfig = (inputSize: number, hiddenSize: number): AutoencoderConfig => ({
  inputSize,
  hiddenSize,
  tied: false,
  hiddenActivation: 'sigmoid',
  outputActivation: 'sigmoid',
  loss: 'squared-error',
});

const fractionAbove = (hidden: Matrix, threshold: number): number => {
  let count = 0;
  for (let i = 0; i < hidden.data.length; i++) if (hidden.data[i] > threshold) count++;
  return count / hidden.data.length;
};

const meanOf = (values: Float64Array): number => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Trains one sparse autoencoder per beta on the training digits (N x D, values in [0, 1]) and measures
 * each on them and on the test digits. All runs start from the same initial weights, drawn once from
 * the generator, so the runs differ only in beta.
 */
export const runSparseAutoencoders = (
  train: Matrix,
  test: Matrix,
  settings: SparseExperimentSettings,
  rng: Rng,
  onProgress: ExperimentProgressCallback,
): [E.Either<LibraryError, SparseRunResult[]>, Rng] => {
  const config = sparseAutoencoderConfig(train.cols, settings.hiddenSize);
  const [initial, rngAfter] = initializeAutoencoder(rng, config);

  const runOne = (beta: number): E.Either<LibraryError, SparseRunResult> => {
    const phase = `sparse autoencoder, beta = ${beta}`;
    const [trained] = trainAutoencoder(
      {
        config,
        regularization: { lambda: settings.lambda, sparsity: { rho: settings.rho, beta } },
        samples: train,
        initial,
      },
      { kind: 'lbfgs', maxIterations: settings.maxIterations, gradientTolerance: 0, lossChangeTolerance: 0 },
      rngAfter,
      (training) => onProgress({ phase, training }),
    );
    return pipe(
      trained,
      E.map(({ params, optimization }) => {
        const hidden = encode(config, params, train);
        const rhoHat = columnMeans(hidden);
        return {
          beta,
          rho: settings.rho,
          hiddenSize: settings.hiddenSize,
          meanActivation: meanOf(rhoHat),
          rhoHat,
          activeFraction: fractionAbove(hidden, ACTIVE_THRESHOLD),
          reconstructionError: meanReconstructionError(config, params, train),
          testReconstructionError: meanReconstructionError(config, params, test),
          iterations: optimization.iterations,
          finalLoss: optimization.loss,
          stopReason: optimization.stopReason,
          weights: params.W,
        };
      }),
    );
  };

  // Either's traverse stops at the first failed run and returns its error.
  const results = E.traverseArray(runOne)(settings.betas) as E.Either<LibraryError, SparseRunResult[]>;
  return [results, rngAfter];
};
