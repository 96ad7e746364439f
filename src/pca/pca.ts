/**
 * Principal component analysis: project centred data onto the leading eigenvectors of its covariance.
 *
 * With Phi = (1/N) X_c^T X_c = E diag(lambda) E^T and lambda descending, PCA with k components maps a
 * sample x to z = E_k^T (x - mean), where E_k contains the first k eigenvectors, and maps a code z back to
 * x^ = E_k z + mean. The mean squared reconstruction error over the training set,
 * (1/N) sum_n ||x_n - x^_n||^2, equals the sum of the discarded eigenvalues lambda_{k+1} + ... + lambda_D.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import { type InvalidArgumentError, type NotConvergedError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, requireFiniteNonEmpty, requireShape, sliceColumns, unsafeMatrix } from '../linalg/matrix.js';
import { centre } from '../linalg/ops.js';
import { multiply, multiplyTransposeB } from '../linalg/products.js';
import { fitEigenbasis } from './eigenbasis.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/**
 * How many components to keep: exactly `components`, or the fewest whose explained variance reaches the
 * fraction `retainedVariance` of the total. Pass at most one; with neither, all D components are kept.
 */
export interface ComponentSelection {
  /** Number of components k, an integer in [1, D]. */
  readonly components?: number;
  /** Fraction of the total variance to retain, in (0, 1]. */
  readonly retainedVariance?: number;
}

/** A fitted PCA model. */
export interface PcaModel {
  /** Column means of the training data (length D). */
  readonly mean: Float64Array;
  /** The first k eigenvectors of the covariance as the columns of a D x k matrix. */
  readonly components: Matrix;
  /** All D eigenvalues of the covariance, descending; zero up to rounding is stored as 0. */
  readonly eigenvalues: Float64Array;
  /** lambda_i / sum(lambda) for the k kept components (length k); all 0 for data of zero variance. */
  readonly explainedVarianceRatio: Float64Array;
}

// -------------------------------------------------------------------------------------------------
// Fitting
// -------------------------------------------------------------------------------------------------

/**
 * Chooses k from a {@link ComponentSelection} and the descending eigenvalues, or returns an error naming the
 * option. `functionName` names the public caller.
 */
export const selectComponentCount = (
  functionName: string,
  selection: ComponentSelection,
  eigenvalues: Float64Array,
): E.Either<InvalidArgumentError, number> => {
  const d = eigenvalues.length;
  const { components, retainedVariance } = selection;
  if (components !== undefined && retainedVariance !== undefined) {
    return E.left(
      invalidArgument(functionName, 'options', 'both components and retainedVariance', 'at most one of the two'),
    );
  }
  if (components !== undefined) {
    return Number.isInteger(components) && components >= 1 && components <= d
      ? E.right(components)
      : E.left(invalidArgument(functionName, 'options.components', components, `an integer in [1, ${d}] (D)`));
  }
  if (retainedVariance === undefined) return E.right(d);
  if (!(retainedVariance > 0 && retainedVariance <= 1)) {
    return E.left(invalidArgument(functionName, 'options.retainedVariance', retainedVariance, 'a number in (0, 1]'));
  }
  const total = eigenvalues.reduce((sum, value) => sum + value, 0);
  if (total === 0) {
    return E.left(
      invalidArgument(
        functionName,
        'options.retainedVariance',
        retainedVariance,
        'used only on data with non-zero variance (this data is constant: pass options.components instead)',
      ),
    );
  }
  // Sum from the largest eigenvalue down until the retained fraction is reached. The relative slack of
  // a few EPS keeps a fraction of exactly 1 from asking for more than D components through rounding.
  let retained = 0;
  for (let k = 1; k <= d; k++) {
    retained += eigenvalues[k - 1];
    if (retained >= retainedVariance * total * (1 - 4 * Number.EPSILON)) return E.right(k);
  }
  return E.right(d);
};

/**
 * Fits PCA to an N x D data set X (one sample per row): the mean, the covariance eigendecomposition by
 * the Jacobi method, and the first k eigenvectors.
 *
 * Eigenvectors follow the sign convention of `symmetricEigen`, so repeated fits give the same signs.
 * Rejects empty or non-finite data and invalid selections; returns `NotConvergedError` when the
 * eigensolver does not converge.
 *
 * @example
 * fitPca(x, { components: 16 })        // keep 16 components
 * fitPca(x, { retainedVariance: 0.99 }) // keep the fewest components that explain 99% of the variance
 */
export const fitPca = (
  x: Matrix,
  selection: ComponentSelection = {},
): E.Either<InvalidArgumentError | NotConvergedError, PcaModel> =>
  pipe(
    fitEigenbasis('fitPca', x),
    E.chainW((basis) =>
      pipe(
        selectComponentCount('fitPca', selection, basis.eigenvalues),
        E.map((k) => {
          const total = basis.eigenvalues.reduce((sum, value) => sum + value, 0);
          const explainedVarianceRatio = new Float64Array(k);
          for (let i = 0; i < k; i++) explainedVarianceRatio[i] = total > 0 ? basis.eigenvalues[i] / total : 0;
          return {
            mean: basis.mean,
            components: sliceColumns(basis.eigenvectors, 0, k),
            eigenvalues: basis.eigenvalues,
            explainedVarianceRatio,
          };
        }),
      ),
    ),
  );

// -------------------------------------------------------------------------------------------------
// Transforms
// -------------------------------------------------------------------------------------------------

/**
 * Projects an M x D data set onto the principal components: Z = (X - mean) E_k, an M x k matrix of codes.
 * Rejects data whose column count differs from the model's D.
 */
export const pcaTransform = (model: PcaModel, x: Matrix): E.Either<InvalidArgumentError, Matrix> =>
  pipe(
    requireShape('pcaTransform', 'x', x, undefined, model.mean.length),
    E.chain((valid) => requireFiniteNonEmpty('pcaTransform', 'x', valid)),
    E.map((valid) => multiply(centre(valid, model.mean), model.components)),
  );

/**
 * Maps M x k codes back to data space: X^ = Z E_k^T + mean (M x D). For k = D this inverts
 * {@link pcaTransform} up to rounding; for k < D it returns the projection onto the principal subspace.
 */
export const pcaInverseTransform = (model: PcaModel, z: Matrix): E.Either<InvalidArgumentError, Matrix> =>
  pipe(
    requireShape('pcaInverseTransform', 'z', z, undefined, model.components.cols),
    E.chain((valid) => requireFiniteNonEmpty('pcaInverseTransform', 'z', valid)),
    E.map((valid) => {
      const product = multiplyTransposeB(valid, model.components);
      const d = model.mean.length;
      const out = new Float64Array(product.data.length);
      for (let i = 0; i < valid.rows; i++) {
        for (let j = 0; j < d; j++) out[i * d + j] = product.data[i * d + j] + model.mean[j];
      }
      return unsafeMatrix(valid.rows, d, out);
    }),
  );

/**
 * Returns half the discarded variance, (1/2) sum_{i > k} lambda_i: the training-set reconstruction loss
 * (1/N) sum_n (1/2) ||x_n - x^_n||^2 of PCA with k components, predicted from the spectrum alone. It is
 * also the minimum of the same loss over every rank-k linear autoencoder.
 */
export const halfDiscardedVariance = (model: PcaModel): number => {
  let sum = 0;
  for (let i = model.components.cols; i < model.eigenvalues.length; i++) sum += model.eigenvalues[i];
  return 0.5 * sum;
};
