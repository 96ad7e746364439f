import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import type { DeepAutoencoderExperimentResult } from '../../src/experiments/deep-autoencoder.js';
import type { DenoisingNoiseResult } from '../../src/experiments/denoising.js';
import { type Matrix, unsafeMatrix, zeros } from '../../src/linalg/matrix.js';
import { deepAutoencoderFigure, denoisingFigure } from '../../src/report/deep-figures.js';

/** Three MNIST-sized digits filled with `value`. */
const digits = (value: number, count = 3): Matrix =>
  unsafeMatrix(count, 784, new Float64Array(count * 784).fill(value));

const noiseResult = (examples: DenoisingNoiseResult['examples']): DenoisingNoiseResult => ({
  noise: { kind: 'masking', nu: 0.25 },
  name: 'masking noise, nu = 0.25',
  level: 0.25,
  corruptedError: 1,
  plainError: 1,
  denoisingError: 1,
  denoisingCleanError: 1,
  iterations: 1,
  finalLoss: 1,
  examples,
});

/**
 * Expected size of a figure of `rows` rows of `count` digits: each row is count * 29 + 1 pixels wide
 * and 30 high (28-pixel tiles, 1 pixel of padding), rows are 4 pixels apart, and everything is
 * magnified twice.
 */
const figureSize = (rows: number, count: number) => ({
  width: 2 * (count * 29 + 1),
  height: 2 * (rows * 30 + (rows - 1) * 4),
});

describe('denoisingFigure', () => {
  it('stacks four rows of digits', () => {
    const examples = { clean: digits(1), corrupted: digits(0), plain: digits(0.5), denoising: digits(1) };
    const figure = denoisingFigure(noiseResult(examples));
    if (E.isLeft(figure)) throw new Error(figure.left.message);

    expect({ width: figure.right.width, height: figure.right.height }).toEqual(figureSize(4, 3));
  });

  it('clamps values outside [0, 1] for display', () => {
    const examples = { clean: digits(2), corrupted: digits(-1), plain: digits(0), denoising: digits(1) };
    const figure = denoisingFigure(noiseResult(examples));
    if (E.isLeft(figure)) throw new Error(figure.left.message);

    expect(figure.right.data.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('rejects an empty example set', () => {
    const empty = zeros(0, 784);
    const examples = { clean: empty, corrupted: empty, plain: empty, denoising: empty };
    expect(E.isLeft(denoisingFigure(noiseResult(examples)))).toBe(true);
  });
});

describe('deepAutoencoderFigure', () => {
  it('stacks originals, pretrained, random-start and PCA reconstructions', () => {
    const result = {
      examples: { originals: digits(1, 5), deep: digits(0.9, 5), randomStart: digits(0.7, 5), pca: digits(0.8, 5) },
    } as DeepAutoencoderExperimentResult;
    const figure = deepAutoencoderFigure(result);
    if (E.isLeft(figure)) throw new Error(figure.left.message);

    expect({ width: figure.right.width, height: figure.right.height }).toEqual(figureSize(4, 5));
  });
});
