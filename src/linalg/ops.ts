/**
 * Element-wise maps, reductions and the sample statistics built on them: column means, centring and the
 * covariance matrix of a data set stored one sample per row.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from './errors.js';
import {
  type Matrix,
  type ReadonlyFloat64Array,
  firstNonFinite,
  requireFiniteNonEmpty,
  shapeOf,
  unsafeMatrix,
} from './matrix.js';
import { multiplyTransposeA } from './products.js';

// -------------------------------------------------------------------------------------------------
// Element-wise operations
// -------------------------------------------------------------------------------------------------

/**
 * Applies `f` to every entry. Convenient but calls a closure per entry, so numeric kernels write their
 * own loops instead.
 */
export const map = (m: Matrix, f: (value: number, i: number, j: number) => number): Matrix => {
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) out[i * m.cols + j] = f(m.data[i * m.cols + j], i, j);
  }
  return unsafeMatrix(m.rows, m.cols, out);
};

const requireSameShape = (name: string, a: Matrix, b: Matrix): void => {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${name}: shapes differ; got A ${shapeOf(a)} and B ${shapeOf(b)}.`);
  }
};

/** Returns A + B. @throws RangeError when the shapes differ. */
export const add = (a: Matrix, b: Matrix): Matrix => {
  requireSameShape('add', a, b);
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] + b.data[i];
  return unsafeMatrix(a.rows, a.cols, out);
};

/** Returns A - B. @throws RangeError when the shapes differ. */
export const subtract = (a: Matrix, b: Matrix): Matrix => {
  requireSameShape('subtract', a, b);
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] - b.data[i];
  return unsafeMatrix(a.rows, a.cols, out);
};

/** Returns the element-wise (Hadamard) product of A and B. @throws RangeError when the shapes differ. */
export const hadamard = (a: Matrix, b: Matrix): Matrix => {
  requireSameShape('hadamard', a, b);
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] * b.data[i];
  return unsafeMatrix(a.rows, a.cols, out);
};

/** Returns s A. */
export const scale = (a: Matrix, s: number): Matrix => {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = s * a.data[i];
  return unsafeMatrix(a.rows, a.cols, out);
};

/** Returns A^T. Prefer the transposed products, which never form it. */
export const transpose = (a: Matrix): Matrix => {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j];
  }
  return unsafeMatrix(a.cols, a.rows, out);
};

/** Returns A with `v` added to every row (a bias broadcast). @throws RangeError when `v.length !== cols`. */
export const addRowVector = (a: Matrix, v: ArrayLike<number>): Matrix => {
  if (v.length !== a.cols) {
    throw new RangeError(`addRowVector: the vector length must equal A.cols; got A ${shapeOf(a)} and ${v.length}.`);
  }
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < a.rows; i++) {
    const base = i * a.cols;
    for (let j = 0; j < a.cols; j++) out[base + j] = a.data[base + j] + v[j];
  }
  return unsafeMatrix(a.rows, a.cols, out);
};

// -------------------------------------------------------------------------------------------------
// Reductions
// -------------------------------------------------------------------------------------------------

/** Returns the Frobenius norm sqrt(sum a_ij^2), scaled by the largest entry so it cannot overflow. */
export const frobeniusNorm = (a: Matrix): number => {
  let largest = 0;
  for (let i = 0; i < a.data.length; i++) largest = Math.max(largest, Math.abs(a.data[i]));
  if (largest === 0 || !Number.isFinite(largest)) return largest;
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i] / largest;
    sum += x * x;
  }
  return largest * Math.sqrt(sum);
};

/** Returns max |a_ij - b_ij|. @throws RangeError when the shapes differ. */
export const maxAbsDifference = (a: Matrix, b: Matrix): number => {
  requireSameShape('maxAbsDifference', a, b);
  let largest = 0;
  for (let i = 0; i < a.data.length; i++) largest = Math.max(largest, Math.abs(a.data[i] - b.data[i]));
  return largest;
};

/**
 * Returns the mean over rows of (1/2) ||a_n - b_n||^2: the reconstruction error of B against A when rows
 * are samples. @throws RangeError when the shapes differ.
 */
export const meanHalfSquaredDistance = (a: Matrix, b: Matrix): number => {
  requireSameShape('meanHalfSquaredDistance', a, b);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const r = a.data[i] - b.data[i];
    sum += r * r;
  }
  return (0.5 * sum) / a.rows;
};

/** Returns the sum of the diagonal entries. */
export const trace = (a: Matrix): number => {
  let sum = 0;
  const n = Math.min(a.rows, a.cols);
  for (let i = 0; i < n; i++) sum += a.data[i * a.cols + i];
  return sum;
};

// -------------------------------------------------------------------------------------------------
// Sample statistics (data sets store one sample per row)
// -------------------------------------------------------------------------------------------------

/** Returns the mean of each column: for an N x D data set, the mean sample (length D). */
export const columnMeans = (x: Matrix): Float64Array => {
  const means = new Float64Array(x.cols);
  for (let i = 0; i < x.rows; i++) {
    const base = i * x.cols;
    for (let j = 0; j < x.cols; j++) means[j] += x.data[base + j];
  }
  for (let j = 0; j < x.cols; j++) means[j] /= x.rows;
  return means;
};

/** Returns X with `means` subtracted from every row: the centred data X_c when `means` are X's column means. */
export const centre = (x: Matrix, means: ReadonlyFloat64Array | ArrayLike<number>): Matrix => {
  if (means.length !== x.cols) {
    throw new RangeError(`centre: means must have one entry per column; got X ${shapeOf(x)} and ${means.length}.`);
  }
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < x.rows; i++) {
    const base = i * x.cols;
    for (let j = 0; j < x.cols; j++) out[base + j] = x.data[base + j] - means[j];
  }
  return unsafeMatrix(x.rows, x.cols, out);
};

/**
 * Returns (1/N) X_c^T X_c for data that is already centred (D x D). The product gives a matrix that is
 * symmetric up to rounding; the two triangles are averaged so the result is exactly symmetric.
 */
export const scatterOfCentred = (xc: Matrix): Matrix => {
  const product = multiplyTransposeA(xc, xc);
  const d = xc.cols;
  const out = new Float64Array(d * d);
  const inverseCount = 1 / xc.rows;
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const value = 0.5 * (product.data[i * d + j] + product.data[j * d + i]) * inverseCount;
      out[i * d + j] = value;
      out[j * d + i] = value;
    }
  }
  return unsafeMatrix(d, d, out);
};

/** The mean and covariance of a data set. */
export interface Covariance {
  /** Column means (length D). */
  readonly mean: Float64Array;
  /** Phi = (1/N) X_c^T X_c (D x D), normalised by N, not N - 1, as the maximum-likelihood estimate. */
  readonly covariance: Matrix;
}

/** The covariance of data divided by a power of two, so that forming it can neither overflow nor underflow. */
export interface ScaledCovariance {
  /** Column means of the data (length D). */
  readonly mean: Float64Array;
  /** (1/N) (X_c / s)^T (X_c / s), D x D, with entries of order at most 1. */
  readonly covariance: Matrix;
  /** s, a power of two near the largest |entry| of X_c (1 when X_c is zero): Phi = s^2 times `covariance`. */
  readonly scale: number;
}

/**
 * Computes the covariance of an N x D data set X scaled by a power of two s: (1/N) (X_c / s)^T (X_c / s),
 * where X_c is X with its column means removed and s is near max |X_c|.
 *
 * Squaring entries of 1e200 overflows and squaring entries of 1e-200 underflows, although both data sets
 * are finite. Dividing by a power of two first is exact and keeps every product near 1; eigenvectors of
 * the scaled matrix are those of Phi, and its eigenvalues are Phi's divided by s^2. Rejects an empty
 * matrix and non-finite entries.
 */
export const scaledCovariance = (x: Matrix): E.Either<InvalidArgumentError, ScaledCovariance> =>
  E.map((valid: Matrix) => {
    const mean = columnMeans(valid);
    const centred = centre(valid, mean);
    let largest = 0;
    for (let i = 0; i < centred.data.length; i++) largest = Math.max(largest, Math.abs(centred.data[i]));
    const scale = largest > 0 ? 2 ** Math.floor(Math.log2(largest)) : 1;
    const scaled = new Float64Array(centred.data.length);
    for (let i = 0; i < scaled.length; i++) scaled[i] = centred.data[i] / scale;
    return { mean, covariance: scatterOfCentred(unsafeMatrix(centred.rows, centred.cols, scaled)), scale };
  })(requireFiniteNonEmpty('scaledCovariance', 'x', x));

/**
 * Computes the covariance Phi = (1/N) X_c^T X_c of an N x D data set X (one sample per row), where X_c
 * is X with its column means removed.
 *
 * Rejects an empty matrix and non-finite entries, and data whose covariance overflows float64 (centred
 * entries beyond about 1e154). Entries of Phi below about 1e-308 underflow to 0 or to subnormal numbers;
 * {@link scaledCovariance} keeps them. A single sample gives the zero matrix.
 *
 * @example
 * covariance(x) // Right({ mean: [D], covariance: D x D })
 */
export const covariance = (x: Matrix): E.Either<InvalidArgumentError, Covariance> => {
  const checked = requireFiniteNonEmpty('covariance', 'x', x);
  if (E.isLeft(checked)) return checked;
  const scaled = scaledCovariance(checked.right);
  if (E.isLeft(scaled)) return scaled;
  const { mean, covariance: unit, scale } = scaled.right;
  const factor = scale * scale;
  const out = new Float64Array(unit.data.length);
  for (let i = 0; i < out.length; i++) out[i] = unit.data[i] * factor;
  const bad = firstNonFinite(out);
  if (bad >= 0) {
    return E.left(
      invalidArgument(
        'covariance',
        'x',
        `data whose centred entries reach ${scale.toExponential(2)}`,
        'data whose covariance fits in float64 (centred entries below about 1e154): rescale it first',
      ),
    );
  }
  return E.right({ mean, covariance: unsafeMatrix(unit.rows, unit.cols, out) });
};

/** Returns the value of `name` when it is a finite number >= `minimum`, or an error naming it. */
export const requireNumberAtLeast = (
  functionName: string,
  name: string,
  value: number,
  minimum: number,
): E.Either<InvalidArgumentError, number> =>
  Number.isFinite(value) && value >= minimum
    ? E.right(value)
    : E.left(invalidArgument(functionName, name, value, `a finite number >= ${minimum}`));
