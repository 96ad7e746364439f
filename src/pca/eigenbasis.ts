/**
 * The step shared by PCA and whitening: centre the data, form its covariance and diagonalise it.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import { type InvalidArgumentError, type NotConvergedError, invalidArgument } from '../linalg/errors.js';
import { symmetricEigen } from '../linalg/jacobi.js';
import { type Matrix, requireFiniteNonEmpty } from '../linalg/matrix.js';
import { scaledCovariance } from '../linalg/ops.js';

/** The centred second-moment structure of a data set: Phi = E diag(lambda) E^T. */
export interface Eigenbasis {
  /** Column means of the training data (length D). */
  readonly mean: Float64Array;
  /**
   * Eigenvalues of the covariance (length D), descending. Values that are zero up to rounding are set to
   * exactly 0, see {@link numericalZeroThreshold}.
   */
  readonly eigenvalues: Float64Array;
  /** Orthonormal eigenvectors of the covariance as the columns of a D x D matrix, in the same order. */
  readonly eigenvectors: Matrix;
}

/**
 * Returns the largest eigenvalue that counts as zero variance: D * EPS * lambda_max.
 *
 * The Jacobi method returns eigenvalues with absolute errors of order EPS * ||Phi||, so a constant input
 * column (MNIST's border pixels) shows up as an eigenvalue of a few EPS * lambda_max with either sign.
 * Setting such values to 0 keeps whitening from dividing rounding noise by its own square root.
 */
export const numericalZeroThreshold = (eigenvalues: ArrayLike<number>): number =>
  eigenvalues.length * Number.EPSILON * Math.max(0, eigenvalues[0] ?? 0);

/**
 * Computes the mean, eigenvalues and eigenvectors of the covariance of an N x D data set X (one sample per
 * row). `functionName` names the public caller in error messages.
 */
export const fitEigenbasis = (
  functionName: string,
  x: Matrix,
): E.Either<InvalidArgumentError | NotConvergedError, Eigenbasis> =>
  pipe(
    requireFiniteNonEmpty(functionName, 'x', x),
    E.chainW(scaledCovariance),
    // The eigenproblem is solved on the covariance of X / s (see scaledCovariance), so that data of any
    // finite scale neither overflows nor underflows. The eigenvalues are multiplied by s^2 afterwards.
    E.chainW(({ mean, covariance: unit, scale }) =>
      pipe(
        symmetricEigen(unit),
        E.chainW((eigen) => {
          const eigenvalues = Float64Array.from(eigen.values);
          const zero = numericalZeroThreshold(eigenvalues);
          for (let i = 0; i < eigenvalues.length; i++) {
            eigenvalues[i] = eigenvalues[i] <= zero ? 0 : eigenvalues[i] * scale * scale;
          }
          if (!Number.isFinite(eigenvalues[0])) {
            return E.left(
              invalidArgument(
                functionName,
                'x',
                `data whose centred entries reach ${scale.toExponential(2)}`,
                'data whose variance fits in float64 (centred entries below about 1e154): rescale it first',
              ),
            );
          }
          return E.right({ mean, eigenvalues, eigenvectors: eigen.vectors });
        }),
      ),
    ),
  );
