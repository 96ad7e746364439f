/**
 * The experiment at small sizes on real MNIST digits: its claim must already hold here, so a regression
 * in any layer below shows up in this file.
 */
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';

import { ignoreProgress } from '../../src/experiments/progress.js';
import { runSparseAutoencoders } from '../../src/experiments/sparse-autoencoder.js';
import type { Matrix } from '../../src/linalg/matrix.js';
import { rngFromSeed } from '../../src/random/rng.js';
import { loadDigits } from '../support/mnist.js';

let train: Matrix;
let test: Matrix;

beforeAll(async () => {
  ({ train, test } = await loadDigits(400, 100));
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

describe('runSparseAutoencoders reproducibility', () => {
  it('gives identical weights for the same seed', () => {
    const settings = { hiddenSize: 4, rho: 0.1, lambda: 3e-3, betas: [0.1], maxIterations: 3 };
    const small = { ...train, rows: 20, data: train.data.slice(0, 20 * train.cols) };
    const [a] = runSparseAutoencoders(small, test, settings, rngFromSeed(7), ignoreProgress);
    const [b] = runSparseAutoencoders(small, test, settings, rngFromSeed(7), ignoreProgress);
    expect(E.isRight(a)).toBe(true);
    expect(E.isRight(b)).toBe(true);
    if (E.isLeft(a) || E.isLeft(b)) return;
    expect(Buffer.from(a.right[0].weights.data.buffer)).toEqual(Buffer.from(b.right[0].weights.data.buffer));
  });
});
