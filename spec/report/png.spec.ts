import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import type { InvalidArgumentError } from '../../src/linalg/errors.js';
import type { GrayImage } from '../../src/report/image-grid.js';
import { decodePng, encodePng } from '../../src/report/png.js';
import { right } from '../support/either.js';

const expectError = <A>(result: E.Either<InvalidArgumentError, A>): InvalidArgumentError => {
  if (E.isRight(result)) throw new Error('expected an InvalidArgumentError');
  return result.left;
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

// Sizes up to 12 x 12 cover single rows and columns and several PNG filter rows in little time.
const MAX_SIDE = 12;

describe('encodePng and decodePng', () => {
  it('round trip of a gradient is exact', () => {
    // Intensities k / 255 are exactly the 256 grey levels, so they survive the 8-bit round trip.
    const width = 16;
    const height = 16;
    const data = Float64Array.from({ length: width * height }, (_, i) => i / 255);

    const encoded = right(encodePng({ width, height, data }));
    const decoded = right(decodePng(encoded));

    expect(Array.from(encoded.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    expect(decoded.width).toBe(width);
    expect(decoded.height).toBe(height);
    expect(Array.from(decoded.data)).toEqual(Array.from(data));
  });

  it('round trip of grey levels is exact', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_SIDE }),
        fc.integer({ min: 1, max: MAX_SIDE }),
        fc.infiniteStream(fc.integer({ min: 0, max: 255 })),
        (width, height, levels) => {
          const data = Float64Array.from(levels.take(width * height), (level) => level / 255);

          const decoded = right(decodePng(right(encodePng({ width, height, data }))));

          expect(Array.from(decoded.data)).toEqual(Array.from(data));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('round trip is within half a grey level', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_SIDE }),
        fc.integer({ min: 1, max: MAX_SIDE }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        (width, height, values) => {
          const data = Float64Array.from(values.take(width * height));

          const decoded = right(decodePng(right(encodePng({ width, height, data }))));

          // Rounding to the nearest of the levels k / 255 moves a value by at most 1 / 510; the
          // division by 255 and the product by 255 add a few ulps of 1.
          const tolerance = 1 / 510 + 4 * Number.EPSILON;
          for (let i = 0; i < data.length; i++) {
            expect(Math.abs(decoded.data[i] - data[i])).toBeLessThanOrEqual(tolerance);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('clamps values outside [0, 1]', () => {
    const image: GrayImage = { width: 4, height: 1, data: Float64Array.of(-0.5, 1.5, -1e300, 1e300) };

    const decoded = right(decodePng(right(encodePng(image))));

    expect(Array.from(decoded.data)).toEqual([0, 1, 0, 1]);
  });

  it('rounds to the nearest grey level', () => {
    // 0.5 * 255 = 127.5 rounds up to 128 (Math.round rounds halves up); 0.3 * 255 = 76.5 also rounds up.
    // 100.4 / 255 is 0.4 of a level above 100, so it rounds down.
    const image: GrayImage = { width: 3, height: 1, data: Float64Array.of(0.5, 0.3, 100.4 / 255) };

    const decoded = right(decodePng(right(encodePng(image))));

    expect(Array.from(decoded.data)).toEqual([128 / 255, 77 / 255, 100 / 255]);
  });

  it('writes an 8-bit greyscale file', () => {
    const encoded = right(encodePng({ width: 3, height: 2, data: new Float64Array(6) }));

    // IHDR data follows the signature, chunk length and type: width, height, bit depth, colour type.
    const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    expect(view.getUint32(16, false)).toBe(3);
    expect(view.getUint32(20, false)).toBe(2);
    expect(encoded[24]).toBe(8);
    expect(encoded[25]).toBe(0);
  });

  it('does not modify the image', () => {
    const data = Float64Array.of(-1, 0.25, 2, 0.75);
    const before = Float64Array.from(data);

    encodePng({ width: 2, height: 2, data });

    expect(data).toEqual(before);
  });

  it('rejects invalid images', () => {
    const cases: ReadonlyArray<readonly [GrayImage, string]> = [
      [{ width: 0, height: 1, data: new Float64Array(0) }, 'image.width'],
      [{ width: 2, height: 1.5, data: new Float64Array(3) }, 'image.height'],
      [{ width: 2, height: 2, data: new Float64Array(3) }, 'image.data.length'],
      [{ width: 2, height: 1, data: Float64Array.of(0, Number.NaN) }, 'pixel (1, 0)'],
      [{ width: 1, height: 2, data: Float64Array.of(0, Infinity) }, 'pixel (0, 1)'],
    ];
    for (const [image, argument] of cases) {
      const error = expectError(encodePng(image));

      expect(error.functionName).toBe('encodePng');
      expect(error.argument).toContain(argument);
    }
  });

  it('decodePng rejects bytes that are not a PNG', () => {
    const error = expectError(decodePng(Uint8Array.of(1, 2, 3, 4)));

    expect(error.message).toContain('decodePng');
    expect(error.message).toContain('a valid PNG file');
  });

  it('decodePng rejects a coloured pixel', () => {
    const png = new PNG({ width: 2, height: 1 });
    png.data = Buffer.from([10, 10, 10, 255, 10, 20, 30, 255]);
    const encoded = PNG.sync.write(png);

    const error = expectError(decodePng(encoded));

    expect(error.argument).toBe('pixel (1, 0)');
    expect(error.value).toBe('rgba(10, 20, 30, 255)');
  });

  it('decodePng rejects a transparent pixel', () => {
    const png = new PNG({ width: 1, height: 1 });
    png.data = Buffer.from([10, 10, 10, 0]);

    const error = expectError(decodePng(PNG.sync.write(png)));

    expect(error.value).toBe('rgba(10, 10, 10, 0)');
  });

  it('decodePng reads grey pixels of an RGBA file', () => {
    const png = new PNG({ width: 2, height: 1 });
    png.data = Buffer.from([0, 0, 0, 255, 51, 51, 51, 255]);

    const decoded = right(decodePng(PNG.sync.write(png)));

    expect(Array.from(decoded.data)).toEqual([0, 51 / 255]);
  });
});
