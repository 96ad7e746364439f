import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { reconstruct } from '../../src/autoencoder/autoencoder.js';
import type { Corruption } from '../../src/autoencoder/corruption.js';
import { packLayers } from '../../src/classifier/layers.js';
import type { InvalidArgumentError } from '../../src/linalg/errors.js';
import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import { columnMeans } from '../../src/linalg/ops.js';
import { rngFromSeed, uniforms } from '../../src/random/rng.js';
import { type PretrainingVariant, pretrainStack } from '../../src/train/pretrain.js';
import type { OptimizerSettings } from '../../src/train/train-autoencoder.js';
import { snapshot } from '../support/arbitraries.js';

// -------------------------------------------------------------------------------------------------
// Fixtures
// -------------------------------------------------------------------------------------------------

const INPUTS = 8;
const HIDDEN_SIZES = [5, 3];

/** 24 uniform samples in [0, 1]: tiny, so that every variant trains two layers in milliseconds. */
const samples: Matrix = unsafeMatrix(24, INPUTS, uniforms(rngFromSeed(3), 24 * INPUTS)[0]);

/** Copies the samples and zeroes every other column: a deterministic, shape-preserving corruption. */
const zeroEveryOther: Corruption = (rng, x) => [
  unsafeMatrix(x.rows, x.cols, x.data.map((value, k) => (k % 2 === 0 ? 0 : value))),
  rng,
];

const copy: Corruption = (rng, x) => [unsafeMatrix(x.rows, x.cols, Float64Array.from(x.data)), rng];

const VARIANTS: ReadonlyArray<PretrainingVariant> = [
  { kind: 'autoencoder' },
  { kind: 'sparse-autoencoder', rho: 0.1, beta: 3, lambda: 3e-3 },
  { kind: 'denoising-autoencoder', corruption: zeroEveryOther },
  { kind: 'rbm', cdSteps: 1 },
];

const SGD: OptimizerSettings = { kind: 'sgd', batchSize: 6, epochs: 2, learningRate: 0.05, momentum: 0.5 };
const LBFGS: OptimizerSettings = { kind: 'lbfgs', maxIterations: 5 };

const rightOf = <A>(result: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

/** The argument named by an `InvalidArgumentError`, or undefined for any other outcome. */
const rejectedArgument = (result: E.Either<{ readonly _tag: string }, unknown>): string | undefined =>
  E.isLeft(result) && result.left._tag === 'InvalidArgumentError' ? (result.left as InvalidArgumentError).argument : undefined;

// -------------------------------------------------------------------------------------------------
// Properties
// -------------------------------------------------------------------------------------------------

describe('pretrainStack', () => {
  for (const variant of VARIANTS) {
    const optimizers = variant.kind === 'rbm' ? [SGD] : [SGD, LBFGS];
    for (const optimizer of optimizers) {
      it(`${variant.kind} with ${optimizer.kind} returns one encoder per hidden layer`, () => {
        const [result] = pretrainStack(samples, HIDDEN_SIZES, variant, optimizer, rngFromSeed(1));
        const { stack, layers } = rightOf(result);
        expect(stack.map((e) => [e.W.rows, e.W.cols, e.b.length])).toEqual([
          [5, INPUTS, 5],
          [3, 5, 3],
        ]);
        expect(layers.length).toBe(HIDDEN_SIZES.length);
        expect(layers.map((layer) => layer.model.kind)).toEqual(
          HIDDEN_SIZES.map(() => (variant.kind === 'rbm' ? 'rbm' : 'autoencoder')),
        );
      });
    }
  }

  it('same seed gives identical bytes', () => {
    for (const variant of VARIANTS) {
      const [a, rngA] = pretrainStack(samples, HIDDEN_SIZES, variant, SGD, rngFromSeed(5));
      const [b, rngB] = pretrainStack(samples, HIDDEN_SIZES, variant, SGD, rngFromSeed(5));
      expect(packLayers(rightOf(a).stack), variant.kind).toEqual(packLayers(rightOf(b).stack));
      expect(rngA).toEqual(rngB);
    }
  });

  it('does not write into the samples', () => {
    const before = snapshot(samples);
    for (const variant of VARIANTS) pretrainStack(samples, HIDDEN_SIZES, variant, SGD, rngFromSeed(5));
    expect(samples.data).toEqual(before);
  });

  it('reports progress for every layer', () => {
    const layersSeen = new Set<number>();
    pretrainStack(samples, HIDDEN_SIZES, { kind: 'autoencoder' }, SGD, rngFromSeed(1), (event) => {
      layersSeen.add(event.layer);
      expect(event.layerCount).toBe(2);
    });
    expect([...layersSeen]).toEqual([1, 2]);
  });
});

describe('denoising variant', () => {
  it('with an identity corruption equals the plain autoencoder under L-BFGS', () => {
    // Both draw the initial weights first from the same generator, and then minimise the same objective.
    const [plain] = pretrainStack(samples, [4], { kind: 'autoencoder' }, LBFGS, rngFromSeed(2));
    const [denoising] = pretrainStack(samples, [4], { kind: 'denoising-autoencoder', corruption: copy }, LBFGS, rngFromSeed(2));
    expect(packLayers(rightOf(denoising).stack)).toEqual(packLayers(rightOf(plain).stack));
  });

  it('reconstructs the clean data, not the corrupted input', () => {
    // Masking every input leaves the network only its biases, so the best it can output for every
    // sample is the per-pixel mean of its target: the clean mean if the target is clean, 0 otherwise.
    const maskAll: Corruption = (rng, x) => [unsafeMatrix(x.rows, x.cols, new Float64Array(x.data.length)), rng];
    const [result] = pretrainStack(
      samples,
      [3],
      { kind: 'denoising-autoencoder', corruption: maskAll },
      { kind: 'lbfgs', maxIterations: 200, gradientTolerance: 1e-10 },
      rngFromSeed(2),
    );
    const model = rightOf(result).layers[0].model;
    if (model.kind !== 'autoencoder') throw new Error('expected an autoencoder');
    const output = reconstruct(model.config, model.params, unsafeMatrix(1, INPUTS, new Float64Array(INPUTS)));
    const means = columnMeans(samples);
    // L-BFGS stops when the loss no longer changes, with the outputs within about 5e-8 of the means
    // here. Zero targets would pull the outputs towards 0 instead, about 0.5 away from these means.
    for (let i = 0; i < INPUTS; i++) expect(Math.abs(output.data[i] - means[i])).toBeLessThan(1e-6);
  });
});

describe('pretrainStack validation', () => {
  it('rejects invalid arguments naming them', () => {
    const rng = rngFromSeed(1);
    const outside = unsafeMatrix(1, 2, Float64Array.of(0.5, 1.5));
    const shrink: Corruption = (r, x) => [unsafeMatrix(x.rows, x.cols - 1, new Float64Array(x.rows * (x.cols - 1))), r];
    const cases: ReadonlyArray<[E.Either<{ readonly _tag: string }, unknown>, string]> = [
      [pretrainStack(samples, [], { kind: 'autoencoder' }, SGD, rng)[0], 'hiddenSizes.length'],
      [pretrainStack(samples, [4, 0], { kind: 'autoencoder' }, SGD, rng)[0], 'hiddenSizes[1]'],
      [pretrainStack(outside, [2], { kind: 'autoencoder' }, SGD, rng)[0], 'samples[0, 1]'],
      [pretrainStack(samples, [2], { kind: 'sparse-autoencoder', rho: 1, beta: 3, lambda: 0 }, SGD, rng)[0], 'variant.rho'],
      [pretrainStack(samples, [2], { kind: 'rbm', cdSteps: 0 }, SGD, rng)[0], 'variant.cdSteps'],
      [pretrainStack(samples, [2], { kind: 'rbm', cdSteps: 1 }, LBFGS, rng)[0], 'optimizer.kind'],
      [pretrainStack(samples, [2], { kind: 'denoising-autoencoder', corruption: shrink }, SGD, rng)[0], 'variant.corruption'],
      [pretrainStack(samples, [2], { kind: 'autoencoder' }, { ...SGD, batchSize: 25 }, rng)[0], 'options.batchSize'],
    ];
    for (const [result, argument] of cases) expect(rejectedArgument(result)).toBe(argument);
  });
});
