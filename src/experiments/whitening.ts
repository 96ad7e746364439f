/**
 * Experiment: PCA and ZCA whitening of digits.
 *
 * Procedure: fit both transforms on the training digits with the same epsilon and whiten the training
 * digits. Then measure how far the covariance of the result is from its exact target:
 * diag(lambda / (lambda + epsilon)) for PCA, in the eigenbasis, or E diag(lambda / (lambda + epsilon)) E^T
 * for ZCA, in pixel space. The first few digits are returned original, PCA-whitened and ZCA-whitened, to be
 * drawn as images: PCA-whitened coefficients have no spatial order and look like noise, while ZCA keeps
 * the strokes.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import type { LibraryError } from '../linalg/errors.js';
import { type Matrix, sliceRows } from '../linalg/matrix.js';
import { covariance, maxAbsDifference, transpose } from '../linalg/ops.js';
import { fitEigenbasis } from '../pca/eigenbasis.js';
import {
  type WhiteningMethod,
  type WhiteningModel,
  targetCovariance,
  whiten,
  whiteningFromEigenbasis,
} from '../pca/whitening.js';
import type { ExperimentProgressCallback } from './progress.js';

/** Settings of {@link runWhitening}. */
export interface WhiteningExperimentSettings {
  /** Regulariser epsilon >= 0 added to every eigenvalue. */
  readonly epsilon: number;
  /** Number of digits returned for the figure. */
  readonly exampleCount: number;
}

/** Measurements for one whitening method. */
export interface WhiteningMethodResult {
  readonly method: WhiteningMethod;
  /** max |Cov(U) - target| over all entries, U the whitened training data. */
  readonly covarianceError: number;
  /** max |P - P^T| of the whitening matrix; exactly what ZCA promises to be 0 up to rounding. */
  readonly symmetryError: number;
  /** Dimension of the whitened data. */
  readonly outputDimension: number;
  /** The example digits after whitening, one per row. */
  readonly examples: Matrix;
}

/** Measurements of the experiment. */
export interface WhiteningExperimentResult {
  readonly epsilon: number;
  readonly trainCount: number;
  /** Eigenvalues that are zero up to rounding: directions of no variance, such as constant border pixels. */
  readonly zeroVarianceDirections: number;
  /** Smallest and largest non-zero eigenvalue of the training covariance. */
  readonly smallestPositiveEigenvalue: number;
  readonly largestEigenvalue: number;
  readonly pca: WhiteningMethodResult;
  readonly zca: WhiteningMethodResult;
  /** The example digits before whitening, one per row. */
  readonly originals: Matrix;
}

const measure = (
  model: WhiteningModel,
  train: Matrix,
  examples: Matrix,
): E.Either<LibraryError, WhiteningMethodResult> =>
  pipe(
    E.Do,
    E.bind('whitened', () => whiten(model, train)),
    E.bindW('whitenedCovariance', ({ whitened }) => covariance(whitened)),
    E.bindW('whitenedExamples', () => whiten(model, examples)),
    E.map(({ whitened, whitenedCovariance, whitenedExamples }) => ({
      method: model.method,
      covarianceError: maxAbsDifference(whitenedCovariance.covariance, targetCovariance(model)),
      symmetryError:
        model.transform.rows === model.transform.cols ? maxAbsDifference(model.transform, transpose(model.transform)) : Number.NaN,
      outputDimension: whitened.cols,
      examples: whitenedExamples,
    })),
  );

/**
 * Runs the experiment on training digits (N x D, one image per row). The PCA transform keeps all D
 * components so that its output can be drawn at the size of an image.
 */
export const runWhitening = (
  train: Matrix,
  settings: WhiteningExperimentSettings,
  onProgress: ExperimentProgressCallback,
): E.Either<LibraryError, WhiteningExperimentResult> => {
  const originals = sliceRows(train, 0, Math.min(settings.exampleCount, train.rows));
  return pipe(
    E.Do,
    E.tap(() => E.right(onProgress({ phase: 'whitening: Jacobi eigendecomposition of the covariance' }))),
    // One eigendecomposition serves both transforms: they differ only in the rotation Q.
    E.bind('basis', () => fitEigenbasis('runWhitening', train)),
    E.bindW('pcaModel', ({ basis }) => whiteningFromEigenbasis(basis, { method: 'pca', epsilon: settings.epsilon })),
    E.bindW('zcaModel', ({ basis }) => whiteningFromEigenbasis(basis, { method: 'zca', epsilon: settings.epsilon })),
    E.bindW('pca', ({ pcaModel }) => measure(pcaModel, train, originals)),
    E.bindW('zca', ({ zcaModel }) => measure(zcaModel, train, originals)),
    E.map(({ pcaModel, pca, zca }) => {
      const eigenvalues = pcaModel.eigenvalues;
      const positive = eigenvalues.filter((value) => value > 0);
      return {
        epsilon: settings.epsilon,
        trainCount: train.rows,
        zeroVarianceDirections: eigenvalues.length - positive.length,
        smallestPositiveEigenvalue: positive.length > 0 ? positive[positive.length - 1] : 0,
        largestEigenvalue: eigenvalues[0],
        pca,
        zca,
        originals,
      };
    }),
  );
};
