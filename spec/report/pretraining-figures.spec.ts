import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import type { ArmName, PretrainingExperimentResult } from '../../src/experiments/pretraining.js';
import { unsafeMatrix } from '../../src/linalg/matrix.js';
import { pretrainingFigure } from '../../src/report/pretraining-figures.js';

/** A result whose arms carry 784-input first layers of the given widths; only the weights matter here. */
const result = (widths: number[]): PretrainingExperimentResult => ({
  architecture: [784, 200, 200, 10],
  trainCount: 100,
  testCount: 100,
  seeds: 1,
  arms: widths.map((width, a) => ({
    name: (['random', 'sparse-autoencoder', 'denoising-autoencoder', 'rbm'] as const)[a] as ArmName,
    description: 'arm',
    runs: [],
    testAccuracyMean: 0.9,
    testAccuracyStd: null,
    frozenFeatureAccuracyMean: null,
    firstLayerWeights: unsafeMatrix(width, 784, new Float64Array(width * 784).map((_, k) => Math.sin(k))),
  })),
});

describe('pretrainingFigure', () => {
  it('stacks one block of tiles per arm', () => {
    const image = pretrainingFigure(result([200, 200, 200, 200]));
    expect(E.isRight(image)).toBe(true);
    if (E.isRight(image)) {
      // 40 units in two rows of 20 tiles of 28 pixels with 1-pixel padding: 2 * 29 + 1 = 59 rows and
      // 20 * 29 + 1 = 581 columns per arm; four arms with three gaps of 6; then magnified by 2.
      expect(image.right.height).toBe(2 * (4 * 59 + 3 * 6));
      expect(image.right.width).toBe(2 * 581);
    }
  });

  it('draws fewer tiles for a narrow first layer', () => {
    const image = pretrainingFigure(result([10]));
    if (E.isLeft(image)) throw new Error(image.left.message);
    // One row of 10 tiles: 29 + 1 rows, magnified by 2.
    expect(image.right.height).toBe(2 * 30);
  });

  it('rejects weights that are not 28 x 28 images', () => {
    const bad = { ...result([10]), arms: [{ ...result([10]).arms[0], firstLayerWeights: unsafeMatrix(2, 5, new Float64Array(10)) }] };
    expect(E.isLeft(pretrainingFigure(bad))).toBe(true);
  });
});
