import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { rngFromSeed, uniforms } from '../../src/random/rng.js';
import { type OptimizerSettings, type TrainingObjective, minimizeWith } from '../../src/train/minimize-with.js';
import { right } from '../support/either.js';

/** Computes f(theta) = (1/2) ||theta - 1||^2, used as both the full-batch and the minibatch objective. */
const quadratic = (theta: ArrayLike<number>) => {
  const gradient = new Float64Array(theta.length);
  let loss = 0;
  for (let i = 0; i < theta.length; i++) {
    gradient[i] = theta[i] - 1;
    loss += 0.5 * gradient[i] * gradient[i];
  }
  return { loss, gradient };
};

const objective: TrainingObjective = { fullBatch: quadratic, minibatch: quadratic, sampleCount: 20 };
const theta0 = new Float64Array(3);

/** The next draw of a generator, to tell whether two generators are in the same state. */
const nextDraw = (rng: ReturnType<typeof rngFromSeed>): number => uniforms(rng, 1)[0][0];

describe('minimizeWith', () => {
  it('leaves the generator alone for full-batch optimisers', () => {
    const settings: OptimizerSettings[] = [
      { kind: 'lbfgs', maxIterations: 20 },
      { kind: 'gradient-descent', maxIterations: 20, learningRate: 0.5 },
    ];
    for (const optimizer of settings) {
      const [result, next] = minimizeWith('caller', optimizer, objective, theta0, rngFromSeed(4));
      expect(right(result).loss, optimizer.kind).toBeLessThan(1e-6);
      expect(nextDraw(next), optimizer.kind).toBe(nextDraw(rngFromSeed(4)));
    }
  });

  it('draws the SGD batch order from the generator', () => {
    const sgd: OptimizerSettings = { kind: 'sgd', batchSize: 5, epochs: 30, learningRate: 0.5, momentum: 0 };
    const [result, next] = minimizeWith('caller', sgd, objective, theta0, rngFromSeed(4));

    expect(right(result).loss).toBeLessThan(1e-6);
    expect(nextDraw(next)).not.toBe(nextDraw(rngFromSeed(4)));
  });

  it('rejects a missing optimiser', () => {
    for (const missing of [undefined, null]) {
      const [result] = minimizeWith('trainSomething', missing as unknown as OptimizerSettings, objective, theta0, rngFromSeed(4));
      expect(E.isLeft(result) ? result.left.message : 'no error').toContain("optimizer must be an object whose kind is 'lbfgs'");
    }
  });

  it('rejects an unknown kind, naming the caller', () => {
    const unknown = { kind: 'adam' } as unknown as OptimizerSettings;
    const [result] = minimizeWith('trainSomething', unknown, objective, theta0, rngFromSeed(4));

    expect(E.isLeft(result)).toBe(true);
    expect(E.isLeft(result) ? result.left.message : '').toContain('trainSomething');
    expect(E.isLeft(result) ? result.left.message : '').toContain("'lbfgs', 'gradient-descent' or 'sgd'");
  });
});
