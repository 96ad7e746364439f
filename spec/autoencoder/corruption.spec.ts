import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  type Corruption,
  additiveGaussianNoise,
  corruptionFromSettings,
  maskingNoise,
  saltAndPepperNoise,
} from '../../src/autoencoder/corruption.js';
import type { InvalidArgumentError } from '../../src/linalg/errors.js';
import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import { MAX_SEED, rngFromSeed, uniforms } from '../../src/random/rng.js';
import { snapshot } from '../support/arbitraries.js';

// -------------------------------------------------------------------------------------------------
// Sizes, bounds and tolerances
// -------------------------------------------------------------------------------------------------

/** 100 x 80 = 8000 entries per statistical check: enough for tight bounds, fast enough for 30 runs. */
const ROWS = 100;
const COLS = 80;
const ENTRIES = ROWS * COLS;

/**
 * Every statistical check allows 5 standard deviations of its estimator. Under the null hypothesis a
 * normal deviation beyond 5 sd has probability about 5.7e-7 per check, so a few hundred checks per
 * run fail by chance with probability below 1e-3. A wrong rate (nu off by 0.03, sigma off by 5%)
 * moves the estimate by more than 5 sd at this sample size.
 */
const STANDARD_DEVIATIONS = 5;

/** Clean entries lie in [0.1, 0.9], so an entry of exactly 0, 0.05 or 0.95 can only come from the corruption. */
const CLEAN_LOW = 0.1;
const CLEAN_HIGH = 0.9;

/** Largest sigma drawn; any positive scale works, since the checks are relative to sigma. */
const MAX_SIGMA = 3;

const seeds = fc.integer({ min: 0, max: MAX_SEED });
const probabilities = fc.double({ min: 0, max: 1, noNaN: true });

/** Draws a ROWS x COLS matrix with entries uniform in [CLEAN_LOW, CLEAN_HIGH). */
const cleanSamples = (seed: number): Matrix => {
  const [values] = uniforms(rngFromSeed(seed), ENTRIES, CLEAN_LOW, CLEAN_HIGH);
  return unsafeMatrix(ROWS, COLS, values);
};

/** Binomial bound: |count - n p| <= 5 sqrt(n p (1 - p)), plus 1 for counts at p near 0 or 1. */
const binomialBound = (n: number, p: number): number => STANDARD_DEVIATIONS * Math.sqrt(n * p * (1 - p)) + 1;

const rightOf = <A>(result: E.Either<InvalidArgumentError, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

const leftOf = <A>(result: E.Either<InvalidArgumentError, A>): InvalidArgumentError => {
  if (E.isRight(result)) throw new Error('expected an InvalidArgumentError');
  return result.left;
};

/** Whether two arrays hold the same float64 bit patterns (a byte comparison, much faster than toEqual). */
const sameBytes = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
  Buffer.from(Float64Array.from(a).buffer).equals(Buffer.from(Float64Array.from(b).buffer));

// -------------------------------------------------------------------------------------------------
// Validation
// -------------------------------------------------------------------------------------------------

describe('corruption constructors', () => {
  it('reject nu outside the unit interval', () => {
    for (const nu of [-0.01, 1.01, Number.NaN, Infinity]) {
      expect(leftOf(maskingNoise(nu)).argument).toBe('nu');
      expect(leftOf(saltAndPepperNoise(nu)).argument).toBe('nu');
    }
  });

  it('reject a negative or non-finite sigma, naming sigma', () => {
    for (const sigma of [-1e-9, Number.NaN, Infinity]) {
      const error = leftOf(additiveGaussianNoise(sigma));
      expect(error.argument).toBe('sigma');
      expect(error.functionName).toBe('additiveGaussianNoise');
    }
  });

  it('reject a salt-and-pepper range with high below low', () => {
    expect(leftOf(saltAndPepperNoise(0.1, { low: 1, high: 0 })).argument).toBe('range.high');
    expect(leftOf(saltAndPepperNoise(0.1, { low: Number.NaN, high: 0 })).argument).toBe('range.low');
  });

  it('accept the ends of the ranges', () => {
    expect(E.isRight(maskingNoise(0))).toBe(true);
    expect(E.isRight(maskingNoise(1))).toBe(true);
    expect(E.isRight(additiveGaussianNoise(0))).toBe(true);
    expect(E.isRight(saltAndPepperNoise(1, { low: 0, high: 0 }))).toBe(true);
  });

  it('build each kind from settings with the same checks', () => {
    expect(E.isRight(corruptionFromSettings({ kind: 'gaussian', sigma: 0.3 }))).toBe(true);
    expect(leftOf(corruptionFromSettings({ kind: 'masking', nu: 2 })).argument).toBe('nu');
    expect(leftOf(corruptionFromSettings({ kind: 'salt-and-pepper', nu: -1 })).argument).toBe('nu');
  });
});

// -------------------------------------------------------------------------------------------------
// Statistics
// -------------------------------------------------------------------------------------------------

describe('maskingNoise', () => {
  it('masks a fraction nu within binomial bounds', () => {
    fc.assert(
      fc.property(probabilities, seeds, (nu, seed) => {
        const clean = cleanSamples(seed);
        const [corrupted] = rightOf(maskingNoise(nu))(rngFromSeed(seed + 1), clean);

        let masked = 0;
        for (let i = 0; i < ENTRIES; i++) if (corrupted.data[i] === 0) masked++;

        expect(Math.abs(masked - nu * ENTRIES)).toBeLessThanOrEqual(binomialBound(ENTRIES, nu));
      }),
      { numRuns: 30 },
    );
  });

  it('keeps every unmasked entry exactly', () => {
    fc.assert(
      fc.property(probabilities, seeds, (nu, seed) => {
        const clean = cleanSamples(seed);
        const [corrupted] = rightOf(maskingNoise(nu))(rngFromSeed(seed + 1), clean);

        let altered = 0;
        for (let i = 0; i < ENTRIES; i++) {
          if (corrupted.data[i] !== 0 && corrupted.data[i] !== clean.data[i]) altered++;
        }

        expect(altered).toBe(0);
      }),
      { numRuns: 20 },
    );
  });

  it('masks nothing at nu = 0 and everything at nu = 1', () => {
    const clean = cleanSamples(7);
    const [kept] = rightOf(maskingNoise(0))(rngFromSeed(1), clean);
    const [cleared] = rightOf(maskingNoise(1))(rngFromSeed(1), clean);
    expect(sameBytes(kept.data, clean.data)).toBe(true);
    expect(cleared.data.every((x) => x === 0)).toBe(true);
  });
});

describe('additiveGaussianNoise', () => {
  it('adds noise of mean 0 within 5 standard errors', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: MAX_SIGMA, noNaN: true }), seeds, (sigma, seed) => {
        const clean = cleanSamples(seed);
        const [corrupted] = rightOf(additiveGaussianNoise(sigma))(rngFromSeed(seed + 1), clean);

        let sum = 0;
        for (let i = 0; i < ENTRIES; i++) sum += corrupted.data[i] - clean.data[i];

        // The standard error of the mean of n draws is sigma / sqrt(n).
        expect(Math.abs(sum / ENTRIES)).toBeLessThanOrEqual((STANDARD_DEVIATIONS * sigma) / Math.sqrt(ENTRIES));
      }),
      { numRuns: 30 },
    );
  });

  it('adds noise of standard deviation sigma within 5 standard errors', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: MAX_SIGMA, noNaN: true }), seeds, (sigma, seed) => {
        const clean = cleanSamples(seed);
        const [corrupted] = rightOf(additiveGaussianNoise(sigma))(rngFromSeed(seed + 1), clean);

        let squares = 0;
        for (let i = 0; i < ENTRIES; i++) squares += (corrupted.data[i] - clean.data[i]) ** 2;
        const variance = squares / ENTRIES;

        // For normal noise the mean of n squares has standard deviation sigma^2 sqrt(2 / n).
        const bound = STANDARD_DEVIATIONS * sigma * sigma * Math.sqrt(2 / ENTRIES);
        expect(Math.abs(variance - sigma * sigma)).toBeLessThanOrEqual(bound);
      }),
      { numRuns: 30 },
    );
  });

  it('returns an exact copy at sigma = 0', () => {
    const clean = cleanSamples(3);
    const [corrupted] = rightOf(additiveGaussianNoise(0))(rngFromSeed(1), clean);
    expect(sameBytes(corrupted.data, clean.data)).toBe(true);
  });
});

describe('saltAndPepperNoise', () => {
  /** Clean samples whose global minimum is 0 and maximum is 1, at two known positions. */
  const samplesWithExtremes = (seed: number): Matrix => {
    const values = Float64Array.from(cleanSamples(seed).data);
    values[0] = 0;
    values[ENTRIES - 1] = 1;
    return unsafeMatrix(ROWS, COLS, values);
  };

  it('sets changed entries only to the global minimum or maximum', () => {
    fc.assert(
      fc.property(probabilities, seeds, (nu, seed) => {
        const clean = samplesWithExtremes(seed);
        const [corrupted] = rightOf(saltAndPepperNoise(nu))(rngFromSeed(seed + 1), clean);

        let otherValues = 0;
        for (let i = 0; i < ENTRIES; i++) {
          const value = corrupted.data[i];
          if (value !== clean.data[i] && value !== 0 && value !== 1) otherValues++;
        }

        expect(otherValues).toBe(0);
      }),
      { numRuns: 20 },
    );
  });

  it('replaces nu/2 of the entries by each extreme within binomial bounds', () => {
    fc.assert(
      fc.property(probabilities, seeds, (nu, seed) => {
        const clean = samplesWithExtremes(seed);
        const [corrupted] = rightOf(saltAndPepperNoise(nu))(rngFromSeed(seed + 1), clean);

        // Interior entries lie in [0.1, 0.9), so a 0 or a 1 there was set by the noise.
        let pepper = 0;
        let salt = 0;
        for (let i = 1; i < ENTRIES - 1; i++) {
          if (corrupted.data[i] === 0) pepper++;
          if (corrupted.data[i] === 1) salt++;
        }
        const n = ENTRIES - 2;

        expect(Math.abs(pepper - (nu / 2) * n)).toBeLessThanOrEqual(binomialBound(n, nu / 2));
        expect(Math.abs(salt - (nu / 2) * n)).toBeLessThanOrEqual(binomialBound(n, nu / 2));
      }),
      { numRuns: 30 },
    );
  });

  it('uses a given range instead of the data range', () => {
    const clean = cleanSamples(5);
    const [corrupted] = rightOf(saltAndPepperNoise(0.5, { low: 0.05, high: 0.95 }))(rngFromSeed(2), clean);

    let replaced = 0;
    let otherValues = 0;
    for (let i = 0; i < ENTRIES; i++) {
      const value = corrupted.data[i];
      if (value === 0.05 || value === 0.95) replaced++;
      else if (value !== clean.data[i]) otherValues++;
    }

    expect(otherValues).toBe(0);
    expect(Math.abs(replaced - 0.5 * ENTRIES)).toBeLessThanOrEqual(binomialBound(ENTRIES, 0.5));
  });
});

// -------------------------------------------------------------------------------------------------
// Purity
// -------------------------------------------------------------------------------------------------

const everyCorruption: ReadonlyArray<readonly [string, Corruption]> = [
  ['masking', rightOf(maskingNoise(0.3))],
  ['gaussian', rightOf(additiveGaussianNoise(0.3))],
  ['salt-and-pepper', rightOf(saltAndPepperNoise(0.3))],
];

describe.each(everyCorruption)('%s corruption', (_name, corrupt) => {
  it('gives identical bytes for the same generator', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const clean = cleanSamples(seed);
        const [first, firstNext] = corrupt(rngFromSeed(seed), clean);
        const [second, secondNext] = corrupt(rngFromSeed(seed), clean);

        expect(sameBytes(first.data, second.data)).toBe(true);
        expect(firstNext).toEqual(secondNext);
      }),
      { numRuns: 20 },
    );
  });

  it('draws different noise from the advanced generator', () => {
    const clean = cleanSamples(11);
    const [first, next] = corrupt(rngFromSeed(11), clean);
    const [second] = corrupt(next, clean);
    expect(sameBytes(first.data, second.data)).toBe(false);
  });

  it('leaves its input unchanged and keeps the shape', () => {
    const clean = cleanSamples(13);
    const before = snapshot(clean);
    const [corrupted] = corrupt(rngFromSeed(13), clean);

    expect(sameBytes(clean.data, before)).toBe(true);
    expect([corrupted.rows, corrupted.cols]).toEqual([ROWS, COLS]);
    expect(corrupted.data).not.toBe(clean.data);
  });
});
