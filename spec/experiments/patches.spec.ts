import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import {
  type PatchFeatureSettings,
  type PatchWhiteningSettings,
  runPatchFeatures,
  runPatchWhitening,
} from '../../src/experiments/patches.js';
import { ignoreProgress } from '../../src/experiments/progress.js';
import type { GaborBankSettings } from '../../src/patches/gabor.js';
import type { SourceImage } from '../../src/patches/sampler.js';
import { normals, rngFromSeed } from '../../src/random/rng.js';
import { right } from '../support/either.js';

const message = <A>(result: E.Either<{ readonly message: string }, A>): string =>
  E.isLeft(result) ? result.left.message : 'no error';

/** Side of the synthetic images: room for a few hundred distinct 3 x 3 and 4 x 4 patches. */
const IMAGE_SIDE = 24;

/**
 * Builds a synthetic "photograph": two random plane waves plus pixel noise, squashed into [0, 1].
 * Neighbouring pixels are correlated, as in natural images, so the patch covariance has a spread of
 * eigenvalues.
 */
const syntheticImage = (seed: number): SourceImage => {
  const [params, next] = normals(rngFromSeed(seed), 6);
  const [noise] = normals(next, IMAGE_SIDE * IMAGE_SIDE, 0, 0.3);
  const data = new Float64Array(IMAGE_SIDE * IMAGE_SIDE);
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      const wave = Math.sin(params[0] * x + params[1] * y + params[2]) + Math.cos(params[3] * x - params[4] * y + params[5]);
      data[y * IMAGE_SIDE + x] = 1 / (1 + Math.exp(-(wave + noise[y * IMAGE_SIDE + x])));
    }
  }
  return { width: IMAGE_SIDE, height: IMAGE_SIDE, data, name: `synthetic-${seed}` };
};

const images = [syntheticImage(1), syntheticImage(2)];

const whiteningSettings = (patchSize: number, epsilon: number, comparisonEpsilon: number): PatchWhiteningSettings => ({
  patchSize,
  sampleCount: 300,
  retainedVariance: 0.9,
  epsilon,
  comparisonEpsilon,
  exampleCount: 5,
  eigenvectorCount: 4,
});

/** A bank for 4 x 4 filters, small enough to build instantly. */
const smallBank: GaborBankSettings = {
  size: 4,
  orientations: 4,
  wavelengths: [2, 3],
  phases: 2,
  centreOffsets: [0],
  envelopeWidth: 0.56,
  aspectRatio: 0.5,
};

const featureSettings: PatchFeatureSettings = {
  patchSize: 4,
  sampleCount: 200,
  hiddenSize: 3,
  betas: [0, 3],
  overcompleteHiddenSize: 20,
  overcompleteBeta: 3,
  rho: 0.05,
  lambda: 1e-4,
  maxIterations: 5,
  gaborBank: smallBank,
};

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

describe('runPatchFeatures', () => {
  it('trains every run and scores it', () => {
    const [result] = runPatchFeatures(images, featureSettings, rngFromSeed(7), ignoreProgress);
    const f = right(result);

    expect(f.runs.map((run) => [run.hiddenSize, run.beta])).toEqual([
      [3, 0],
      [3, 3],
    ]);
    expect([f.overcomplete.hiddenSize, f.overcomplete.beta]).toEqual([20, 3]);
    for (const run of [...f.runs, f.overcomplete]) {
      expect([run.weights.rows, run.weights.cols]).toEqual([run.hiddenSize, 16]);
      expect(run.rhoHat).toHaveLength(run.hiddenSize);
      expect(run.meanActivation).toBeGreaterThan(0);
      expect(run.meanActivation).toBeLessThan(1);
      expect(run.edgeLikeness).toBeGreaterThanOrEqual(0);
      // A correlation is at most 1, up to the rounding of 16-term sums.
      expect(run.edgeLikeness).toBeLessThanOrEqual(1 + 64 * Number.EPSILON);
      expect(run.iterations).toBeLessThanOrEqual(featureSettings.maxIterations);
    }
    expect(f.bankSize).toBe(4 * 2 * 2);
    expect(f.randomInitialWeights.rows).toBe(3);
  });

  it('feeds the autoencoders patches in [0.1, 0.9]', () => {
    const [result] = runPatchFeatures(images, featureSettings, rngFromSeed(8), ignoreProgress);
    const examples = right(result).examples;

    expect(examples.cols).toBe(16);
    expect(examples.data.every((v) => v >= 0.1 && v <= 0.9)).toBe(true);
  });

  it('same seed gives the same result', () => {
    const [first, firstRng] = runPatchFeatures(images, featureSettings, rngFromSeed(9), ignoreProgress);
    const [second, secondRng] = runPatchFeatures(images, featureSettings, rngFromSeed(9), ignoreProgress);

    expect(right(second)).toEqual(right(first));
    expect(secondRng).toEqual(firstRng);
  });

  it('rejects a bank of another size than the patches', () => {
    const [result] = runPatchFeatures(images, { ...featureSettings, gaborBank: { ...smallBank, size: 5 } }, rngFromSeed(1), ignoreProgress);

    expect(message(result)).toContain('settings.gaborBank.size');
  });
});
