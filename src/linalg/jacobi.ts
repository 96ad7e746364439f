/**
 * Eigendecomposition of a real symmetric matrix by the cyclic Jacobi method.
 *
 * A symmetric n x n matrix A (for PCA, the D x D covariance Phi = (1/N) X_c^T X_c) factors as
 * A = V Lambda V^T with orthonormal eigenvectors in the columns of V and real eigenvalues on the
 * diagonal of Lambda. The Jacobi method builds V as a product of plane rotations, each chosen to zero
 * one off-diagonal pair (p, q), and stops when the off-diagonal part is negligible against ||A||_F.
 *
 * This file validates the input, scales it and sorts the result. The sweeps of plane rotations are in
 * jacobi-sweeps.ts.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, type NotConvergedError, invalidArgument, notConverged } from './errors.js';
import { JACOBI_CONVERGENCE_TOLERANCE, jacobiWorkspace, runJacobiSweeps } from './jacobi-sweeps.js';
import { type Matrix, type ReadonlyFloat64Array, firstNonFinite, shapeOf, unsafeMatrix } from './matrix.js';
import { multiply, multiplyTransposeB } from './products.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** The factors of A = V Lambda V^T for a symmetric n x n matrix A. */
export interface SymmetricEigen {
  /** The n eigenvalues lambda_1 >= lambda_2 >= ... >= lambda_n (descending). */
  readonly values: ReadonlyFloat64Array;
  /**
   * The n x n orthogonal matrix V whose column k is the unit eigenvector of `values[k]`. Each column's
   * entry of largest absolute value is positive (on a tie, the first such entry), which fixes the sign.
   */
  readonly vectors: Matrix;
  /** Number of sweeps performed. A sweep rotates every pair p < q once, except pairs already negligible. */
  readonly sweeps: number;
}

/** Options of {@link symmetricEigen}. */
export interface SymmetricEigenOptions {
  /** Positive integer cap on the number of sweeps. Default {@link DEFAULT_MAX_SWEEPS}. */
  readonly maxSweeps?: number;
  /**
   * Largest accepted asymmetry |a_ij - a_ji|, relative to max |a_ij|: a non-negative finite number.
   * Default {@link DEFAULT_SYMMETRY_TOLERANCE}.
   */
  readonly symmetryTolerance?: number;
}

// -------------------------------------------------------------------------------------------------
// Constants
// -------------------------------------------------------------------------------------------------

/**
 * Default sweep cap. Cyclic Jacobi converges quadratically once the off-diagonal part is small, and
 * dense matrices of a few hundred rows need about 10 sweeps, so reaching 100 means something is wrong.
 */
export const DEFAULT_MAX_SWEEPS = 100;

/**
 * Default relative symmetry tolerance. A covariance computed as X^T X in floating point is symmetric
 * up to rounding (about 1e-16 relative), so 1e-10 accepts it and still rejects a matrix that is not
 * meant to be symmetric.
 */
export const DEFAULT_SYMMETRY_TOLERANCE = 1e-10;

// -------------------------------------------------------------------------------------------------
// Public API
// -------------------------------------------------------------------------------------------------

/**
 * Computes the eigenvalues and orthonormal eigenvectors of a symmetric n x n matrix `a` (for PCA, the
 * D x D covariance matrix) by the cyclic Jacobi method.
 *
 * The solver reads the symmetric part (A + A^T) / 2, so a matrix that is symmetric up to rounding is
 * accepted. Eigenvalues come out descending and each eigenvector's sign is fixed (see
 * {@link SymmetricEigen}), so the result is deterministic. The input is not modified.
 *
 * Errors:
 * - `InvalidArgumentError` when `a` is not square, is empty (0 x 0, since a covariance of zero inputs
 *   is a caller bug rather than a result), has a NaN or infinite entry, or is not symmetric:
 *   max |a_ij - a_ji| > symmetryTolerance * max |a_ij|. The message names the worst pair.
 *   Also when an option is out of range.
 * - `NotConvergedError` when the off-diagonal norm is still above the tolerance after `maxSweeps` sweeps.
 *
 * NOTE: entries may reach the largest double, but an eigenvalue above 1.8e308 in magnitude (possible
 * only when ||A||_F is that large) comes out infinite.
 *
 * @example
 * symmetricEigen(unsafeMatrix(2, 2, Float64Array.of(2, 1, 1, 2)))
 * // Right({ values: [3, 1], vectors: [[s, s], [s, -s]] with s = 1 / sqrt(2), sweeps: 1 })
 */
export const symmetricEigen = (
  a: Matrix,
  options: SymmetricEigenOptions = {},
): E.Either<InvalidArgumentError | NotConvergedError, SymmetricEigen> => {
  const maxSweeps = options.maxSweeps ?? DEFAULT_MAX_SWEEPS;
  const symmetryTolerance = options.symmetryTolerance ?? DEFAULT_SYMMETRY_TOLERANCE;
  if (!Number.isInteger(maxSweeps) || maxSweeps < 1) {
    return E.left(invalidArgument(FUNCTION_NAME, 'options.maxSweeps', maxSweeps, 'a positive integer'));
  }
  if (!Number.isFinite(symmetryTolerance) || symmetryTolerance < 0) {
    return E.left(
      invalidArgument(FUNCTION_NAME, 'options.symmetryTolerance', symmetryTolerance, 'a non-negative finite number'),
    );
  }
  const invalid = validateSymmetric(a, symmetryTolerance);
  if (invalid !== undefined) return E.left(invalid);

  const n = a.rows;
  const { work, scale } = scaledSymmetricPart(a);
  const workspace = jacobiWorkspace(n, work);
  const outcome = runJacobiSweeps(workspace, maxSweeps);
  if (!outcome.converged) {
    return E.left(
      notConverged(
        FUNCTION_NAME,
        outcome.sweeps,
        outcome.relativeOffDiagonalNorm,
        JACOBI_CONVERGENCE_TOLERANCE,
        `The residual is off(A) / ||A||_F. Raise options.maxSweeps above ${maxSweeps}.`,
        'sweep',
      ),
    );
  }
  const eigenvectorRows = reorthogonalize(workspace.eigenvectorRows, n);
  return E.right(sortedDecomposition(work, eigenvectorRows, n, scale, outcome.sweeps));
};

/**
 * Rebuilds V diag(lambda) V^T from a decomposition, an n x n symmetric matrix. Tests use it to check
 * that the factors reproduce A. It costs about n^3 / 2 multiply-adds.
 */
export const reconstructFromEigen = (eig: SymmetricEigen): Matrix => {
  const n = eig.values.length;
  const v = eig.vectors.data;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += v[i * n + k] * eig.values[k] * v[j * n + k];
      out[i * n + j] = sum;
      out[j * n + i] = sum;
    }
  }
  return unsafeMatrix(n, n, out);
};

// -------------------------------------------------------------------------------------------------
// Validation and set-up
// -------------------------------------------------------------------------------------------------

const FUNCTION_NAME = 'symmetricEigen';

/** Returns an error for a non-square, empty, non-finite or asymmetric `a`, or undefined when it is valid. */
const validateSymmetric = (a: Matrix, relativeTolerance: number): InvalidArgumentError | undefined => {
  if (a.rows !== a.cols || a.rows === 0) {
    return invalidArgument(FUNCTION_NAME, 'a', `a ${shapeOf(a)} matrix`, 'a square matrix with at least one row');
  }
  const n = a.rows;
  const data = a.data;
  const bad = firstNonFinite(data);
  if (bad >= 0) {
    const i = Math.floor(bad / n);
    return invalidArgument(FUNCTION_NAME, `a[${i}, ${bad % n}]`, data[bad], 'a finite number');
  }

  let maxAbs = 0;
  for (let k = 0; k < data.length; k++) maxAbs = Math.max(maxAbs, Math.abs(data[k]));
  let worst = 0;
  let worstI = 0;
  let worstJ = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const asymmetry = Math.abs(data[i * n + j] - data[j * n + i]);
      if (asymmetry > worst) {
        worst = asymmetry;
        worstI = i;
        worstJ = j;
      }
    }
  }

  const tolerance = relativeTolerance * maxAbs;
  if (worst <= tolerance) return undefined;
  return invalidArgument(
    FUNCTION_NAME,
    'a',
    `a matrix with |a[${worstI}, ${worstJ}] - a[${worstJ}, ${worstI}]| = ${worst.toExponential(3)}`,
    `symmetric within ${tolerance.toExponential(3)} (options.symmetryTolerance ${relativeTolerance} * max |a_ij| ` +
      `${maxAbs.toExponential(3)})`,
  );
};

/**
 * Copies (A + A^T) / 2 into a fresh n x n buffer holding both triangles, scaled by a power of two
 * so that its largest entry lies in [1, 2). Scaling by a power of two is exact (entries that fall
 * into the subnormal range lose bits, but they are below 1e-300 relative to the largest), and it
 * keeps the squares summed in ||A||_F from overflowing (entries near 1e300) or underflowing.
 * The eigenvalues are divided by `scale` at the end; the eigenvectors do not change.
 */
const scaledSymmetricPart = (a: Matrix): { work: Float64Array; scale: number } => {
  const n = a.rows;
  const data = a.data;
  let maxAbs = 0;
  for (let k = 0; k < data.length; k++) maxAbs = Math.max(maxAbs, Math.abs(data[k]));
  // For the zero matrix any scale works, and 1 keeps the eigenvalues exactly 0. The exponent is capped
  // at 1023 so that the scale stays finite when the largest entry is subnormal.
  const scale = maxAbs === 0 ? 1 : 2 ** Math.min(1023, -Math.floor(Math.log2(maxAbs)));
  const work = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    work[i * n + i] = data[i * n + i] * scale;
    for (let j = i + 1; j < n; j++) {
      // Scaling before adding keeps a_ij + a_ji from overflowing when both are near 1.8e308.
      const mean = 0.5 * (data[i * n + j] * scale + data[j * n + i] * scale);
      work[i * n + j] = mean;
      work[j * n + i] = mean;
    }
  }
  return { work, scale };
};

/**
 * Returns R - (1/2) (R R^T - I) R for the n x n matrix R = V^T whose rows are the accumulated
 * eigenvectors: one Newton-Schulz step towards the nearest orthogonal matrix, V (3I - V^T V) / 2.
 *
 * Each of the n^2 / 2 rotations per sweep adds rounding error to V, so after about ten sweeps
 * max |V^T V - I| grows to about 60 units of roundoff at n = 784 (1.3e-14 on the MNIST pixel
 * covariance). With V^T V = I + F, the step leaves V^T V = I - (3/4) F^2 + O(F^3), so the error drops to
 * the rounding of the two products (8.9e-16 on that matrix). The correction mixes eigenvectors by
 * amounts of size F, which is largest between eigenvectors of nearly equal eigenvalues, where mixing
 * changes A v - lambda v least: on that matrix max |A V - V Lambda| / ||A||_F went from 6.0e-16 to
 * 4.2e-16. The step costs two n x n products, under 2% of the time of the sweeps at n = 784.
 */
const reorthogonalize = (rows: Float64Array, n: number): Float64Array => {
  const r = unsafeMatrix(n, n, rows);
  const gram = multiplyTransposeB(r, r);
  const deviation = Float64Array.from(gram.data);
  for (let i = 0; i < n; i++) deviation[i * n + i] -= 1;
  const correction = multiply(unsafeMatrix(n, n, deviation), r).data;
  const out = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) out[k] = rows[k] - 0.5 * correction[k];
  return out;
};

// -------------------------------------------------------------------------------------------------
// Output
// -------------------------------------------------------------------------------------------------

/**
 * Reads the eigenvalues off the diagonal of `work` (divided by `scale`) and sorts them descending.
 * Writes eigenvector k into column k of the output with its sign fixed: the entry of largest absolute
 * value is made positive, the first one on a tie.
 */
const sortedDecomposition = (
  work: Float64Array,
  eigenvectorRows: Float64Array,
  n: number,
  scale: number,
  sweeps: number,
): SymmetricEigen => {
  const diagonalValues = new Float64Array(n);
  for (let i = 0; i < n; i++) diagonalValues[i] = work[i * n + i] / scale;
  // Ties keep their original order, so equal eigenvalues come out in a deterministic order.
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => diagonalValues[j] - diagonalValues[i] || i - j,
  );

  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const source = order[k] * n;
    values[k] = diagonalValues[order[k]];
    let largest = 0;
    for (let r = 1; r < n; r++) {
      if (Math.abs(eigenvectorRows[source + r]) > Math.abs(eigenvectorRows[source + largest])) largest = r;
    }
    const sign = eigenvectorRows[source + largest] < 0 ? -1 : 1;
    for (let r = 0; r < n; r++) vectors[r * n + k] = sign * eigenvectorRows[source + r];
  }
  return { values, vectors: unsafeMatrix(n, n, vectors), sweeps };
};
