import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { unsafeMatrix } from '../../src/linalg/matrix.js';
import {
  add,
  addRowVector,
  centre,
  columnMeans,
  covariance,
  frobeniusNorm,
  hadamard,
  map,
  maxAbsDifference,
  meanHalfSquaredDistance,
  scale,
  subtract,
  trace,
  transpose,
} from '../../src/linalg/ops.js';
import { anyMatrix, naiveTranspose, snapshot } from '../support/arbitraries.js';

describe('element-wise operations', () => {
  const a = unsafeMatrix(2, 2, Float64Array.of(1, 2, 3, 4));
  const b = unsafeMatrix(2, 2, Float64Array.of(5, 6, 7, 8));

  it('add, subtract, hadamard and scale a known case', () => {
    expect(Array.from(add(a, b).data)).toEqual([6, 8, 10, 12]);
    expect(Array.from(subtract(a, b).data)).toEqual([-4, -4, -4, -4]);
    expect(Array.from(hadamard(a, b).data)).toEqual([5, 12, 21, 32]);
    expect(Array.from(scale(a, -2).data)).toEqual([-2, -4, -6, -8]);
    expect(Array.from(addRowVector(a, [10, 20]).data)).toEqual([11, 22, 13, 24]);
    expect(Array.from(map(a, (x, i, j) => x + 10 * i + 100 * j).data)).toEqual([1, 102, 13, 114]);
  });

  it('reject mismatched shapes', () => {
    expect(() => add(a, unsafeMatrix(1, 4, new Float64Array(4)))).toThrow(/add: shapes differ.*2 x 2.*1 x 4/);
    expect(() => addRowVector(a, [1, 2, 3])).toThrow(/vector length must equal A\.cols/);
  });

  it('transpose twice is the identity, and equals the reference', () => {
    fc.assert(
      fc.property(anyMatrix(), (m) => {
        expect(transpose(m).data).toEqual(naiveTranspose(m).data);
        expect(transpose(transpose(m)).data).toEqual(m.data);
      }),
      { numRuns: 30 },
    );
  });
});

describe('reductions', () => {
  it('compute a known Frobenius norm, trace and difference', () => {
    const m = unsafeMatrix(2, 2, Float64Array.of(3, 0, 0, 4));
    expect(frobeniusNorm(m)).toBe(5);
    expect(trace(m)).toBe(7);
    expect(maxAbsDifference(m, unsafeMatrix(2, 2, Float64Array.of(3, 1, -2, 4)))).toBe(2);
  });

  it('meanHalfSquaredDistance averages half squared row distances', () => {
    const a = unsafeMatrix(2, 2, Float64Array.of(0, 0, 1, 1));
    const b = unsafeMatrix(2, 2, Float64Array.of(3, 4, 1, 1));
    // Row 0: (1/2)(9 + 16) = 12.5; row 1: 0; mean 6.25.
    expect(meanHalfSquaredDistance(a, b)).toBe(6.25);
    expect(() => meanHalfSquaredDistance(a, unsafeMatrix(1, 2, Float64Array.of(0, 0)))).toThrow(/shapes differ/);
  });

  it('Frobenius norm does not overflow for entries near the float64 limit', () => {
    const m = unsafeMatrix(1, 2, Float64Array.of(3e300, 4e300));
    // Relative tolerance of a few EPS: one division, one square root and one multiplication per entry.
    expect(Math.abs(frobeniusNorm(m) / 5e300 - 1)).toBeLessThan(4 * Number.EPSILON);
  });
});

describe('covariance', () => {
  it('matches the definition on a known case', () => {
    const x = unsafeMatrix(3, 2, Float64Array.of(1, 2, 3, 6, 5, 10));
    const result = covariance(x);
    expect(E.isRight(result)).toBe(true);
    if (E.isRight(result)) {
      expect(Array.from(result.right.mean)).toEqual([3, 6]);
      // Centred rows: (-2,-4), (0,0), (2,4) give [[8, 16], [16, 32]] / 3.
      const expected = [8 / 3, 16 / 3, 16 / 3, 32 / 3];
      for (let i = 0; i < 4; i++) expect(result.right.covariance.data[i]).toBeCloseTo(expected[i], 14);
    }
  });

  it('is exactly symmetric with a non-negative diagonal', () => {
    fc.assert(
      fc.property(anyMatrix(), (x) => {
        const phi = E.getOrElseW(() => null)(covariance(x))?.covariance;
        expect(phi).not.toBeNull();
        if (phi === null || phi === undefined) return;
        for (let i = 0; i < phi.rows; i++) {
          expect(phi.data[i * phi.cols + i]).toBeGreaterThanOrEqual(0);
          for (let j = 0; j < i; j++) expect(phi.data[i * phi.cols + j]).toBe(phi.data[j * phi.cols + i]);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('centred data has column means zero to rounding', () => {
    fc.assert(
      fc.property(anyMatrix(), (x) => {
        const means = columnMeans(x);
        const centred = centre(x, means);
        const residual = columnMeans(centred);
        for (let j = 0; j < x.cols; j++) {
          let magnitude = 0;
          for (let i = 0; i < x.rows; i++) magnitude = Math.max(magnitude, Math.abs(x.data[i * x.cols + j]));
          // Summing N values of size <= magnitude twice: error below 2 N EPS magnitude.
          expect(Math.abs(residual[j])).toBeLessThanOrEqual(2 * x.rows * Number.EPSILON * magnitude);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('leaves its input unchanged', () => {
    fc.assert(
      fc.property(anyMatrix(), (x) => {
        const before = snapshot(x);
        covariance(x);
        expect(x.data).toEqual(before);
      }),
      { numRuns: 10 },
    );
  });

  it('rejects empty and non-finite data', () => {
    const empty = covariance(unsafeMatrix(0, 2, new Float64Array(0)));
    expect(E.isLeft(empty)).toBe(true);
    expect(E.isLeft(empty) ? empty.left.message : '').toContain('covariance: x must be a matrix with at least one row');
    const nan = covariance(unsafeMatrix(1, 2, Float64Array.of(1, Number.NaN)));
    expect(E.isLeft(nan)).toBe(true);
    expect(E.isLeft(nan) ? nan.left.message : '').toBe('covariance: x[0, 1] must be a finite number, got NaN.');
  });
});
