import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import type { InvalidArgumentError } from '../../src/linalg/errors.js';
import type { ReadonlyFloat64Array } from '../../src/linalg/matrix.js';
import { type Rng, normals, permutation, rngFromSeed } from '../../src/random/rng.js';
import { type SgdOptions, minimizeSgd } from '../../src/optim/sgd.js';
import type { MinibatchObjective, Progress } from '../../src/optim/types.js';
import { right } from '../support/either.js';

// -------------------------------------------------------------------------------------------------
// Helpers
// -------------------------------------------------------------------------------------------------

const SAMPLES = 64;
const INPUTS = 4;
const TRUE_WEIGHTS = [1, -2, 0.5, 3];

/**
 * Noise-free least squares: rows x_n of an N x D standard normal matrix, targets t_n = x_n^T w*, and
 * the batch loss (1 / |B|) sum_{n in B} (1/2) (x_n^T w - t_n)^2 with gradient
 * (1 / |B|) sum_{n in B} (x_n^T w - t_n) x_n. Its minimum is 0 at w = w*.
 */
const leastSquares = (): MinibatchObjective => {
  const [x] = normals(rngFromSeed(2024), SAMPLES * INPUTS);
  const targets = new Float64Array(SAMPLES);
  for (let n = 0; n < SAMPLES; n++) {
    for (let j = 0; j < INPUTS; j++) targets[n] += x[n * INPUTS + j] * TRUE_WEIGHTS[j];
  }
  return (w, batch) => {
    const gradient = new Float64Array(INPUTS);
    let loss = 0;
    for (const n of batch) {
      let residual = -targets[n];
      for (let j = 0; j < INPUTS; j++) residual += x[n * INPUTS + j] * w[j];
      loss += 0.5 * residual * residual;
      for (let j = 0; j < INPUTS; j++) gradient[j] += residual * x[n * INPUTS + j];
    }
    for (let j = 0; j < INPUTS; j++) gradient[j] /= batch.length;
    return { loss: loss / batch.length, gradient };
  };
};

const bytesOf = (x: ReadonlyFloat64Array): Uint8Array => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);

const left = <L, R>(either: E.Either<L, R>): L => {
  if (E.isRight(either)) throw new Error('expected Left, got Right');
  return either.left;
};

const asInvalidArgument = (error: { readonly _tag: string; readonly message: string }): InvalidArgumentError => {
  if (error._tag !== 'InvalidArgumentError') throw new Error(`expected InvalidArgumentError, got ${error.message}`);
  return error as InvalidArgumentError;
};

/** The generator after drawing `count` permutations of n indices in a row. */
const afterPermutations = (rng: Rng, n: number, count: number): Rng => {
  let generator = rng;
  for (let k = 0; k < count; k++) generator = permutation(generator, n)[1];
  return generator;
};

const options: SgdOptions = { sampleCount: SAMPLES, batchSize: 8, epochs: 30, learningRate: 0.05, momentum: 0.5 };

// -------------------------------------------------------------------------------------------------
// Behaviour
// -------------------------------------------------------------------------------------------------

describe('minimizeSgd', () => {
  it('gives identical bytes for the same seed', () => {
    const objective = leastSquares();

    const [first, firstRng] = minimizeSgd(objective, new Float64Array(INPUTS), rngFromSeed(7), options);
    const [second, secondRng] = minimizeSgd(objective, new Float64Array(INPUTS), rngFromSeed(7), options);
    const [other] = minimizeSgd(objective, new Float64Array(INPUTS), rngFromSeed(8), options);

    expect(bytesOf(right(first).theta)).toEqual(bytesOf(right(second).theta));
    expect(bytesOf(right(first).lossHistory)).toEqual(bytesOf(right(second).lossHistory));
    expect(firstRng).toEqual(secondRng);
    expect(bytesOf(right(other).theta)).not.toEqual(bytesOf(right(first).theta));
  });

  it('lowers the least-squares loss', () => {
    const [outcome] = minimizeSgd(leastSquares(), new Float64Array(INPUTS), rngFromSeed(7), options);
    const result = right(outcome);

    // Measured: the epoch loss falls from 3.6 to about 6e-15 in 30 epochs, and theta is within 7e-8 of
    // w* (the data are noise-free, so the minimum is 0). The bounds leave orders of magnitude of margin.
    expect(result.lossHistory[29]).toBeLessThan(1e-6 * result.lossHistory[0]);
    for (let j = 0; j < INPUTS; j++) expect(Math.abs(result.theta[j] - TRUE_WEIGHTS[j])).toBeLessThan(1e-4);
    expect(result.stopReason).toBe('max-iterations');
    expect(result.evaluations).toBe(30 * (SAMPLES / 8));
  });

  it('visits every sample once per epoch', () => {
    const batches: Uint32Array[] = [];
    const recording: MinibatchObjective = (_, batch) => {
      batches.push(batch);
      return { loss: 0, gradient: new Float64Array(1) };
    };
    const rng = rngFromSeed(3);

    const [outcome, advanced] = minimizeSgd(recording, new Float64Array(1), rng, {
      sampleCount: 10,
      batchSize: 3,
      epochs: 3,
      learningRate: 0.1,
    });

    right(outcome);
    expect(batches.map((batch) => batch.length)).toEqual([3, 3, 3, 1, 3, 3, 3, 1, 3, 3, 3, 1]);
    let generator = rng;
    for (let epoch = 0; epoch < 3; epoch++) {
      const [order, next] = permutation(generator, 10);
      generator = next;
      const visited = batches.slice(4 * epoch, 4 * epoch + 4).flatMap((batch) => Array.from(batch));
      expect(visited).toEqual(Array.from(order));
      expect([...visited].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(advanced).toEqual(generator);
  });

  it('weights the epoch loss by batch size', () => {
    // Per-sample loss n and per-sample gradient 1: the epoch loss must be the mean of 0..9, 4.5, and
    // the epoch gradient norm 1, whatever the batches. Weights like 3/10 are inexact in binary, so
    // allow a few ulps of 4.5.
    const indexLoss: MinibatchObjective = (_, batch) => ({
      loss: batch.reduce((sum, n) => sum + n, 0) / batch.length,
      gradient: Float64Array.of(1),
    });
    const calls: Progress[] = [];

    const small: SgdOptions = { sampleCount: 10, batchSize: 3, epochs: 2, learningRate: 0.1 };

    minimizeSgd(indexLoss, new Float64Array(1), rngFromSeed(5), small, (p) => calls.push(p));

    for (const progress of calls) {
      expect(Math.abs(progress.loss - 4.5)).toBeLessThanOrEqual(8 * Number.EPSILON * 4.5);
      expect(Math.abs(progress.gradientNorm - 1)).toBeLessThanOrEqual(8 * Number.EPSILON);
    }
  });

  it('reports progress once per epoch', () => {
    const calls: Progress[] = [];

    const [outcome] = minimizeSgd(leastSquares(), new Float64Array(INPUTS), rngFromSeed(7), options, (p) =>
      calls.push(p),
    );
    const result = right(outcome);

    expect(calls.map((p) => p.iteration)).toEqual(Array.from({ length: 30 }, (_, k) => k + 1));
    expect(calls.every((p) => p.maxIterations === 30)).toBe(true);
    expect(calls.map((p) => p.loss)).toEqual(Array.from(result.lossHistory));
  });

  it('leaves theta0 unchanged', () => {
    const theta0 = Float64Array.of(0.5, 0.5, 0.5, 0.5);

    minimizeSgd(leastSquares(), theta0, rngFromSeed(7), options);

    expect(Array.from(theta0)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
});

// -------------------------------------------------------------------------------------------------
// Failures
// -------------------------------------------------------------------------------------------------

describe('minimizeSgd failures', () => {
  it('stops on a non-finite batch with the last finite parameters', () => {
    const base = leastSquares();
    // 64 samples in batches of 16: 4 batches per epoch.
    const small: SgdOptions = { ...options, batchSize: 16, epochs: 5 };
    for (let poisonedCall = 2; poisonedCall <= 13; poisonedCall++) {
      const thetas: Float64Array[] = [];
      const broken: MinibatchObjective = (w, batch) => {
        thetas.push(w.slice());
        const evaluation = base(w, batch);
        return thetas.length === poisonedCall ? { loss: Number.NaN, gradient: evaluation.gradient } : evaluation;
      };
      const rng = rngFromSeed(11);

      const [outcome, advanced] = minimizeSgd(broken, new Float64Array(INPUTS), rng, small);

      const failure = left(outcome);
      const epoch = Math.ceil(poisonedCall / 4);
      if (failure._tag !== 'NonFiniteLossError') throw new Error(failure.message);
      expect(failure.iteration).toBe(epoch);
      expect(failure.message).toContain(`at iteration ${epoch}`);
      expect(bytesOf(failure.lastFinite.theta)).toEqual(bytesOf(thetas[poisonedCall - 2]));
      expect(failure.lastFinite.iterations).toBe(epoch - 1);
      expect(failure.lastFinite.stopReason).toBe('non-finite');
      expect(advanced).toEqual(afterPermutations(rng, SAMPLES, epoch));
    }
  });

  it('rejects a non-finite first batch as an invalid theta0', () => {
    const rng = rngFromSeed(1);
    const broken: MinibatchObjective = () => ({ loss: Number.NaN, gradient: new Float64Array(INPUTS) });

    const [outcome, advanced] = minimizeSgd(broken, new Float64Array(INPUTS), rng, options);

    const error = left(outcome);
    expect(asInvalidArgument(error).argument).toBe('theta0');
    expect(advanced).toBe(rng);
  });

  const invalidCases: ReadonlyArray<[keyof SgdOptions, number, string]> = [
    ['sampleCount', 0, '0'],
    ['sampleCount', 2.5, '2.5'],
    ['batchSize', 0, '0'],
    ['batchSize', SAMPLES + 1, String(SAMPLES + 1)],
    ['batchSize', 1.5, '1.5'],
    ['epochs', 0, '0'],
    ['learningRate', 0, '0'],
    ['learningRate', Number.NaN, 'NaN'],
    ['momentum', 1, '1'],
    ['momentum', -0.5, '-0.5'],
  ];

  it.each(invalidCases)('rejects options.%s = %s', (option, value, rendered) => {
    const rng = rngFromSeed(1);

    const [outcome, advanced] = minimizeSgd(leastSquares(), new Float64Array(INPUTS), rng, {
      ...options,
      [option]: value,
    });

    const error = left(outcome);
    const invalid = asInvalidArgument(error);
    expect(invalid.argument).toBe(`options.${option}`);
    expect(invalid.value).toBe(rendered);
    expect(advanced).toBe(rng);
  });
});
