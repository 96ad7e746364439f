import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import type { SparseRunResult } from '../../src/experiments/sparse-autoencoder.js';
import type { WhiteningExperimentResult } from '../../src/experiments/whitening.js';
import { unsafeMatrix } from '../../src/linalg/matrix.js';
import { sparseFigure, whiteningFigure } from '../../src/report/figures.js';

const digits = (count: number, value: number) =>
  unsafeMatrix(count, 784, new Float64Array(count * 784).map((_, i) => (i % 7 === 0 ? value : 0)));

describe('sparseFigure', () => {
  it('tiles H weight vectors in a square grid at double size', () => {
    const run = { weights: digits(196, 1) } as unknown as SparseRunResult;
    const image = sparseFigure(run);
    expect(E.isRight(image)).toBe(true);
    if (E.isLeft(image)) return;
    // 14 tiles of 28 pixels plus 15 one-pixel gaps, doubled.
    expect([image.right.width, image.right.height]).toEqual([2 * (14 * 29 + 1), 2 * (14 * 29 + 1)]);
  });
});

describe('whiteningFigure', () => {
  it('stacks three rows of the example digits', () => {
    const result = {
      originals: digits(3, 1),
      pca: { examples: digits(3, -2) },
      zca: { examples: digits(3, 5) },
    } as unknown as WhiteningExperimentResult;
    const image = whiteningFigure(result);
    expect(E.isRight(image)).toBe(true);
    if (E.isLeft(image)) return;
    const rowHeight = 28 + 2;
    expect(image.right.width).toBe(2 * (3 * 29 + 1));
    expect(image.right.height).toBe(2 * (3 * rowHeight + 2 * 4));
    expect(image.right.data.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});
