/**
 * Experiment: a linear autoencoder trained to its minimum spans the principal subspace.
 *
 * Procedure: centre the training digits and fit PCA with k components by the Jacobi method. Train a tied
 * linear autoencoder (identity activations, squared error, k hidden units) on the same centred data with
 * L-BFGS. Then compare the two k-dimensional subspaces by their principal angles, and the autoencoder's
 * reconstruction error with half the sum of the discarded eigenvalues, its theoretical minimum.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import { meanReconstructionError } from '../autoencoder/autoencoder.js';
import type { AutoencoderConfig } from '../autoencoder/params.js';
import type { LibraryError } from '../linalg/errors.js';
import type { Matrix } from '../linalg/matrix.js';
import { centre, meanHalfSquaredDistance, transpose } from '../linalg/ops.js';
import { principalAngles } from '../linalg/subspace.js';
import { type PcaModel, fitPca, halfDiscardedVariance, pcaInverseTransform, pcaTransform } from '../pca/pca.js';
import type { Rng } from '../random/rng.js';
import { trainAutoencoder } from '../train/train-autoencoder.js';
import type { ExperimentProgressCallback } from './progress.js';

/** Settings of {@link runPcaVersusLinearAutoencoder}. */
export interface PcaExperimentSettings {
  /** k, the number of principal components and of hidden units. */
  readonly components: number;
  /** Iteration cap of L-BFGS for the linear autoencoder. */
  readonly maxIterations: number;
  /**
   * L-BFGS stops once the gradient norm falls below this. The principal angles shrink roughly in
   * proportion to the gradient norm divided by the gap lambda_k - lambda_(k+1), so it must be small. On
   * 10,000 MNIST digits with k = 16, L-BFGS ends at a gradient norm near 4e-6 (where no step lowers the
   * loss in float64) with angles below 1e-5.
   */
  readonly gradientTolerance: number;
}

/** Measurements of the experiment. All reconstruction errors are means over samples of (1/2)||x - x^||^2. */
export interface PcaExperimentResult {
  readonly components: number;
  readonly trainCount: number;
  /** All D eigenvalues of the training covariance, descending. */
  readonly eigenvalues: Float64Array;
  /** The k principal angles between the autoencoder's weight space and the top-k eigenvectors (radians). */
  readonly principalAngles: Float64Array;
  readonly maxPrincipalAngle: number;
  /** Training-set reconstruction error of the linear autoencoder. */
  readonly autoencoderTrainError: number;
  /** Training-set reconstruction error of PCA with k components. */
  readonly pcaTrainError: number;
  /** (1/2) sum of the D - k discarded eigenvalues: the minimum any rank-k linear map can reach. */
  readonly halfDiscardedVariance: number;
  readonly autoencoderTestError: number;
  readonly pcaTestError: number;
  readonly iterations: number;
  readonly stopReason: string;
  readonly finalGradientNorm: number;
  /** The k leading eigenvectors as rows (k x D), to draw as images. */
  readonly principalComponents: Matrix;
  /** The autoencoder's weight vectors, the rows of W (k x D). */
  readonly autoencoderWeights: Matrix;
}

/** The linear autoencoder of the experiment: tied weights, identity activations, squared error. */
export const linearAutoencoderConfig = (inputSize: number, components: number): AutoencoderConfig => ({
  inputSize,
  hiddenSize: components,
  tied: true,
  hiddenActivation: 'identity',
  outputActivation: 'identity',
  loss: 'squared-error',
});

const pcaError = (model: PcaModel, x: Matrix): E.Either<LibraryError, number> =>
  pipe(
    pcaTransform(model, x),
    E.chain((codes) => pcaInverseTransform(model, codes)),
    E.map((reconstruction) => meanHalfSquaredDistance(reconstruction, x)),
  );

/**
 * Runs the experiment on training digits (N x D) and held-out test digits (M x D), one image per row.
 * The generator draws the autoencoder's initial weights and is returned advanced.
 */
export const runPcaVersusLinearAutoencoder = (
  train: Matrix,
  test: Matrix,
  settings: PcaExperimentSettings,
  rng: Rng,
  onProgress: ExperimentProgressCallback,
): [E.Either<LibraryError, PcaExperimentResult>, Rng] => {
  const config = linearAutoencoderConfig(train.cols, settings.components);
  let rngAfter = rng;
  const phase = `linear autoencoder, k = ${settings.components}`;

  const result = pipe(
    E.Do,
    E.tap(() => E.right(onProgress({ phase: 'PCA: Jacobi eigendecomposition of the covariance' }))),
    E.bindW('pca', () => fitPca(train, { components: settings.components })),
    // The autoencoder is trained on the same centred data as PCA, so both describe one scatter matrix.
    E.bindW('centredTrain', ({ pca }) => E.right(centre(train, pca.mean))),
    E.bindW('centredTest', ({ pca }) => E.right(centre(test, pca.mean))),
    E.bindW('autoencoder', ({ centredTrain }) => {
      const [trained, next] = trainAutoencoder(
        { config, regularization: { lambda: 0, sparsity: null }, samples: centredTrain },
        {
          kind: 'lbfgs',
          maxIterations: settings.maxIterations,
          gradientTolerance: settings.gradientTolerance,
          lossChangeTolerance: 0,
        },
        rng,
        (training) => onProgress({ phase, training }),
      );
      rngAfter = next;
      return trained;
    }),
    E.bindW('angles', ({ pca, autoencoder }) => principalAngles(pca.components, transpose(autoencoder.params.W))),
    E.bindW('pcaTrainError', ({ pca }) => pcaError(pca, train)),
    E.bindW('pcaTestError', ({ pca }) => pcaError(pca, test)),
    E.map(({ pca, centredTrain, centredTest, autoencoder, angles, pcaTrainError, pcaTestError }) => ({
      components: settings.components,
      trainCount: train.rows,
      eigenvalues: pca.eigenvalues,
      principalAngles: angles,
      maxPrincipalAngle: angles.reduce((largest, angle) => Math.max(largest, angle), 0),
      autoencoderTrainError: meanReconstructionError(config, autoencoder.params, centredTrain),
      pcaTrainError,
      halfDiscardedVariance: halfDiscardedVariance(pca),
      autoencoderTestError: meanReconstructionError(config, autoencoder.params, centredTest),
      pcaTestError,
      iterations: autoencoder.optimization.iterations,
      stopReason: autoencoder.optimization.stopReason,
      finalGradientNorm: autoencoder.optimization.gradientNorm,
      principalComponents: transpose(pca.components),
      autoencoderWeights: autoencoder.params.W,
    })),
  );
  return [result, rngAfter];
};
