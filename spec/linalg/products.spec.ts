import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import {
  matmul,
  multiply,
  multiplyTransposeA,
  multiplyTransposeB,
  multiplyVector,
} from '../../src/linalg/products.js';
import { MAX_SIDE, matrixOf, naiveProduct, naiveTranspose, snapshot } from '../support/arbitraries.js';

/** Two matrices whose inner dimensions agree: A is m x d, B is d x n. */
const conformablePair = fc
  .tuple(
    fc.integer({ min: 1, max: MAX_SIDE }),
    // The shared dimension crosses the 256-entry depth block of the kernel, so block boundaries are covered.
    fc.integer({ min: 1, max: 300 }),
    fc.integer({ min: 1, max: MAX_SIDE }),
  )
  .chain(([m, d, n]) => fc.tuple(matrixOf(m, d), matrixOf(d, n)));

/**
 * Asserts |C - C_ref| <= 2 d EPS (|A| |B|)_ij entry by entry: both the blocked kernel and the reference
 * sum d products in a different order, and each order has error at most d EPS (|A| |B|)_ij
 * (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., section 3.5).
 */
const expectProductClose = (actual: Matrix, a: Matrix, b: Matrix): void => {
  const expected = naiveProduct(a, b);
  expect(actual.rows).toBe(expected.rows);
  expect(actual.cols).toBe(expected.cols);
  const d = a.cols;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let magnitude = 0;
      for (let k = 0; k < d; k++) magnitude += Math.abs(a.data[i * d + k] * b.data[k * b.cols + j]);
      const tolerance = 2 * d * Number.EPSILON * magnitude;
      const difference = Math.abs(actual.data[i * b.cols + j] - expected.data[i * b.cols + j]);
      if (difference > tolerance) {
        expect.fail(`entry (${i}, ${j}): difference ${difference} exceeds tolerance ${tolerance}`);
      }
    }
  }
};

describe('multiply', () => {
  it('agrees with the triple loop', () => {
    fc.assert(fc.property(conformablePair, ([a, b]) => expectProductClose(multiply(a, b), a, b)), { numRuns: 60 });
  });

  it('multiplies a known 2 x 3 by 3 x 2 case exactly', () => {
    const a = unsafeMatrix(2, 3, Float64Array.of(1, 2, 3, 4, 5, 6));
    const b = unsafeMatrix(3, 2, Float64Array.of(7, 8, 9, 10, 11, 12));
    expect(Array.from(multiply(a, b).data)).toEqual([58, 64, 139, 154]);
  });

  it('leaves its operands unchanged', () => {
    fc.assert(
      fc.property(conformablePair, ([a, b]) => {
        const before = [snapshot(a), snapshot(b)];
        multiply(a, b);
        expect(a.data).toEqual(before[0]);
        expect(b.data).toEqual(before[1]);
      }),
      { numRuns: 20 },
    );
  });

  it('throws on mismatched inner dimensions', () => {
    const a = unsafeMatrix(2, 3, new Float64Array(6));
    expect(() => multiply(a, a)).toThrow(/A\.cols must equal B\.rows.*2 x 3/);
  });

  it('handles empty shared dimension as the zero matrix', () => {
    const a = unsafeMatrix(3, 0, new Float64Array(0));
    const b = unsafeMatrix(0, 2, new Float64Array(0));
    expect(Array.from(multiply(a, b).data)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('multiplyTransposeA', () => {
  it('equals A^T B formed explicitly', () => {
    fc.assert(
      fc.property(conformablePair, ([aT, b]) => {
        // aT is m x d; pass its transpose (d x m) so that A^T = aT.
        const a = naiveTranspose(aT);
        expectProductClose(multiplyTransposeA(a, b), aT, b);
      }),
      { numRuns: 60 },
    );
  });

  it('throws on mismatched row counts', () => {
    expect(() =>
      multiplyTransposeA(unsafeMatrix(2, 3, new Float64Array(6)), unsafeMatrix(3, 2, new Float64Array(6))),
    ).toThrow(/A\.rows must equal B\.rows/);
  });
});

describe('multiplyTransposeB', () => {
  it('equals A B^T formed explicitly', () => {
    fc.assert(
      fc.property(conformablePair, ([a, bT]) => {
        const b = naiveTranspose(bT);
        expectProductClose(multiplyTransposeB(a, b), a, bT);
      }),
      { numRuns: 60 },
    );
  });

  it('throws on mismatched column counts', () => {
    expect(() =>
      multiplyTransposeB(unsafeMatrix(2, 3, new Float64Array(6)), unsafeMatrix(3, 2, new Float64Array(6))),
    ).toThrow(/A\.cols must equal B\.cols/);
  });
});

describe('matmul', () => {
  it('returns the same bytes as the kernel for every transposition flag', () => {
    fc.assert(
      fc.property(conformablePair, ([a, b]) => {
        const aT = naiveTranspose(a);
        const bT = naiveTranspose(b);
        const expected = multiply(a, b).data;
        expect(E.getOrElseW(() => null)(matmul(a, b))?.data).toEqual(expected);
        expect(E.getOrElseW(() => null)(matmul(aT, b, { transposeA: true }))?.data).toEqual(
          multiplyTransposeA(aT, b).data,
        );
        expect(E.getOrElseW(() => null)(matmul(a, bT, { transposeB: true }))?.data).toEqual(
          multiplyTransposeB(a, bT).data,
        );
      }),
      { numRuns: 20 },
    );
  });

  it('returns an error naming both shapes on mismatch', () => {
    const result = matmul(unsafeMatrix(2, 3, new Float64Array(6)), unsafeMatrix(2, 3, new Float64Array(6)));
    expect(E.isLeft(result)).toBe(true);
    if (E.isLeft(result)) {
      expect(result.left.functionName).toBe('matmul');
      expect(result.left.message).toContain('2 x 3');
      expect(result.left.message).toContain('3 rows');
    }
  });
});

describe('multiplyVector', () => {
  it('equals the product with a one-column matrix', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 1, max: MAX_SIDE }), fc.integer({ min: 1, max: MAX_SIDE })).chain(([m, d]) =>
          fc.tuple(matrixOf(m, d), matrixOf(d, 1)),
        ),
        ([a, x]) => expectProductClose(unsafeMatrix(a.rows, 1, multiplyVector(a, x.data)), a, x),
      ),
      { numRuns: 40 },
    );
  });
});
