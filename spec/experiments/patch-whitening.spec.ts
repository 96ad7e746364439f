import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { type PatchWhiteningSettings, runPatchWhitening } from '../../src/experiments/patch-whitening.js';
import { ignoreProgress } from '../../src/experiments/progress.js';
import { rngFromSeed } from '../../src/random/rng.js';
import { right } from '../support/either.js';
import { syntheticImages as images } from '../support/patch-images.js';

const message = <A>(result: E.Either<{ readonly message: string }, A>): string =>
  E.isLeft(result) ? result.left.message : 'no error';

const whiteningSettings = (patchSize: number, epsilon: number, comparisonEpsilon: number): PatchWhiteningSettings => ({
  patchSize,
  sampleCount: 300,
  retainedVariance: 0.9,
  epsilon,
  comparisonEpsilon,
  exampleCount: 5,
  eigenvectorCount: 4,
});

describe('runPatchWhitening', () => {
  it('whitened patch covariance equals its target', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.constantFrom(1e-3, 0.1),
        fc.constantFrom(1e-4, 1e-2),
        fc.integer({ min: 0, max: 1000 }),
        (patchSize, epsilon, comparisonEpsilon, seed) => {
          const [result] = runPatchWhitening(images, whiteningSettings(patchSize, epsilon, comparisonEpsilon), rngFromSeed(seed), ignoreProgress);
          const w = right(result);
          const d = patchSize * patchSize;
          const largest = w.eigenvalues[0];

          // Every scale is at most 1 / sqrt(epsilon), so products of D terms err by about
          // D EPS lambda_max / epsilon. The factor 100 covers the covariance and target sums.
          const tolerance = (eps: number) => 100 * d * Number.EPSILON * Math.max(1, largest / eps);
          expect(w.pca.covarianceError).toBeLessThanOrEqual(tolerance(epsilon));
          expect(w.pcaFull.covarianceError).toBeLessThanOrEqual(tolerance(epsilon));
          expect(w.zca.covarianceError).toBeLessThanOrEqual(tolerance(epsilon));
          expect(w.zcaComparison.covarianceError).toBeLessThanOrEqual(tolerance(comparisonEpsilon));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('ZCA whitening matrices are symmetric', () => {
    const [result] = runPatchWhitening(images, whiteningSettings(4, 0.1, 1e-3), rngFromSeed(3), ignoreProgress);
    const w = right(result);

    // |P_ij| <= 1 / sqrt(epsilon), and (i, j) and (j, i) sum the same D products in another order.
    expect(w.zca.symmetryError).toBeLessThanOrEqual((4 * 16 * Number.EPSILON) / Math.sqrt(0.1));
    expect(w.zcaComparison.symmetryError).toBeLessThanOrEqual((4 * 16 * Number.EPSILON) / Math.sqrt(1e-3));
    expect(w.pca.symmetryError).toBeNaN();
  });

  it('keeps the fewest components that retain the variance', () => {
    const [result] = runPatchWhitening(images, whiteningSettings(4, 0.1, 1e-3), rngFromSeed(4), ignoreProgress);
    const w = right(result);
    const total = w.eigenvalues.reduce((sum, value) => sum + value, 0);
    const retained = (k: number) => w.eigenvalues.slice(0, k).reduce((sum, value) => sum + value, 0) / total;

    expect(retained(w.components)).toBeGreaterThanOrEqual(0.9 - 1e-12);
    expect(retained(w.components - 1)).toBeLessThan(0.9);
    expect(w.pca.outputDimension).toBe(w.components);
    expect(w.pcaFull.outputDimension).toBe(16);
  });

  it('has a zero eigenvalue because every mean-removed patch sums to 0', () => {
    const [result] = runPatchWhitening(images, whiteningSettings(3, 0.1, 1e-3), rngFromSeed(5), ignoreProgress);
    const w = right(result);

    expect(w.eigenvalues[w.eigenvalues.length - 1]).toBe(0);
    expect(w.eigenvalues[w.eigenvalues.length - 2]).toBeGreaterThan(0);
  });

  it('returns examples and eigenvectors for the figures', () => {
    const [result, rngAfter] = runPatchWhitening(images, whiteningSettings(4, 0.1, 1e-3), rngFromSeed(6), ignoreProgress);
    const w = right(result);

    expect([w.originals.rows, w.originals.cols]).toEqual([5, 16]);
    expect([w.pcaExamples.rows, w.pcaExamples.cols]).toEqual([5, 16]);
    expect([w.zcaExamples.rows, w.zcaExamples.cols]).toEqual([5, 16]);
    expect([w.zcaComparisonExamples.rows, w.zcaComparisonExamples.cols]).toEqual([5, 16]);
    expect([w.eigenvectors.rows, w.eigenvectors.cols]).toEqual([4, 16]);
    expect(rngAfter).not.toEqual(rngFromSeed(6));
  });

  it('names the image when the patch is larger', () => {
    const [result] = runPatchWhitening(images, whiteningSettings(30, 0.1, 1e-3), rngFromSeed(1), ignoreProgress);

    expect(message(result)).toContain("'synthetic-1' of 24 x 24 pixels");
  });
});
