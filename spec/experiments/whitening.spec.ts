/**
 * The experiment at small sizes on real MNIST digits: its claim must already hold here, so a regression
 * in any layer below shows up in this file.
 */
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';

import { ignoreProgress } from '../../src/experiments/progress.js';
import { runWhitening } from '../../src/experiments/whitening.js';
import type { Matrix } from '../../src/linalg/matrix.js';
import { loadDigits } from '../support/mnist.js';

let train: Matrix;

beforeAll(async () => {
  ({ train } = await loadDigits(400, 1));
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
