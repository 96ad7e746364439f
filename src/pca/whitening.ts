/**
 * PCA and ZCA whitening: linear maps u = P (x - mean) whose output has (nearly) identity covariance.
 *
 * With the training covariance Phi = E diag(lambda) E^T, every whitening matrix satisfies P^T P = Phi^-1,
 * so P = Q diag(lambda)^(-1/2) E^T for some orthogonal Q. Two choices of Q are standard:
 * - PCA whitening, Q = I: P = diag(lambda)^(-1/2) E^T. The output lives in the eigenbasis, and its
 *   coordinates can be cut to the first k (dimension reduction).
 * - ZCA whitening, Q = E: P = E diag(lambda)^(-1/2) E^T. P is symmetric and, among all whitening matrices,
 *   keeps the output closest to the input, so whitened images still look like images.
 *
 * Regularisation replaces lambda by lambda + epsilon, so directions of tiny variance are scaled by at most
 * 1/sqrt(epsilon) instead of being blown up. The output covariance then becomes
 * E diag(lambda / (lambda + epsilon)) E^T (ZCA) or diag(lambda / (lambda + epsilon)) (PCA) instead of I.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import { type InvalidArgumentError, type NotConvergedError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, requireFiniteNonEmpty, requireShape, sliceColumns, unsafeMatrix } from '../linalg/matrix.js';
import { centre, transpose } from '../linalg/ops.js';
import { multiplyTransposeB } from '../linalg/products.js';
import { type Eigenbasis, fitEigenbasis } from './eigenbasis.js';
import { type ComponentSelection, selectComponentCount } from './pca.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

export type WhiteningMethod = 'pca' | 'zca';

/** Options of {@link fitWhitening}. */
export interface WhiteningOptions extends ComponentSelection {
  readonly method: WhiteningMethod;
  /** Regulariser epsilon >= 0 added to every eigenvalue; 0 whitens exactly. */
  readonly epsilon: number;
}

/** A fitted whitening transform, applied unchanged to any data of the same dimension D. */
export interface WhiteningModel {
  readonly method: WhiteningMethod;
  readonly epsilon: number;
  /** Column means of the training data (length D). */
  readonly mean: Float64Array;
  /** The k kept eigenvalues of the training covariance, descending (zero up to rounding stored as 0). */
  readonly eigenvalues: Float64Array;
  /** The k kept eigenvectors as the columns of a D x k matrix. */
  readonly eigenvectors: Matrix;
  /**
   * Scale applied along each kept eigenvector: 1 / sqrt(lambda_i + epsilon), or 0 for a direction of zero
   * variance when epsilon = 0 (length k).
   */
  readonly scales: Float64Array;
  /** The whitening matrix P: k x D for PCA whitening, D x D for ZCA whitening. */
  readonly transform: Matrix;
  /** The matrix that undoes P on its range: D x k for PCA, D x D for ZCA. */
  readonly inverse: Matrix;
}

// -------------------------------------------------------------------------------------------------
// Fitting
// -------------------------------------------------------------------------------------------------

/**
 * Returns E_k diag(s) as a D x k matrix: each kept eigenvector scaled by its factor.
 */
const scaleColumns = (vectors: Matrix, k: number, factors: Float64Array): Matrix => {
  const d = vectors.rows;
  const out = new Float64Array(d * k);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < k; j++) out[i * k + j] = vectors.data[i * vectors.cols + j] * factors[j];
  }
  return unsafeMatrix(d, k, out);
};

/**
 * Fits a PCA or ZCA whitening transform to an N x D data set X (one sample per row).
 *
 * The scale along eigenvector i is 1 / sqrt(lambda_i + epsilon). With epsilon = 0, a direction of zero
 * variance (an eigenvalue that is 0 up to rounding, such as a pixel that is constant over the data) gets
 * scale 0 instead of infinity: it carries no signal, so the transform maps it to 0 rather than amplifying
 * rounding noise, and the output covariance is then the projection onto the other directions. Any
 * positive epsilon keeps every scale finite on its own.
 *
 * `components` or `retainedVariance` keep only the leading k eigenvectors (mostly useful for PCA
 * whitening). Rejects an unknown method, a negative or non-finite epsilon, empty or non-finite data and
 * invalid selections.
 *
 * @example
 * fitWhitening(x, { method: 'zca', epsilon: 0.1 })
 * fitWhitening(x, { method: 'pca', epsilon: 1e-5, retainedVariance: 0.99 })
 */
export const fitWhitening = (
  x: Matrix,
  options: WhiteningOptions,
): E.Either<InvalidArgumentError | NotConvergedError, WhiteningModel> =>
  pipe(
    validateWhiteningOptions('fitWhitening', options),
    E.chainW(() => fitEigenbasis('fitWhitening', x)),
    E.chainW((basis) => buildWhitening('fitWhitening', basis, options)),
  );

const validateWhiteningOptions = (
  functionName: string,
  options: WhiteningOptions,
): E.Either<InvalidArgumentError, WhiteningOptions> => {
  const { method, epsilon } = options;
  if (method !== 'pca' && method !== 'zca') {
    return E.left(invalidArgument(functionName, 'options.method', String(method), "'pca' or 'zca'"));
  }
  if (!(Number.isFinite(epsilon) && epsilon >= 0)) {
    return E.left(invalidArgument(functionName, 'options.epsilon', epsilon, 'a finite number >= 0'));
  }
  return E.right(options);
};

/**
 * Builds a whitening transform from an already computed eigenbasis of the training covariance (see
 * `fitEigenbasis`), so that PCA and ZCA whitening of the same data share one eigendecomposition.
 * Validates `options` like {@link fitWhitening}.
 */
export const whiteningFromEigenbasis = (
  basis: Eigenbasis,
  options: WhiteningOptions,
): E.Either<InvalidArgumentError, WhiteningModel> => buildWhitening('whiteningFromEigenbasis', basis, options);

/** Builds the transform; `functionName` names the public caller in error messages. */
const buildWhitening = (
  functionName: string,
  basis: Eigenbasis,
  options: WhiteningOptions,
): E.Either<InvalidArgumentError, WhiteningModel> =>
  pipe(
    validateWhiteningOptions(functionName, options),
    E.chain(() => selectComponentCount(functionName, options, basis.eigenvalues)),
    E.map((k): WhiteningModel => {
      const { method, epsilon } = options;
      const eigenvalues = basis.eigenvalues.slice(0, k);
      const scales = new Float64Array(k);
      const inverseScales = new Float64Array(k);
      for (let i = 0; i < k; i++) {
        const regularised = eigenvalues[i] + epsilon;
        scales[i] = regularised > 0 ? 1 / Math.sqrt(regularised) : 0;
        inverseScales[i] = Math.sqrt(regularised);
      }
      // PCA: P = diag(s) E_k^T (k x D) and its inverse E_k diag(1/s) (D x k).
      // ZCA: P = E_k diag(s) E_k^T (D x D) and its inverse E_k diag(1/s) E_k^T.
      const keptVectors = sliceColumns(basis.eigenvectors, 0, k);
      const scaledVectors = scaleColumns(keptVectors, k, scales);
      const unscaledVectors = scaleColumns(keptVectors, k, inverseScales);
      const transform = method === 'pca' ? transpose(scaledVectors) : multiplyTransposeB(scaledVectors, keptVectors);
      const inverse = method === 'pca' ? unscaledVectors : multiplyTransposeB(unscaledVectors, keptVectors);
      return { method, epsilon, mean: basis.mean, eigenvalues, eigenvectors: keptVectors, scales, transform, inverse };
    }),
  );

// -------------------------------------------------------------------------------------------------
// Transforms
// -------------------------------------------------------------------------------------------------

/**
 * Whitens an M x D data set: U = (X - mean) P^T, one whitened sample per row (M x k for PCA whitening,
 * M x D for ZCA). The mean and P come from the training data, never from `x`.
 */
export const whiten = (model: WhiteningModel, x: Matrix): E.Either<InvalidArgumentError, Matrix> =>
  pipe(
    requireShape('whiten', 'x', x, undefined, model.mean.length),
    E.chain((valid) => requireFiniteNonEmpty('whiten', 'x', valid)),
    E.map((valid) => multiplyTransposeB(centre(valid, model.mean), model.transform)),
  );

/**
 * Undoes {@link whiten}: X = U inverse^T + mean. Exact up to rounding when every direction is kept and
 * has lambda + epsilon > 0; otherwise it returns the projection of the original data onto the kept
 * directions of non-zero variance.
 */
export const unwhiten = (model: WhiteningModel, u: Matrix): E.Either<InvalidArgumentError, Matrix> =>
  pipe(
    requireShape('unwhiten', 'u', u, undefined, model.transform.rows),
    E.chain((valid) => requireFiniteNonEmpty('unwhiten', 'u', valid)),
    E.map((valid) => {
      const product = multiplyTransposeB(valid, model.inverse);
      const d = model.mean.length;
      const out = new Float64Array(product.data.length);
      for (let i = 0; i < valid.rows; i++) {
        for (let j = 0; j < d; j++) out[i * d + j] = product.data[i * d + j] + model.mean[j];
      }
      return unsafeMatrix(valid.rows, d, out);
    }),
  );

/**
 * Returns the covariance that whitened training data should have: diag(lambda / (lambda + epsilon)) for
 * PCA whitening (k x k), E_k diag(lambda / (lambda + epsilon)) E_k^T for ZCA (D x D). A direction with
 * lambda + epsilon = 0 contributes 0, matching its zero scale.
 */
export const targetCovariance = (model: WhiteningModel): Matrix => {
  const k = model.eigenvalues.length;
  const ratios = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const regularised = model.eigenvalues[i] + model.epsilon;
    ratios[i] = regularised > 0 ? model.eigenvalues[i] / regularised : 0;
  }
  if (model.method === 'pca') {
    const out = new Float64Array(k * k);
    for (let i = 0; i < k; i++) out[i * k + i] = ratios[i];
    return unsafeMatrix(k, k, out);
  }
  return multiplyTransposeB(scaleColumns(model.eigenvectors, k, ratios), model.eigenvectors);
};
