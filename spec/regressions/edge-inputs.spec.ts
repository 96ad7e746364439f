/**
 * Inputs that a first user's abuse session found mishandled, kept as named cases: extreme data scales,
 * hand-built matrices, options outside what a typed caller can write, and oversized budgets.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { autoencoderObjective } from '../../src/autoencoder/objective.js';
import type { Regularization } from '../../src/autoencoder/regularization.js';
import { type Matrix, fromRows, unsafeMatrix } from '../../src/linalg/matrix.js';
import { covariance } from '../../src/linalg/ops.js';
import { fitPca } from '../../src/pca/pca.js';
import { fitWhitening, whiten } from '../../src/pca/whitening.js';
import { rngFromSeed, uniformInteger } from '../../src/random/rng.js';
import { trainAutoencoder } from '../../src/train/train-autoencoder.js';

const matrix = (rows: number[][]): Matrix =>
  E.getOrElseW((error: { message: string }) => {
    throw new Error(error.message);
  })(fromRows(rows));

const message = <A>(result: E.Either<{ message: string }, A>): string =>
  E.isLeft(result) ? result.left.message : 'no error';

describe('extreme data scales', () => {
  it('covariance of 1e200 data is rejected, not Infinity', () => {
    expect(message(covariance(matrix([[1e200, 0], [-1e200, 1]])))).toContain('covariance: x must be data whose covariance fits in float64');
  });

  it('fitPca of 1e150 data gives finite eigenvalues', () => {
    const result = fitPca(matrix([[1e150, 0], [-1e150, 3e149], [0, -3e149]]));
    expect(E.isRight(result)).toBe(true);
    if (E.isRight(result)) expect(result.right.eigenvalues.every(Number.isFinite)).toBe(true);
  });

  it('fitPca of 1e155 data names fitPca', () => {
    expect(message(fitPca(matrix([[1e155, 0], [-1e155, 1]])))).toContain('fitPca: x must be data whose variance fits in float64');
  });

  it('fitPca of 1e-300 data keeps the principal direction', () => {
    const result = fitPca(matrix([[1e-300, 0], [-1e-300, 2e-300]]), { components: 1 });
    expect(E.isRight(result)).toBe(true);
    if (E.isLeft(result)) return;
    // Centred rows are +-(1, -1) e-300, so the only direction of variance is (1, -1) / sqrt(2).
    const [a, b] = result.right.components.data;
    expect(Math.abs(Math.abs(a) - Math.SQRT1_2)).toBeLessThan(1e-15);
    expect(Math.abs(a + b)).toBeLessThan(1e-15);
  });
});

describe('hand-built and untyped input', () => {
  it('a buffer shorter than rows * cols is rejected', () => {
    const bad = unsafeMatrix(2, 2, Float64Array.of(1, 2, 3));
    expect(message(covariance(bad))).toContain('covariance: x.data.length must be rows * cols = 4');
  });

  it('whiten rejects NaN instead of returning it', () => {
    const model = fitWhitening(matrix([[1, 2], [3, 1], [0, 0]]), { method: 'zca', epsilon: 0 });
    if (E.isLeft(model)) throw new Error(model.left.message);
    const withNaN = unsafeMatrix(1, 2, Float64Array.of(Number.NaN, 0));
    expect(message(whiten(model.right, withNaN))).toBe('whiten: x[0, 0] must be a finite number, got NaN.');
  });

  it('fitWhitening errors name fitWhitening', () => {
    expect(message(fitWhitening(matrix([[1, 2], [3, 1]]), { method: 'zca', epsilon: 0, components: 9 }))).toContain(
      'fitWhitening: options.components',
    );
  });

  it('a regularization without the sparsity key is rejected', () => {
    const config = {
      inputSize: 2,
      hiddenSize: 1,
      tied: true,
      hiddenActivation: 'sigmoid',
      outputActivation: 'identity',
      loss: 'squared-error',
    } as const;
    const regularization = { lambda: 0 } as unknown as Regularization;
    expect(message(autoencoderObjective(config, regularization, matrix([[0, 1]])))).toContain(
      'regularization.sparsity must be an object { rho, beta } or null',
    );
  });

  it('uniformInteger rejects n = 0 instead of looping', () => {
    expect(() => uniformInteger(rngFromSeed(1), 0)).toThrow(/n must be an integer in \[1, 4294967296\], got 0/);
  });
});

describe('oversized budgets', () => {
  it('trainAutoencoder rejects 2^40 iterations', () => {
    const [result] = trainAutoencoder(
      {
        config: { inputSize: 2, hiddenSize: 1, tied: true, hiddenActivation: 'identity', outputActivation: 'identity', loss: 'squared-error' },
        regularization: { lambda: 0, sparsity: null },
        samples: matrix([[0, 1], [1, 0]]),
      },
      { kind: 'lbfgs', maxIterations: 2 ** 40 },
      rngFromSeed(1),
    );
    expect(message(result)).toContain('options.maxIterations must be an integer in [1, 100000000]');
  });

  it('autoencoderObjective rejects a weight matrix too large to allocate', () => {
    const config = {
      inputSize: 784,
      hiddenSize: 2 ** 33,
      tied: false,
      hiddenActivation: 'sigmoid',
      outputActivation: 'sigmoid',
      loss: 'squared-error',
    } as const;
    expect(message(autoencoderObjective(config, { lambda: 0, sparsity: null }, unsafeMatrix(1, 784, new Float64Array(784))))).toContain(
      'config.hiddenSize must be at most 171196 for 784 inputs',
    );
  });
});
