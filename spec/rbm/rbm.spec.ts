import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { InvalidArgumentError } from '../../src/linalg/errors.js';
import { type Matrix, fromRows, unsafeMatrix } from '../../src/linalg/matrix.js';
import { rngFromSeed } from '../../src/random/rng.js';
import {
  INITIAL_WEIGHT_SD,
  type RbmParams,
  VISIBLE_MEAN_CLAMP,
  contrastiveDivergence,
  hiddenProbabilities,
  initializeRbm,
  rbmEncoder,
  sampleBernoulli,
  visibleProbabilities,
} from '../../src/rbm/rbm.js';
import { snapshot } from '../support/arbitraries.js';

const EPS = Number.EPSILON;

// -------------------------------------------------------------------------------------------------
// A tiny RBM whose log-likelihood gradient can be computed exactly
// -------------------------------------------------------------------------------------------------

/** 3 visible and 2 hidden units: 2^5 = 32 joint states to enumerate. */
const VISIBLE = 3;
const HIDDEN = 2;

/**
 * Parameters in [-1, 1]. With weights of this size one Gibbs step already mixes well, so CD-1 points
 * close to the exact gradient: for 20 settings drawn from N(0, 1) the measured cosines were 0.96 and
 * above. Larger weights (standard deviation 2) gave cosines down to 0.76, the known bias of CD-1.
 */
const PARAMETER_BOUND = 1;

/** CD-1 estimates averaged per check: the noise of the mean is then about 2% of the gradient's norm. */
const CD_DRAWS = 2000;

/** Pass mark of the cosine between the mean CD-1 estimate and the exact gradient. */
const MIN_COSINE = 0.9;

/** A fixed binary data set of four vectors, far from the model's distribution for most parameters. */
const DATA = [
  [1, 0, 1],
  [1, 1, 0],
  [0, 0, 1],
  [1, 0, 0],
];

const sigmoid = (u: number): number => 1 / (1 + Math.exp(-u));

/**
 * Computes the exact gradient of the mean log-likelihood, laid out as W (H x D), c (H), b (D):
 * <h v^T>_data - <h v^T>_model with the data term from P(h | v) and the model term summed over all
 * 2^(D + H) states with weight e^{-E(v, h)} / Z.
 */
const exactGradient = (params: RbmParams, data: number[][]): number[] => {
  const { W, hiddenBias: c, visibleBias: b } = params;
  const gradient = new Array<number>(HIDDEN * VISIBLE + HIDDEN + VISIBLE).fill(0);
  const cOffset = HIDDEN * VISIBLE;
  const bOffset = cOffset + HIDDEN;
  for (const v of data) {
    for (let j = 0; j < HIDDEN; j++) {
      let u = c[j];
      for (let i = 0; i < VISIBLE; i++) u += W.data[j * VISIBLE + i] * v[i];
      const q = sigmoid(u) / data.length;
      gradient[cOffset + j] += q;
      for (let i = 0; i < VISIBLE; i++) gradient[j * VISIBLE + i] += q * v[i];
    }
    for (let i = 0; i < VISIBLE; i++) gradient[bOffset + i] += v[i] / data.length;
  }
  let partition = 0;
  const model = new Array<number>(gradient.length).fill(0);
  for (let vs = 0; vs < 1 << VISIBLE; vs++) {
    const v = Array.from({ length: VISIBLE }, (_, i) => (vs >> i) & 1);
    for (let hs = 0; hs < 1 << HIDDEN; hs++) {
      const h = Array.from({ length: HIDDEN }, (_, j) => (hs >> j) & 1);
      let minusEnergy = 0;
      for (let i = 0; i < VISIBLE; i++) minusEnergy += b[i] * v[i];
      for (let j = 0; j < HIDDEN; j++) {
        minusEnergy += c[j] * h[j];
        for (let i = 0; i < VISIBLE; i++) minusEnergy += h[j] * W.data[j * VISIBLE + i] * v[i];
      }
      const weight = Math.exp(minusEnergy);
      partition += weight;
      for (let j = 0; j < HIDDEN; j++) {
        model[cOffset + j] += weight * h[j];
        for (let i = 0; i < VISIBLE; i++) model[j * VISIBLE + i] += weight * h[j] * v[i];
      }
      for (let i = 0; i < VISIBLE; i++) model[bOffset + i] += weight * v[i];
    }
  }
  return gradient.map((g, k) => g - model[k] / partition);
};

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return dot / Math.sqrt(aa * bb);
};

const paramsArbitrary: fc.Arbitrary<RbmParams> = fc
  .array(fc.double({ min: -PARAMETER_BOUND, max: PARAMETER_BOUND, noNaN: true }), {
    minLength: HIDDEN * VISIBLE + HIDDEN + VISIBLE,
    maxLength: HIDDEN * VISIBLE + HIDDEN + VISIBLE,
  })
  .map((values) => {
    const all = Float64Array.from(values);
    return {
      W: unsafeMatrix(HIDDEN, VISIBLE, all.slice(0, HIDDEN * VISIBLE)),
      hiddenBias: all.slice(HIDDEN * VISIBLE, HIDDEN * VISIBLE + HIDDEN),
      visibleBias: all.slice(HIDDEN * VISIBLE + HIDDEN),
    };
  });

/** The argument named by the rejection, or undefined when the call succeeded. */
const rejectedArgument = (result: E.Either<InvalidArgumentError, unknown>): string | undefined =>
  E.isLeft(result) ? result.left.argument : undefined;

const rightOf = <A>(result: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

const dataMatrix: Matrix = unsafeMatrix(DATA.length, VISIBLE, Float64Array.from(DATA.flat()));

// -------------------------------------------------------------------------------------------------
// Contrastive divergence
// -------------------------------------------------------------------------------------------------

describe('contrastiveDivergence', () => {
  it('CD-1 points along the exact log-likelihood gradient', () => {
    fc.assert(
      fc.property(paramsArbitrary, fc.integer({ min: 0, max: 2 ** 31 }), (params, seed) => {
        const mean = new Float64Array(HIDDEN * VISIBLE + HIDDEN + VISIBLE);
        let rng = rngFromSeed(seed);
        for (let draw = 0; draw < CD_DRAWS; draw++) {
          const [estimate, next] = contrastiveDivergence(params, dataMatrix, 1, rng);
          rng = next;
          const { W, hiddenBias, visibleBias } = rightOf(estimate);
          [...W.data, ...hiddenBias, ...visibleBias].forEach((g, k) => {
            mean[k] += g / CD_DRAWS;
          });
        }
        expect(cosine(mean, exactGradient(params, DATA))).toBeGreaterThan(MIN_COSINE);
      }),
      { numRuns: 10 },
    );
  });

  it('is zero when the reconstruction equals the data', () => {
    // With W = 0, P(v | h) = sigmoid(b) whatever h is. Data equal to sigmoid(b) is then reproduced
    // exactly, and P(h | v) = sigmoid(c) on both sides, so every statistic cancels.
    const visibleBias = Float64Array.of(-1, 0.5, 2);
    const params: RbmParams = { W: unsafeMatrix(2, 3, new Float64Array(6)), hiddenBias: Float64Array.of(0.3, -0.2), visibleBias };
    const batch = unsafeMatrix(2, 3, Float64Array.from([...visibleBias, ...visibleBias].map(sigmoid)));
    const [estimate] = contrastiveDivergence(params, batch, 3, rngFromSeed(1));
    const { W, hiddenBias, visibleBias: visibleEstimate, reconstructionError } = rightOf(estimate);
    // Identical operations on identical inputs: the differences are exactly 0.
    for (const g of [...W.data, ...hiddenBias, ...visibleEstimate]) expect(g).toBe(0);
    expect(reconstructionError).toBe(0);
  });

  it('same seed gives identical bytes', () => {
    const [params] = initializeRbm(rngFromSeed(4), 2, [0.3, 0.5, 0.9]);
    const [a] = contrastiveDivergence(params, dataMatrix, 2, rngFromSeed(8));
    const [b] = contrastiveDivergence(params, dataMatrix, 2, rngFromSeed(8));
    expect(rightOf(a).W.data).toEqual(rightOf(b).W.data);
    expect(rightOf(a).hiddenBias).toEqual(rightOf(b).hiddenBias);
  });

  it('does not write into its inputs', () => {
    const [params] = initializeRbm(rngFromSeed(4), 2, [0.3, 0.5, 0.9]);
    const before = [snapshot(params.W), Float64Array.from(params.hiddenBias), Float64Array.from(params.visibleBias)];
    const batchBefore = snapshot(dataMatrix);
    contrastiveDivergence(params, dataMatrix, 1, rngFromSeed(8));
    expect([params.W.data, params.hiddenBias, params.visibleBias]).toEqual(before);
    expect(dataMatrix.data).toEqual(batchBefore);
  });

  it('rejects invalid arguments naming them', () => {
    const [params] = initializeRbm(rngFromSeed(4), 2, [0.3, 0.5, 0.9]);
    const rng = rngFromSeed(1);
    const outside = rightOf(fromRows([[0, 1.5, 0]]));
    const narrow = rightOf(fromRows([[0, 1]]));
    const badBias: RbmParams = { ...params, hiddenBias: new Float64Array(3) };
    const cases: ReadonlyArray<[E.Either<InvalidArgumentError, unknown>, string]> = [
      [contrastiveDivergence(params, dataMatrix, 0, rng)[0], 'cdSteps'],
      [contrastiveDivergence(params, outside, 1, rng)[0], 'batch[0, 1]'],
      [contrastiveDivergence(params, narrow, 1, rng)[0], 'batch'],
      [contrastiveDivergence(badBias, dataMatrix, 1, rng)[0], 'params.hiddenBias.length'],
    ];
    for (const [result, argument] of cases) expect(rejectedArgument(result)).toBe(argument);
  });
});

// -------------------------------------------------------------------------------------------------
// Conditionals, sampling and initialisation
// -------------------------------------------------------------------------------------------------

describe('conditionals', () => {
  it('match the sigmoid formulas and the encoder', () => {
    fc.assert(
      fc.property(paramsArbitrary, (params) => {
        const v = dataMatrix;
        const p = hiddenProbabilities(params, v);
        for (let n = 0; n < v.rows; n++) {
          for (let j = 0; j < HIDDEN; j++) {
            let u = params.hiddenBias[j];
            for (let i = 0; i < VISIBLE; i++) u += params.W.data[j * VISIBLE + i] * v.data[n * VISIBLE + i];
            // A sum of four terms of size <= 1 and a sigmoid: a few EPS.
            expect(Math.abs(p.data[n * HIDDEN + j] - sigmoid(u))).toBeLessThanOrEqual(16 * EPS);
          }
        }
        const q = visibleProbabilities(params, p);
        for (let n = 0; n < v.rows; n++) {
          for (let i = 0; i < VISIBLE; i++) {
            let u = params.visibleBias[i];
            for (let j = 0; j < HIDDEN; j++) u += params.W.data[j * VISIBLE + i] * p.data[n * HIDDEN + j];
            expect(Math.abs(q.data[n * VISIBLE + i] - sigmoid(u))).toBeLessThanOrEqual(16 * EPS);
          }
        }
        expect(rbmEncoder(params).b).toBe(params.hiddenBias);
      }),
      { numRuns: 30 },
    );
  });
});

describe('sampleBernoulli', () => {
  it('ones occur with the given probability within binomial bounds', () => {
    const count = 20000;
    const p = 0.3;
    const [states] = sampleBernoulli(rngFromSeed(11), unsafeMatrix(1, count, new Float64Array(count).fill(p)));
    const ones = states.data.reduce((sum, s) => sum + s, 0);
    // Five binomial standard deviations sqrt(n p (1 - p)) = 64.8: fails by chance with probability 6e-7.
    expect(Math.abs(ones - count * p)).toBeLessThanOrEqual(5 * Math.sqrt(count * p * (1 - p)));
  });

  it('probabilities 0 and 1 give fixed states', () => {
    const [states] = sampleBernoulli(rngFromSeed(2), unsafeMatrix(1, 4, Float64Array.of(0, 1, 0, 1)));
    expect(Array.from(states.data)).toEqual([0, 1, 0, 1]);
  });
});

describe('initializeRbm', () => {
  it('visible biases are the log-odds of the clamped means', () => {
    const [params] = initializeRbm(rngFromSeed(1), 4, [0, 0.5, 0.25, 1]);
    const logit = (p: number) => Math.log(p / (1 - p));
    expect(params.visibleBias[0]).toBe(logit(VISIBLE_MEAN_CLAMP));
    expect(params.visibleBias[1]).toBe(0);
    expect(params.visibleBias[2]).toBe(logit(0.25));
    expect(params.visibleBias[3]).toBe(logit(1 - VISIBLE_MEAN_CLAMP));
    expect(Array.from(params.hiddenBias)).toEqual([0, 0, 0, 0]);
  });

  it('weights have the stated standard deviation', () => {
    const [params] = initializeRbm(rngFromSeed(1), 100, new Float64Array(100).fill(0.5));
    const w = params.W.data;
    const sd = Math.sqrt(w.reduce((sum, x) => sum + x * x, 0) / w.length);
    // 10,000 normal draws: the sample standard deviation is within 3% of sigma with overwhelming probability
    // (its relative standard error is 1 / sqrt(2 n) = 0.7%).
    expect(Math.abs(sd / INITIAL_WEIGHT_SD - 1)).toBeLessThan(0.03);
  });
});
