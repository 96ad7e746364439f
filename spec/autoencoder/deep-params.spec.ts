import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { reconstruct } from '../../src/autoencoder/autoencoder.js';
import { reconstructDeep } from '../../src/autoencoder/deep.js';
import {
  type DeepAutoencoderConfig,
  deepParameterCount,
  initializeDeepAutoencoder,
  layerShapes,
  packDeepParams,
  unpackDeepParams,
  unrollEncoders,
  unrolledSizes,
  validateDeepConfig,
  viewDeepParams,
} from '../../src/autoencoder/deep-params.js';
import { type AutoencoderConfig, type AutoencoderParams, initializeAutoencoder } from '../../src/autoencoder/params.js';
import { unsafeMatrix } from '../../src/linalg/matrix.js';
import { transpose } from '../../src/linalg/ops.js';
import { MAX_SEED, rngFromSeed, uniforms } from '../../src/random/rng.js';
import { worstDifference } from '../support/arbitraries.js';

const EPS = Number.EPSILON;

/** Small sizes keep each case fast; depths 1 to 3 cover the code layer at every position. */
const MAX_SIZE = 6;
const MAX_DEPTH = 3;

const baseConfig: DeepAutoencoderConfig = {
  encoderSizes: [5, 4, 3, 2],
  hiddenActivation: 'sigmoid',
  codeActivation: 'identity',
  outputActivation: 'sigmoid',
  loss: 'cross-entropy',
};

const configs = fc
  .array(fc.integer({ min: 1, max: MAX_SIZE }), { minLength: 2, maxLength: MAX_DEPTH + 1 })
  .map((encoderSizes): DeepAutoencoderConfig => ({ ...baseConfig, encoderSizes }));

const seeds = fc.integer({ min: 0, max: MAX_SEED });

/** Returns the `argument` of an `InvalidArgumentError`, or a marker when the result is something else. */
const argumentOf = (result: E.Either<unknown, unknown>): string =>
  E.isLeft(result) && typeof result.left === 'object' && result.left !== null && 'argument' in result.left
    ? String(result.left.argument)
    : 'no InvalidArgumentError';
const bytesOf = (values: ArrayLike<number>): Buffer => Buffer.from(Float64Array.from(values).buffer);

// -------------------------------------------------------------------------------------------------
// Shapes
// -------------------------------------------------------------------------------------------------

describe('layerShapes', () => {
  it('mirrors the encoder sizes', () => {
    expect(unrolledSizes(baseConfig)).toEqual([5, 4, 3, 2, 3, 4, 5]);
    expect(layerShapes(baseConfig).map((s) => [s.inputSize, s.outputSize])).toEqual([
      [5, 4],
      [4, 3],
      [3, 2],
      [2, 3],
      [3, 4],
      [4, 5],
    ]);
  });

  it('uses the code activation at layer k and the output activation last', () => {
    const config = { ...baseConfig, hiddenActivation: 'tanh' as const };
    const activations = layerShapes(config).map((s) => s.activation);
    expect(activations).toEqual(['tanh', 'tanh', 'identity', 'tanh', 'tanh', 'sigmoid']);
    expect(layerShapes({ ...config, encoderSizes: [3, 2] }).map((s) => s.activation)).toEqual(['identity', 'sigmoid']);
  });

  it('lays the layers end to end in theta', () => {
    fc.assert(
      fc.property(configs, (config) => {
        const shapes = layerShapes(config);
        let offset = 0;
        for (const shape of shapes) {
          expect(shape.offset).toBe(offset);
          offset += shape.outputSize * shape.inputSize + shape.outputSize;
        }
        expect(deepParameterCount(config)).toBe(offset);
      }),
      { numRuns: 30 },
    );
  });
});

describe('validateDeepConfig', () => {
  const argumentOf = (config: DeepAutoencoderConfig): string => {
    const result = validateDeepConfig('test', config);
    return E.isLeft(result) ? result.left.argument : 'no error';
  };

  it('accepts a valid configuration unchanged', () => {
    expect(validateDeepConfig('test', baseConfig)).toEqual(E.right(baseConfig));
  });

  it('rejects bad sizes, names and pairings, naming the field', () => {
    expect(argumentOf({ ...baseConfig, encoderSizes: [] })).toBe('config.encoderSizes');
    expect(argumentOf({ ...baseConfig, encoderSizes: [3, 2.5] })).toBe('config.encoderSizes[1]');
    expect(argumentOf({ ...baseConfig, hiddenActivation: 'step' as 'relu' })).toBe('config.hiddenActivation');
    expect(argumentOf({ ...baseConfig, loss: 'hinge' as 'squared-error' })).toBe('config.loss');
    expect(argumentOf({ ...baseConfig, outputActivation: 'tanh' })).toBe('config.outputActivation');
  });
});

// -------------------------------------------------------------------------------------------------
// The flat parameter vector
// -------------------------------------------------------------------------------------------------

describe('packDeepParams', () => {
  it('inverts unpackDeepParams', () => {
    fc.assert(
      fc.property(configs, seeds, (config, seed) => {
        const [theta] = uniforms(rngFromSeed(seed), deepParameterCount(config), -1, 1);
        expect(bytesOf(packDeepParams(config, unpackDeepParams(config, theta)))).toEqual(bytesOf(theta));
      }),
      { numRuns: 30 },
    );
  });

  it('copies on unpacking and aliases on viewing', () => {
    const [theta] = uniforms(rngFromSeed(1), deepParameterCount(baseConfig), -1, 1);
    const copy = unpackDeepParams(baseConfig, theta);
    const view = viewDeepParams(baseConfig, theta);
    expect(copy.layers[0].W.data.buffer).not.toBe(theta.buffer);
    expect(view.layers[0].W.data.buffer).toBe(theta.buffer);
  });

  it('rejects theta of the wrong length and layers of the wrong shape', () => {
    expect(() => viewDeepParams(baseConfig, new Float64Array(3))).toThrow(RangeError);
    const [params] = initializeDeepAutoencoder(rngFromSeed(1), baseConfig);
    expect(() => packDeepParams(baseConfig, { layers: params.layers.slice(1) })).toThrow(RangeError);
    const [shallow] = initializeDeepAutoencoder(rngFromSeed(1), { ...baseConfig, encoderSizes: [5, 4, 3, 1] });
    expect(() => packDeepParams(baseConfig, shallow)).toThrow(/layer 3/);
  });
});

describe('initializeDeepAutoencoder', () => {
  it('draws identical parameters from the same generator', () => {
    fc.assert(
      fc.property(configs, seeds, (config, seed) => {
        const [first, firstNext] = initializeDeepAutoencoder(rngFromSeed(seed), config);
        const [second, secondNext] = initializeDeepAutoencoder(rngFromSeed(seed), config);
        expect(bytesOf(packDeepParams(config, first))).toEqual(bytesOf(packDeepParams(config, second)));
        expect(firstNext).toEqual(secondNext);
      }),
      { numRuns: 20 },
    );
  });

  it('draws Glorot weights and zero biases', () => {
    const [params] = initializeDeepAutoencoder(rngFromSeed(3), baseConfig);
    layerShapes(baseConfig).forEach(({ inputSize, outputSize }, l) => {
      const bound = Math.sqrt(6 / (inputSize + outputSize));
      expect(params.layers[l].W.data.every((w) => Math.abs(w) <= bound)).toBe(true);
      expect(params.layers[l].b.every((b) => b === 0)).toBe(true);
    });
  });
});

// -------------------------------------------------------------------------------------------------
// Unrolling
// -------------------------------------------------------------------------------------------------

/** Draws one tied autoencoder per encoding layer, with random biases. */
const pretrainedStack = (config: DeepAutoencoderConfig, seed: number): AutoencoderParams[] => {
  const sizes = config.encoderSizes;
  let rng = rngFromSeed(seed);
  const stack: AutoencoderParams[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const layerConfig: AutoencoderConfig = {
      inputSize: sizes[l - 1],
      hiddenSize: sizes[l],
      tied: true,
      hiddenActivation: 'sigmoid',
      outputActivation: 'sigmoid',
      loss: 'cross-entropy',
    };
    const [params, afterParams] = initializeAutoencoder(rng, layerConfig);
    const [b, afterB] = uniforms(afterParams, sizes[l], -1, 1);
    const [bDecoder, next] = uniforms(afterB, sizes[l - 1], -1, 1);
    stack.push({ ...params, b, bDecoder });
    rng = next;
  }
  return stack;
};

describe('unrollEncoders', () => {
  it('uses the encoders, then their transposes in reverse order', () => {
    fc.assert(
      fc.property(configs, seeds, (config, seed) => {
        const stack = pretrainedStack(config, seed);
        const unrolled = unrollEncoders(config, stack);
        if (E.isLeft(unrolled)) throw new Error(unrolled.left.message);
        const layers = unrolled.right.layers;
        const k = stack.length;

        expect(layers.length).toBe(2 * k);
        stack.forEach((encoder, i) => {
          expect(layers[i].W.data).toEqual(encoder.W.data);
          expect(layers[i].b).toEqual(encoder.b);
          expect(layers[2 * k - 1 - i].W).toEqual(transpose(encoder.W));
          expect(layers[2 * k - 1 - i].b).toEqual(encoder.bDecoder);
        });
      }),
      { numRuns: 30 },
    );
  });

  it('reconstructs like the tied autoencoder at depth 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_SIZE }), fc.integer({ min: 1, max: MAX_SIZE }), seeds, (d, h, seed) => {
        const config: DeepAutoencoderConfig = { ...baseConfig, encoderSizes: [d, h], codeActivation: 'sigmoid' };
        const [tied] = pretrainedStack(config, seed);
        const [x] = uniforms(rngFromSeed(seed + 1), 3 * d);
        const samples = unsafeMatrix(3, d, x);
        const unrolled = unrollEncoders(config, [tied]);
        if (E.isLeft(unrolled)) throw new Error(unrolled.left.message);

        const autoencoderConfig: AutoencoderConfig = {
          inputSize: d,
          hiddenSize: h,
          tied: true,
          hiddenActivation: 'sigmoid',
          outputActivation: 'sigmoid',
          loss: 'cross-entropy',
        };
        const expected = reconstruct(autoencoderConfig, tied, samples);
        const actual = reconstructDeep(config, unrolled.right, samples);

        // Both sum the same h products per output, possibly in another order: outputs lie in (0, 1),
        // and a sum of h terms of size at most |W| <= 1 rounds by at most h EPS each way.
        expect(worstDifference(actual.data, expected.data).difference).toBeLessThanOrEqual(8 * h * EPS);
      }),
      { numRuns: 30 },
    );
  });

  it('leaves the encoders unchanged and shares no memory with them', () => {
    const stack = pretrainedStack(baseConfig, 9);
    const before = stack.map((p) => Float64Array.from(p.W.data));
    const unrolled = unrollEncoders(baseConfig, stack);
    if (E.isLeft(unrolled)) throw new Error(unrolled.left.message);

    expect(stack.map((p) => Float64Array.from(p.W.data))).toEqual(before);
    expect(unrolled.right.layers[0].W.data.buffer).not.toBe(stack[0].W.data.buffer);
  });

  it('rejects a wrong number of encoders or a wrong shape, naming it', () => {
    const stack = pretrainedStack(baseConfig, 2);
    const count = unrollEncoders(baseConfig, stack.slice(1));
    expect(argumentOf(count)).toBe('encoders.length');

    const swapped = unrollEncoders(baseConfig, [stack[0], stack[2], stack[1]]);
    expect(argumentOf(swapped)).toBe('encoders[1]');

    const badConfig = unrollEncoders({ ...baseConfig, encoderSizes: [5] }, stack);
    expect(argumentOf(badConfig)).toBe('config.encoderSizes');
  });
});
