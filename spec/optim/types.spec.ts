import { describe, expect, it } from 'vitest';

import {
  dot,
  evaluatedPoint,
  isFinitePoint,
  optimizationResult,
  trainingFailure,
  validateFirstEvaluation,
  validateTheta0,
} from '../../src/optim/types.js';

describe('evaluatedPoint', () => {
  it('copies the gradient and computes its norm', () => {
    const gradient = Float64Array.of(3, 4);

    const point = evaluatedPoint(Float64Array.of(1, 2), { loss: 2, gradient });
    gradient[0] = 100;

    expect(Array.from(point.gradient)).toEqual([3, 4]);
    expect(point.gradientNorm).toBe(5);
  });
});

describe('isFinitePoint', () => {
  const theta = Float64Array.of(0, 0);

  it.each([
    ['finite values', 1, [1, 2], true],
    ['a NaN loss', Number.NaN, [1, 2], false],
    ['an infinite loss', Number.NEGATIVE_INFINITY, [1, 2], false],
    ['a NaN gradient entry', 1, [1, Number.NaN], false],
    ['an infinite gradient entry', 1, [Number.POSITIVE_INFINITY, 2], false],
    ['a gradient whose squared norm overflows', 1, [1e200, 1], false],
  ] as const)('tells %s', (_, loss, gradient, expected) => {
    expect(isFinitePoint(evaluatedPoint(theta, { loss, gradient: Float64Array.from(gradient) }))).toBe(expected);
  });
});

describe('dot', () => {
  it('sums the products', () => {
    expect(dot(Float64Array.of(1, 2, 3), Float64Array.of(4, -5, 6))).toBe(12);
  });
});

describe('validateTheta0', () => {
  it('accepts a finite vector', () => {
    expect(validateTheta0('f', Float64Array.of(1, 2))).toBeUndefined();
  });

  it('names the first non-finite entry', () => {
    expect(validateTheta0('f', Float64Array.of(1, Number.NaN, Number.POSITIVE_INFINITY))?.argument).toBe('theta0[1]');
  });

  it('rejects an empty vector', () => {
    expect(validateTheta0('f', new Float64Array(0))?.message).toBe(
      'f: theta0 must be an array with at least one entry, got an empty array.',
    );
  });
});

describe('validateFirstEvaluation', () => {
  it('names a gradient of the wrong length', () => {
    const point = evaluatedPoint(Float64Array.of(1, 2), { loss: 0, gradient: Float64Array.of(1) });

    const error = validateFirstEvaluation('f', 'objective(theta0)', point);

    expect(error?.argument).toBe('objective(theta0).gradient.length');
  });
});

describe('optimizationResult', () => {
  it('copies theta and trims the history', () => {
    const theta = Float64Array.of(1, 2);
    const history = Float64Array.of(5, 4, 0, 0);

    const result = optimizationResult({ theta, loss: 4, gradientNorm: 0.5 }, 2, 3, 'max-iterations', history);
    history[0] = 100;

    expect(result.theta).not.toBe(theta);
    expect(Array.from(result.theta)).toEqual([1, 2]);
    expect(Array.from(result.lossHistory)).toEqual([5, 4]);
  });
});

describe('trainingFailure', () => {
  it('names the function and the iteration', () => {
    const lastFinite = optimizationResult(
      { theta: Float64Array.of(1), loss: 1, gradientNorm: 1 },
      0,
      1,
      'non-finite',
      new Float64Array(0),
    );

    const failure = trainingFailure('minimizeSomething', 7, Number.NaN, lastFinite);

    expect(failure._tag).toBe('NonFiniteLossError');
    expect(failure.iteration).toBe(7);
    expect(failure.message).toMatch(/^minimizeSomething: .* at iteration 7/);
    expect(failure.lastFinite).toBe(lastFinite);
  });
});
