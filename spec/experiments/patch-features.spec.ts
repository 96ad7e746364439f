import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { type PatchFeatureSettings, runPatchFeatures } from '../../src/experiments/patch-features.js';
import { ignoreProgress } from '../../src/experiments/progress.js';
import { rngFromSeed } from '../../src/random/rng.js';
import type { GaborBankSettings } from '../../src/patches/gabor.js';
import { right } from '../support/either.js';
import { syntheticImages as images } from '../support/patch-images.js';

const message = <A>(result: E.Either<{ readonly message: string }, A>): string =>
  E.isLeft(result) ? result.left.message : 'no error';

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
