import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { symmetricEigen } from '../../src/linalg/jacobi.js';
import { type Matrix, identity, unsafeMatrix } from '../../src/linalg/matrix.js';
import { covariance, maxAbsDifference, transpose } from '../../src/linalg/ops.js';
import { multiply, multiplyTransposeA } from '../../src/linalg/products.js';
import { fitWhitening, targetCovariance, unwhiten, whiten } from '../../src/pca/whitening.js';
import { normals, rngFromSeed } from '../../src/random/rng.js';
import { snapshot } from '../support/arbitraries.js';
import { right } from '../support/either.js';

/**
 * Correlated full-rank data: N normal samples in D dimensions mixed by a random matrix whose diagonal is
 * shifted by 2, which keeps it well conditioned (condition numbers stay below about 1e3 here).
 */
const correlatedData = (seed: number, n: number, d: number): Matrix => {
  const [z, next] = normals(rngFromSeed(seed), n * d);
  const [m] = normals(next, d * d);
  for (let i = 0; i < d; i++) m[i * d + i] += 2;
  return multiply(unsafeMatrix(n, d, z), unsafeMatrix(d, d, m));
};

/** 3-6 dimensions and at least 4 times as many samples, so the sample covariance has full rank. */
const fullRankData = fc
  .record({ seed: fc.integer({ min: 0, max: 1_000_000 }), d: fc.integer({ min: 2, max: 6 }), factor: fc.integer({ min: 4, max: 10 }) })
  .map(({ seed, d, factor }) => correlatedData(seed, d * factor, d));

const method = fc.constantFrom('pca' as const, 'zca' as const);

/** Regularisers from none to larger than most eigenvalues. */
const epsilon = fc.constantFrom(0, 1e-6, 0.1, 1, 10);

/**
 * Tolerance for identities that pass through the whitening matrix: its entries are up to
 * 1/sqrt(lambda_min + epsilon) and its products sum D terms, so errors are O(D EPS cond(Phi)).
 */
const whiteningTolerance = (x: Matrix): number => {
  const phi = right(covariance(x)).covariance;
  const values = right(symmetricEigen(phi)).values;
  const condition = values[0] / values[values.length - 1];
  return 100 * x.cols * Number.EPSILON * condition;
};

describe('fitWhitening', () => {
  it('whitened training data has identity covariance at epsilon = 0', () => {
    fc.assert(
      fc.property(fullRankData, method, (x, m) => {
        const model = right(fitWhitening(x, { method: m, epsilon: 0 }));
        const u = right(whiten(model, x));
        const phi = right(covariance(u)).covariance;
        expect(maxAbsDifference(phi, identity(phi.rows))).toBeLessThan(whiteningTolerance(x));
      }),
      { numRuns: 40 },
    );
  });

  it('whitened covariance equals the target lambda / (lambda + epsilon)', () => {
    fc.assert(
      fc.property(fullRankData, method, epsilon, (x, m, eps) => {
        const model = right(fitWhitening(x, { method: m, epsilon: eps }));
        const phi = right(covariance(right(whiten(model, x)))).covariance;
        expect(maxAbsDifference(phi, targetCovariance(model))).toBeLessThan(whiteningTolerance(x));
      }),
      { numRuns: 40 },
    );
  });

  it('P^T P equals the inverse covariance at epsilon = 0', () => {
    fc.assert(
      fc.property(fullRankData, method, (x, m) => {
        const model = right(fitWhitening(x, { method: m, epsilon: 0 }));
        const phi = right(covariance(x)).covariance;
        const ptp = multiplyTransposeA(model.transform, model.transform);
        // (P^T P) Phi = I is checked instead of forming Phi^-1, which would add its own rounding.
        const product = multiply(ptp, phi);
        expect(maxAbsDifference(product, identity(x.cols))).toBeLessThan(whiteningTolerance(x));
      }),
      { numRuns: 40 },
    );
  });

  it('ZCA whitening matrix is symmetric', () => {
    fc.assert(
      fc.property(fullRankData, epsilon, (x, eps) => {
        const p = right(fitWhitening(x, { method: 'zca', epsilon: eps })).transform;
        let scale = 0;
        for (const v of p.data) scale = Math.max(scale, Math.abs(v));
        // Entries (i, j) and (j, i) are the same sum of D products taken in a different order.
        expect(maxAbsDifference(p, transpose(p))).toBeLessThan(4 * x.cols * Number.EPSILON * scale);
      }),
      { numRuns: 40 },
    );
  });

  it('unwhiten inverts whiten on new data', () => {
    fc.assert(
      fc.property(fullRankData, method, epsilon, fc.integer({ min: 0, max: 1000 }), (x, m, eps, seed) => {
        const model = right(fitWhitening(x, { method: m, epsilon: eps }));
        // The transform is fitted once and applied unchanged to other data of the same dimension.
        const other = correlatedData(seed, 5, x.cols);
        const back = right(unwhiten(model, right(whiten(model, other))));
        let scale = 0;
        for (const v of other.data) scale = Math.max(scale, Math.abs(v));
        expect(maxAbsDifference(back, other)).toBeLessThan(whiteningTolerance(x) * Math.max(1, scale));
      }),
      { numRuns: 40 },
    );
  });

  it('ZCA stays closer to the input than PCA whitening', () => {
    fc.assert(
      fc.property(fullRankData, (x) => {
        const zca = right(whiten(right(fitWhitening(x, { method: 'zca', epsilon: 0 })), x));
        const pca = right(whiten(right(fitWhitening(x, { method: 'pca', epsilon: 0 })), x));
        const centred = right(covariance(x)).mean;
        let zcaDistance = 0;
        let pcaDistance = 0;
        for (let i = 0; i < x.rows; i++) {
          for (let j = 0; j < x.cols; j++) {
            const value = x.data[i * x.cols + j] - centred[j];
            zcaDistance += (zca.data[i * x.cols + j] - value) ** 2;
            pcaDistance += (pca.data[i * x.cols + j] - value) ** 2;
          }
        }
        // ZCA minimises E||u - x_c||^2 over all whitening matrices; slack of a few EPS covers rounding.
        expect(zcaDistance).toBeLessThanOrEqual(pcaDistance * (1 + 1e-10));
      }),
      { numRuns: 40 },
    );
  });

  it('keeps a constant column finite at epsilon = 0', () => {
    const x = correlatedData(5, 30, 3);
    const withConstant = new Float64Array(30 * 4);
    for (let i = 0; i < 30; i++) {
      withConstant.set(x.data.subarray(i * 3, i * 3 + 3), i * 4);
      withConstant[i * 4 + 3] = 0.25;
    }
    const data = unsafeMatrix(30, 4, withConstant);
    for (const m of ['pca', 'zca'] as const) {
      const model = right(fitWhitening(data, { method: m, epsilon: 0 }));
      const u = right(whiten(model, data));
      expect(u.data.every(Number.isFinite)).toBe(true);
      // The zero-variance direction maps to 0, so the covariance is the target projection, not I.
      const phi = right(covariance(u)).covariance;
      expect(maxAbsDifference(phi, targetCovariance(model))).toBeLessThan(whiteningTolerance(x));
      expect(model.scales[3]).toBe(0);
    }
  });

  it('keeps only the leading components when asked', () => {
    const x = correlatedData(6, 40, 5);
    const model = right(fitWhitening(x, { method: 'pca', epsilon: 0, components: 2 }));
    expect([model.transform.rows, model.transform.cols]).toEqual([2, 5]);
    const phi = right(covariance(right(whiten(model, x)))).covariance;
    expect(maxAbsDifference(phi, identity(2))).toBeLessThan(whiteningTolerance(x));
  });

  it('rejects a bad method or epsilon', () => {
    const x = correlatedData(1, 10, 2);
    const badEpsilon = fitWhitening(x, { method: 'zca', epsilon: -1 });
    expect(E.isLeft(badEpsilon)).toBe(true);
    expect(E.isLeft(badEpsilon) ? badEpsilon.left.message : '').toBe(
      'fitWhitening: options.epsilon must be a finite number >= 0, got -1.',
    );
    const badMethod = fitWhitening(x, { method: 'pcaa' as 'pca', epsilon: 0 });
    expect(E.isLeft(badMethod)).toBe(true);
    expect(E.isLeft(badMethod) ? badMethod.left.message : '').toContain("options.method must be 'pca' or 'zca'");
  });

  it('leaves its input unchanged', () => {
    const x = correlatedData(2, 12, 3);
    const before = snapshot(x);
    const model = right(fitWhitening(x, { method: 'zca', epsilon: 0.1 }));
    whiten(model, x);
    expect(x.data).toEqual(before);
  });
});
