import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  ACTIVATION_NAMES,
  type ActivationName,
  activate,
  activateInPlace,
  addBiasAndActivateInPlace,
  derivativeFromOutput,
  isActivationName,
  multiplyByDerivativeInPlace,
  relu,
  sigmoid,
} from '../../src/nn/activation.js';
import { numericalGradient } from '../../src/nn/gradient-check.js';

const EPS = Number.EPSILON;

/** Pre-activations of moderate size, where 1 / (1 + exp(-u)) itself is accurate to a few ulps. */
const MODERATE_U = 30;

/**
 * ReLU has a kink at 0, and a central difference with step about 6e-6 that straddles it is wrong,
 * so derivative checks keep |u| above this margin.
 */
const KINK_MARGIN = 1e-3;

/**
 * A central difference is accurate to about EPS^(2/3), roughly 4e-11 relative, so 1e-8 leaves a
 * margin of 250 and still fails for any wrong derivative formula.
 */
const DERIVATIVE_TOLERANCE = 1e-8;

const moderateU = fc.double({ min: -MODERATE_U, max: MODERATE_U, noNaN: true });

/** Pre-activations with |u| >= KINK_MARGIN, built by pushing the magnitude away from 0. */
const awayFromKink = fc
  .tuple(fc.double({ min: 0, max: 5, noNaN: true }), fc.boolean())
  .map(([magnitude, negative]) => (negative ? -1 : 1) * (KINK_MARGIN + magnitude));

describe('sigmoid', () => {
  it('is exact at saturation, never NaN', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(Number.MAX_VALUE)).toBe(1);
    expect(sigmoid(-Number.MAX_VALUE)).toBe(0);
    expect(sigmoid(0)).toBe(0.5);
  });

  it('keeps tiny outputs where 1 / (1 + exp(-u)) underflows', () => {
    // exp(740) overflows, so the naive form returns 0, while the exact value is about 4e-322.
    expect(1 / (1 + Math.exp(740))).toBe(0);
    expect(sigmoid(-740)).toBeGreaterThan(0);
  });

  it('matches the defining formula for moderate u', () => {
    fc.assert(
      fc.property(moderateU, (u) => {
        const expected = 1 / (1 + Math.exp(-u));
        // Both forms round a handful of operations, each within EPS relative.
        expect(Math.abs(sigmoid(u) - expected)).toBeLessThanOrEqual(4 * EPS * expected);
      }),
      { numRuns: 100 },
    );
  });

  it('satisfies sigmoid(-u) = 1 - sigmoid(u)', () => {
    fc.assert(
      fc.property(moderateU, (u) => {
        // Values lie in [0, 1], so the absolute rounding error of each side is a few EPS.
        expect(Math.abs(sigmoid(-u) - (1 - sigmoid(u)))).toBeLessThanOrEqual(4 * EPS);
      }),
      { numRuns: 100 },
    );
  });
});

describe('relu', () => {
  it('is max(0, u)', () => {
    expect(relu(-2)).toBe(0);
    expect(relu(3)).toBe(3);
    expect(relu(0)).toBe(0);
  });

  it('has derivative 0 at u = 0 by convention', () => {
    expect(derivativeFromOutput('relu', relu(0))).toBe(0);
  });

  it('propagates NaN', () => {
    expect(relu(Number.NaN)).toBeNaN();
  });
});

describe('derivativeFromOutput', () => {
  for (const name of ACTIVATION_NAMES) {
    it(`matches a central difference for ${name}`, () => {
      const input = name === 'relu' ? awayFromKink : moderateU;
      fc.assert(
        fc.property(input, (u) => {
          const [numeric] = numericalGradient((t) => activate(name, t[0]), [u]);
          const analytic = derivativeFromOutput(name, activate(name, u));
          expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(DERIVATIVE_TOLERANCE * Math.max(1, Math.abs(analytic)));
        }),
        { numRuns: 100 },
      );
    });
  }
});

describe('array kernels', () => {
  const values = fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 0, maxLength: 20 });

  for (const name of ACTIVATION_NAMES) {
    it(`activateInPlace equals the scalar form for ${name}`, () => {
      fc.assert(
        fc.property(values, (us) => {
          const buffer = Float64Array.from(us);
          activateInPlace(name, buffer);
          for (let i = 0; i < us.length; i++) expect(buffer[i]).toBe(activate(name, us[i]));
        }),
        { numRuns: 50 },
      );
    });

    it(`multiplyByDerivativeInPlace equals the scalar form for ${name}`, () => {
      fc.assert(
        fc.property(values, (us) => {
          const outputs = us.map((u) => activate(name, u));
          const delta = Float64Array.from(us, (_, i) => i + 1);
          multiplyByDerivativeInPlace(name, delta, outputs);
          for (let i = 0; i < us.length; i++) expect(delta[i]).toBe((i + 1) * derivativeFromOutput(name, outputs[i]));
        }),
        { numRuns: 50 },
      );
    });
  }

  it('addBiasAndActivateInPlace adds bias j to column j', () => {
    const buffer = Float64Array.of(1, 2, 3, -4, -5, -6);
    addBiasAndActivateInPlace('relu', buffer, [10, 0, 1]);
    expect(Array.from(buffer)).toEqual([11, 2, 4, 6, 0, 0]);
  });

  it('sigmoid kernel is finite at +-1000', () => {
    const buffer = Float64Array.of(1000, -1000, 0);
    activateInPlace('sigmoid', buffer);
    expect(Array.from(buffer)).toEqual([1, 0, 0.5]);
  });
});

describe('isActivationName', () => {
  it('accepts every name and rejects others', () => {
    for (const name of ACTIVATION_NAMES) expect(isActivationName(name)).toBe(true);
    const others: unknown[] = ['softmax', 'Sigmoid', '', 1, null, undefined];
    for (const other of others) expect(isActivationName(other)).toBe(false);
  });

  it('lists four names', () => {
    const expected: ActivationName[] = ['sigmoid', 'tanh', 'identity', 'relu'];
    expect([...ACTIVATION_NAMES]).toEqual(expected);
  });
});
