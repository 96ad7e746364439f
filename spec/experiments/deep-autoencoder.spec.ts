import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { deepReconstructionError } from '../../src/autoencoder/deep.js';
import { initializeDeepAutoencoder } from '../../src/autoencoder/deep-params.js';
import {
  type DeepAutoencoderExperimentSettings,
  deepExperimentConfig,
  mnistDeepAutoencoderSettings,
  runDeepAutoencoder,
} from '../../src/experiments/deep-autoencoder.js';
import { ignoreProgress } from '../../src/experiments/progress.js';
import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import { fitPca, halfDiscardedVariance } from '../../src/pca/pca.js';
import { rngFromSeed, uniforms } from '../../src/random/rng.js';
import type { OptimizerSettings } from '../../src/train/train-autoencoder.js';
import { fineTuneDeepAutoencoder, pretrainDeepAutoencoder } from '../../src/train/train-deep-autoencoder.js';

/** Synthetic 12-pixel samples: 50 training and 10 test samples through 12-8-5-3, so a run takes milliseconds. */
const PIXELS = 12;
const samplesOf = (count: number, seed: number): Matrix =>
  unsafeMatrix(count, PIXELS, uniforms(rngFromSeed(seed), count * PIXELS)[0]);
const train = samplesOf(50, 1);
const test = samplesOf(10, 2);

const sgd = (epochs: number, learningRate: number): OptimizerSettings => ({
  kind: 'sgd',
  batchSize: 10,
  epochs,
  learningRate,
  momentum: 0.9,
});

const settings: DeepAutoencoderExperimentSettings = {
  encoderSizes: [PIXELS, 8, 5, 3],
  pretraining: [sgd(2, 0.1), sgd(2, 0.1), sgd(2, 0.01)],
  fineTuning: sgd(3, 0.05),
  lambda: 0,
  exampleCount: 4,
};

/** Returns the `argument` of an `InvalidArgumentError`, or a marker when the result is something else. */
const argumentOf = (result: E.Either<unknown, unknown>): string =>
  E.isLeft(result) && typeof result.left === 'object' && result.left !== null && 'argument' in result.left
    ? String(result.left.argument)
    : 'no InvalidArgumentError';
const run = (seed: number) => {
  const [result] = runDeepAutoencoder(train, test, settings, rngFromSeed(seed), ignoreProgress);
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

describe('runDeepAutoencoder', () => {
  it('reports finite errors of both models and the fine-tuning budget', () => {
    const result = run(1);

    const errors = [
      result.pretrainedTestError,
      result.trainError,
      result.testError,
      result.pcaTestError,
      result.randomStartTrainError,
      result.randomStartTestError,
    ];
    for (const error of errors) {
      expect(Number.isFinite(error)).toBe(true);
      expect(error).toBeGreaterThanOrEqual(0);
    }
    expect(result.codeSize).toBe(3);
    expect(result.fineTuningIterations).toBe(3);
    expect([result.trainCount, result.testCount]).toEqual([50, 10]);
  });

  it('gives PCA its training error, half the discarded variance', () => {
    const result = run(1);
    const pca = fitPca(train, { components: 3 });
    if (E.isLeft(pca)) throw new Error(pca.left.message);

    // The identity holds up to the eigensolver's accuracy, far below 1e-10 of the total variance here.
    const expected = halfDiscardedVariance(pca.right);
    expect(Math.abs(result.pcaTrainError - expected)).toBeLessThanOrEqual(1e-10 * expected);
  });

  it('keeps the first test samples and both reconstructions for the figure', () => {
    const { examples } = run(1);

    for (const rows of [examples.originals, examples.deep, examples.randomStart, examples.pca]) {
      expect([rows.rows, rows.cols]).toEqual([4, PIXELS]);
    }
    expect(Array.from(examples.originals.data)).toEqual(Array.from(test.data.subarray(0, 4 * PIXELS)));
  });

  it('reuses the batch order for the random start', () => {
    // The same steps by hand: pretrain, fine-tune, draw random weights, fine-tune them from the
    // generator state the first fine-tuning started from.
    const config = deepExperimentConfig(settings.encoderSizes);
    const regularization = { lambda: settings.lambda, sparsity: null };
    const [pretrained, orderRng] = pretrainDeepAutoencoder(
      config,
      train,
      { optimizer: settings.pretraining, regularization },
      rngFromSeed(3),
    );
    if (E.isLeft(pretrained)) throw new Error(pretrained.left.message);
    const problem = { config, lambda: settings.lambda, samples: train };
    const [tuned, afterOrders] = fineTuneDeepAutoencoder(
      { ...problem, initial: pretrained.right.params },
      settings.fineTuning,
      orderRng,
    );
    const [randomParams] = initializeDeepAutoencoder(afterOrders, config);
    const [fromRandom] = fineTuneDeepAutoencoder({ ...problem, initial: randomParams }, settings.fineTuning, orderRng);
    if (E.isLeft(tuned) || E.isLeft(fromRandom)) throw new Error('fine-tuning failed');

    const result = run(3);
    expect(result.testError).toBe(deepReconstructionError(config, tuned.right.params, test));
    expect(result.randomStartTestError).toBe(deepReconstructionError(config, fromRandom.right.params, test));
    expect(result.randomStartTrainError).toBe(deepReconstructionError(config, fromRandom.right.params, train));
  });

  it('gives identical numbers for the same seed', () => {
    expect(run(5).testError).toBe(run(5).testError);
  });

  it('rejects an encoder whose input size differs from the data', () => {
    const wrong = { ...settings, encoderSizes: [PIXELS + 1, 4, 2], pretraining: [sgd(1, 0.1), sgd(1, 0.1)] };
    const [result] = runDeepAutoencoder(train, test, wrong, rngFromSeed(1), ignoreProgress);
    expect(argumentOf(result)).toBe('samples');
  });
});

describe('mnistDeepAutoencoderSettings', () => {
  it('gives the code layer the small pretraining step', () => {
    const chosen = mnistDeepAutoencoderSettings([784, 1000, 500, 250, 30], 3, 10);

    expect(chosen.pretraining.map((o) => (o.kind === 'sgd' ? o.learningRate : NaN))).toEqual([0.1, 0.1, 0.1, 0.005]);
    expect(chosen.pretraining.every((o) => o.kind === 'sgd' && o.epochs === 3)).toBe(true);
    expect(chosen.fineTuning).toMatchObject({ kind: 'sgd', epochs: 10 });
  });
});
