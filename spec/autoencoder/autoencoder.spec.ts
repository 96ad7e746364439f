import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  decode,
  encode,
  hiddenActivationMeans,
  meanReconstructionError,
  reconstruct,
} from '../../src/autoencoder/autoencoder.js';
import { type AutoencoderConfig, type AutoencoderParams, parameterCount, unpackParams } from '../../src/autoencoder/params.js';
import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import { ACTIVATION_NAMES } from '../../src/nn/activation.js';
import { referenceActivation } from '../support/reference.js';

const EPS = Number.EPSILON;

/** Sizes up to 6 keep each case fast while covering H < D, H = D and H > D. */
const MAX_SIZE = 6;

/**
 * With D, H <= 6 and all entries in [-1, 1], every pre-activation is a sum of at most 7 terms of
 * size <= 7 (ReLU and identity outputs grow up to 7), so each layer adds at most about
 * 7 * 7 * 7 EPS = 343 EPS of rounding error; 2048 EPS covers both layers.
 */
const FORWARD_TOLERANCE = 2048 * EPS;

/** Encodes and decodes one sample by the loop formulas y_j = f(sum_k W_jk x_k + b_j), x^_i = f~(sum_j W~_ij y_j + b~_i). */
const referenceSample = (
  config: AutoencoderConfig,
  params: AutoencoderParams,
  x: ArrayLike<number>,
): { y: number[]; xHat: number[] } => {
  const { inputSize: d, hiddenSize: h } = config;
  const y: number[] = [];
  for (let j = 0; j < h; j++) {
    let u = params.b[j];
    for (let k = 0; k < d; k++) u += params.W.data[j * d + k] * x[k];
    y.push(referenceActivation(config.hiddenActivation, u));
  }
  const xHat: number[] = [];
  for (let i = 0; i < d; i++) {
    let u = params.bDecoder[i];
    for (let j = 0; j < h; j++) {
      const decoderWeight = params.WDecoder === null ? params.W.data[j * d + i] : params.WDecoder.data[i * h + j];
      u += decoderWeight * y[j];
    }
    xHat.push(referenceActivation(config.outputActivation, u));
  }
  return { y, xHat };
};

interface Case {
  readonly config: AutoencoderConfig;
  readonly params: AutoencoderParams;
  readonly samples: Matrix;
}

/** A configuration, parameters and samples, all entries in [-1, 1]. */
const cases: fc.Arbitrary<Case> = fc
  .record({
    inputSize: fc.integer({ min: 1, max: MAX_SIZE }),
    hiddenSize: fc.integer({ min: 1, max: MAX_SIZE }),
    sampleCount: fc.integer({ min: 1, max: 5 }),
    tied: fc.boolean(),
    hiddenActivation: fc.constantFrom(...ACTIVATION_NAMES),
    outputActivation: fc.constantFrom(...ACTIVATION_NAMES),
  })
  .chain(({ sampleCount, ...rest }) => {
    const config: AutoencoderConfig = { ...rest, loss: 'squared-error' };
    const entry = fc.double({ min: -1, max: 1, noNaN: true });
    const vector = (length: number): fc.Arbitrary<Float64Array> =>
      fc.array(entry, { minLength: length, maxLength: length }).map((values) => Float64Array.from(values));
    return fc.record({ theta: vector(parameterCount(config)), samples: vector(sampleCount * config.inputSize) }).map(
      ({ theta, samples }): Case => ({
        config,
        params: unpackParams(config, theta),
        samples: unsafeMatrix(sampleCount, config.inputSize, samples),
      }),
    );
  });

const rowOf = (m: Matrix, n: number): Float64Array => m.data.subarray(n * m.cols, (n + 1) * m.cols) as Float64Array;

describe('encode', () => {
  it('computes f(W x + b) for every sample', () => {
    fc.assert(
      fc.property(cases, ({ config, params, samples }) => {
        const hidden = encode(config, params, samples);
        expect([hidden.rows, hidden.cols]).toEqual([samples.rows, config.hiddenSize]);
        for (let n = 0; n < samples.rows; n++) {
          const { y } = referenceSample(config, params, rowOf(samples, n));
          y.forEach((value, j) => expect(Math.abs(hidden.data[n * config.hiddenSize + j] - value)).toBeLessThanOrEqual(FORWARD_TOLERANCE));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('throws when the samples have other than D columns', () => {
    const config: AutoencoderConfig = {
      inputSize: 3,
      hiddenSize: 2,
      tied: true,
      hiddenActivation: 'sigmoid',
      outputActivation: 'identity',
      loss: 'squared-error',
    };
    const params = unpackParams(config, new Float64Array(parameterCount(config)));
    expect(() => encode(config, params, unsafeMatrix(1, 4, new Float64Array(4)))).toThrow(RangeError);
  });
});

describe('decode and reconstruct', () => {
  it('compute f~(W~ y + b~) of the encoding', () => {
    fc.assert(
      fc.property(cases, ({ config, params, samples }) => {
        const output = reconstruct(config, params, samples);
        expect([output.rows, output.cols]).toEqual([samples.rows, config.inputSize]);
        for (let n = 0; n < samples.rows; n++) {
          const { xHat } = referenceSample(config, params, rowOf(samples, n));
          xHat.forEach((value, i) => expect(Math.abs(output.data[n * config.inputSize + i] - value)).toBeLessThanOrEqual(FORWARD_TOLERANCE));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('give the same result for tied weights and untied weights W~ = W^T', () => {
    fc.assert(
      fc.property(cases, ({ config, params, samples }) => {
        const { inputSize: d, hiddenSize: h } = config;
        const transpose = new Float64Array(d * h);
        for (let j = 0; j < h; j++) for (let i = 0; i < d; i++) transpose[i * h + j] = params.W.data[j * d + i];
        const tied = reconstruct({ ...config, tied: true }, { ...params, WDecoder: null }, samples);
        const untied = reconstruct({ ...config, tied: false }, { ...params, WDecoder: unsafeMatrix(d, h, transpose) }, samples);
        tied.data.forEach((value, k) => expect(Math.abs(value - untied.data[k])).toBeLessThanOrEqual(FORWARD_TOLERANCE));
      }),
      { numRuns: 30 },
    );
  });

  it('decode of encode is reconstruct', () => {
    fc.assert(
      fc.property(cases, ({ config, params, samples }) => {
        const twoSteps = decode(config, params, encode(config, params, samples));
        expect(Array.from(twoSteps.data)).toEqual(Array.from(reconstruct(config, params, samples).data));
      }),
      { numRuns: 20 },
    );
  });
});

describe('meanReconstructionError', () => {
  it('is the mean over samples of (1/2) ||x - x^||^2', () => {
    fc.assert(
      fc.property(cases, ({ config, params, samples }) => {
        let sum = 0;
        for (let n = 0; n < samples.rows; n++) {
          const x = rowOf(samples, n);
          const { xHat } = referenceSample(config, params, x);
          xHat.forEach((value, i) => {
            sum += 0.5 * (x[i] - value) ** 2;
          });
        }
        const expected = sum / samples.rows;
        // Each of the D terms (1/2) r^2 per sample changes by at most |r| FORWARD_TOLERANCE, with |r| <= 8.
        expect(Math.abs(meanReconstructionError(config, params, samples) - expected)).toBeLessThanOrEqual(
          8 * FORWARD_TOLERANCE * config.inputSize,
        );
      }),
      { numRuns: 50 },
    );
  });
});

describe('hiddenActivationMeans', () => {
  it('is the column mean of the encoding', () => {
    fc.assert(
      fc.property(cases, ({ config, params, samples }) => {
        const means = hiddenActivationMeans(config, params, samples);
        expect(means.length).toBe(config.hiddenSize);
        const expected = new Array<number>(config.hiddenSize).fill(0);
        for (let n = 0; n < samples.rows; n++) {
          referenceSample(config, params, rowOf(samples, n)).y.forEach((value, j) => {
            expected[j] += value / samples.rows;
          });
        }
        expected.forEach((value, j) => expect(Math.abs(means[j] - value)).toBeLessThanOrEqual(FORWARD_TOLERANCE));
      }),
      { numRuns: 50 },
    );
  });
});

describe('forward pass purity', () => {
  it('does not modify the parameters or the samples', () => {
    fc.assert(
      fc.property(cases, ({ config, params, samples }) => {
        const snapshot = (): number[] => [
          ...params.W.data,
          ...params.b,
          ...(params.WDecoder?.data ?? []),
          ...params.bDecoder,
          ...samples.data,
        ];
        const before = snapshot();
        reconstruct(config, params, samples);
        meanReconstructionError(config, params, samples);
        hiddenActivationMeans(config, params, samples);
        expect(snapshot()).toEqual(before);
      }),
      { numRuns: 20 },
    );
  });
});
