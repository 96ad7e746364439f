import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import type { InvalidArgumentError } from '../../src/linalg/errors.js';
import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import { type Rng, rngFromSeed, uniforms } from '../../src/random/rng.js';
import { trainRbm } from '../../src/train/train-rbm.js';
import { snapshot } from '../support/arbitraries.js';

/**
 * Noisy copies of two binary prototypes over 12 pixels, each pixel flipped with probability 0.05:
 * structure that 4 hidden units can capture, so the reconstruction error must fall.
 */
const prototypes = (rng: Rng, count: number): Matrix => {
  const patterns = [
    [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1],
  ];
  const width = patterns[0].length;
  const [u] = uniforms(rng, count * width);
  const data = new Float64Array(count * width);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < width; i++) {
      const bit = patterns[n % 2][i];
      data[n * width + i] = u[n * width + i] < 0.05 ? 1 - bit : bit;
    }
  }
  return unsafeMatrix(count, width, data);
};

const samples = prototypes(rngFromSeed(5), 60);

/** The argument named by an `InvalidArgumentError`, or undefined for any other outcome. */
const rejectedArgument = (result: E.Either<{ readonly _tag: string }, unknown>): string | undefined =>
  E.isLeft(result) && result.left._tag === 'InvalidArgumentError' ? (result.left as InvalidArgumentError).argument : undefined;

const rightOf = <A>(result: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

describe('trainRbm', () => {
  it('lowers the reconstruction error on structured data', () => {
    const [result] = trainRbm(samples, { hiddenSize: 4, batchSize: 10, epochs: 30 }, rngFromSeed(1));
    const errors = rightOf(result).reconstructionErrors;
    expect(errors.length).toBe(30);
    // Pixels are near 0 or 1 and the start reconstructs every pixel by its mean (about 0.5), an error of
    // about 12 * 0.25 / 2 = 1.5 per sample; the two patterns are learnable, so a fall by half is modest.
    expect(errors[errors.length - 1]).toBeLessThan(0.5 * errors[0]);
  });

  it('returns parameters of the requested shape and reports every epoch', () => {
    const epochs: number[] = [];
    const [result] = trainRbm(samples, { hiddenSize: 3, batchSize: 7, epochs: 4, cdSteps: 2 }, rngFromSeed(2), (p) =>
      epochs.push(p.iteration),
    );
    const { params } = rightOf(result);
    expect([params.W.rows, params.W.cols]).toEqual([3, 12]);
    expect(params.hiddenBias.length).toBe(3);
    expect(params.visibleBias.length).toBe(12);
    expect(epochs).toEqual([1, 2, 3, 4]);
  });

  it('same seed gives identical bytes', () => {
    const options = { hiddenSize: 4, batchSize: 8, epochs: 3 };
    const [a, rngA] = trainRbm(samples, options, rngFromSeed(3));
    const [b, rngB] = trainRbm(samples, options, rngFromSeed(3));
    expect(rightOf(a).params.W.data).toEqual(rightOf(b).params.W.data);
    expect(rightOf(a).params.visibleBias).toEqual(rightOf(b).params.visibleBias);
    expect(rngA).toEqual(rngB);
  });

  it('does not write into the samples', () => {
    const before = snapshot(samples);
    trainRbm(samples, { hiddenSize: 2, batchSize: 10, epochs: 1 }, rngFromSeed(4));
    expect(samples.data).toEqual(before);
  });

  it('rejects invalid arguments naming them', () => {
    const rng = rngFromSeed(1);
    const base = { hiddenSize: 2, batchSize: 10, epochs: 1 };
    const outside = unsafeMatrix(1, 2, Float64Array.of(0.5, -0.1));
    const cases: ReadonlyArray<[E.Either<{ readonly _tag: string }, unknown>, string]> = [
      [trainRbm(samples, { ...base, batchSize: 61 }, rng)[0], 'options.batchSize'],
      [trainRbm(samples, { ...base, hiddenSize: 0 }, rng)[0], 'options.hiddenSize'],
      [trainRbm(samples, { ...base, momentum: 1 }, rng)[0], 'options.momentum'],
      [trainRbm(samples, { ...base, cdSteps: 0 }, rng)[0], 'options.cdSteps'],
      [trainRbm(samples, { ...base, weightCost: -1 }, rng)[0], 'options.weightCost'],
      [trainRbm(outside, { ...base, batchSize: 1 }, rng)[0], 'samples[0, 1]'],
    ];
    for (const [result, argument] of cases) expect(rejectedArgument(result)).toBe(argument);
  });
});
