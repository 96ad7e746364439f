import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import { multiply, multiplyTransposeA, multiplyTransposeB } from '../../src/linalg/products.js';
import {
  SIMD_COLUMN_BLOCK,
  SIMD_DEPTH_BLOCK,
  SIMD_LEFT_OFFSET,
  SIMD_RESULT_OFFSET,
  SIMD_RIGHT_OFFSET,
  SIMD_ROW_BLOCK,
  SIMD_TILE,
  loadSimdKernel,
} from '../../src/linalg/simd-kernel.js';

/** Largest number of right strips per kernel call in the property: enough to cover the loop's repetition. */
const MAX_STRIPS = 6;

/**
 * Entries from a seed (Park-Miller generator) scaled to [-1000, 1000): large products are built from a
 * drawn seed rather than drawn entry by entry, which would make fast-check slow at tens of thousands
 * of entries.
 */
const seededValues = (length: number, seed: number): Float64Array => {
  const out = new Float64Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 16807) % 2147483647;
    out[i] = 2000 * (state / 2147483647) - 1000;
  }
  return out;
};

/**
 * Computes a product in the blocked summation order that both product kernels promise. For each entry,
 * the shared dimension is cut into blocks of SIMD_DEPTH_BLOCK terms, and each block is summed from 0 in
 * index order. The block sums are then added to the entry in block order. `left(i, k)` and `right(k, j)`
 * read the operands.
 */
const blockedReference = (
  m: number,
  n: number,
  d: number,
  left: (i: number, k: number) => number,
  right: (k: number, j: number) => number,
): Float64Array => {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let entry = 0;
      for (let start = 0; start < d; start += SIMD_DEPTH_BLOCK) {
        let blockSum = 0;
        for (let k = start; k < Math.min(d, start + SIMD_DEPTH_BLOCK); k++) blockSum += left(i, k) * right(k, j);
        entry += blockSum;
      }
      out[i * n + j] = entry;
    }
  }
  return out;
};

/** Index of the first entry where two arrays differ in any bit, or -1. */
const firstBitDifference = (actual: ArrayLike<number>, expected: ArrayLike<number>): number => {
  for (let i = 0; i < expected.length; i++) if (!Object.is(actual[i], expected[i])) return i;
  return actual.length === expected.length ? -1 : expected.length;
};

const expectSameBits = (actual: Matrix, expected: Float64Array): void => {
  const at = firstBitDifference(actual.data, expected);
  if (at >= 0) expect.fail(`entry ${at}: got ${actual.data[at]}, expected ${expected[at]} bit for bit`);
};

describe('loadSimdKernel', () => {
  it('loads on Node 20 and later', () => {
    // WebAssembly fixed-width SIMD is enabled by default since Node 16.4, and package.json requires Node 20.
    expect(loadSimdKernel()).not.toBeNull();
  });
});

describe('multiplyStrips', () => {
  const kernel = loadSimdKernel();

  it('matches the scalar order bit for bit', () => {
    if (kernel === null) return;
    const { heap, multiplyStrips } = kernel;
    const cases = fc.record({
      depth: fc.integer({ min: 1, max: SIMD_DEPTH_BLOCK }),
      strips: fc.integer({ min: 1, max: MAX_STRIPS }),
      seed: fc.integer({ min: 1, max: 2147483646 }),
    });
    fc.assert(
      fc.property(cases, ({ depth, strips, seed }) => {
        const rowBytes = strips * SIMD_TILE * 8;
        const a = seededValues(SIMD_TILE * depth, seed);
        const b = seededValues(strips * SIMD_TILE * depth, seed + 1);
        const c = seededValues(SIMD_TILE * strips * SIMD_TILE, seed + 2);
        heap.set(a, SIMD_LEFT_OFFSET / 8);
        heap.set(b, SIMD_RIGHT_OFFSET / 8);
        heap.set(c, SIMD_RESULT_OFFSET / 8);

        multiplyStrips(SIMD_LEFT_OFFSET, SIMD_RIGHT_OFFSET, SIMD_RESULT_OFFSET, depth, rowBytes, strips);

        const width = strips * SIMD_TILE;
        const expected = new Float64Array(SIMD_TILE * width);
        for (let i = 0; i < SIMD_TILE; i++) {
          for (let s = 0; s < strips; s++) {
            for (let j = 0; j < SIMD_TILE; j++) {
              let sum = 0;
              for (let p = 0; p < depth; p++) sum += a[SIMD_TILE * p + i] * b[s * SIMD_TILE * depth + SIMD_TILE * p + j];
              expected[i * width + s * SIMD_TILE + j] = c[i * width + s * SIMD_TILE + j] + sum;
            }
          }
        }
        const actual = heap.subarray(SIMD_RESULT_OFFSET / 8, SIMD_RESULT_OFFSET / 8 + expected.length);
        const at = firstBitDifference(actual, expected);
        if (at >= 0) expect.fail(`C entry ${at}: got ${actual[at]}, expected ${expected[at]} bit for bit`);
      }),
      { numRuns: 40 },
    );
  });
});

describe('products on the WebAssembly kernel', () => {
  // Shapes m x d . d x n past every block boundary of the driver (rows, columns, depth), all with
  // m n d >= 32^3 so that they run on the WebAssembly kernel, plus one small shape that stays on the
  // JavaScript kernel. Sides not divisible by 4 exercise the zero-padded edge strips.
  const shapes = fc.constantFrom(
    { m: SIMD_ROW_BLOCK + 6, d: 9, n: 5 },
    { m: 6, d: 33, n: SIMD_COLUMN_BLOCK + 7 },
    { m: 13, d: 2 * SIMD_DEPTH_BLOCK + 3, n: 11 },
    { m: 37, d: 41, n: 43 },
    { m: 3, d: 7, n: 5 },
  );
  const operands = fc.record({ shape: shapes, seed: fc.integer({ min: 1, max: 2147483646 }) });

  it('multiply keeps the blocked order', () => {
    fc.assert(
      fc.property(operands, ({ shape: { m, d, n }, seed }) => {
        const a = unsafeMatrix(m, d, seededValues(m * d, seed));
        const b = unsafeMatrix(d, n, seededValues(d * n, seed + 1));
        const expected = blockedReference(m, n, d, (i, k) => a.data[i * d + k], (k, j) => b.data[k * n + j]);
        expectSameBits(multiply(a, b), expected);
      }),
      { numRuns: 10 },
    );
  });

  it('multiplyTransposeA keeps the blocked order', () => {
    fc.assert(
      fc.property(operands, ({ shape: { m, d, n }, seed }) => {
        const a = unsafeMatrix(d, m, seededValues(m * d, seed));
        const b = unsafeMatrix(d, n, seededValues(d * n, seed + 1));
        const expected = blockedReference(m, n, d, (i, k) => a.data[k * m + i], (k, j) => b.data[k * n + j]);
        expectSameBits(multiplyTransposeA(a, b), expected);
      }),
      { numRuns: 10 },
    );
  });

  it('multiplyTransposeB keeps the blocked order', () => {
    fc.assert(
      fc.property(operands, ({ shape: { m, d, n }, seed }) => {
        const a = unsafeMatrix(m, d, seededValues(m * d, seed));
        const b = unsafeMatrix(n, d, seededValues(d * n, seed + 1));
        const expected = blockedReference(m, n, d, (i, k) => a.data[i * d + k], (k, j) => b.data[j * d + k]);
        expectSameBits(multiplyTransposeB(a, b), expected);
      }),
      { numRuns: 10 },
    );
  });
});
