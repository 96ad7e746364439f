import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import { maxAbsDifference } from '../../src/linalg/ops.js';
import { multiplyTransposeA } from '../../src/linalg/products.js';
import {
  fitPca,
  halfDiscardedVariance,
  pcaInverseTransform,
  pcaTransform,
  selectComponentCount,
} from '../../src/pca/pca.js';
import { normals, rngFromSeed } from '../../src/random/rng.js';
import { snapshot } from '../support/arbitraries.js';
import { right } from '../support/either.js';

/**
 * Data with a known spread: N samples of D independent normal coordinates, coordinate j scaled by
 * scales[j], so the covariance has eigenvalues near scales[j]^2 along the coordinate axes.
 */
const scaledGaussian = (seed: number, n: number, scales: readonly number[]): Matrix => {
  const d = scales.length;
  const [z] = normals(rngFromSeed(seed), n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) z[i * d + j] *= scales[j];
  return unsafeMatrix(n, d, z);
};

/** Random data sets: 5-40 samples of 2-8 dimensions with per-coordinate scales from 0.1 to 10. */
const dataSet = fc
  .record({
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    n: fc.integer({ min: 5, max: 40 }),
    scales: fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), { minLength: 2, maxLength: 8 }),
  })
  .map(({ seed, n, scales }) => scaledGaussian(seed, n, scales));

/** Mean over rows of (1/2)||a - b||^2. */
const meanHalfSquaredDistance = (a: Matrix, b: Matrix): number => {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += (a.data[i] - b.data[i]) ** 2;
  return (0.5 * sum) / a.rows;
};

describe('fitPca', () => {
  it('components are orthonormal', () => {
    fc.assert(
      fc.property(dataSet, fc.integer({ min: 1, max: 8 }), (x, kRequest) => {
        const k = Math.min(kRequest, x.cols);
        const model = right(fitPca(x, { components: k }));
        const gram = multiplyTransposeA(model.components, model.components);
        // Jacobi eigenvectors are orthonormal to O(D EPS); 100 D EPS leaves room for accumulated rotations.
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            expect(Math.abs(gram.data[i * k + j] - (i === j ? 1 : 0))).toBeLessThan(100 * x.cols * Number.EPSILON);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('training reconstruction error equals half the discarded variance', () => {
    fc.assert(
      fc.property(dataSet, fc.integer({ min: 1, max: 8 }), (x, kRequest) => {
        const k = Math.min(kRequest, x.cols);
        const model = right(fitPca(x, { components: k }));
        const reconstruction = right(pcaInverseTransform(model, right(pcaTransform(model, x))));
        const error = meanHalfSquaredDistance(reconstruction, x);
        const total = model.eigenvalues.reduce((s, v) => s + v, 0);
        // Both sides are sums of D terms of size up to the total variance, each with relative error O(EPS).
        expect(Math.abs(error - halfDiscardedVariance(model))).toBeLessThan(1e3 * x.cols * Number.EPSILON * total);
      }),
      { numRuns: 40 },
    );
  });

  it('all components reconstruct the data exactly', () => {
    fc.assert(
      fc.property(dataSet, (x) => {
        const model = right(fitPca(x));
        const back = right(pcaInverseTransform(model, right(pcaTransform(model, x))));
        let scale = 0;
        for (const v of x.data) scale = Math.max(scale, Math.abs(v));
        // Two products of D terms each with an orthogonal matrix: error O(D EPS) times the data scale.
        expect(maxAbsDifference(back, x)).toBeLessThan(100 * x.cols * Number.EPSILON * scale);
      }),
      { numRuns: 40 },
    );
  });

  it('codes are uncorrelated with variances equal to the eigenvalues', () => {
    fc.assert(
      fc.property(dataSet, (x) => {
        const model = right(fitPca(x));
        const z = right(pcaTransform(model, x));
        const d = x.cols;
        const codeCovariance = multiplyTransposeA(z, z);
        const largest = model.eigenvalues[0];
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            const expected = i === j ? model.eigenvalues[i] : 0;
            // Covariance entries carry absolute errors of O(N D EPS) times the largest eigenvalue.
            expect(Math.abs(codeCovariance.data[i * d + j] / x.rows - expected)).toBeLessThan(
              1e3 * d * Number.EPSILON * largest,
            );
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('explained variance ratios descend and sum to 1', () => {
    fc.assert(
      fc.property(dataSet, (x) => {
        const ratios = right(fitPca(x)).explainedVarianceRatio;
        for (let i = 1; i < ratios.length; i++) expect(ratios[i]).toBeLessThanOrEqual(ratios[i - 1]);
        const sum = ratios.reduce((s, v) => s + v, 0);
        expect(Math.abs(sum - 1)).toBeLessThan(x.cols * 4 * Number.EPSILON);
      }),
      { numRuns: 30 },
    );
  });

  it('leaves its input unchanged', () => {
    const x = scaledGaussian(3, 20, [1, 2, 3]);
    const before = snapshot(x);
    fitPca(x, { components: 2 });
    expect(x.data).toEqual(before);
  });

  it('finds the dominant axis of a known spread', () => {
    const x = scaledGaussian(9, 2000, [0.5, 3, 1]);
    const model = right(fitPca(x, { components: 1 }));
    // The axis with scale 3 dominates; its eigenvector is e2 up to sampling error of order 1/sqrt(N).
    expect(Math.abs(model.components.data[1])).toBeGreaterThan(0.99);
  });
});

describe('selectComponentCount', () => {
  const eigenvalues = Float64Array.of(6, 3, 1, 0);

  it('keeps the fewest components that reach the retained fraction', () => {
    expect(right(selectComponentCount('fitPca', { retainedVariance: 0.6 }, eigenvalues))).toBe(1);
    expect(right(selectComponentCount('fitPca', { retainedVariance: 0.61 }, eigenvalues))).toBe(2);
    expect(right(selectComponentCount('fitPca', { retainedVariance: 0.9 }, eigenvalues))).toBe(2);
    expect(right(selectComponentCount('fitPca', { retainedVariance: 1 }, eigenvalues))).toBe(3);
  });

  it('rejects bad selections naming the option', () => {
    const messages = [
      selectComponentCount('fitPca', { components: 0 }, eigenvalues),
      selectComponentCount('fitPca', { components: 5 }, eigenvalues),
      selectComponentCount('fitPca', { retainedVariance: 0 }, eigenvalues),
      selectComponentCount('fitPca', { components: 1, retainedVariance: 0.5 }, eigenvalues),
      selectComponentCount('fitPca', { retainedVariance: 0.5 }, new Float64Array(3)),
    ].map((result) => (E.isLeft(result) ? result.left.message : 'no error'));
    expect(messages[0]).toBe('fitPca: options.components must be an integer in [1, 4] (D), got 0.');
    expect(messages[1]).toContain('got 5');
    expect(messages[2]).toBe('fitPca: options.retainedVariance must be a number in (0, 1], got 0.');
    expect(messages[3]).toContain('at most one of the two');
    expect(messages[4]).toContain('this data is constant');
  });
});

describe('pcaTransform', () => {
  it('rejects data of another dimension', () => {
    const model = right(fitPca(scaledGaussian(1, 10, [1, 2, 3]), { components: 2 }));
    const result = pcaTransform(model, unsafeMatrix(1, 2, Float64Array.of(1, 2)));
    expect(E.isLeft(result)).toBe(true);
    expect(E.isLeft(result) ? result.left.message : '').toBe(
      'pcaTransform: x must be a matrix with 3 columns, got a 1 x 2 matrix.',
    );
  });
});
