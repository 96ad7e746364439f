/**
 * Orthonormal bases of column spaces, and the principal angles between two subspaces of R^D.
 *
 * The principal angles 0 <= theta_1 <= ... <= theta_k <= pi/2 between span(A) and span(B) depend only
 * on the two subspaces, not on the bases that span them. A linear autoencoder with k hidden units,
 * trained to its minimum, spans the same subspace as the top k principal components, although its
 * weight vectors are a mix of them (orthogonal with tied weights, any invertible mix with untied ones),
 * so these angles measure the agreement.
 *
 * With orthonormal bases Qa and Qb, cos(theta_i) are the singular values of Qa^T Qb (Björck & Golub,
 * "Numerical methods for computing angles between linear subspaces", Math. Comp. 27, 1973) and
 * sin(theta_i) are the singular values of Qb - Qa (Qa^T Qb), the part of span(B) orthogonal to span(A).
 * The cosine alone loses small angles: cos(theta) = 1 - theta^2 / 2 + ... rounds to 1 for theta below
 * about 1e-8. So the sine gives angles below pi/4 and the cosine the rest (Knyazev & Argentati,
 * "Principal angles between subspaces in an A-based scalar product", SIAM J. Sci. Comput. 23, 2002).
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from './errors.js';
import { symmetricEigen } from './jacobi.js';
import { type Matrix, requireFiniteNonEmpty, shapeOf, unsafeMatrix } from './matrix.js';
import { subtract } from './ops.js';
import { multiply, multiplyTransposeA } from './products.js';

// -------------------------------------------------------------------------------------------------
// Constants
// -------------------------------------------------------------------------------------------------

/**
 * A column is rejected as linearly dependent on the columns before it when the norm of its component
 * orthogonal to them is at most this fraction of its own norm. Below that, normalising the component
 * would magnify rounding errors of relative size EPS by more than 1e12, leaving about 4 correct digits.
 */
export const RANK_TOLERANCE = 1e-12;

// -------------------------------------------------------------------------------------------------
// Public API
// -------------------------------------------------------------------------------------------------

/**
 * Orthonormalises the columns of a D x k matrix `a` (k <= D, e.g. k weight vectors of D inputs as
 * columns), returning a D x k matrix Q with Q^T Q = I whose first j columns span the same subspace as the
 * first j columns of `a`, for every j.
 *
 * Uses modified Gram-Schmidt applied twice: the second pass removes what rounding left of the earlier
 * directions, so Q is orthonormal to a few units of roundoff even for ill-conditioned input ("twice is
 * enough"). Each column is first divided by its largest absolute entry, which leaves the span unchanged
 * and keeps the sums of squares from overflowing or underflowing.
 *
 * Errors (`InvalidArgumentError`): `a` empty, with a NaN or infinite entry, with more columns than rows,
 * or of numerically deficient rank, meaning that the part of some column orthogonal to the columns
 * before it has norm at most {@link RANK_TOLERANCE} times the column's norm (a zero column included).
 * The message names that column.
 *
 * @example
 * orthonormalBasis(unsafeMatrix(2, 1, Float64Array.of(3, 4))) // Right(2 x 1 matrix [[0.6], [0.8]])
 */
export const orthonormalBasis = (a: Matrix): E.Either<InvalidArgumentError, Matrix> =>
  orthonormaliseColumns('orthonormalBasis', 'a', a);

/**
 * Computes the principal angles, in radians and ascending, between the column spaces of a D x ka matrix
 * `a` and a D x kb matrix `b`. The columns need not be orthonormal (they are orthonormalised first), but
 * each matrix must have full column rank. The number of angles is min(ka, kb), and the angles are
 * symmetric in `a` and `b`. An angle of 0 means a shared direction, pi/2 an orthogonal one.
 *
 * Angles below pi/4 come from sines and the rest from cosines, so small angles stay accurate: with
 * well-conditioned columns, every angle is within a few D EPS absolute (for D = 8, an angle of 1e-9 is
 * off by about 1e-15), where cosines alone cannot resolve angles below about 1e-8.
 *
 * Errors (`InvalidArgumentError`): the two row counts differ, or `a` or `b` is rejected by the checks of
 * {@link orthonormalBasis} (non-finite, more columns than rows, rank deficient).
 *
 * @example
 * // span(e1) against span(cos(t) e1 + sin(t) e2) in R^2:
 * principalAngles(unsafeMatrix(2, 1, Float64Array.of(1, 0)), unsafeMatrix(2, 1, Float64Array.of(Math.cos(t), Math.sin(t))))
 * // Right(Float64Array [t]) for 0 <= t <= pi/2
 */
export const principalAngles = (a: Matrix, b: Matrix): E.Either<InvalidArgumentError, Float64Array> => {
  const name = 'principalAngles';
  if (a.rows !== b.rows) {
    return E.left(
      invalidArgument(name, 'b', `a ${shapeOf(b)} matrix`, `a matrix with ${a.rows} rows, like a (${shapeOf(a)})`),
    );
  }
  const qa = orthonormaliseColumns(name, 'a', a);
  if (E.isLeft(qa)) return qa;
  const qb = orthonormaliseColumns(name, 'b', b);
  if (E.isLeft(qb)) return qb;
  // The angles are symmetric in the two subspaces. Projecting the smaller basis onto the larger one
  // makes both Qa^T Qb and the orthogonal remainder have exactly min(ka, kb) columns.
  return qa.right.cols >= qb.right.cols
    ? E.right(anglesBetweenBases(qa.right, qb.right))
    : E.right(anglesBetweenBases(qb.right, qa.right));
};

/**
 * Returns the largest principal angle (radians, in [0, pi/2]) between the column spaces of `a` and `b`,
 * the single number that measures how far apart the subspaces are. Validation as in {@link principalAngles}.
 */
export const maxPrincipalAngle = (a: Matrix, b: Matrix): E.Either<InvalidArgumentError, number> =>
  E.map((angles: Float64Array) => angles[angles.length - 1])(principalAngles(a, b));

// -------------------------------------------------------------------------------------------------
// Orthonormalisation
// -------------------------------------------------------------------------------------------------

/** Validates `m` and orthonormalises its columns, naming `functionName` and `argument` in errors. */
const orthonormaliseColumns = (
  functionName: string,
  argument: string,
  m: Matrix,
): E.Either<InvalidArgumentError, Matrix> => {
  const checked = requireFiniteNonEmpty(functionName, argument, m);
  if (E.isLeft(checked)) return checked;
  const rows = m.rows;
  const k = m.cols;
  if (k > rows) {
    return E.left(
      invalidArgument(
        functionName,
        argument,
        `a ${shapeOf(m)} matrix`,
        `a matrix with at most as many columns as rows, since at most ${rows} vectors of R^${rows} are independent`,
      ),
    );
  }
  // Columns are stored contiguously (column j at j * rows) so the inner products run over adjacent entries.
  const q = new Float64Array(rows * k);
  for (let j = 0; j < k; j++) {
    const column = j * rows;
    let maxAbs = 0;
    for (let i = 0; i < rows; i++) maxAbs = Math.max(maxAbs, Math.abs(m.data[i * k + j]));
    // A zero column keeps maxAbs = 0 and is rejected below with norm 0.
    const inverseMax = maxAbs === 0 ? 0 : 1 / maxAbs;
    for (let i = 0; i < rows; i++) q[column + i] = m.data[i * k + j] * inverseMax;
    const originalNorm = columnNorm(q, column, rows);

    removeEarlierDirections(q, rows, j);
    removeEarlierDirections(q, rows, j);
    const remainingNorm = columnNorm(q, column, rows);
    if (!(remainingNorm > RANK_TOLERANCE * originalNorm)) {
      const value =
        originalNorm === 0
          ? 'a zero column'
          : `a column whose part orthogonal to columns 0..${j - 1} has ` +
            `${(remainingNorm / originalNorm).toExponential(3)} of its norm`;
      return E.left(
        invalidArgument(
          functionName,
          `${argument} column ${j}`,
          value,
          `linearly independent of the columns before it, with a part orthogonal to them above ${RANK_TOLERANCE} ` +
            'of its norm',
        ),
      );
    }
    for (let i = 0; i < rows; i++) q[column + i] /= remainingNorm;
  }
  const out = new Float64Array(rows * k);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < rows; i++) out[i * k + j] = q[j * rows + i];
  }
  return E.right(unsafeMatrix(rows, k, out));
};

/**
 * Runs one modified Gram-Schmidt pass: subtracts from column j of the column-major `q` its component along
 * each orthonormal column 0..j-1, one at a time, each projection taken from the already reduced vector.
 */
const removeEarlierDirections = (q: Float64Array, rows: number, j: number): void => {
  const target = j * rows;
  for (let i = 0; i < j; i++) {
    const basis = i * rows;
    let dot = 0;
    for (let r = 0; r < rows; r++) dot += q[basis + r] * q[target + r];
    for (let r = 0; r < rows; r++) q[target + r] -= dot * q[basis + r];
  }
};

const columnNorm = (q: Float64Array, start: number, rows: number): number => {
  let sum = 0;
  for (let r = 0; r < rows; r++) sum += q[start + r] * q[start + r];
  return Math.sqrt(sum);
};

// -------------------------------------------------------------------------------------------------
// Angles
// -------------------------------------------------------------------------------------------------

/**
 * Returns the k ascending principal angles between span(qa) and span(qb), for orthonormal bases qa
 * (D x ka) and qb (D x k) with ka >= k.
 */
const anglesBetweenBases = (qa: Matrix, qb: Matrix): Float64Array => {
  const k = qb.cols;
  // M = Qa^T Qb (ka x k): its singular values are cos(theta_i).
  const overlap = multiplyTransposeA(qa, qb);
  // R = Qb - Qa M = (I - Qa Qa^T) Qb (D x k): its singular values are sin(theta_i), because
  // R^T R = I - M^T M has eigenvalues 1 - cos^2(theta_i).
  const remainder = subtract(qb, multiply(qa, overlap));
  const cosines = singularValuesDescending(overlap);
  const sines = singularValuesDescending(remainder);

  // Both lists are sorted by angle: the i-th largest cosine and the i-th smallest sine belong to the
  // i-th smallest angle. Each angle is read from whichever of the two is below sin(pi/4) = cos(pi/4),
  // where arcsin and arccos have derivatives of at most sqrt(2).
  const angles = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const sine = Math.min(1, sines[k - 1 - i]);
    const cosine = Math.min(1, cosines[i]);
    angles[i] = sine < Math.SQRT1_2 ? Math.asin(sine) : Math.acos(cosine);
  }
  // Rounding can swap two nearly equal angles computed from different formulas.
  return angles.sort();
};

/**
 * Returns the k singular values of an m x k matrix X (m >= k), descending.
 *
 * The eigenvectors w_i of the Gram matrix X^T X are the right singular vectors of X. Its eigenvalues
 * sigma_i^2 carry absolute errors of about EPS * sigma_max^2, so a small sigma_i read from them is
 * accurate only to about sqrt(EPS) * sigma_max. Instead each sigma_i is taken as ||X w_i||: if w_i is
 * off by a vector e orthogonal to it, ||X (w_i + e)||^2 = sigma_i^2 + ||X e||^2 (the cross term
 * w_i^T X^T X e = sigma_i^2 w_i^T e vanishes), so the error is second order, about EPS * sigma_max.
 */
const singularValuesDescending = (x: Matrix): Float64Array => {
  const k = x.cols;
  const gram = multiplyTransposeA(x, x);
  // Symmetrise: the product kernel's summation order can differ between (i, j) and (j, i).
  const symmetric = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) symmetric[i * k + j] = 0.5 * (gram.data[i * k + j] + gram.data[j * k + i]);
  }
  const eig = symmetricEigen(unsafeMatrix(k, k, symmetric));
  // NOTE: the Gram matrix of finite entries is finite, square and symmetric, and Jacobi converges in
  // far fewer than the default cap of sweeps at these sizes, so this branch indicates a bug.
  if (E.isLeft(eig)) throw new Error(`principalAngles: eigendecomposition of a Gram matrix failed: ${eig.left.message}`);
  const projected = multiply(x, eig.right.vectors);
  const values = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let sum = 0;
    for (let i = 0; i < x.rows; i++) sum += projected.data[i * k + j] ** 2;
    values[j] = Math.sqrt(sum);
  }
  // ||X w_i|| follows the order of the eigenvalues up to rounding; sorting makes the order exact.
  return values.sort().reverse();
};
