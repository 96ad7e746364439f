/**
 * fast-check generators shared by the property tests. Every generator builds valid input by
 * construction, so no property discards runs.
 */
import fc from 'fast-check';

import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';

/**
 * Bound on generated entries. Large enough to exercise cancellation, small enough that products of
 * a few dozen terms stay far from overflow.
 */
export const ENTRY_BOUND = 1e3;

/** Largest side of a generated matrix; the blocked product's edge cases (sizes not divisible by 4) all occur below it. */
export const MAX_SIDE = 11;

/** Finite doubles in [-ENTRY_BOUND, ENTRY_BOUND], with no NaN and no infinities. */
export const entry = (bound = ENTRY_BOUND): fc.Arbitrary<number> =>
  fc.double({ min: -bound, max: bound, noNaN: true, noDefaultInfinity: true });

/** A `rows x cols` matrix with entries from {@link entry}. */
export const matrixOf = (rows: number, cols: number, bound = ENTRY_BOUND): fc.Arbitrary<Matrix> =>
  fc
    .array(entry(bound), { minLength: rows * cols, maxLength: rows * cols })
    .map((values) => unsafeMatrix(rows, cols, Float64Array.from(values)));

/** A matrix of any shape with both sides in [1, maxSide]. */
export const anyMatrix = (maxSide = MAX_SIDE, bound = ENTRY_BOUND): fc.Arbitrary<Matrix> =>
  fc
    .tuple(fc.integer({ min: 1, max: maxSide }), fc.integer({ min: 1, max: maxSide }))
    .chain(([rows, cols]) => matrixOf(rows, cols, bound));

/** Returns a copy of a matrix's entries, to check later that a function left its input unchanged. */
export const snapshot = (m: Matrix): Float64Array => Float64Array.from(m.data);

/** Reference product by the textbook triple loop, the oracle for the blocked kernel. */
export const naiveProduct = (a: Matrix, b: Matrix): Matrix => {
  const out = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let sum = 0;
      for (let k = 0; k < a.cols; k++) sum += a.data[i * a.cols + k] * b.data[k * b.cols + j];
      out[i * b.cols + j] = sum;
    }
  }
  return unsafeMatrix(a.rows, b.cols, out);
};

/** Reference transpose. */
export const naiveTranspose = (a: Matrix): Matrix => {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j];
  return unsafeMatrix(a.cols, a.rows, out);
};

/**
 * Returns the largest entry-wise difference between two equally shaped matrices, relative to the given
 * scale, together with the index where it occurs, for failure messages.
 */
export const worstDifference = (
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
): { readonly index: number; readonly difference: number } => {
  let index = -1;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= difference)) {
      difference = d;
      index = i;
    }
  }
  return { index, difference };
};
