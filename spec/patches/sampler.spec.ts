import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { unsafeMatrix } from '../../src/linalg/matrix.js';
import { type SourceImage, samplePatches } from '../../src/patches/sampler.js';
import { rngFromSeed } from '../../src/random/rng.js';
import { right } from '../support/either.js';

/** Largest patch side generated; sides 1 (a single pixel) up to 5 cover the loop bounds of the copy. */
const MAX_PATCH_SIZE = 5;

/** How much larger than the patch an image side may be; 0 makes the patch fill the image exactly. */
const MAX_MARGIN = 7;

/** Up to 3 images, so that the image index is drawn from more than one choice. */
const MAX_IMAGES = 3;

/** Patches per run: enough to hit every image and edge position of these small images. */
const MAX_COUNT = 40;

/**
 * Pixel value that encodes its image and position, so a copied patch reveals where it came from:
 * image i, pixel index p -> 10^6 i + p.
 */
const codedImage = (index: number, width: number, height: number): SourceImage => {
  const data = new Float64Array(width * height);
  for (let p = 0; p < data.length; p++) data[p] = 1e6 * index + p;
  return { width, height, data, name: `image-${index}` };
};

/** A patch size s and 1-3 images whose sides are at least s, built by construction. */
const sampling = fc
  .integer({ min: 1, max: MAX_PATCH_SIZE })
  .chain((patchSize) =>
    fc.record({
      patchSize: fc.constant(patchSize),
      sides: fc.array(
        fc.tuple(fc.integer({ min: 0, max: MAX_MARGIN }), fc.integer({ min: 0, max: MAX_MARGIN })),
        { minLength: 1, maxLength: MAX_IMAGES },
      ),
      count: fc.integer({ min: 0, max: MAX_COUNT }),
      seed: fc.integer({ min: 0, max: 0xffffffff }),
    }),
  )
  .map(({ patchSize, sides, count, seed }) => ({
    patchSize,
    count,
    seed,
    images: sides.map(([extraWidth, extraHeight], i) => codedImage(i, patchSize + extraWidth, patchSize + extraHeight)),
  }));

const message = <A>(result: E.Either<{ readonly message: string }, A>): string =>
  E.isLeft(result) ? result.left.message : 'no error';

describe('samplePatches', () => {
  it('every patch lies inside its image', () => {
    fc.assert(
      fc.property(sampling, ({ patchSize, count, seed, images }) => {
        const [result] = samplePatches(images, { patchSize, count }, rngFromSeed(seed));
        const sample = right(result);

        for (let n = 0; n < count; n++) {
          const image = images[sample.imageIndices[n]];
          expect(sample.imageIndices[n]).toBeLessThan(images.length);
          expect(sample.lefts[n] + patchSize).toBeLessThanOrEqual(image.width);
          expect(sample.tops[n] + patchSize).toBeLessThanOrEqual(image.height);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('patch pixels are the image pixels at the reported origin', () => {
    fc.assert(
      fc.property(sampling, ({ patchSize, count, seed, images }) => {
        const [result] = samplePatches(images, { patchSize, count }, rngFromSeed(seed));
        const sample = right(result);

        expect(sample.patches.rows).toBe(count);
        expect(sample.patches.cols).toBe(patchSize * patchSize);
        for (let n = 0; n < count; n++) {
          const image = images[sample.imageIndices[n]];
          for (let y = 0; y < patchSize; y++) {
            for (let x = 0; x < patchSize; x++) {
              const expected = image.data[(sample.tops[n] + y) * image.width + sample.lefts[n] + x];
              // Copies are exact: no arithmetic touches the values.
              expect(sample.patches.data[n * patchSize * patchSize + y * patchSize + x]).toBe(expected);
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('same seed gives the same patches and generator', () => {
    fc.assert(
      fc.property(sampling, ({ patchSize, count, seed, images }) => {
        const [first, firstRng] = samplePatches(images, { patchSize, count }, rngFromSeed(seed));
        const [second, secondRng] = samplePatches(images, { patchSize, count }, rngFromSeed(seed));

        expect(right(second)).toEqual(right(first));
        expect(secondRng).toEqual(firstRng);
      }),
      { numRuns: 50 },
    );
  });

  it('reaches every corner position of a small image', () => {
    // A 3 x 2 image with 2 x 2 patches has origins (0, 0) and (1, 0); 200 draws miss one with
    // probability 2 * 2^-200.
    const image = codedImage(0, 3, 2);
    const [result] = samplePatches([image], { patchSize: 2, count: 200 }, rngFromSeed(7));
    const lefts = new Set(right(result).lefts);

    expect([...lefts].sort()).toEqual([0, 1]);
  });

  it('accepts a matrix as an image', () => {
    const image = codedImage(0, 6, 4);
    const asMatrix = unsafeMatrix(4, 6, Float64Array.from(image.data));
    const [fromImage] = samplePatches([image], { patchSize: 3, count: 10 }, rngFromSeed(3));
    const [fromMatrix] = samplePatches([asMatrix], { patchSize: 3, count: 10 }, rngFromSeed(3));

    expect(right(fromMatrix)).toEqual(right(fromImage));
  });

  it('leaves the images unchanged', () => {
    const image = codedImage(1, 9, 9);
    const before = Float64Array.from(image.data);
    samplePatches([image], { patchSize: 4, count: 20 }, rngFromSeed(5));

    expect(image.data).toEqual(before);
  });

  it('rejects a patch larger than an image, naming it and its size', () => {
    const images = [codedImage(0, 20, 20), { ...codedImage(1, 12, 10), name: 'black-canyon' }];
    const [result, rngAfter] = samplePatches(images, { patchSize: 11, count: 5 }, rngFromSeed(1));
    const text = message(result);

    expect(text).toContain('samplePatches');
    expect(text).toContain("'black-canyon'");
    expect(text).toContain('12 x 10 pixels');
    expect(text).toContain('got 11');
    expect(rngAfter).toEqual(rngFromSeed(1));
  });

  it('names an unnamed image by its index', () => {
    const matrix = unsafeMatrix(3, 4, new Float64Array(12));
    const [result] = samplePatches([matrix], { patchSize: 4, count: 1 }, rngFromSeed(1));

    expect(message(result)).toContain('image 0 of 4 x 3 pixels');
  });

  it('rejects invalid arguments', () => {
    const image = codedImage(0, 8, 8);
    const cases: [string, E.Either<{ readonly message: string }, unknown>][] = [
      ['images', samplePatches([], { patchSize: 2, count: 1 }, rngFromSeed(1))[0]],
      ['options.patchSize', samplePatches([image], { patchSize: 0, count: 1 }, rngFromSeed(1))[0]],
      ['options.patchSize', samplePatches([image], { patchSize: 2.5, count: 1 }, rngFromSeed(1))[0]],
      ['options.count', samplePatches([image], { patchSize: 2, count: -1 }, rngFromSeed(1))[0]],
      ['images[0].data.length', samplePatches([{ ...image, width: 7 }], { patchSize: 2, count: 1 }, rngFromSeed(1))[0]],
      [
        'images[0] pixel (1, 0)',
        samplePatches([{ width: 2, height: 1, data: [0, Number.NaN] }], { patchSize: 1, count: 1 }, rngFromSeed(1))[0],
      ],
    ];
    for (const [argument, result] of cases) expect(message(result)).toContain(argument);
  });
});
