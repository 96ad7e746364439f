/**
 * Random square patches cut from greyscale images: the training samples of the natural-image
 * experiments.
 *
 * A patch of side s is the s x s block of pixels whose top-left corner is column x, row y of an image.
 * Each patch is drawn by picking an image uniformly at random, then x uniformly from 0..width - s and y
 * uniformly from 0..height - s, so every patch lies wholly inside its image. The draws come from the
 * seeded generator passed in, which is returned advanced, so one seed always gives the same patches.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, firstNonFinite, unsafeMatrix } from '../linalg/matrix.js';
import { type Rng, uniformInteger } from '../random/rng.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/**
 * A `width x height` greyscale image: pixel (x, y), column x of row y, is `data[y * width + x]`. The
 * report's `GrayImage` has this shape, and so has a decoded photograph.
 */
export interface SourceImage {
  readonly width: number;
  readonly height: number;
  /** Row-major intensities, length `width * height`. */
  readonly data: ArrayLike<number>;
  /** Name used in error messages, such as the file the image was decoded from. */
  readonly name?: string;
}

/** An image given either as a {@link SourceImage} or as a `height x width` matrix (row y is image row y). */
export type PatchSourceImage = SourceImage | Matrix;

/** Options of {@link samplePatches}. */
export interface PatchSampling {
  /** Side s of the square patches in pixels: a positive integer no larger than any image side. */
  readonly patchSize: number;
  /** Number N of patches to draw: a non-negative integer. */
  readonly count: number;
}

/** N patches and where each was cut. */
export interface PatchSample {
  /** N x (s s) matrix: patch n in row n, its pixels in row-major order (pixel (x, y) at column y s + x). */
  readonly patches: Matrix;
  /** Index into the image list of the image each patch was cut from (length N). */
  readonly imageIndices: Uint32Array;
  /** Column x of each patch's top-left pixel in its image (length N). */
  readonly lefts: Uint32Array;
  /** Row y of each patch's top-left pixel in its image (length N). */
  readonly tops: Uint32Array;
}

// -------------------------------------------------------------------------------------------------
// Validation
// -------------------------------------------------------------------------------------------------

const isMatrix = (image: PatchSourceImage): image is Matrix => 'rows' in image && 'cols' in image;

/** The image as width, height and row-major data, whichever form it was given in. */
const asSourceImage = (image: PatchSourceImage): SourceImage =>
  isMatrix(image) ? { width: image.cols, height: image.rows, data: image.data } : image;

const isPositiveInteger = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

const describeImage = (image: SourceImage, index: number): string =>
  `${image.name === undefined ? `image ${index}` : `'${image.name}'`} of ${image.width} x ${image.height} pixels`;

const validateImage = (
  image: SourceImage,
  index: number,
  patchSize: number,
): E.Either<InvalidArgumentError, SourceImage> => {
  const argument = `images[${index}]`;
  if (!isPositiveInteger(image.width) || !isPositiveInteger(image.height)) {
    return E.left(invalidArgument('samplePatches', argument, `${image.width} x ${image.height}`, 'positive integer sides'));
  }
  if (image.data.length !== image.width * image.height) {
    return E.left(
      invalidArgument(
        'samplePatches',
        `${argument}.data.length`,
        image.data.length,
        `width * height = ${image.width * image.height} for ${describeImage(image, index)}`,
      ),
    );
  }
  const bad = firstNonFinite(image.data);
  if (bad >= 0) {
    const pixel = `(${bad % image.width}, ${Math.floor(bad / image.width)})`;
    return E.left(
      invalidArgument('samplePatches', `${argument} pixel ${pixel}`, image.data[bad], `a finite number in ${describeImage(image, index)}`),
    );
  }
  if (patchSize > image.width || patchSize > image.height) {
    return E.left(
      invalidArgument(
        'samplePatches',
        'options.patchSize',
        patchSize,
        `at most ${Math.min(image.width, image.height)}, the shorter side of ${describeImage(image, index)}`,
      ),
    );
  }
  return E.right(image);
};

const validate = (
  images: readonly PatchSourceImage[],
  options: PatchSampling,
): E.Either<InvalidArgumentError, SourceImage[]> => {
  if (images.length === 0) return E.left(invalidArgument('samplePatches', 'images', 'an empty list', 'at least one image'));
  if (!isPositiveInteger(options.patchSize)) {
    return E.left(invalidArgument('samplePatches', 'options.patchSize', options.patchSize, 'a positive integer'));
  }
  if (!(Number.isSafeInteger(options.count) && options.count >= 0)) {
    return E.left(invalidArgument('samplePatches', 'options.count', options.count, 'a non-negative integer'));
  }
  const valid: SourceImage[] = [];
  for (let i = 0; i < images.length; i++) {
    const checked = validateImage(asSourceImage(images[i]), i, options.patchSize);
    if (E.isLeft(checked)) return checked;
    valid.push(checked.right);
  }
  return E.right(valid);
};

// -------------------------------------------------------------------------------------------------
// Sampling
// -------------------------------------------------------------------------------------------------

/**
 * Draws N random s x s patches from the images and returns them with the advanced generator.
 *
 * For each patch, three integers are drawn in this order: the image index (uniform over the images),
 * then x in 0..width - s and y in 0..height - s. Images are therefore equally likely whatever their
 * size. The images are only read.
 *
 * Errors: an `InvalidArgumentError` for an empty image list, a patch size that is not a positive
 * integer, a count that is not a non-negative integer, an image with invalid sides, a data length
 * other than width * height or a non-finite pixel, and a patch larger than an image. Each message
 * names the image (its `name`, or its index) and its size in pixels. On error the generator is
 * returned unchanged.
 *
 * @example
 * const [sample, next] = samplePatches(images, { patchSize: 8, count: 10_000 }, rngFromSeed(1));
 * // Right({ patches: 10000 x 64 matrix, imageIndices, lefts, tops })
 */
export const samplePatches = (
  images: readonly PatchSourceImage[],
  options: PatchSampling,
  rng: Rng,
): [E.Either<InvalidArgumentError, PatchSample>, Rng] => {
  const valid = validate(images, options);
  if (E.isLeft(valid)) return [valid, rng];

  const sources = valid.right;
  const { patchSize: s, count } = options;
  const pixels = s * s;
  const data = new Float64Array(count * pixels);
  const imageIndices = new Uint32Array(count);
  const lefts = new Uint32Array(count);
  const tops = new Uint32Array(count);

  let state = rng;
  for (let n = 0; n < count; n++) {
    const [index, afterImage] = uniformInteger(state, sources.length);
    const image = sources[index];
    const [left, afterLeft] = uniformInteger(afterImage, image.width - s + 1);
    const [top, afterTop] = uniformInteger(afterLeft, image.height - s + 1);
    state = afterTop;
    imageIndices[n] = index;
    lefts[n] = left;
    tops[n] = top;
    copyPatch(image, left, top, s, data, n * pixels);
  }
  return [E.right({ patches: unsafeMatrix(count, pixels, data), imageIndices, lefts, tops }), state];
};

/** Copies the s x s block at (left, top) of `image` into `out` from `offset` on, row by row. */
const copyPatch = (image: SourceImage, left: number, top: number, s: number, out: Float64Array, offset: number): void => {
  const { width, data } = image;
  for (let y = 0; y < s; y++) {
    const source = (top + y) * width + left;
    const target = offset + y * s;
    for (let x = 0; x < s; x++) out[target + x] = data[source + x];
  }
};
