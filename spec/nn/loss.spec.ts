import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { type ActivationName, activate, sigmoid } from '../../src/nn/activation.js';
import { numericalGradient } from '../../src/nn/gradient-check.js';
import {
  LOSS_NAMES,
  type LossName,
  crossEntropyFromPreActivation,
  crossEntropyTerm,
  isLossName,
  outputLossAndDeltaInPlace,
  softplus,
  squaredError,
} from '../../src/nn/loss.js';

const EPS = Number.EPSILON;

/**
 * Bound on |u| where the naive cross-entropy -[x log s + (1 - x) log(1 - s)] is itself accurate:
 * 1 - s(5) is about 6.7e-3, so forming it loses at most a factor 150 of relative accuracy.
 */
const NAIVE_ACCURATE_U = 5;

/**
 * Relative tolerance of the naive cross-entropy reference up to NAIVE_ACCURATE_U: the factor 150 lost
 * in forming 1 - s, times a few rounded operations, times EPS.
 */
const NAIVE_TOLERANCE = 1024 * EPS;

/** A central difference is accurate to about EPS^(2/3), roughly 4e-11 relative; 1e-8 leaves a margin of 250. */
const DERIVATIVE_TOLERANCE = 1e-8;

/** ReLU outputs keep |u| above this margin so that the central difference does not straddle the kink. */
const KINK_MARGIN = 1e-3;

const naiveCrossEntropy = (x: number, u: number): number => {
  const s = 1 / (1 + Math.exp(-u));
  return -(x * Math.log(s) + (1 - x) * Math.log(1 - s));
};

const probability = fc.double({ min: 0, max: 1, noNaN: true });
const moderateU = fc.double({ min: -NAIVE_ACCURATE_U, max: NAIVE_ACCURATE_U, noNaN: true });

describe('softplus', () => {
  it('is finite and exact at +-1000', () => {
    expect(softplus(1000)).toBe(1000);
    expect(softplus(-1000)).toBe(0);
  });

  it('matches log(1 + exp(u)) for moderate u', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), (u) => {
        const expected = Math.log(1 + Math.exp(u));
        // The naive form loses accuracy for negative u (1 + e^u rounds), by at most EPS absolute.
        expect(Math.abs(softplus(u) - expected)).toBeLessThanOrEqual(4 * EPS * Math.max(1, expected));
      }),
      { numRuns: 100 },
    );
  });
});

describe('crossEntropyTerm', () => {
  it('matches the naive formula where that formula is accurate', () => {
    fc.assert(
      fc.property(probability, moderateU, (x, u) => {
        const expected = naiveCrossEntropy(x, u);
        expect(Math.abs(crossEntropyTerm(x, u) - expected)).toBeLessThanOrEqual(NAIVE_TOLERANCE * Math.max(1, expected));
      }),
      { numRuns: 100 },
    );
  });

  it('is finite where the output saturates to exactly 0 or 1', () => {
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0);
    expect(naiveCrossEntropy(0, 800)).toBe(Infinity);
    // Exact: softplus(800) - x * 800, and log1p(exp(-800)) = 0 in float64.
    expect(crossEntropyTerm(0, 800)).toBe(800);
    expect(crossEntropyTerm(1, 800)).toBe(0);
    expect(crossEntropyTerm(0.5, 800)).toBe(400);
    expect(crossEntropyTerm(1, -800)).toBe(800);
    expect(crossEntropyTerm(0, -800)).toBe(0);
  });

  it('is non-negative for targets in [0, 1]', () => {
    fc.assert(
      fc.property(probability, fc.double({ min: -1000, max: 1000, noNaN: true }), (x, u) => {
        // The exact value is >= 0. Cancellation in max(u, 0) - x u can leave rounding noise of a few ulps of |u|.
        expect(crossEntropyTerm(x, u)).toBeGreaterThanOrEqual(-4 * EPS * Math.abs(u));
      }),
      { numRuns: 100 },
    );
  });

  it('sums over entries in crossEntropyFromPreActivation', () => {
    const target = [0, 1, 0.25];
    const u = [0.5, -2, 3];
    const expected = crossEntropyTerm(0, 0.5) + crossEntropyTerm(1, -2) + crossEntropyTerm(0.25, 3);
    expect(crossEntropyFromPreActivation(target, u)).toBe(expected);
  });
});

describe('squaredError', () => {
  it('is half the squared distance', () => {
    expect(squaredError([1, 2, 3], [1, 0, 6])).toBe(0.5 * (4 + 9));
  });
});

describe('outputLossAndDeltaInPlace', () => {
  const pairs: ReadonlyArray<readonly [ActivationName, LossName]> = [
    ['identity', 'squared-error'],
    ['sigmoid', 'squared-error'],
    ['tanh', 'squared-error'],
    ['relu', 'squared-error'],
    ['sigmoid', 'cross-entropy'],
  ];

  /** The loss of a single entry, written from the definitions. */
  const entryLoss = (activation: ActivationName, loss: LossName, x: number, u: number): number =>
    loss === 'cross-entropy' ? crossEntropyTerm(x, u) : 0.5 * (activate(activation, u) - x) ** 2;

  const preActivation = (activation: ActivationName): fc.Arbitrary<number> =>
    activation === 'relu'
      ? fc
          .tuple(fc.double({ min: 0, max: 3, noNaN: true }), fc.boolean())
          .map(([magnitude, negative]) => (negative ? -1 : 1) * (KINK_MARGIN + magnitude))
      : fc.double({ min: -4, max: 4, noNaN: true });

  for (const [activation, loss] of pairs) {
    it(`returns the summed loss for ${activation} with ${loss}`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(probability, preActivation(activation)), { minLength: 1, maxLength: 8 }), (entries) => {
          const target = entries.map(([x]) => x);
          const values = Float64Array.from(entries, ([, u]) => u);
          const total = outputLossAndDeltaInPlace(activation, loss, target, values, 1);
          let expected = 0;
          for (const [x, u] of entries) expected += entryLoss(activation, loss, x, u);
          // Same terms summed in the same order, each formed in a few roundings.
          expect(Math.abs(total - expected)).toBeLessThanOrEqual(16 * EPS * Math.max(1, expected));
        }),
        { numRuns: 50 },
      );
    });

    it(`returns scale * dLoss/du for ${activation} with ${loss}`, () => {
      fc.assert(
        fc.property(probability, preActivation(activation), fc.double({ min: 0.1, max: 2, noNaN: true }), (x, u, scale) => {
          const values = Float64Array.of(u);
          outputLossAndDeltaInPlace(activation, loss, [x], values, scale);
          const [numeric] = numericalGradient((t) => entryLoss(activation, loss, x, t[0]), [u]);
          expect(Math.abs(values[0] - scale * numeric)).toBeLessThanOrEqual(
            DERIVATIVE_TOLERANCE * Math.max(1, Math.abs(values[0])),
          );
        }),
        { numRuns: 100 },
      );
    });
  }

  it('gives x^ - x for sigmoid with cross-entropy, even at saturation', () => {
    const values = Float64Array.of(-1000, 1000, 0);
    const total = outputLossAndDeltaInPlace('sigmoid', 'cross-entropy', [1, 0, 0.5], values, 1);
    expect(Array.from(values)).toEqual([-1, 1, 0]);
    expect(total).toBe(2000 + Math.log(2));
  });

  it('gives u - x for identity with squared error', () => {
    const values = Float64Array.of(3, -1);
    const total = outputLossAndDeltaInPlace('identity', 'squared-error', [1, 1], values, 0.5);
    expect(Array.from(values)).toEqual([1, -1]);
    expect(total).toBe(0.5 * (4 + 4));
  });

  it('throws for cross-entropy without a sigmoid output', () => {
    expect(() => outputLossAndDeltaInPlace('tanh', 'cross-entropy', [0], Float64Array.of(0), 1)).toThrow(RangeError);
  });
});

describe('isLossName', () => {
  it('accepts every loss name and rejects others', () => {
    for (const name of LOSS_NAMES) expect(isLossName(name)).toBe(true);
    const others: unknown[] = ['mse', 'cross_entropy', '', 0, null];
    for (const other of others) expect(isLossName(other)).toBe(false);
  });
});
