import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { numericalGradient } from '../../src/nn/gradient-check.js';
import {
  RHO_HAT_MAX,
  RHO_HAT_MIN,
  klDivergence,
  klDivergenceDerivative,
  sparsityPenalty,
} from '../../src/nn/kl.js';

const EPS = Number.EPSILON;

/**
 * Bounds of rho and rhoHat for comparisons with the textbook formula. Inside [0.01, 0.99] no log
 * argument is extreme, so the textbook formula is accurate to a few ulps of its terms.
 */
const MODERATE_MIN = 0.01;
const MODERATE_MAX = 0.99;

/**
 * Relative tolerance of the derivative check. The step is cbrt(EPS) times min(rhoHat, 1 - rhoHat),
 * so a central difference is accurate to about EPS^(2/3) (4e-11) of the size of the cancelling
 * terms rho / rhoHat and (1 - rho) / (1 - rhoHat). A tolerance of 1e-7 leaves a wide margin and
 * still fails for a wrong sign or factor.
 */
const DERIVATIVE_TOLERANCE = 1e-7;

const textbookKl = (rho: number, rhoHat: number): { value: number; scale: number } => {
  const first = rho * Math.log(rho / rhoHat);
  const second = (1 - rho) * Math.log((1 - rho) / (1 - rhoHat));
  return { value: first + second, scale: Math.abs(first) + Math.abs(second) };
};

const openUnit = fc.double({ min: 0, max: 1, minExcluded: true, maxExcluded: true, noNaN: true });
const closedUnit = fc.double({ min: 0, max: 1, noNaN: true });
const moderate = fc.double({ min: MODERATE_MIN, max: MODERATE_MAX, noNaN: true });

describe('klDivergence', () => {
  it('is non-negative', () => {
    fc.assert(
      fc.property(openUnit, closedUnit, (rho, rhoHat) => {
        expect(klDivergence(rho, rhoHat)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });

  it('is exactly 0 at rhoHat = rho', () => {
    fc.assert(
      fc.property(openUnit, (rho) => {
        expect(klDivergence(rho, rho)).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('is finite for every rhoHat in [0, 1]', () => {
    fc.assert(
      fc.property(openUnit, closedUnit, (rho, rhoHat) => {
        expect(Number.isFinite(klDivergence(rho, rhoHat))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('matches the clamped textbook value at rhoHat = 0 and 1', () => {
    const rho = 0.05;
    // At the clamps the textbook formula has no extreme argument left, so it is accurate to a few ulps.
    const atZero = textbookKl(rho, RHO_HAT_MIN).value;
    const atOne = rho * Math.log(rho / RHO_HAT_MAX) + (1 - rho) * Math.log((1 - rho) / 2 ** -53);
    expect(Math.abs(klDivergence(rho, 0) - atZero)).toBeLessThanOrEqual(64 * EPS * atZero);
    expect(Math.abs(klDivergence(rho, 1) - atOne)).toBeLessThanOrEqual(64 * EPS * atOne);
    expect(klDivergence(rho, 0)).toBeCloseTo(34.459, 3);
    expect(klDivergence(rho, 1)).toBeCloseTo(34.701, 3);
  });

  it('matches the textbook formula away from 0 and 1', () => {
    fc.assert(
      fc.property(moderate, moderate, (rho, rhoHat) => {
        const { value, scale } = textbookKl(rho, rhoHat);
        // Both forms round a handful of operations on terms no larger than `scale` (+1 for the ratios near 1).
        expect(Math.abs(klDivergence(rho, rhoHat) - value)).toBeLessThanOrEqual(32 * EPS * (1 + scale));
      }),
      { numRuns: 200 },
    );
  });
});

describe('klDivergenceDerivative', () => {
  it('matches a central difference of klDivergence', () => {
    fc.assert(
      fc.property(moderate, moderate, (rho, rhoHat) => {
        const step = Math.cbrt(EPS) * Math.min(rhoHat, 1 - rhoHat);
        const [numeric] = numericalGradient((t) => klDivergence(rho, t[0]), [rhoHat], step);
        const analytic = klDivergenceDerivative(rho, rhoHat);
        const scale = rho / rhoHat + (1 - rho) / (1 - rhoHat);
        expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(DERIVATIVE_TOLERANCE * scale);
      }),
      { numRuns: 200 },
    );
  });

  it('is exactly 0 at rhoHat = rho', () => {
    expect(klDivergenceDerivative(0.05, 0.05)).toBe(0);
    expect(klDivergenceDerivative(0.3, 0.3)).toBe(0);
  });

  it('is finite and signed at 0 and 1', () => {
    expect(Number.isFinite(klDivergenceDerivative(0.05, 0))).toBe(true);
    expect(Number.isFinite(klDivergenceDerivative(0.05, 1))).toBe(true);
    expect(klDivergenceDerivative(0.05, 0)).toBeLessThan(0);
    expect(klDivergenceDerivative(0.05, 1)).toBeGreaterThan(0);
  });
});

describe('sparsityPenalty', () => {
  it('sums the KL divergence over hidden units', () => {
    const rhoHat = [0.1, 0.05, 0.5];
    const expected = klDivergence(0.05, 0.1) + klDivergence(0.05, 0.05) + klDivergence(0.05, 0.5);
    expect(sparsityPenalty(0.05, rhoHat)).toBe(expected);
  });
});
