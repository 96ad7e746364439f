import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import { multiply } from '../../src/linalg/products.js';
import { maxPrincipalAngle, orthonormalBasis, principalAngles } from '../../src/linalg/subspace.js';
import { snapshot } from '../support/arbitraries.js';
import { right } from '../support/either.js';
import { orthogonalFromAngles } from '../support/reference.js';

const EPS = Number.EPSILON;

/** Largest ambient dimension D of the generators; subspaces of dimension k <= D. */
const MAX_DIMENSION = 10;

/**
 * Bound on the condition number of generated bases: Q diag(d) M with d in [0.5, 2] has cond <= 4. The
 * span of a basis is determined to about cond * EPS, so the angle tolerances below assume it is small.
 */
const SCALE_MIN = 0.5;
const SCALE_MAX = 2;

/**
 * Absolute error bound for computed angles: c * D * EPS with c = 8. The bases are accurate to about
 * cond * D * EPS (cond <= 4 here), and the sines and cosines of the angles are read from sums of D
 * products. In a one-off run of 2000 samples of each angle property, the largest error was
 * 0.75 D EPS, so c = 8 leaves a margin of about 10; a cosine-only method misses 1e-9 angles by 1e-9.
 */
const angleTolerance = (dimension: number): number => 8 * dimension * EPS;

// -------------------------------------------------------------------------------------------------
// Helpers
// -------------------------------------------------------------------------------------------------

const rotationAngles = (n: number): fc.Arbitrary<number[]> =>
  fc.array(fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }), {
    minLength: (n * (n - 1)) / 2,
    maxLength: (n * (n - 1)) / 2,
  });

/** A random orthogonal n x n matrix. */
const orthogonal = (n: number): fc.Arbitrary<Matrix> => rotationAngles(n).map((angles) => orthogonalFromAngles(n, angles));

/** A random invertible k x k matrix Q diag(d) with d in [SCALE_MIN, SCALE_MAX], so cond <= 4. */
const wellConditioned = (k: number): fc.Arbitrary<Matrix> =>
  fc
    .tuple(orthogonal(k), fc.array(fc.double({ min: SCALE_MIN, max: SCALE_MAX, noNaN: true }), { minLength: k, maxLength: k }))
    .map(([q, d]) => unsafeMatrix(k, k, q.data.map((x, index) => x * d[index % k])));

/** Returns the first k columns of an n x n matrix. */
const firstColumns = (m: Matrix, k: number): Matrix => {
  const out = new Float64Array(m.rows * k);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < k; j++) out[i * k + j] = m.data[i * m.cols + j];
  return unsafeMatrix(m.rows, k, out);
};

/** A D x k basis Q_k M (Q orthogonal, M well conditioned): full column rank by construction. */
const basis = (dimension: number, k: number): fc.Arbitrary<Matrix> =>
  fc.tuple(orthogonal(dimension), wellConditioned(k)).map(([q, m]) => multiply(firstColumns(q, k), m));

/** A D x k basis with 1 <= k <= D <= MAX_DIMENSION. */
const anyBasis: fc.Arbitrary<Matrix> = fc
  .integer({ min: 1, max: MAX_DIMENSION })
  .chain((dimension) => fc.integer({ min: 1, max: dimension }).chain((k) => basis(dimension, k)));

/**
 * Angles spread over [0, pi/2] on a log scale from 1e-12, so that small angles, where the cosine
 * formula fails, are as common as large ones.
 */
const principalAngle: fc.Arbitrary<number> = fc.oneof(
  fc.double({ min: -12, max: Math.log10(Math.PI / 2), noNaN: true }).map((exponent) => 10 ** exponent),
  fc.double({ min: 0, max: Math.PI / 2, noNaN: true }),
);

/**
 * Two D x k bases with known principal angles t_1..t_k: A = Q [e_1 .. e_k] Ma and
 * B = Q [cos(t_i) e_i + sin(t_i) e_(k+i)] Mb, with Q orthogonal (D x D) and Ma, Mb invertible, which hide
 * the canonical structure without changing the angles. Needs 2k <= D.
 */
const pairWithKnownAngles: fc.Arbitrary<{ a: Matrix; b: Matrix; angles: number[] }> = fc
  .integer({ min: 2, max: MAX_DIMENSION })
  .chain((dimension) =>
    fc.integer({ min: 1, max: Math.floor(dimension / 2) }).chain((k) =>
      fc
        .tuple(
          fc.array(principalAngle, { minLength: k, maxLength: k }),
          orthogonal(dimension),
          wellConditioned(k),
          wellConditioned(k),
        )
        .map(([angles, q, mixA, mixB]) => {
          const a0 = new Float64Array(dimension * k);
          const b0 = new Float64Array(dimension * k);
          for (let i = 0; i < k; i++) {
            a0[i * k + i] = 1;
            b0[i * k + i] = Math.cos(angles[i]);
            b0[(k + i) * k + i] = Math.sin(angles[i]);
          }
          return {
            a: multiply(multiply(q, unsafeMatrix(dimension, k, a0)), mixA),
            b: multiply(multiply(q, unsafeMatrix(dimension, k, b0)), mixB),
            angles: [...angles].sort((x, y) => x - y),
          };
        }),
    ),
  );

/** max |Q^T Q - I| over all entries. */
const maxOrthogonalityError = (q: Matrix): number => {
  const k = q.cols;
  let worst = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let r = 0; r < q.rows; r++) dot += q.data[r * k + i] * q.data[r * k + j];
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  return worst;
};

const expectAnglesClose = (actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void => {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const difference = Math.abs(actual[i] - expected[i]);
    expect(difference, `angle ${i}: ${actual[i]} vs ${expected[i]}, tolerance ${tolerance}`).toBeLessThanOrEqual(
      tolerance,
    );
  }
};

const column = (dimension: number, entries: Record<number, number>): number[] =>
  Array.from({ length: dimension }, (_, i) => entries[i] ?? 0);

/** Builds a D x k matrix from its k columns of length D. */
const fromColumns = (columns: number[][]): Matrix => {
  const rows = columns[0].length;
  const k = columns.length;
  const out = new Float64Array(rows * k);
  for (let j = 0; j < k; j++) for (let i = 0; i < rows; i++) out[i * k + j] = columns[j][i];
  return unsafeMatrix(rows, k, out);
};

// -------------------------------------------------------------------------------------------------
// orthonormalBasis
// -------------------------------------------------------------------------------------------------

describe('orthonormalBasis', () => {
  it('returns orthonormal columns', () => {
    fc.assert(
      fc.property(anyBasis, (a) => {
        const q = right(orthonormalBasis(a));
        // Two Gram-Schmidt passes leave Q orthonormal to a small multiple of D EPS, whatever cond(A).
        // The largest error in a one-off run of 2000 samples was 0.75 D EPS.
        const tolerance = 4 * a.rows * EPS;
        const error = maxOrthogonalityError(q);
        expect(error, `${a.rows} x ${a.cols}: max |Q^T Q - I| ${error}`).toBeLessThanOrEqual(tolerance);
      }),
      { numRuns: 100 },
    );
  });

  it('spans the leading columns of its input', () => {
    // Column j of A lies in the span of columns 0..j of Q: (Q^T A)_ij = 0 for i > j, and A = Q Q^T A.
    fc.assert(
      fc.property(anyBasis, (a) => {
        const q = right(orthonormalBasis(a));
        const k = a.cols;
        const r = new Float64Array(k * k);
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            for (let row = 0; row < a.rows; row++) r[i * k + j] += q.data[row * k + i] * a.data[row * k + j];
          }
        }
        // Entries of A are at most SCALE_MAX in size, and each entry of Q^T A is a sum of D products.
        // The largest error in a one-off run of 2000 samples was 0.75 SCALE_MAX D EPS.
        const tolerance = 4 * SCALE_MAX * a.rows * EPS;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < i; j++) expect(Math.abs(r[i * k + j]), `(Q^T A)[${i}, ${j}]`).toBeLessThanOrEqual(tolerance);
        }
        for (let row = 0; row < a.rows; row++) {
          for (let j = 0; j < k; j++) {
            let rebuilt = 0;
            for (let i = 0; i < k; i++) rebuilt += q.data[row * k + i] * r[i * k + j];
            expect(Math.abs(rebuilt - a.data[row * k + j]), `A[${row}, ${j}]`).toBeLessThanOrEqual(tolerance);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('leaves its input unchanged', () => {
    fc.assert(
      fc.property(anyBasis, (a) => {
        const before = snapshot(a);
        orthonormalBasis(a);
        expect(Array.from(a.data)).toEqual(Array.from(before));
      }),
      { numRuns: 30 },
    );
  });

  it('normalises a single column', () => {
    const q = right(orthonormalBasis(unsafeMatrix(2, 1, Float64Array.of(3, 4))));

    expect(Math.abs(q.data[0] - 0.6)).toBeLessThanOrEqual(EPS);
    expect(Math.abs(q.data[1] - 0.8)).toBeLessThanOrEqual(EPS);
  });

  it('handles columns near 1e200 and 1e-200', () => {
    // Squares of these entries overflow or underflow, unless each column is first divided by its largest entry.
    const a = fromColumns([column(3, { 0: 1e200, 1: 2e200 }), column(3, { 1: 1e-200, 2: 3e-200 })]);

    const q = right(orthonormalBasis(a));

    expect(maxOrthogonalityError(q)).toBeLessThanOrEqual(4 * 3 * EPS);
  });

  it('rejects a linearly dependent column, naming it', () => {
    const a = fromColumns([column(4, { 0: 1, 1: 2 }), column(4, { 2: 1 }), column(4, { 0: 2, 1: 4, 2: -3 })]);

    const result = orthonormalBasis(a);

    if (E.isRight(result)) return expect.fail('expected Left for a dependent column');
    expect(result.left.argument).toBe('a column 2');
    expect(result.left.message).toContain('linearly independent of the columns before it');
  });

  it('rejects a zero column', () => {
    const result = orthonormalBasis(fromColumns([column(3, { 0: 1 }), column(3, {})]));

    if (E.isRight(result)) return expect.fail('expected Left for a zero column');
    expect(result.left.argument).toBe('a column 1');
    expect(result.left.value).toBe('a zero column');
  });

  it('rejects more columns than rows', () => {
    const result = orthonormalBasis(unsafeMatrix(2, 3, Float64Array.of(1, 0, 1, 0, 1, 1)));

    if (E.isRight(result)) return expect.fail('expected Left for a 2 x 3 matrix');
    expect(result.left.argument).toBe('a');
    expect(result.left.message).toContain('2 x 3');
  });

  it('rejects NaN and empty input', () => {
    const withNaN = orthonormalBasis(unsafeMatrix(2, 1, Float64Array.of(1, NaN)));
    const empty = orthonormalBasis(unsafeMatrix(0, 0, new Float64Array(0)));

    if (E.isRight(withNaN) || E.isRight(empty)) return expect.fail('expected Left');
    expect(withNaN.left.argument).toBe('a[1, 0]');
    expect(empty.left.argument).toBe('a');
  });
});

// -------------------------------------------------------------------------------------------------
// principalAngles
// -------------------------------------------------------------------------------------------------

describe('principalAngles laws', () => {
  it('recovers constructed angles', () => {
    fc.assert(
      fc.property(pairWithKnownAngles, ({ a, b, angles }) => {
        expectAnglesClose(right(principalAngles(a, b)), angles, angleTolerance(a.rows));
      }),
      { numRuns: 100 },
    );
  });

  it('gives zero angles for mixed columns', () => {
    // B = A M spans the same subspace as A, which is what a linear autoencoder learns relative to PCA.
    const sameSpan = anyBasis.chain((a) => wellConditioned(a.cols).map((m) => ({ a, b: multiply(a, m) })));
    fc.assert(
      fc.property(sameSpan, ({ a, b }) => {
        const angles = right(principalAngles(a, b));
        expectAnglesClose(angles, new Array<number>(a.cols).fill(0), angleTolerance(a.rows));
      }),
      { numRuns: 100 },
    );
  });

  it('is symmetric in its arguments', () => {
    const pair = fc
      .integer({ min: 1, max: MAX_DIMENSION })
      .chain((dimension) =>
        fc.tuple(
          fc.integer({ min: 1, max: dimension }).chain((k) => basis(dimension, k)),
          fc.integer({ min: 1, max: dimension }).chain((k) => basis(dimension, k)),
        ),
      );
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const forward = right(principalAngles(a, b));
        const backward = right(principalAngles(b, a));
        expect(forward.length).toBe(Math.min(a.cols, b.cols));
        expectAnglesClose(backward, Array.from(forward), angleTolerance(a.rows));
      }),
      { numRuns: 60 },
    );
  });

  it('returns ascending angles in [0, pi/2]', () => {
    fc.assert(
      fc.property(pairWithKnownAngles, ({ a, b }) => {
        const angles = right(principalAngles(a, b));
        for (let i = 0; i < angles.length; i++) {
          expect(angles[i]).toBeGreaterThanOrEqual(0);
          expect(angles[i]).toBeLessThanOrEqual(Math.PI / 2);
          if (i > 0) expect(angles[i]).toBeGreaterThanOrEqual(angles[i - 1]);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('ignores the scale of each column', () => {
    const scaled = pairWithKnownAngles.chain((pair) =>
      fc
        .array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: pair.a.cols, maxLength: pair.a.cols })
        .map((exponents) => ({
          ...pair,
          scaledA: unsafeMatrix(pair.a.rows, pair.a.cols, pair.a.data.map((x, i) => x * 10 ** exponents[i % pair.a.cols])),
        })),
    );
    fc.assert(
      fc.property(scaled, ({ a, b, scaledA }) => {
        const original = right(principalAngles(a, b));
        const rescaled = right(principalAngles(scaledA, b));
        expectAnglesClose(rescaled, Array.from(original), angleTolerance(a.rows));
      }),
      { numRuns: 50 },
    );
  });

  it('leaves its inputs unchanged', () => {
    fc.assert(
      fc.property(pairWithKnownAngles, ({ a, b }) => {
        const beforeA = snapshot(a);
        const beforeB = snapshot(b);
        principalAngles(a, b);
        expect(Array.from(a.data)).toEqual(Array.from(beforeA));
        expect(Array.from(b.data)).toEqual(Array.from(beforeB));
      }),
      { numRuns: 30 },
    );
  });
});

describe('principalAngles fixed cases', () => {
  const line = (t: number): Matrix => fromColumns([column(3, { 0: Math.cos(t), 1: Math.sin(t) })]);
  const e1 = fromColumns([column(3, { 0: 1 })]);

  it('resolves an angle of 1e-9 to full precision', () => {
    // cos(1e-9) rounds to exactly 1, so only the sine formula can see this angle.
    const angles = right(principalAngles(e1, line(1e-9)));

    expect(Math.abs(angles[0] - 1e-9)).toBeLessThanOrEqual(4 * EPS * 1e-9);
  });

  it('resolves a large angle of 1.2', () => {
    const angles = right(principalAngles(e1, line(1.2)));

    expect(Math.abs(angles[0] - 1.2)).toBeLessThanOrEqual(4 * EPS);
  });

  it('resolves small next to large angles', () => {
    // Angles 1e-9, 3e-5, 0.7 and 1.2 hidden by a rotation of R^8 and by mixing each basis. Eigenvalues
    // of the Gram matrix of sines alone would fix the 1e-9 angle only to about sqrt(EPS) * sin(1.2) =
    // 1e-8; reading each sine as ||R w|| keeps it within a few D EPS.
    const dimension = 8;
    const expected = [1e-9, 3e-5, 0.7, 1.2];
    const k = expected.length;
    const q = orthogonalFromAngles(dimension, Array.from({ length: 28 }, (_, i) => 0.37 * i + 0.05));
    const mixA = orthogonalFromAngles(k, [0.3, 1.9, 2.8, 0.6, 4.1, 5.0]);
    const mixB = orthogonalFromAngles(k, [2.2, 0.4, 3.3, 1.7, 0.9, 6.0]);
    const a0 = new Float64Array(dimension * k);
    const b0 = new Float64Array(dimension * k);
    for (let i = 0; i < k; i++) {
      a0[i * k + i] = 1;
      b0[i * k + i] = Math.cos(expected[i]);
      b0[(k + i) * k + i] = Math.sin(expected[i]);
    }
    const a = multiply(multiply(q, unsafeMatrix(dimension, k, a0)), mixA);
    const b = multiply(multiply(q, unsafeMatrix(dimension, k, b0)), mixB);

    const angles = right(principalAngles(a, b));

    expectAnglesClose(angles, expected, 4 * dimension * EPS);
  });

  it('gives pi/2 for orthogonal subspaces', () => {
    const a = fromColumns([column(4, { 0: 1 }), column(4, { 1: 1 })]);
    const b = fromColumns([column(4, { 2: 1, 3: 1 }), column(4, { 2: 1, 3: -1 })]);

    expectAnglesClose(right(principalAngles(a, b)), [Math.PI / 2, Math.PI / 2], 4 * EPS);
  });

  it('compares subspaces of different dimensions', () => {
    const plane = fromColumns([column(3, { 0: 1, 1: 1 }), column(3, { 0: 1, 1: -1 })]);

    expectAnglesClose(right(principalAngles(e1, plane)), [0], 4 * EPS);
    expectAnglesClose(right(principalAngles(plane, line(0.5))), [0], 4 * EPS);
    expectAnglesClose(right(principalAngles(fromColumns([column(3, { 2: 1 })]), plane)), [Math.PI / 2], 4 * EPS);
  });

  it('reports the largest angle', () => {
    const a = fromColumns([column(4, { 0: 1 }), column(4, { 1: 1 })]);
    const b = fromColumns([column(4, { 0: 1 }), column(4, { 1: Math.cos(0.3), 2: Math.sin(0.3) })]);

    const largest = right(maxPrincipalAngle(a, b));

    expect(Math.abs(largest - 0.3)).toBeLessThanOrEqual(4 * EPS);
  });

  it('rejects different row counts', () => {
    const result = principalAngles(e1, unsafeMatrix(2, 1, Float64Array.of(1, 0)));

    if (E.isRight(result)) return expect.fail('expected Left for 3 x 1 against 2 x 1');
    expect(result.left.argument).toBe('b');
    expect(result.left.message).toContain('3 rows');
  });

  it('rejects a rank-deficient argument, naming it', () => {
    const dependent = fromColumns([column(3, { 0: 1 }), column(3, { 0: -2 })]);

    const result = principalAngles(e1, dependent);

    if (E.isRight(result)) return expect.fail('expected Left for a rank-deficient b');
    expect(result.left.functionName).toBe('principalAngles');
    expect(result.left.argument).toBe('b column 1');
  });
});
