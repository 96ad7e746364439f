import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  type DenseLayer,
  initializeLayers,
  layerParameterCount,
  layerSizesOf,
  packLayers,
  unpackLayers,
  validateLayerSizes,
  validateLayers,
  viewLayers,
} from '../../src/classifier/layers.js';
import type { InvalidArgumentError } from '../../src/linalg/errors.js';
import { unsafeMatrix } from '../../src/linalg/matrix.js';
import { rngFromSeed } from '../../src/random/rng.js';

/** Networks of 1-3 layers with 1-6 units per layer (2-6 classes): small, but every layout case. */
const MAX_DEPTH = 3;
const MAX_WIDTH = 6;

const sizesArbitrary = fc
  .tuple(
    fc.array(fc.integer({ min: 1, max: MAX_WIDTH }), { minLength: 1, maxLength: MAX_DEPTH }),
    fc.integer({ min: 2, max: MAX_WIDTH }),
  )
  .map(([front, classes]) => [...front, classes]);

/** The argument named by the rejection, or undefined when the call succeeded. */
const rejectedArgument = (result: E.Either<InvalidArgumentError, unknown>): string | undefined =>
  E.isLeft(result) ? result.left.argument : undefined;

describe('layer sizes and parameter count', () => {
  it('theta length is the sum of out * in + out', () => {
    expect(layerParameterCount([784, 200, 200, 10])).toBe(784 * 200 + 200 + 200 * 200 + 200 + 200 * 10 + 10);
  });

  it('rejects fewer than two classes naming the entry', () => {
    const result = validateLayerSizes('f', 'sizes', [4, 3, 1]);
    expect(rejectedArgument(result)).toBe('sizes[2]');
  });

  it('rejects a non-integer size naming the entry', () => {
    const result = validateLayerSizes('f', 'sizes', [4, 2.5, 3]);
    expect(rejectedArgument(result)).toBe('sizes[1]');
  });
});

describe('packLayers and unpackLayers', () => {
  it('unpack after pack is the identity', () => {
    fc.assert(
      fc.property(sizesArbitrary, fc.integer({ min: 0, max: 1000 }), (sizes, seed) => {
        const [layers] = initializeLayers(rngFromSeed(seed), sizes);
        const biased = layers.map((layer, l): DenseLayer => ({ W: layer.W, b: layer.b.map((_, j) => l + j / 8) }));
        const round = unpackLayers(sizes, packLayers(biased));
        expect(layerSizesOf(round)).toEqual(sizes);
        round.forEach((layer, l) => {
          expect(layer.W.data).toEqual(biased[l].W.data);
          expect(layer.b).toEqual(biased[l].b);
        });
      }),
      { numRuns: 30 },
    );
  });

  it('views alias theta and unpacked copies do not', () => {
    const sizes = [3, 2, 2];
    const theta = new Float64Array(layerParameterCount(sizes));
    const view = viewLayers(sizes, theta);
    const copy = unpackLayers(sizes, theta);
    theta[0] = 5;
    expect(view[0].W.data[0]).toBe(5);
    expect(copy[0].W.data[0]).toBe(0);
  });

  it('rejects a theta of the wrong length', () => {
    expect(() => viewLayers([3, 2], new Float64Array(3))).toThrow(RangeError);
  });
});

describe('initializeLayers', () => {
  it('draws Glorot weights within their bound and zero biases', () => {
    const sizes = [20, 10, 5];
    const [layers] = initializeLayers(rngFromSeed(3), sizes);
    layers.forEach((layer, l) => {
      const bound = Math.sqrt(6 / (sizes[l] + sizes[l + 1]));
      for (const w of layer.W.data) expect(Math.abs(w)).toBeLessThanOrEqual(bound);
      expect(Array.from(layer.b)).toEqual(new Array(sizes[l + 1]).fill(0));
    });
  });

  it('same seed gives identical bytes', () => {
    const [a] = initializeLayers(rngFromSeed(9), [5, 4, 3]);
    const [b] = initializeLayers(rngFromSeed(9), [5, 4, 3]);
    expect(packLayers(a)).toEqual(packLayers(b));
  });
});

describe('validateLayers', () => {
  const layer = (rows: number, cols: number): DenseLayer => ({
    W: unsafeMatrix(rows, cols, new Float64Array(rows * cols)),
    b: new Float64Array(rows),
  });

  it('accepts chained layers', () => {
    expect(E.isRight(validateLayers('f', 'layers', [layer(3, 4), layer(2, 3)]))).toBe(true);
  });

  it('rejects layers that do not chain naming the layer', () => {
    const result = validateLayers('f', 'layers', [layer(3, 4), layer(2, 5)]);
    expect(rejectedArgument(result)).toBe('layers[1].W');
  });

  it('rejects a bias of the wrong length', () => {
    const result = validateLayers('f', 'layers', [{ W: layer(3, 4).W, b: new Float64Array(2) }]);
    expect(rejectedArgument(result)).toBe('layers[0].b.length');
  });

  it('rejects a non-finite weight naming its entry', () => {
    const bad = layer(2, 2);
    const W = unsafeMatrix(2, 2, Float64Array.of(0, 0, Number.POSITIVE_INFINITY, 0));
    const result = validateLayers('f', 'layers', [{ W, b: bad.b }]);
    expect(rejectedArgument(result)).toBe('layers[0].W[1, 0]');
  });

  it('rejects an empty list', () => {
    const result = validateLayers('f', 'layers', []);
    expect(rejectedArgument(result)).toBe('layers.length');
  });
});
