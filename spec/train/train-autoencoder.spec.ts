import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import type { AutoencoderConfig } from '../../src/autoencoder/params.js';
import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import { transpose } from '../../src/linalg/ops.js';
import { multiply } from '../../src/linalg/products.js';
import { maxPrincipalAngle, orthonormalBasis } from '../../src/linalg/subspace.js';
import { fitPca } from '../../src/pca/pca.js';
import { normals, rngFromSeed } from '../../src/random/rng.js';
import { trainAutoencoder } from '../../src/train/train-autoencoder.js';
import { snapshot } from '../support/arbitraries.js';

const linear = (inputSize: number, hiddenSize: number): AutoencoderConfig => ({
  inputSize,
  hiddenSize,
  tied: true,
  hiddenActivation: 'identity',
  outputActivation: 'identity',
  loss: 'squared-error',
});

/**
 * Centred data with a known spectrum: N standard normal codes scaled by sqrt(spectrum), rotated by a random
 * orthogonal matrix Q. The top-k principal subspace of the population is spanned by the first k columns
 * of Q; the sample covariance differs by O(1/sqrt(N)), so the test compares with the sample's own PCA.
 */
const dataWithSpectrum = (seed: number, n: number, spectrum: readonly number[]): { x: Matrix; q: Matrix } => {
  const d = spectrum.length;
  const [z, next] = normals(rngFromSeed(seed), n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) z[i * d + j] *= Math.sqrt(spectrum[j]);
  const [g] = normals(next, d * d);
  const q = E.getOrElseW(() => {
    throw new Error('random matrix was rank deficient');
  })(orthonormalBasis(unsafeMatrix(d, d, g)));
  // Rows x_n = Q z_n, so X = Z Q^T.
  const x = multiply(unsafeMatrix(n, d, z), transpose(q));
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x.data[i * d + j] / n;
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) centred[i * d + j] = x.data[i * d + j] - mean[j];
  return { x: unsafeMatrix(n, d, centred), q };
};

describe('trainAutoencoder', () => {
  it('linear autoencoder recovers the top-k subspace of a known spectrum', () => {
    // A spectral gap of 10 between the kept and the discarded directions makes the minimum well separated.
    const spectrum = [20, 15, 10, 1, 0.5, 0.2];
    const { x, q } = dataWithSpectrum(4, 4000, spectrum);
    const [result] = trainAutoencoder(
      { config: linear(6, 3), regularization: { lambda: 0, sparsity: null }, samples: x },
      { kind: 'lbfgs', maxIterations: 500, gradientTolerance: 1e-10, lossChangeTolerance: 0 },
      rngFromSeed(1),
    );
    expect(E.isRight(result)).toBe(true);
    if (E.isLeft(result)) return;
    const weightsAsColumns = transpose(result.right.params.W);
    const topK = unsafeMatrix(6, 3, Float64Array.from({ length: 18 }, (_, i) => q.data[Math.floor(i / 3) * 6 + (i % 3)]));
    const angle = E.getOrElseW(() => Number.NaN)(maxPrincipalAngle(topK, weightsAsColumns));
    // Sampling error of the covariance is about sqrt(2 / N) * lambda_1 = 0.45 against a gap of 9:
    // the sample principal subspace lies within about 0.05 rad of the population one.
    expect(angle).toBeLessThan(0.1);

    // Against the sample's own principal subspace the only error left is the optimiser's: the angle
    // shrinks in proportion to the final gradient norm (below 1e-10 here) divided by the gap.
    const pca = E.getOrElseW(() => {
      throw new Error('PCA failed');
    })(fitPca(x, { components: 3 }));
    const sampleAngle = E.getOrElseW(() => Number.NaN)(maxPrincipalAngle(pca.components, weightsAsColumns));
    expect(sampleAngle).toBeLessThan(1e-6);

    // With tied weights the minimum also forces W W^T = I: only orthogonal mixes of the eigenvectors
    // reach it, unlike the untied case, where any invertible mix does.
    const w = result.right.params.W;
    const gram = multiply(w, transpose(w));
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) expect(Math.abs(gram.data[i * 3 + j] - (i === j ? 1 : 0))).toBeLessThan(1e-6);
    }
  });

  it('returns the same bytes for the same seed', () => {
    const { x } = dataWithSpectrum(2, 50, [3, 2, 1]);
    const train = () =>
      trainAutoencoder(
        {
          config: { ...linear(3, 2), tied: false, hiddenActivation: 'sigmoid' },
          regularization: { lambda: 1e-3, sparsity: null },
          samples: x,
        },
        { kind: 'sgd', batchSize: 10, epochs: 3, learningRate: 0.05, momentum: 0.9 },
        rngFromSeed(9),
      );
    const [a, rngA] = train();
    const [b, rngB] = train();
    expect(E.isRight(a)).toBe(true);
    expect(E.isRight(b)).toBe(true);
    if (E.isRight(a) && E.isRight(b)) {
      expect(Buffer.from(a.right.optimization.theta.buffer)).toEqual(Buffer.from(b.right.optimization.theta.buffer));
    }
    expect(rngA.state).toEqual(rngB.state);
  });

  it('lowers the loss with each optimiser', () => {
    const { x } = dataWithSpectrum(3, 60, [4, 2, 1, 0.5]);
    const problem = { config: linear(4, 2), regularization: { lambda: 0, sparsity: null }, samples: x };
    const optimizers = [
      { kind: 'lbfgs', maxIterations: 20 },
      { kind: 'gradient-descent', learningRate: 0.02, momentum: 0.5, maxIterations: 50 },
      { kind: 'sgd', batchSize: 15, epochs: 10, learningRate: 0.01, momentum: 0.5 },
    ] as const;
    for (const optimizer of optimizers) {
      const [result] = trainAutoencoder(problem, optimizer, rngFromSeed(5));
      expect(E.isRight(result), optimizer.kind).toBe(true);
      if (E.isLeft(result)) continue;
      const history = result.right.optimization.lossHistory;
      expect(history[history.length - 1], optimizer.kind).toBeLessThan(history[0]);
    }
  });

  it('does not mutate the samples or the starting parameters', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (seed) => {
        const { x } = dataWithSpectrum(seed, 20, [2, 1, 0.5]);
        const before = snapshot(x);
        const [first] = trainAutoencoder(
          { config: linear(3, 2), regularization: { lambda: 0, sparsity: null }, samples: x },
          { kind: 'lbfgs', maxIterations: 3 },
          rngFromSeed(seed),
        );
        expect(x.data).toEqual(before);
        if (E.isLeft(first)) return;
        const initial = first.right.params;
        const initialW = snapshot(initial.W);
        trainAutoencoder(
          { config: linear(3, 2), regularization: { lambda: 0, sparsity: null }, samples: x, initial },
          { kind: 'lbfgs', maxIterations: 3 },
          rngFromSeed(seed),
        );
        expect(initial.W.data).toEqual(initialW);
      }),
      { numRuns: 5 },
    );
  });

  it('rejects starting parameters of the wrong shape', () => {
    const { x } = dataWithSpectrum(1, 10, [2, 1, 0.5]);
    const [other] = trainAutoencoder(
      { config: linear(3, 1), regularization: { lambda: 0, sparsity: null }, samples: x },
      { kind: 'lbfgs', maxIterations: 1 },
      rngFromSeed(1),
    );
    if (E.isLeft(other)) throw new Error(other.left.message);
    const [result] = trainAutoencoder(
      { config: linear(3, 2), regularization: { lambda: 0, sparsity: null }, samples: x, initial: other.right.params },
      { kind: 'lbfgs', maxIterations: 1 },
      rngFromSeed(1),
    );
    expect(E.isLeft(result)).toBe(true);
    expect(E.isLeft(result) ? result.left.message : '').toContain('trainAutoencoder: problem.initial must be parameters of a tied 3-2-3 autoencoder');
  });

  it('reports a diverging run with the last finite parameters', () => {
    const { x } = dataWithSpectrum(6, 30, [50, 20, 10]);
    // A step of 10 on curvature about 100 multiplies the error by about 1000 per step: the loss overflows.
    const [result] = trainAutoencoder(
      { config: linear(3, 2), regularization: { lambda: 0, sparsity: null }, samples: x },
      { kind: 'gradient-descent', learningRate: 10, maxIterations: 1000 },
      rngFromSeed(2),
    );
    expect(E.isLeft(result)).toBe(true);
    if (E.isRight(result)) return;
    expect(result.left._tag).toBe('NonFiniteLossError');
    if (result.left._tag !== 'NonFiniteLossError' || !('lastFinite' in result.left)) return;
    expect(result.left.lastFinite.theta.every(Number.isFinite)).toBe(true);
    expect(result.left.message).toContain('non-finite');
  });
});
