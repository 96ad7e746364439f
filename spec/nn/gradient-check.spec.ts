import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { DEFAULT_RELATIVE_STEP, numericalGradient, relativeGradientError } from '../../src/nn/gradient-check.js';

/**
 * Central differences of a quadratic are exact up to rounding: the error is about EPS |f| / h with
 * h about 6e-6, roughly 4e-11 for |f| near 1, so 1e-9 relative to the gradient scale passes.
 */
const QUADRATIC_TOLERANCE = 1e-9;

/** A central difference of a smooth function is accurate to about EPS^(2/3), roughly 4e-11; 1e-8 leaves a margin. */
const SMOOTH_TOLERANCE = 1e-8;

const coordinates = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 6 });

describe('numericalGradient', () => {
  it('recovers the gradient of a quadratic', () => {
    fc.assert(
      fc.property(coordinates, (theta) => {
        // f(t) = sum_i (i + 1) t_i^2 + t_i, so df/dt_i = 2 (i + 1) t_i + 1.
        const f = (t: ArrayLike<number>): number => {
          let sum = 0;
          for (let i = 0; i < t.length; i++) sum += (i + 1) * t[i] * t[i] + t[i];
          return sum;
        };
        const numeric = numericalGradient(f, theta);
        theta.forEach((t, i) => {
          const exact = 2 * (i + 1) * t + 1;
          expect(Math.abs(numeric[i] - exact)).toBeLessThanOrEqual(QUADRATIC_TOLERANCE * Math.max(1, f(theta)));
        });
      }),
      { numRuns: 50 },
    );
  });

  it('recovers the gradient of sum sin(t_i)', () => {
    fc.assert(
      fc.property(coordinates, (theta) => {
        const f = (t: ArrayLike<number>): number => {
          let sum = 0;
          for (let i = 0; i < t.length; i++) sum += Math.sin(t[i]);
          return sum;
        };
        const numeric = numericalGradient(f, theta);
        theta.forEach((t, i) => {
          expect(Math.abs(numeric[i] - Math.cos(t))).toBeLessThanOrEqual(SMOOTH_TOLERANCE * theta.length);
        });
      }),
      { numRuns: 50 },
    );
  });

  it('does not modify theta', () => {
    const theta = Float64Array.of(1, -2, 3);
    numericalGradient((t) => t[0] * t[1] * t[2], theta);
    expect(Array.from(theta)).toEqual([1, -2, 3]);
  });

  it('defaults to a step of cbrt(EPS)', () => {
    expect(DEFAULT_RELATIVE_STEP).toBe(Math.cbrt(Number.EPSILON));
  });
});

describe('relativeGradientError', () => {
  it('is 0 for equal vectors, including two zero vectors', () => {
    expect(relativeGradientError([1, -2, 3], [1, -2, 3])).toBe(0);
    expect(relativeGradientError([0, 0], [0, 0])).toBe(0);
  });

  it('is 1 for opposite vectors and for one zero vector', () => {
    expect(relativeGradientError([1, 2], [-1, -2])).toBe(1);
    expect(relativeGradientError([0, 0], [3, 4])).toBe(1);
  });

  it('is ||a - n|| / (||a|| + ||n||)', () => {
    // ||a - n|| = 5 * 1e-3, ||a|| = 5, ||n|| = sqrt(3.003^2 + 4.004^2) = 5.005.
    const error = relativeGradientError([3, 4], [3.003, 4.004]);
    expect(error).toBeCloseTo(5e-3 / 10.005, 15);
  });

  it('is symmetric and in [0, 1]', () => {
    const pair = fc.integer({ min: 1, max: 6 }).chain((n) => {
      const vector = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n, maxLength: n });
      return fc.tuple(vector, vector);
    });
    fc.assert(
      fc.property(pair, ([a, n]) => {
        const forward = relativeGradientError(a, n);
        expect(forward).toBe(relativeGradientError(n, a));
        expect(forward).toBeGreaterThanOrEqual(0);
        // The triangle inequality bounds the ratio by 1, up to the rounding of three square roots.
        expect(forward).toBeLessThanOrEqual(1 + 4 * Number.EPSILON);
      }),
      { numRuns: 50 },
    );
  });

  it('throws for different lengths', () => {
    expect(() => relativeGradientError([1, 2], [1])).toThrow(RangeError);
  });
});
