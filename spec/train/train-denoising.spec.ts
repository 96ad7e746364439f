import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { type Corruption, maskingNoise } from '../../src/autoencoder/corruption.js';
import { evaluateObjective, evaluateObjectiveWithTarget } from '../../src/autoencoder/objective.js';
import {
  type AutoencoderConfig,
  initializeAutoencoder,
  packParams,
} from '../../src/autoencoder/params.js';
import { NO_REGULARIZATION } from '../../src/autoencoder/regularization.js';
import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import { type Rng, rngFromSeed, uniforms } from '../../src/random/rng.js';
import type { OptimizerSettings } from '../../src/train/train-autoencoder.js';
import { trainDenoisingAutoencoder } from '../../src/train/train-denoising.js';
import { snapshot } from '../support/arbitraries.js';

// -------------------------------------------------------------------------------------------------
// A tiny problem
// -------------------------------------------------------------------------------------------------

/** 12 samples of dimension 6 through 4 hidden units: every run below takes milliseconds. */
const SAMPLE_COUNT = 12;
const INPUT_SIZE = 6;

const config: AutoencoderConfig = {
  inputSize: INPUT_SIZE,
  hiddenSize: 4,
  tied: false,
  hiddenActivation: 'sigmoid',
  outputActivation: 'sigmoid',
  loss: 'cross-entropy',
};

const samples: Matrix = unsafeMatrix(SAMPLE_COUNT, INPUT_SIZE, uniforms(rngFromSeed(42), SAMPLE_COUNT * INPUT_SIZE)[0]);
const [initial] = initializeAutoencoder(rngFromSeed(7), config);
const problem = { config, regularization: NO_REGULARIZATION, samples, initial };

/** The deterministic corruption x -> 1 - x, which keeps inputs in [0, 1] and differs from x everywhere. */
const complement = (x: Matrix): Matrix => unsafeMatrix(x.rows, x.cols, Float64Array.from(x.data, (v) => 1 - v));

/**
 * A corruption that records the generator and the samples of every call, returns 1 - x, and advances
 * the generator by one draw as a real corruption would.
 */
const recordingCorruption = (): { readonly corruption: Corruption; readonly calls: Array<[Rng, Matrix]> } => {
  const calls: Array<[Rng, Matrix]> = [];
  const corruption: Corruption = (rng, x) => {
    calls.push([rng, x]);
    return [complement(x), uniforms(rng, 1)[1]];
  };
  return { corruption, calls };
};

const complementCorruption: Corruption = (rng, x) => [complement(x), rng];

const sgd = (batchSize: number, epochs: number): OptimizerSettings => ({
  kind: 'sgd',
  batchSize,
  epochs,
  learningRate: 0.1,
  momentum: 0.5,
});

/** Returns the `argument` of an `InvalidArgumentError`, or a marker when the result is something else. */
const argumentOf = (result: E.Either<unknown, unknown>): string =>
  E.isLeft(result) && typeof result.left === 'object' && result.left !== null && 'argument' in result.left
    ? String(result.left.argument)
    : 'no InvalidArgumentError';
const rightOf = <A>(result: E.Either<{ readonly message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

/**
 * Rounding tolerance of a mean loss summed in another order. Each of the N D terms is below about 10
 * here, the cross-entropy of probabilities away from 0 and 1. Reordering a sum of n terms changes it
 * by at most n EPS times the sum of their magnitudes.
 */
const REORDERING_TOLERANCE = SAMPLE_COUNT * INPUT_SIZE * Number.EPSILON * 10;

// -------------------------------------------------------------------------------------------------
// The clean target
// -------------------------------------------------------------------------------------------------

describe('trainDenoisingAutoencoder', () => {
  it('compares reconstructions of corrupted inputs with the clean samples (SGD)', () => {
    const { corruption } = recordingCorruption();
    // One batch of all samples and one epoch: the recorded loss is the objective at theta0.
    const [result] = trainDenoisingAutoencoder(problem, corruption, sgd(SAMPLE_COUNT, 1), rngFromSeed(1));
    const recorded = rightOf(result).optimization.lossHistory[0];

    const theta0 = packParams(config, initial);
    const corrupted = complement(samples);
    const againstClean = evaluateObjectiveWithTarget(config, NO_REGULARIZATION, corrupted, samples, theta0).loss;
    const againstCorrupted = evaluateObjective(config, NO_REGULARIZATION, corrupted, theta0).loss;

    expect(Math.abs(recorded - againstClean)).toBeLessThanOrEqual(REORDERING_TOLERANCE);
    expect(Math.abs(recorded - againstCorrupted)).toBeGreaterThan(1e-3);
  });

  it('compares reconstructions of corrupted inputs with the clean samples (L-BFGS)', () => {
    const { corruption } = recordingCorruption();
    const rng = rngFromSeed(1);
    const [result] = trainDenoisingAutoencoder(problem, corruption, { kind: 'lbfgs', maxIterations: 3 }, rng);
    const { theta, loss } = rightOf(result).optimization;

    const corrupted = complement(samples);
    const againstClean = evaluateObjectiveWithTarget(config, NO_REGULARIZATION, corrupted, samples, theta).loss;
    const againstCorrupted = evaluateObjective(config, NO_REGULARIZATION, corrupted, theta).loss;

    expect(loss).toBe(againstClean);
    expect(Math.abs(loss - againstCorrupted)).toBeGreaterThan(1e-3);
  });

  it('corrupts once per run for L-BFGS and gradient descent', () => {
    for (const optimizer of [
      { kind: 'lbfgs', maxIterations: 4 },
      { kind: 'gradient-descent', maxIterations: 4, learningRate: 0.1 },
    ] as const) {
      const { corruption, calls } = recordingCorruption();
      rightOf(trainDenoisingAutoencoder(problem, corruption, optimizer, rngFromSeed(1))[0]);

      expect(calls.length).toBe(1);
      expect(calls[0][1]).toBe(samples);
    }
  });

  it('corrupts every batch afresh for SGD, so every epoch draws new noise', () => {
    const { corruption, calls } = recordingCorruption();
    const batchSize = 4;
    const epochs = 3;
    rightOf(trainDenoisingAutoencoder(problem, corruption, sgd(batchSize, epochs), rngFromSeed(1))[0]);

    // ceil(N / batch) batches per epoch, each corrupted from its own generator state.
    const states = new Set(calls.map(([rng]) => rng.state.join(',')));
    expect(calls.length).toBe(epochs * Math.ceil(SAMPLE_COUNT / batchSize));
    expect(states.size).toBe(calls.length);
    expect(calls.every(([, batch]) => batch.rows === batchSize)).toBe(true);
  });

  it('gives identical bytes for the same seed', () => {
    const masking = rightOf(maskingNoise(0.25));
    const run = () => rightOf(trainDenoisingAutoencoder(problem, masking, sgd(4, 2), rngFromSeed(5))[0]);
    const first = run();
    const second = run();

    expect(Buffer.from(first.optimization.theta.buffer)).toEqual(Buffer.from(second.optimization.theta.buffer));
  });

  it('leaves the samples and the initial parameters unchanged', () => {
    const before = [snapshot(samples), snapshot(initial.W), Float64Array.from(initial.b)];
    rightOf(trainDenoisingAutoencoder(problem, rightOf(maskingNoise(0.25)), sgd(4, 2), rngFromSeed(5))[0]);

    expect([snapshot(samples), snapshot(initial.W), Float64Array.from(initial.b)]).toEqual(before);
  });

  it('lowers the denoising loss', () => {
    const masking = rightOf(maskingNoise(0.25));
    const [result] = trainDenoisingAutoencoder(problem, masking, { kind: 'lbfgs', maxIterations: 30 }, rngFromSeed(2));
    const history = rightOf(result).optimization.lossHistory;

    expect(history[history.length - 1]).toBeLessThan(history[0]);
  });

  it('rejects invalid clean samples and optimiser kinds, naming them', () => {
    const outside = unsafeMatrix(1, INPUT_SIZE, Float64Array.of(0, 0, 2, 0, 0, 0));
    const outsideProblem = { ...problem, samples: outside };
    const [badSamples] = trainDenoisingAutoencoder(outsideProblem, complementCorruption, sgd(1, 1), rngFromSeed(1));
    expect(argumentOf(badSamples)).toBe('samples[0, 2]');

    const unknown = { kind: 'adam' } as unknown as OptimizerSettings;
    const [badKind] = trainDenoisingAutoencoder(problem, complementCorruption, unknown, rngFromSeed(1));
    expect(argumentOf(badKind)).toBe('optimizer.kind');
  });

  it('rejects initial parameters of the wrong shape', () => {
    const [other] = initializeAutoencoder(rngFromSeed(1), { ...config, hiddenSize: 3 });
    const otherProblem = { ...problem, initial: other };
    const [result] = trainDenoisingAutoencoder(otherProblem, complementCorruption, sgd(1, 1), rngFromSeed(1));
    expect(argumentOf(result)).toBe('problem.initial');
  });
});

