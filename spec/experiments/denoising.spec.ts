import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import {
  type DenoisingExperimentSettings,
  mnistDenoisingSettings,
  runDenoising,
} from '../../src/experiments/denoising.js';
import { ignoreProgress } from '../../src/experiments/progress.js';
import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import { rngFromSeed, uniforms } from '../../src/random/rng.js';
import { snapshot } from '../support/arbitraries.js';

/** Synthetic 16-pixel "images": 60 training and 12 test samples, so a run takes milliseconds. */
const PIXELS = 16;
const samplesOf = (count: number, seed: number): Matrix =>
  unsafeMatrix(count, PIXELS, uniforms(rngFromSeed(seed), count * PIXELS)[0]);
const train = samplesOf(60, 1);
const test = samplesOf(12, 2);

const settings: DenoisingExperimentSettings = {
  hiddenSize: 8,
  lambda: 1e-4,
  noises: [
    { kind: 'masking', nu: 0.25 },
    { kind: 'gaussian', sigma: 0.3 },
  ],
  optimizer: { kind: 'sgd', batchSize: 10, epochs: 3, learningRate: 0.1, momentum: 0.9 },
  exampleCount: 5,
};

const meanHalfSquaredDistance = (a: Matrix, b: Matrix): number => {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += (a.data[i] - b.data[i]) ** 2;
  return (0.5 * sum) / a.rows;
};

/** Returns the `argument` of an `InvalidArgumentError`, or a marker when the result is something else. */
const argumentOf = (result: E.Either<unknown, unknown>): string =>
  E.isLeft(result) && typeof result.left === 'object' && result.left !== null && 'argument' in result.left
    ? String(result.left.argument)
    : 'no InvalidArgumentError';
const run = (seed: number) => {
  const [result] = runDenoising(train, test, settings, rngFromSeed(seed), ignoreProgress);
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

describe('runDenoising', () => {
  it('measures every noise with finite errors', () => {
    const result = run(3);

    expect(result.noises.map((n) => [n.name, n.level])).toEqual([
      ['masking noise, nu = 0.25', 0.25],
      ['additive Gaussian noise, sigma = 0.3', 0.3],
    ]);
    for (const noise of result.noises) {
      for (const error of [noise.corruptedError, noise.plainError, noise.denoisingError, noise.denoisingCleanError]) {
        expect(Number.isFinite(error)).toBe(true);
        expect(error).toBeGreaterThanOrEqual(0);
      }
      expect(noise.iterations).toBe(3);
    }
    expect([result.trainCount, result.testCount, result.hiddenSize]).toEqual([60, 12, 8]);
  });

  it('keeps the first test digits at every stage for the figure', () => {
    const { examples } = run(3).noises[0];

    for (const stage of [examples.clean, examples.corrupted, examples.plain, examples.denoising]) {
      expect([stage.rows, stage.cols]).toEqual([5, PIXELS]);
    }
    expect(Array.from(examples.clean.data)).toEqual(Array.from(test.data.subarray(0, 5 * PIXELS)));
    // Masked entries are exactly 0 and the others are the clean pixels.
    const kept = Array.from(examples.corrupted.data).every((v, i) => v === 0 || v === examples.clean.data[i]);
    expect(kept).toBe(true);
  });

  it('measures the corrupted input against the clean digits', () => {
    // The Gaussian noise has variance 0.09 per pixel, so (1/2) E||x~ - x||^2 = 0.045 * 16 = 0.72. With
    // 12 x 16 = 192 draws the sample mean lies within 30% of it with probability above 0.999.
    const gaussian = run(3).noises[1];
    expect(Math.abs(gaussian.corruptedError / 0.72 - 1)).toBeLessThan(0.3);
    expect(meanHalfSquaredDistance(gaussian.examples.corrupted, gaussian.examples.clean)).toBeGreaterThan(0);
  });

  it('gives identical numbers for the same seed and leaves the data unchanged', () => {
    const before = [snapshot(train), snapshot(test)];
    const first = run(4);
    const second = run(4);

    expect(second.noises.map((n) => n.denoisingError)).toEqual(first.noises.map((n) => n.denoisingError));
    expect(second.plainCleanError).toBe(first.plainCleanError);
    expect([snapshot(train), snapshot(test)]).toEqual(before);
  });

  it('rejects an invalid noise level, naming it', () => {
    const invalid = { ...settings, noises: [{ kind: 'masking' as const, nu: 1.5 }] };
    const [result] = runDenoising(train, test, invalid, rngFromSeed(1), ignoreProgress);
    expect(argumentOf(result)).toBe('nu');
  });
});

describe('mnistDenoisingSettings', () => {
  it('compares masking and Gaussian noise', () => {
    const chosen = mnistDenoisingSettings(20);

    expect(chosen.noises).toEqual([
      { kind: 'masking', nu: 0.25 },
      { kind: 'gaussian', sigma: 0.3 },
    ]);
    expect(chosen.optimizer).toMatchObject({ kind: 'sgd', epochs: 20 });
  });
});
