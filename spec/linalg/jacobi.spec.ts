import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';

import {
  type SymmetricEigen,
  type SymmetricEigenOptions,
  reconstructFromEigen,
  symmetricEigen,
} from '../../src/linalg/jacobi.js';
import { type Matrix, diagonal, identity, unsafeMatrix } from '../../src/linalg/matrix.js';
import { entry, snapshot } from '../support/arbitraries.js';
import { right } from '../support/either.js';
import { orthogonalFromAngles } from '../support/reference.js';

const EPS = Number.EPSILON;

/** Largest generated side: large enough for several fused groups of four rotations per row (n >= 5). */
const MAX_SIZE = 12;

/**
 * Error constant c in the bounds c * n * EPS * scale below. A backward-stable eigensolver returns the
 * exact factors of A + dA with ||dA|| of order n EPS ||A||_F. In a one-off run of 3000 samples of the
 * generators below, the largest ratio error / (n EPS scale) was 0.70 for the residual, 0.67 for
 * V^T V - I, 0.51 for the trace and 1.12 against ml-matrix (whose own error is included), so c = 4 leaves
 * a margin of about 6 while an error of a few hundred EPS still fails.
 */
const C = 4;

/** Entry bound of the B + B^T generator; the checks are relative, so any moderate bound works. */
const ENTRY_BOUND = 1e3;

// -------------------------------------------------------------------------------------------------
// Helpers
// -------------------------------------------------------------------------------------------------

/** ||A||_F, computed on A / max|a_ij| so that squares of entries near 1e-300 or 1e300 stay representable. */
const frobenius = (a: Matrix): number => {
  const maxAbs = a.data.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
  if (maxAbs === 0) return 0;
  return maxAbs * Math.sqrt(a.data.reduce((sum, x) => sum + (x / maxAbs) ** 2, 0));
};

/**
 * Absolute floor added to bounds that scale with ||A||_F: arithmetic on subnormal numbers (below
 * 2.2e-308), which the generators produce, rounds to absolute steps of Number.MIN_VALUE = 5e-324.
 */
const SUBNORMAL_FLOOR = 64 * Number.MIN_VALUE;

/** B + B^T for an n x n matrix B given by its row-major entries: symmetric by construction. */
const symmetrise = (n: number, entries: ArrayLike<number>): Matrix => {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = entries[i * n + j] + entries[j * n + i];
  }
  return unsafeMatrix(n, n, out);
};

/** Q diag(lambda) Q^T, computed for i <= j and mirrored so that it is exactly symmetric. */
const withSpectrum = (q: Matrix, lambda: ArrayLike<number>): Matrix => {
  const n = q.rows;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += q.data[i * n + k] * lambda[k] * q.data[j * n + k];
      out[i * n + j] = sum;
      out[j * n + i] = sum;
    }
  }
  return unsafeMatrix(n, n, out);
};

/** max over k and i of |(A v_k)_i - lambda_k (v_k)_i|. */
const maxResidual = (a: Matrix, eig: SymmetricEigen): number => {
  const n = a.rows;
  const v = eig.vectors.data;
  let worst = 0;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let r = 0; r < n; r++) av += a.data[i * n + r] * v[r * n + k];
      worst = Math.max(worst, Math.abs(av - eig.values[k] * v[i * n + k]));
    }
  }
  return worst;
};

/** max |V^T V - I| over all entries. */
const maxOrthogonalityError = (v: Matrix): number => {
  const n = v.cols;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let r = 0; r < v.rows; r++) dot += v.data[r * n + i] * v.data[r * n + j];
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  return worst;
};

const toRowArrays = (a: Matrix): number[][] =>
  Array.from({ length: a.rows }, (_, i) => Array.from(a.data.subarray(i * a.cols, (i + 1) * a.cols)));

// -------------------------------------------------------------------------------------------------
// Generators
// -------------------------------------------------------------------------------------------------

/** B + B^T for B with entries in [-ENTRY_BOUND, ENTRY_BOUND] and side 1..MAX_SIZE. */
const symmetricMatrix: fc.Arbitrary<Matrix> = fc
  .integer({ min: 1, max: MAX_SIZE })
  .chain((n) =>
    fc.array(entry(ENTRY_BOUND), { minLength: n * n, maxLength: n * n }).map((values) => symmetrise(n, values)),
  );

/**
 * Q diag(lambda) Q^T with integer eigenvalues in [-3, 3]: with up to 12 of them drawn from 7 values,
 * most samples have repeated eigenvalues, the hard case for eigenvector computations.
 */
const matrixWithRepeatedEigenvalues: fc.Arbitrary<{ a: Matrix; lambda: number[] }> = fc
  .integer({ min: 1, max: MAX_SIZE })
  .chain((n) =>
    fc.tuple(
      fc.array(fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }), {
        minLength: (n * (n - 1)) / 2,
        maxLength: (n * (n - 1)) / 2,
      }),
      fc.array(fc.integer({ min: -3, max: 3 }), { minLength: n, maxLength: n }),
    ).map(([angles, lambda]) => ({ a: withSpectrum(orthogonalFromAngles(n, angles), lambda), lambda })),
  );

/**
 * ml-matrix 6.15.1 throws a TypeError inside its tql2 on subnormal entries (below 2.2e-308), so the
 * matrices shown to the oracle have those flushed to zero.
 */
const flushSubnormals = (a: Matrix): Matrix =>
  unsafeMatrix(a.rows, a.cols, a.data.map((x) => (Math.abs(x) < 2.2250738585072014e-308 ? 0 : x)));

/** Both generators, so that each law is checked on distinct and on repeated spectra. */
const anySymmetric: fc.Arbitrary<Matrix> = fc.oneof(
  symmetricMatrix,
  matrixWithRepeatedEigenvalues.map(({ a }) => a),
);

// -------------------------------------------------------------------------------------------------
// Laws
// -------------------------------------------------------------------------------------------------

describe('symmetricEigen laws', () => {
  it('satisfies A V = V Lambda', () => {
    fc.assert(
      fc.property(anySymmetric, (a) => {
        const eig = right(symmetricEigen(a));
        const tolerance = C * a.rows * EPS * frobenius(a) + SUBNORMAL_FLOOR;
        const residual = maxResidual(a, eig);
        expect(residual, `n = ${a.rows}, residual ${residual}, tolerance ${tolerance}`).toBeLessThanOrEqual(tolerance);
      }),
      { numRuns: 100 },
    );
  });

  it('returns orthonormal eigenvectors', () => {
    fc.assert(
      fc.property(anySymmetric, (a) => {
        const eig = right(symmetricEigen(a));
        // Each rotation keeps the columns orthonormal to rounding, relative to 1 since they are unit vectors.
        const tolerance = C * a.rows * EPS;
        const error = maxOrthogonalityError(eig.vectors);
        expect(error, `n = ${a.rows}, max |V^T V - I| ${error}, tolerance ${tolerance}`).toBeLessThanOrEqual(tolerance);
      }),
      { numRuns: 100 },
    );
  });

  it('sorts eigenvalues descending', () => {
    fc.assert(
      fc.property(anySymmetric, (a) => {
        const { values } = right(symmetricEigen(a));
        for (let k = 1; k < values.length; k++) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
      }),
      { numRuns: 50 },
    );
  });

  it('preserves the trace', () => {
    fc.assert(
      fc.property(anySymmetric, (a) => {
        const { values } = right(symmetricEigen(a));
        const n = a.rows;
        let trace = 0;
        for (let i = 0; i < n; i++) trace += a.data[i * n + i];
        const sum = values.reduce((total, x) => total + x, 0);
        // Each rotation moves t a_pq between two diagonal entries, rounding each by EPS times its size.
        const tolerance = C * n * EPS * frobenius(a) + SUBNORMAL_FLOOR;
        expect(Math.abs(sum - trace), `trace ${trace}, sum ${sum}`).toBeLessThanOrEqual(tolerance);
      }),
      { numRuns: 50 },
    );
  });

  it('makes each largest entry positive', () => {
    fc.assert(
      fc.property(anySymmetric, (a) => {
        const { vectors } = right(symmetricEigen(a));
        const n = a.rows;
        for (let k = 0; k < n; k++) {
          let largest = 0;
          for (let r = 1; r < n; r++) {
            if (Math.abs(vectors.data[r * n + k]) > Math.abs(vectors.data[largest * n + k])) largest = r;
          }
          expect(vectors.data[largest * n + k], `column ${k}, entry ${largest}`).toBeGreaterThan(0);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('agrees with the eigenvalues of ml-matrix', () => {
    fc.assert(
      fc.property(anySymmetric.map(flushSubnormals), (a) => {
        const { values } = right(symmetricEigen(a));
        const oracle = new EigenvalueDecomposition(new MlMatrix(toRowArrays(a)), { assumeSymmetric: true });
        const expected = [...oracle.realEigenvalues].sort((x, y) => y - x);
        // Both solvers are backward stable, so by Weyl's inequality each eigenvalue is within
        // n EPS ||A||_F (times a small constant) of the exact one.
        const tolerance = 2 * C * a.rows * EPS * frobenius(a) + SUBNORMAL_FLOOR;
        for (let k = 0; k < a.rows; k++) {
          const difference = Math.abs(values[k] - expected[k]);
          expect(difference, `lambda_${k}: ${values[k]} vs ${expected[k]}`).toBeLessThanOrEqual(tolerance);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('recovers a constructed spectrum', () => {
    fc.assert(
      fc.property(matrixWithRepeatedEigenvalues, ({ a, lambda }) => {
        const { values } = right(symmetricEigen(a));
        const expected = [...lambda].sort((x, y) => y - x);
        // Q is orthogonal only up to the rounding of its n (n - 1) / 2 rotations, so the exact spectrum of A
        // differs from lambda by up to about n^2 EPS max|lambda| <= 3 n^2 EPS. The solver adds n EPS ||A||_F.
        const n = a.rows;
        const tolerance = C * (3 * n * n + n * frobenius(a)) * EPS;
        for (let k = 0; k < n; k++) {
          expect(Math.abs(values[k] - expected[k]), `lambda_${k}`).toBeLessThanOrEqual(tolerance);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('reproduces A from V Lambda V^T', () => {
    fc.assert(
      fc.property(anySymmetric, (a) => {
        const rebuilt = reconstructFromEigen(right(symmetricEigen(a)));
        const tolerance = 2 * C * a.rows * EPS * frobenius(a) + SUBNORMAL_FLOOR;
        for (let i = 0; i < a.data.length; i++) {
          expect(Math.abs(rebuilt.data[i] - a.data[i]), `entry ${i}`).toBeLessThanOrEqual(tolerance);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('scales eigenvalues exactly by a power of two', () => {
    // Scaling by 2^e is exact and the solver normalises the scale first, so nothing else may change.
    // Exactness needs every entry to stay normal: entries below 1e-30 are set to 0, and 1e-30 * 2^-900
    // is still far above the subnormal range.
    const withoutTinyEntries = symmetricMatrix.map((a) =>
      unsafeMatrix(a.rows, a.cols, a.data.map((x) => (Math.abs(x) < 1e-30 ? 0 : x))),
    );
    fc.assert(
      fc.property(withoutTinyEntries, fc.integer({ min: -900, max: 900 }), (a, exponent) => {
        const factor = 2 ** exponent;
        const scaled = unsafeMatrix(a.rows, a.cols, a.data.map((x) => x * factor));
        const base = right(symmetricEigen(a));
        const result = right(symmetricEigen(scaled));
        expect(Array.from(result.values)).toEqual(Array.from(base.values).map((x) => x * factor));
        expect(Array.from(result.vectors.data)).toEqual(Array.from(base.vectors.data));
      }),
      { numRuns: 30 },
    );
  });

  it('leaves its input unchanged', () => {
    fc.assert(
      fc.property(anySymmetric, (a) => {
        const before = snapshot(a);
        symmetricEigen(a);
        expect(Array.from(a.data)).toEqual(Array.from(before));
      }),
      { numRuns: 30 },
    );
  });
});

// -------------------------------------------------------------------------------------------------
// Fixed cases
// -------------------------------------------------------------------------------------------------

describe('symmetricEigen fixed cases', () => {
  it('sorts a diagonal matrix without rotating', () => {
    const eig = right(symmetricEigen(diagonal([3, -1, 2, 0])));

    expect(Array.from(eig.values)).toEqual([3, 2, 0, -1]);
    // Column k is the unit vector of the k-th largest diagonal entry.
    expect(toRowArrays(eig.vectors)).toEqual([
      [1, 0, 0, 0],
      [0, 0, 0, 1],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ]);
    expect(eig.sweeps).toBe(0);
  });

  it('returns a 1 x 1 matrix as it is', () => {
    const eig = right(symmetricEigen(unsafeMatrix(1, 1, Float64Array.of(-5))));

    expect(Array.from(eig.values)).toEqual([-5]);
    expect(Array.from(eig.vectors.data)).toEqual([1]);
  });

  it('matches the closed form for 2 x 2', () => {
    fc.assert(
      fc.property(entry(ENTRY_BOUND), entry(ENTRY_BOUND), entry(ENTRY_BOUND), (p, q, r) => {
        const a = unsafeMatrix(2, 2, Float64Array.of(p, q, q, r));
        const { values } = right(symmetricEigen(a));
        // lambda = (p + r) / 2 +- hypot((p - r) / 2, q), exact up to a few roundings of the entries' size.
        // The halving in the closed form rounds subnormal entries by up to one subnormal step, hence the
        // absolute term.
        const mean = (p + r) / 2;
        const radius = Math.hypot((p - r) / 2, q);
        const tolerance = 8 * EPS * (Math.abs(p) + Math.abs(q) + Math.abs(r)) + 4 * Number.MIN_VALUE;
        expect(Math.abs(values[0] - (mean + radius)), `lambda_1 of ${[p, q, r]}`).toBeLessThanOrEqual(tolerance);
        expect(Math.abs(values[1] - (mean - radius)), `lambda_2 of ${[p, q, r]}`).toBeLessThanOrEqual(tolerance);
      }),
      { numRuns: 100 },
    );
  });

  it('returns zeros and the identity for the zero matrix', () => {
    const eig = right(symmetricEigen(unsafeMatrix(3, 3, new Float64Array(9))));

    expect(Array.from(eig.values)).toEqual([0, 0, 0]);
    expect(Array.from(eig.vectors.data)).toEqual(Array.from(identity(3).data));
    expect(eig.sweeps).toBe(0);
  });

  it('keeps a scaled identity exact', () => {
    const a = unsafeMatrix(4, 4, identity(4).data.map((x) => 2.5 * x));
    const eig = right(symmetricEigen(a));

    expect(Array.from(eig.values)).toEqual([2.5, 2.5, 2.5, 2.5]);
    expect(eig.sweeps).toBe(0);
  });

  it('finds the invariant subspace of a double eigenvalue', () => {
    // Q diag(3, 3, 1) Q^T: any orthonormal basis of the eigenvalue-3 plane is correct, so the check is
    // the residual of the pair of columns, ||A V_2 - 3 V_2||, not the individual vectors.
    const q = orthogonalFromAngles(3, [0.3, 1.1, 2.0]);
    const a = withSpectrum(q, [3, 3, 1]);
    const eig = right(symmetricEigen(a));
    const tolerance = C * 3 * EPS * frobenius(a);

    expect(Math.abs(eig.values[0] - 3)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(eig.values[1] - 3)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(eig.values[2] - 1)).toBeLessThanOrEqual(tolerance);
    for (let k = 0; k < 2; k++) {
      for (let i = 0; i < 3; i++) {
        let av = 0;
        for (let r = 0; r < 3; r++) av += a.data[i * 3 + r] * eig.vectors.data[r * 3 + k];
        expect(Math.abs(av - 3 * eig.vectors.data[i * 3 + k]), `column ${k}, row ${i}`).toBeLessThanOrEqual(tolerance);
      }
    }
  });

  it('handles entries spanning 1e-8 to 1e8', () => {
    // S A S with S = diag(1e-4, ..., 1e4) and A dense: entries from about 1e-8 to 1e8.
    const n = 9;
    const angles = Array.from({ length: (n * (n - 1)) / 2 }, (_, i) => 0.7 * i + 0.1);
    const base = withSpectrum(orthogonalFromAngles(n, angles), [5, 4, 3, 2, 1, -1, -2, -3, -4]);
    const s = Array.from({ length: n }, (_, i) => 10 ** (i - 4));
    const a = unsafeMatrix(n, n, base.data.map((x, index) => s[Math.floor(index / n)] * x * s[index % n]));
    const eig = right(symmetricEigen(a));
    const tolerance = C * n * EPS * frobenius(a);

    const residual = maxResidual(a, eig);
    expect(residual, `residual ${residual}, tolerance ${tolerance}`).toBeLessThanOrEqual(tolerance);
    expect(maxOrthogonalityError(eig.vectors)).toBeLessThanOrEqual(C * n * EPS);
  });

  it('handles entries near the overflow threshold', () => {
    // ||A||_F and the sums a_ij + a_ji would overflow without the solver's internal scaling, while the
    // eigenvalues (at most ||A||_F, about 1.2e308 here) are representable.
    const a = unsafeMatrix(3, 3, Float64Array.of(6e307, 5e307, 0, 5e307, -6e307, 1e307, 0, 1e307, 6e307));
    const eig = right(symmetricEigen(a));

    expect(eig.values.every(Number.isFinite)).toBe(true);
    let trace = 0;
    for (let k = 0; k < 3; k++) trace += eig.values[k] / 1e307;
    expect(Math.abs(trace - 6), `trace / 1e307 = ${trace}`).toBeLessThanOrEqual(C * 3 * EPS * 12);
    expect(maxOrthogonalityError(eig.vectors)).toBeLessThanOrEqual(C * 3 * EPS);
  });

  it('reads nearly symmetric input symmetrised', () => {
    const n = 5;
    const angles = Array.from({ length: (n * (n - 1)) / 2 }, (_, i) => 0.4 * i + 0.2);
    const symmetric = withSpectrum(orthogonalFromAngles(n, angles), [2, 1, 0.5, -1, -3]);
    const perturbed = Float64Array.from(symmetric.data);
    perturbed[1] += 1e-14;
    perturbed[4 * n + 2] -= 1e-14;
    const mean = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) mean[i * n + j] = 0.5 * (perturbed[i * n + j] + perturbed[j * n + i]);
    }

    const fromPerturbed = right(symmetricEigen(unsafeMatrix(n, n, perturbed)));
    const fromMean = right(symmetricEigen(unsafeMatrix(n, n, mean)));

    expect(Array.from(fromPerturbed.values)).toEqual(Array.from(fromMean.values));
    expect(Array.from(fromPerturbed.vectors.data)).toEqual(Array.from(fromMean.vectors.data));
  });

  it('solves a 40 x 40 matrix', () => {
    // Larger than the generators: many fused groups per row and about 8 sweeps.
    const n = 40;
    const values = Array.from({ length: n * n }, (_, i) => Math.sin(1 + i * i * 0.37));
    const a = symmetrise(n, values);
    const eig = right(symmetricEigen(a));

    expect(maxResidual(a, eig)).toBeLessThanOrEqual(C * n * EPS * frobenius(a));
    expect(maxOrthogonalityError(eig.vectors)).toBeLessThanOrEqual(C * n * EPS);
  });
});

describe('symmetricEigen errors', () => {
  const expectInvalid = (a: Matrix, argument: string, options?: SymmetricEigenOptions): string => {
    const result = symmetricEigen(a, options);
    if (E.isRight(result)) return expect.fail('expected Left, got Right');
    expect(result.left._tag).toBe('InvalidArgumentError');
    if (result.left._tag !== 'InvalidArgumentError') return '';
    expect(result.left.argument).toBe(argument);
    return result.left.message;
  };

  it('rejects a non-symmetric matrix, naming the worst pair', () => {
    const a = unsafeMatrix(3, 3, Float64Array.of(1, 0, 2, 0, 1, 0, 0.5, 0, 1));

    const message = expectInvalid(a, 'a');

    expect(message).toContain('|a[0, 2] - a[2, 0]| = 1.500e+0');
    expect(message).toContain('symmetric within 2.000e-10');
  });

  it('honours a looser symmetry tolerance', () => {
    const a = unsafeMatrix(2, 2, Float64Array.of(1, 1, 1.001, 1));

    expect(E.isRight(symmetricEigen(a, { symmetryTolerance: 1e-2 }))).toBe(true);
  });

  it('rejects a non-square matrix', () => {
    const message = expectInvalid(unsafeMatrix(2, 3, new Float64Array(6)), 'a');

    expect(message).toContain('2 x 3');
  });

  it('rejects an empty matrix', () => {
    expectInvalid(unsafeMatrix(0, 0, new Float64Array(0)), 'a');
  });

  it('rejects NaN, naming the entry', () => {
    expectInvalid(unsafeMatrix(2, 2, Float64Array.of(1, 2, NaN, 1)), 'a[1, 0]');
  });

  it('rejects infinity, naming the entry', () => {
    expectInvalid(unsafeMatrix(2, 2, Float64Array.of(1, 2, 2, -Infinity)), 'a[1, 1]');
  });

  it('rejects invalid options', () => {
    const a = identity(2);

    expectInvalid(a, 'options.maxSweeps', { maxSweeps: 0 });
    expectInvalid(a, 'options.maxSweeps', { maxSweeps: 1.5 });
    expectInvalid(a, 'options.symmetryTolerance', { symmetryTolerance: -1 });
    expectInvalid(a, 'options.symmetryTolerance', { symmetryTolerance: NaN });
  });

  it('reports non-convergence at the sweep cap', () => {
    const n = 8;
    const a = symmetrise(n, Array.from({ length: n * n }, (_, i) => Math.cos(i * 1.7)));

    const result = symmetricEigen(a, { maxSweeps: 1 });

    if (E.isRight(result)) return expect.fail('expected NotConvergedError after one sweep of a dense matrix');
    expect(result.left._tag).toBe('NotConvergedError');
    if (result.left._tag !== 'NotConvergedError') return;
    expect(result.left.iterations).toBe(1);
    expect(result.left.residual).toBeGreaterThan(result.left.tolerance);
    expect(result.left.message).toContain('Raise options.maxSweeps above 1');
    expect(result.left.message).toContain('did not converge after 1 sweep (');
  });
});
