/**
 * The experiment at small sizes on real MNIST digits: its claim must already hold here, so a regression
 * in any layer below shows up in this file.
 */
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';

import { runPcaVersusLinearAutoencoder } from '../../src/experiments/pca-vs-linear-autoencoder.js';
import { ignoreProgress } from '../../src/experiments/progress.js';
import type { Matrix } from '../../src/linalg/matrix.js';
import { rngFromSeed } from '../../src/random/rng.js';
import { loadDigits } from '../support/mnist.js';

let train: Matrix;
let test: Matrix;

beforeAll(async () => {
  ({ train, test } = await loadDigits(400, 100));
});

describe('runPcaVersusLinearAutoencoder', () => {
  it('linear autoencoder matches PCA on 400 digits', () => {
    const [result] = runPcaVersusLinearAutoencoder(
      train,
      test,
      { components: 4, maxIterations: 400, gradientTolerance: 1e-9 },
      rngFromSeed(1),
      ignoreProgress,
    );
    expect(E.isRight(result)).toBe(true);
    if (E.isLeft(result)) return;
    const r = result.right;
    // The thresholds of the main job's report.
    expect(r.maxPrincipalAngle).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(r.autoencoderTrainError / r.halfDiscardedVariance - 1)).toBeLessThanOrEqual(1e-6);
    // PCA reaches the bound by construction; only rounding separates them.
    expect(Math.abs(r.pcaTrainError / r.halfDiscardedVariance - 1)).toBeLessThanOrEqual(1e-10);
    expect([r.principalComponents.rows, r.principalComponents.cols]).toEqual([4, 784]);
  });
});
