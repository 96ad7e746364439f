import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { type Matrix, fromRows, unsafeMatrix } from '../../src/linalg/matrix.js';
import { UFLDL_RANGE, normalizeUfldl, removePatchMeans } from '../../src/patches/normalize.js';
import { anyMatrix, matrixOf, snapshot } from '../support/arbitraries.js';
import { right } from '../support/either.js';

/** Patches with intensities in [0, 1], like greyscale photographs; up to 12 rows of up to 11 pixels. */
const patchSet = anyMatrix(11, 1);

/** Data with a few huge outliers, so that clipping at 3 standard deviations actually happens. */
const withOutliers = fc
  .tuple(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 2, max: 10 }))
  .chain(([rows, cols]) => fc.tuple(matrixOf(rows, cols, 1), fc.integer({ min: 0, max: rows * cols - 1 })))
  .map(([m, index]) => {
    const data = Float64Array.from(m.data);
    data[index] = 1e6;
    return unsafeMatrix(m.rows, m.cols, data);
  });

const rowMean = (m: Matrix, i: number): number => {
  let sum = 0;
  for (let j = 0; j < m.cols; j++) sum += m.data[i * m.cols + j];
  return sum / m.cols;
};

describe('removePatchMeans', () => {
  it('every row has mean 0', () => {
    fc.assert(
      fc.property(anyMatrix(), (x) => {
        const centred = right(removePatchMeans(x));
        let scale = 0;
        for (const v of x.data) scale = Math.max(scale, Math.abs(v));

        for (let i = 0; i < x.rows; i++) {
          // The mean and each difference round once per term: error at most about D EPS max|x|.
          expect(Math.abs(rowMean(centred, i))).toBeLessThanOrEqual(4 * x.cols * Number.EPSILON * scale);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('leaves its input unchanged', () => {
    fc.assert(
      fc.property(anyMatrix(), (x) => {
        const before = snapshot(x);
        removePatchMeans(x);
        expect(x.data).toEqual(before);
      }),
      { numRuns: 20 },
    );
  });

  it('rejects an empty matrix and non-finite entries', () => {
    expect(E.isLeft(removePatchMeans(unsafeMatrix(0, 3, new Float64Array(0))))).toBe(true);
    expect(E.isLeft(removePatchMeans(unsafeMatrix(1, 2, Float64Array.from([1, Number.NaN]))))).toBe(true);
  });
});

describe('normalizeUfldl', () => {
  it('maps every value into [0.1, 0.9]', () => {
    fc.assert(
      fc.property(fc.oneof(patchSet, withOutliers, anyMatrix()), (x) => {
        const y = right(normalizeUfldl(x));
        for (const v of y.data) {
          expect(v).toBeGreaterThanOrEqual(UFLDL_RANGE.low);
          expect(v).toBeLessThanOrEqual(UFLDL_RANGE.high);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the order of pixels within a patch', () => {
    fc.assert(
      fc.property(fc.oneof(patchSet, withOutliers), (x) => {
        const y = right(normalizeUfldl(x));
        for (let i = 0; i < x.rows; i++) {
          for (let j = 0; j + 1 < x.cols; j++) {
            const a = i * x.cols + j;
            // The map is non-decreasing; clipping may merge values but never swaps them.
            if (x.data[a] < x.data[a + 1]) expect(y.data[a]).toBeLessThanOrEqual(y.data[a + 1]);
            if (x.data[a] > x.data[a + 1]) expect(y.data[a]).toBeGreaterThanOrEqual(y.data[a + 1]);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('maps constant patches to 0.5', () => {
    const x = right(fromRows([[0.2, 0.2, 0.2], [0.7, 0.7, 0.7]]));
    expect(Array.from(right(normalizeUfldl(x)).data)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it('matches a hand-computed example', () => {
    // Row means are 2 and 5; the centred values are -1, 0, 1, -1, 0, 1 with sample standard deviation
    // sqrt(4 / 5). Clipping at 3 sigma changes nothing, and v maps to 0.5 + 0.4 v / (3 sigma).
    const x = right(fromRows([[1, 2, 3], [4, 5, 6]]));
    const step = 0.4 / (3 * Math.sqrt(4 / 5));
    const expected = [0.5 - step, 0.5, 0.5 + step, 0.5 - step, 0.5, 0.5 + step];
    const y = right(normalizeUfldl(x)).data;

    for (let i = 0; i < expected.length; i++) {
      // A handful of roundings on values of order 1.
      expect(Math.abs(y[i] - expected[i])).toBeLessThanOrEqual(8 * Number.EPSILON);
    }
  });

  it('clips an outlier to the top of the range', () => {
    // With 100 zeros and one 1000, sigma is about 99.5 and the outlier sits near 10 sigma above 0.
    const row = new Float64Array(101);
    row[100] = 1000;
    const y = right(normalizeUfldl(unsafeMatrix(1, 101, row))).data;

    expect(y[100]).toBe(UFLDL_RANGE.high);
  });

  it('leaves its input unchanged', () => {
    fc.assert(
      fc.property(patchSet, (x) => {
        const before = snapshot(x);
        normalizeUfldl(x);
        expect(x.data).toEqual(before);
      }),
      { numRuns: 20 },
    );
  });

  it('rejects an empty matrix and non-finite entries', () => {
    expect(E.isLeft(normalizeUfldl(unsafeMatrix(2, 0, new Float64Array(0))))).toBe(true);
    expect(E.isLeft(normalizeUfldl(unsafeMatrix(1, 2, Float64Array.from([Infinity, 1]))))).toBe(true);
  });
});
