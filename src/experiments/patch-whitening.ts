/**
 * Experiment on natural-image patches: PCA and ZCA whitening.
 *
 * Cut 12 x 12 patches from greyscale photographs and remove each patch's mean. Fit PCA whitening
 * (keeping the k components that retain 99% of the variance) and ZCA whitening with a regulariser
 * epsilon, and with a smaller comparison epsilon. Measure how far the covariance of the whitened patches
 * is from its exact target diag(lambda / (lambda + epsilon)) (PCA, in the eigenbasis) or
 * E diag(lambda / (lambda + epsilon)) E^T (ZCA, in pixel space). PCA-whitened patches are coefficients
 * in eigenvalue order and look like noise when drawn, while ZCA-whitened patches stay in pixel order
 * and keep their edges.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import type { LibraryError } from '../linalg/errors.js';
import { type Matrix, sliceRows } from '../linalg/matrix.js';
import { covariance, maxAbsDifference, transpose } from '../linalg/ops.js';
import { removePatchMeans } from '../patches/normalize.js';
import { type PatchSourceImage, samplePatches } from '../patches/sampler.js';
import { fitEigenbasis } from '../pca/eigenbasis.js';
import { type WhiteningModel, targetCovariance, whiten, whiteningFromEigenbasis } from '../pca/whitening.js';
import type { Rng } from '../random/rng.js';
import type { ExperimentProgressCallback } from './progress.js';

// -------------------------------------------------------------------------------------------------
// Whitening of patches
// -------------------------------------------------------------------------------------------------

/** Settings of {@link runPatchWhitening}. */
export interface PatchWhiteningSettings {
  /** Side s of the square patches in pixels; D = s^2. */
  readonly patchSize: number;
  /** Number N of patches drawn. */
  readonly sampleCount: number;
  /** Fraction of the variance the k PCA-whitening components retain, in (0, 1]. */
  readonly retainedVariance: number;
  /** Regulariser epsilon >= 0 added to every eigenvalue, for both PCA and ZCA whitening. */
  readonly epsilon: number;
  /**
   * A second, smaller epsilon for ZCA whitening, measured and drawn beside the first. With pixels in
   * [0, 1], the eigenvalues of 12 x 12 patches run from about 0.1 down to 1e-4, so epsilon = 0.1 damps
   * nearly every direction and leaves the patches almost unchanged. An epsilon among the eigenvalues
   * shows what whitening does to them.
   */
  readonly comparisonEpsilon: number;
  /** Number of patches returned for the figure. */
  readonly exampleCount: number;
  /** Number of leading eigenvectors returned for the figure, at most D. */
  readonly eigenvectorCount: number;
}

/** The classic setting: 10,000 patches of 12 x 12 pixels, 99% of the variance, epsilon = 0.1. */
export const UFLDL_WHITENING_SETTINGS: PatchWhiteningSettings = {
  patchSize: 12,
  sampleCount: 10_000,
  retainedVariance: 0.99,
  epsilon: 0.1,
  comparisonEpsilon: 1e-3,
  exampleCount: 20,
  eigenvectorCount: 48,
};

/** The accuracy of one whitening transform on the training patches. */
export interface PatchWhiteningMeasurement {
  /** max |Cov(U) - target| over all entries, U the whitened training patches. */
  readonly covarianceError: number;
  /** max |P - P^T| of a square whitening matrix; NaN for a k x D PCA transform with k < D. */
  readonly symmetryError: number;
  /** Dimension of the whitened patches: k for PCA with reduction, D otherwise. */
  readonly outputDimension: number;
  /**
   * Mean over the N patches of the Pearson correlation between a mean-removed patch and its whitened
   * version read in pixel order: near 1 when whitening keeps the picture, near 0 when the output has
   * no spatial relation to it. NaN when the output dimension is not D.
   */
  readonly similarity: number;
}

/** Measurements of {@link runPatchWhitening}. */
export interface PatchWhiteningResult {
  readonly patchSize: number;
  readonly sampleCount: number;
  readonly epsilon: number;
  readonly retainedVariance: number;
  /** k, the fewest leading components whose eigenvalues sum to `retainedVariance` of the total. */
  readonly components: number;
  /** All D eigenvalues of the covariance of the mean-removed patches, descending. */
  readonly eigenvalues: Float64Array;
  /** PCA whitening with k components. */
  readonly pca: PatchWhiteningMeasurement;
  /** PCA whitening with all D components: the transform drawn in the figure. */
  readonly pcaFull: PatchWhiteningMeasurement;
  readonly zca: PatchWhiteningMeasurement;
  /** ZCA whitening with `comparisonEpsilon`. */
  readonly zcaComparison: PatchWhiteningMeasurement;
  readonly comparisonEpsilon: number;
  /** The example patches as sampled, before their means are removed (exampleCount x D). */
  readonly originals: Matrix;
  /** The example patches PCA-whitened with all D components, coefficients in eigenvalue order. */
  readonly pcaExamples: Matrix;
  /** The example patches ZCA-whitened, in pixel order. */
  readonly zcaExamples: Matrix;
  /** The example patches ZCA-whitened with `comparisonEpsilon`. */
  readonly zcaComparisonExamples: Matrix;
  /** The leading eigenvectors as rows (eigenvectorCount x D), to draw as s x s images. */
  readonly eigenvectors: Matrix;
}

/** The first `count` eigenvectors (columns of the D x D matrix) as the rows of a count x D matrix. */
const leadingEigenvectors = (eigenvectors: Matrix, count: number): Matrix =>
  sliceRows(transpose(eigenvectors), 0, Math.min(count, eigenvectors.cols));

/**
 * Returns the mean over rows of the Pearson correlation between row n of `a` and row n of `b` (equal
 * shapes). A constant row has no direction and counts as correlation 0.
 */
const meanRowCorrelation = (a: Matrix, b: Matrix): number => {
  const d = a.cols;
  let total = 0;
  for (let n = 0; n < a.rows; n++) {
    const base = n * d;
    let meanA = 0;
    let meanB = 0;
    for (let j = 0; j < d; j++) {
      meanA += a.data[base + j];
      meanB += b.data[base + j];
    }
    meanA /= d;
    meanB /= d;
    let cross = 0;
    let squaresA = 0;
    let squaresB = 0;
    for (let j = 0; j < d; j++) {
      const da = a.data[base + j] - meanA;
      const db = b.data[base + j] - meanB;
      cross += da * db;
      squaresA += da * da;
      squaresB += db * db;
    }
    const denominator = Math.sqrt(squaresA * squaresB);
    total += denominator > 0 ? cross / denominator : 0;
  }
  return total / a.rows;
};

const measureWhitening = (model: WhiteningModel, patches: Matrix): E.Either<LibraryError, PatchWhiteningMeasurement> =>
  pipe(
    whiten(model, patches),
    E.bindTo('whitened'),
    E.bind('whitenedCovariance', ({ whitened }) => covariance(whitened)),
    E.map(({ whitened, whitenedCovariance }) => {
      const p = model.transform;
      return {
        covarianceError: maxAbsDifference(whitenedCovariance.covariance, targetCovariance(model)),
        symmetryError: p.rows === p.cols ? maxAbsDifference(p, transpose(p)) : Number.NaN,
        outputDimension: p.rows,
        similarity: whitened.cols === patches.cols ? meanRowCorrelation(patches, whitened) : Number.NaN,
      };
    }),
  );

/**
 * Runs the whitening experiment on greyscale images (values in [0, 1]). Draws N patches from the
 * generator, removes each patch's mean and fits four transforms from one eigendecomposition: PCA
 * whitening with k and with all D components, and ZCA whitening with epsilon and with the comparison
 * epsilon. Measures each and returns the result with the advanced generator.
 */
export const runPatchWhitening = (
  images: readonly PatchSourceImage[],
  settings: PatchWhiteningSettings,
  rng: Rng,
  onProgress: ExperimentProgressCallback,
): [E.Either<LibraryError, PatchWhiteningResult>, Rng] => {
  const [sample, rngAfter] = samplePatches(images, { patchSize: settings.patchSize, count: settings.sampleCount }, rng);
  const { epsilon, retainedVariance, comparisonEpsilon } = settings;

  const result = pipe(
    E.Do,
    E.bind('raw', () => pipe(sample, E.map(({ patches }) => patches))),
    E.bind('patches', ({ raw }) => removePatchMeans(raw)),
    E.tap(() => E.right(onProgress({ phase: 'patch whitening: Jacobi eigendecomposition of the covariance' }))),
    // One eigendecomposition serves all four transforms.
    E.bindW('basis', ({ patches }) => fitEigenbasis('runPatchWhitening', patches)),
    E.bindW('pcaModel', ({ basis }) => whiteningFromEigenbasis(basis, { method: 'pca', epsilon, retainedVariance })),
    E.bindW('pcaFullModel', ({ basis }) => whiteningFromEigenbasis(basis, { method: 'pca', epsilon })),
    E.bindW('zcaModel', ({ basis }) => whiteningFromEigenbasis(basis, { method: 'zca', epsilon })),
    E.bindW('zcaComparisonModel', ({ basis }) =>
      whiteningFromEigenbasis(basis, { method: 'zca', epsilon: comparisonEpsilon }),
    ),
    E.bindW('pca', ({ pcaModel, patches }) => measureWhitening(pcaModel, patches)),
    E.bindW('pcaFull', ({ pcaFullModel, patches }) => measureWhitening(pcaFullModel, patches)),
    E.bindW('zca', ({ zcaModel, patches }) => measureWhitening(zcaModel, patches)),
    E.bindW('zcaComparison', ({ zcaComparisonModel, patches }) => measureWhitening(zcaComparisonModel, patches)),
    E.bindW('examples', ({ patches }) => E.right(sliceRows(patches, 0, Math.min(settings.exampleCount, patches.rows)))),
    E.bindW('pcaExamples', ({ pcaFullModel, examples }) => whiten(pcaFullModel, examples)),
    E.bindW('zcaExamples', ({ zcaModel, examples }) => whiten(zcaModel, examples)),
    E.bindW('zcaComparisonExamples', ({ zcaComparisonModel, examples }) => whiten(zcaComparisonModel, examples)),
    E.map((fitted) => ({
      patchSize: settings.patchSize,
      sampleCount: settings.sampleCount,
      epsilon,
      retainedVariance,
      comparisonEpsilon,
      components: fitted.pcaModel.eigenvalues.length,
      eigenvalues: fitted.basis.eigenvalues,
      pca: fitted.pca,
      pcaFull: fitted.pcaFull,
      zca: fitted.zca,
      zcaComparison: fitted.zcaComparison,
      originals: sliceRows(fitted.raw, 0, fitted.examples.rows),
      pcaExamples: fitted.pcaExamples,
      zcaExamples: fitted.zcaExamples,
      zcaComparisonExamples: fitted.zcaComparisonExamples,
      eigenvectors: leadingEigenvectors(fitted.basis.eigenvectors, settings.eigenvectorCount),
    })),
  );
  return [result, rngAfter];
};
