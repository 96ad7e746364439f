import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  type AutoencoderConfig,
  initializeAutoencoder,
  packParams,
  parameterCount,
  parameterLayout,
  unpackParams,
  validateConfig,
  viewParams,
} from '../../src/autoencoder/params.js';
import { unsafeMatrix } from '../../src/linalg/matrix.js';
import { rngFromSeed } from '../../src/random/rng.js';

/** Small sizes keep each case fast while covering H < D, H = D and H > D. */
const MAX_SIZE = 6;

const baseConfig: AutoencoderConfig = {
  inputSize: 4,
  hiddenSize: 3,
  tied: false,
  hiddenActivation: 'sigmoid',
  outputActivation: 'identity',
  loss: 'squared-error',
};

const configs = fc
  .record({
    inputSize: fc.integer({ min: 1, max: MAX_SIZE }),
    hiddenSize: fc.integer({ min: 1, max: MAX_SIZE }),
    tied: fc.boolean(),
  })
  .map((sizes): AutoencoderConfig => ({ ...baseConfig, ...sizes }));

/** A configuration together with a parameter vector of matching length. */
const configAndTheta = configs.chain((config) =>
  fc
    .array(fc.double({ min: -10, max: 10, noNaN: true }), {
      minLength: parameterCount(config),
      maxLength: parameterCount(config),
    })
    .map((values) => [config, Float64Array.from(values)] as const),
);

const bytesOf = (values: ArrayLike<number>): Uint8Array => new Uint8Array(Float64Array.from(values).buffer);

describe('parameterCount', () => {
  it('counts tied and untied parameters', () => {
    // H D + H + D when tied, 2 H D + H + D when untied.
    expect(parameterCount({ ...baseConfig, tied: true })).toBe(4 * 3 + 3 + 4);
    expect(parameterCount({ ...baseConfig, tied: false })).toBe(2 * 4 * 3 + 3 + 4);
  });

  it('places W, b, W~ and b~ in that order', () => {
    expect(parameterLayout(baseConfig)).toEqual({ W: 0, b: 12, WDecoder: 15, bDecoder: 27, length: 31 });
    expect(parameterLayout({ ...baseConfig, tied: true })).toEqual({ W: 0, b: 12, WDecoder: -1, bDecoder: 15, length: 19 });
  });
});

describe('packParams and unpackParams', () => {
  it('round-trip theta exactly', () => {
    fc.assert(
      fc.property(configAndTheta, ([config, theta]) => {
        expect(bytesOf(packParams(config, unpackParams(config, theta)))).toEqual(bytesOf(theta));
      }),
      { numRuns: 50 },
    );
  });

  it('unpack into blocks of the documented shapes', () => {
    fc.assert(
      fc.property(configAndTheta, ([config, theta]) => {
        const params = unpackParams(config, theta);
        const { inputSize: d, hiddenSize: h } = config;
        expect([params.W.rows, params.W.cols]).toEqual([h, d]);
        expect(params.b.length).toBe(h);
        expect(params.bDecoder.length).toBe(d);
        if (config.tied) {
          expect(params.WDecoder).toBeNull();
        } else {
          expect([params.WDecoder?.rows, params.WDecoder?.cols]).toEqual([d, h]);
        }
        // Entry (j, k) of W is theta[j * D + k]; b follows W.
        expect(params.W.data[d * (h - 1)]).toBe(theta[d * (h - 1)]);
        expect(params.b[0]).toBe(theta[h * d]);
      }),
      { numRuns: 50 },
    );
  });

  it('unpack copies rather than aliasing theta', () => {
    const theta = new Float64Array(parameterCount(baseConfig)).fill(1);
    const params = unpackParams(baseConfig, theta);
    expect(params.W.data.buffer).not.toBe(theta.buffer);
    expect(params.b.buffer).not.toBe(theta.buffer);
    expect(params.bDecoder.buffer).not.toBe(theta.buffer);
  });

  it('view aliases theta without copying', () => {
    const theta = new Float64Array(parameterCount(baseConfig));
    expect(viewParams(baseConfig, theta).W.data.buffer).toBe(theta.buffer);
  });

  it('reject a theta of the wrong length', () => {
    const theta = new Float64Array(parameterCount(baseConfig) + 1);
    expect(() => unpackParams(baseConfig, theta)).toThrow(RangeError);
  });

  it('pack rejects blocks of the wrong shape', () => {
    const params = unpackParams(baseConfig, new Float64Array(parameterCount(baseConfig)));
    expect(() => packParams(baseConfig, { ...params, W: unsafeMatrix(4, 3, new Float64Array(12)) })).toThrow(RangeError);
    expect(() => packParams(baseConfig, { ...params, b: new Float64Array(4) })).toThrow(RangeError);
    expect(() => packParams(baseConfig, { ...params, WDecoder: null })).toThrow(RangeError);
  });

  it('pack does not modify its inputs', () => {
    const theta = Float64Array.from({ length: parameterCount(baseConfig) }, (_, i) => i);
    const params = unpackParams(baseConfig, theta);
    const before = bytesOf(params.W.data);
    packParams(baseConfig, params);
    expect(bytesOf(params.W.data)).toEqual(before);
  });
});

describe('initializeAutoencoder', () => {
  it('gives identical bytes for the same seed', () => {
    for (const tied of [false, true]) {
      const config = { ...baseConfig, tied };
      const [first, firstNext] = initializeAutoencoder(rngFromSeed(7), config);
      const [second, secondNext] = initializeAutoencoder(rngFromSeed(7), config);
      expect(bytesOf(packParams(config, first))).toEqual(bytesOf(packParams(config, second)));
      expect(firstNext).toEqual(secondNext);
    }
  });

  it('gives different weights for different seeds', () => {
    const [first] = initializeAutoencoder(rngFromSeed(1), baseConfig);
    const [second] = initializeAutoencoder(rngFromSeed(2), baseConfig);
    expect(bytesOf(first.W.data)).not.toEqual(bytesOf(second.W.data));
  });

  it('draws Glorot-uniform weights and zero biases', () => {
    fc.assert(
      fc.property(configs, fc.integer({ min: 0, max: 2 ** 32 - 1 }), (config, seed) => {
        const [params] = initializeAutoencoder(rngFromSeed(seed), config);
        const bound = Math.sqrt(6 / (config.inputSize + config.hiddenSize));
        for (const w of params.W.data) expect(Math.abs(w)).toBeLessThanOrEqual(bound);
        for (const w of params.WDecoder?.data ?? []) expect(Math.abs(w)).toBeLessThanOrEqual(bound);
        expect(params.WDecoder === null).toBe(config.tied);
        expect(Array.from(params.b).every((v) => v === 0)).toBe(true);
        expect(Array.from(params.bDecoder).every((v) => v === 0)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});

describe('validateConfig', () => {
  const rejected = (config: unknown): { argument: string; value: string; message: string } => {
    const result = validateConfig('fitAutoencoder', config as AutoencoderConfig);
    if (E.isRight(result)) throw new Error('expected the configuration to be rejected');
    return result.left;
  };

  it('accepts a valid configuration unchanged', () => {
    expect(validateConfig('fitAutoencoder', baseConfig)).toEqual(E.right(baseConfig));
  });

  it('rejects sizes that are not positive integers, naming the field and value', () => {
    const cases: ReadonlyArray<readonly [Partial<Record<keyof AutoencoderConfig, unknown>>, string, string]> = [
      [{ inputSize: 0 }, 'config.inputSize', '0'],
      [{ inputSize: 2.5 }, 'config.inputSize', '2.5'],
      [{ hiddenSize: -1 }, 'config.hiddenSize', '-1'],
      [{ hiddenSize: Number.NaN }, 'config.hiddenSize', 'NaN'],
    ];
    for (const [change, argument, value] of cases) {
      const error = rejected({ ...baseConfig, ...change });
      expect(error.argument).toBe(argument);
      expect(error.value).toBe(value);
      expect(error.message).toContain('fitAutoencoder');
    }
  });

  it('rejects unknown activation and loss names', () => {
    expect(rejected({ ...baseConfig, hiddenActivation: 'softmax' }).argument).toBe('config.hiddenActivation');
    expect(rejected({ ...baseConfig, outputActivation: 'gelu' }).value).toBe("'gelu'");
    expect(rejected({ ...baseConfig, loss: 'mse' }).argument).toBe('config.loss');
    expect(rejected({ ...baseConfig, tied: 'yes' }).argument).toBe('config.tied');
  });

  it('rejects cross-entropy without a sigmoid output', () => {
    const error = rejected({ ...baseConfig, outputActivation: 'identity', loss: 'cross-entropy' });
    expect(error.argument).toBe('config.outputActivation');
    expect(error.message).toContain('cross-entropy');
  });
});
