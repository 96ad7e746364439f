/**
 * Greyscale images as arrays, and the pure steps that turn rows of a matrix into one picture: tiling
 * them into a grid, stacking grids, and enlarging pixels.
 *
 * A row of an N x (h w) matrix is read as an h x w image in row-major order, so this draws MNIST digits
 * (N x 784 with h = w = 28) and the learned features of an autoencoder (the H rows of the H x D encoder
 * weights W) alike. No file or Node.js API is used here, so the module can move to the experiment layer.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, type ReadonlyFloat64Array, firstNonFinite, requireFiniteNonEmpty } from '../linalg/matrix.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/**
 * A `width x height` greyscale image: pixel (x, y), column x of row y, is `data[y * width + x]`.
 * Intensities run from 0 (black) to 1 (white); encoders clamp values outside that range.
 */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  /** Row-major intensities, length `width * height`. */
  readonly data: ReadonlyFloat64Array;
}

/**
 * How tile intensities are mapped to [0, 1]:
 * - `per-image`: each tile's own minimum goes to 0 and its maximum to 1, so every tile uses the full
 *   range. A constant tile becomes mid-grey 0.5. This is the usual way to show learned weights.
 * - `per-image-symmetric`: each tile is divided by its own maximum |value| m, then v maps to
 *   0.5 + v / (2m), so 0 stays mid-grey and signs stay visible; an all-zero tile is 0.5.
 *   Suited to whitened data and to weights.
 * - `global`: like `per-image`, with one minimum and maximum over all tiles, so tiles stay comparable.
 * - `fixed01`: values are clamped to [0, 1] and otherwise kept, for data already in [0, 1] like MNIST.
 */
export type TileScaling = 'per-image' | 'per-image-symmetric' | 'global' | 'fixed01';

export interface TileOptions {
  /** Height h of each tile, in pixels. */
  readonly height: number;
  /** Width w of each tile, in pixels. h * w must equal the number of columns of the matrix. */
  readonly width: number;
  /** Maximum number of tiles per grid row; the grid has `min(columns, N)` columns. */
  readonly columns: number;
  /** Pixels of background between tiles and around the grid. Default 1. */
  readonly padding?: number;
  readonly scaling: TileScaling;
  /** Intensity in [0, 1] of the padding and of empty grid cells. Default 1 (white). */
  readonly background?: number;
}

export interface StackOptions {
  /** Rows of background between consecutive images. Default 1. */
  readonly gap?: number;
  /** Intensity in [0, 1] of the gaps and of the margin beside narrower images. Default 1 (white). */
  readonly background?: number;
}

const DEFAULT_PADDING = 1;
const DEFAULT_GAP = 1;
const DEFAULT_BACKGROUND = 1;
const MID_GREY = 0.5;

// -------------------------------------------------------------------------------------------------
// Validation
// -------------------------------------------------------------------------------------------------

const isPositiveInteger = (n: number): boolean => Number.isSafeInteger(n) && n > 0;
const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
const isIntensity = (v: number): boolean => v >= 0 && v <= 1;

/**
 * Checks that `image` has positive integer sizes, `width * height` entries and only finite entries.
 * Returns the image unchanged, or an error naming `functionName` and `argument`.
 */
export const requireGrayImage = (
  functionName: string,
  argument: string,
  image: GrayImage,
): E.Either<InvalidArgumentError, GrayImage> => {
  if (!isPositiveInteger(image.width)) {
    return E.left(invalidArgument(functionName, `${argument}.width`, image.width, 'a positive integer'));
  }
  if (!isPositiveInteger(image.height)) {
    return E.left(invalidArgument(functionName, `${argument}.height`, image.height, 'a positive integer'));
  }
  const expectedLength = image.width * image.height;
  if (image.data.length !== expectedLength) {
    return E.left(
      invalidArgument(
        functionName,
        `${argument}.data.length`,
        image.data.length,
        `width * height = ${image.width} * ${image.height} = ${expectedLength}`,
      ),
    );
  }
  const bad = firstNonFinite(image.data);
  if (bad >= 0) {
    const x = bad % image.width;
    const y = Math.floor(bad / image.width);
    return E.left(invalidArgument(functionName, `${argument} pixel (${x}, ${y})`, image.data[bad], 'a finite number'));
  }
  return E.right(image);
};

/**
 * Builds a `width x height` image from row-major intensities, copying them.
 * Rejects sizes that are not positive integers, a length other than `width * height` and non-finite values.
 */
export const grayImage = (
  width: number,
  height: number,
  data: ArrayLike<number>,
): E.Either<InvalidArgumentError, GrayImage> =>
  requireGrayImage('grayImage', 'image', { width, height, data: Float64Array.from(data) });

// -------------------------------------------------------------------------------------------------
// Tiling
// -------------------------------------------------------------------------------------------------

/**
 * Writes the `count` entries of `source` starting at `start` into `tile[0 .. count - 1]`, mapped to
 * [0, 1] by the chosen scaling. `globalMin` and `globalMax` are used only by `global`.
 */
const scaleTile = (
  source: ReadonlyFloat64Array,
  start: number,
  count: number,
  scaling: TileScaling,
  globalMin: number,
  globalMax: number,
  tile: Float64Array,
): void => {
  const end = start + count;
  if (scaling === 'fixed01') {
    for (let i = start; i < end; i++) tile[i - start] = Math.min(1, Math.max(0, source[i]));
    return;
  }
  if (scaling === 'per-image-symmetric') {
    let maxAbs = 0;
    for (let i = start; i < end; i++) maxAbs = Math.max(maxAbs, Math.abs(source[i]));
    // Because |v| <= maxAbs and division rounds monotonically, v / maxAbs lies in [-1, 1] and cannot overflow.
    for (let i = start; i < end; i++) {
      tile[i - start] = maxAbs === 0 ? MID_GREY : MID_GREY + source[i] / maxAbs / 2;
    }
    return;
  }
  let min = globalMin;
  let max = globalMax;
  if (scaling === 'per-image') {
    min = Infinity;
    max = -Infinity;
    for (let i = start; i < end; i++) {
      min = Math.min(min, source[i]);
      max = Math.max(max, source[i]);
    }
  }
  writeMinMaxScaled(source, start, end, min, max, tile);
};

/**
 * Maps v to (v - min) / (max - min), in [0, 1] for v in [min, max]; a constant range gives 0.5.
 *
 * max - min overflows to infinity when the range is wider than the largest double (about 1.8e308), and
 * the halved form (v/2 - min/2) / (max/2 - min/2) never does. The direct form is kept otherwise, because
 * halving loses the last bit of subnormal values and could turn a tiny non-zero range into 0.
 * Either way v - min <= max - min after rounding, so the ratio never exceeds 1.
 */
const writeMinMaxScaled = (
  source: ReadonlyFloat64Array,
  start: number,
  end: number,
  min: number,
  max: number,
  tile: Float64Array,
): void => {
  const range = max - min;
  if (range === 0) {
    for (let i = start; i < end; i++) tile[i - start] = MID_GREY;
  } else if (Number.isFinite(range)) {
    for (let i = start; i < end; i++) tile[i - start] = (source[i] - min) / range;
  } else {
    const halfRange = max / 2 - min / 2;
    for (let i = start; i < end; i++) tile[i - start] = (source[i] / 2 - min / 2) / halfRange;
  }
};

const validateTileOptions = (images: Matrix, options: TileOptions): E.Either<InvalidArgumentError, Matrix> => {
  const { height, width, columns, scaling } = options;
  const padding = options.padding ?? DEFAULT_PADDING;
  const background = options.background ?? DEFAULT_BACKGROUND;
  if (!isPositiveInteger(height)) return E.left(invalidArgument('tileImages', 'options.height', height, 'a positive integer'));
  if (!isPositiveInteger(width)) return E.left(invalidArgument('tileImages', 'options.width', width, 'a positive integer'));
  if (!isPositiveInteger(columns)) {
    return E.left(invalidArgument('tileImages', 'options.columns', columns, 'a positive integer'));
  }
  if (!isCount(padding)) return E.left(invalidArgument('tileImages', 'options.padding', padding, 'a non-negative integer'));
  if (!isIntensity(background)) {
    return E.left(invalidArgument('tileImages', 'options.background', background, 'a number in [0, 1]'));
  }
  const scalings: readonly string[] = ['per-image', 'per-image-symmetric', 'global', 'fixed01'];
  if (!scalings.includes(scaling)) {
    return E.left(invalidArgument('tileImages', 'options.scaling', `'${String(scaling)}'`, `one of ${scalings.join(', ')}`));
  }
  if (images.cols !== height * width) {
    return E.left(
      invalidArgument(
        'tileImages',
        'images',
        `a ${images.rows} x ${images.cols} matrix`,
        `a matrix with height * width = ${height} * ${width} = ${height * width} columns`,
      ),
    );
  }
  return requireFiniteNonEmpty('tileImages', 'images', images);
};

/**
 * Arranges the N rows of `images` (an N x (h w) matrix) as h x w tiles in a grid, row by row:
 * tile n sits in grid row floor(n / c), grid column n mod c, where c = min(columns, N).
 *
 * With r = ceil(N / c) grid rows and padding p, the result is
 * `width = c (w + p) + p` by `height = r (h + p) + p` pixels: p background pixels surround every tile.
 * Padding and the empty cells of the last grid row have the background intensity. Tile values are
 * mapped to [0, 1] as `options.scaling` specifies (see {@link TileScaling}).
 *
 * Rejects an empty matrix, non-finite entries, h * w other than the number of columns, sizes that are not
 * positive integers, a negative padding and a background outside [0, 1].
 *
 * @example
 * // 100 MNIST digits in 10 rows of 10, each 28 x 28 with 1 pixel between them: a 291 x 291 image.
 * tileImages(mnist.images, { height: 28, width: 28, columns: 10, scaling: 'fixed01' })
 */
export const tileImages = (images: Matrix, options: TileOptions): E.Either<InvalidArgumentError, GrayImage> => {
  const validated = validateTileOptions(images, options);
  if (E.isLeft(validated)) return validated;

  const { height: tileHeight, width: tileWidth, scaling } = options;
  const padding = options.padding ?? DEFAULT_PADDING;
  const background = options.background ?? DEFAULT_BACKGROUND;
  const tileCount = images.rows;
  const gridColumns = Math.min(options.columns, tileCount);
  const gridRows = Math.ceil(tileCount / gridColumns);
  const width = gridColumns * (tileWidth + padding) + padding;
  const height = gridRows * (tileHeight + padding) + padding;

  let globalMin = Infinity;
  let globalMax = -Infinity;
  if (scaling === 'global') {
    for (let i = 0; i < images.data.length; i++) {
      globalMin = Math.min(globalMin, images.data[i]);
      globalMax = Math.max(globalMax, images.data[i]);
    }
  }

  const data = new Float64Array(width * height).fill(background);
  const tile = new Float64Array(images.cols);
  for (let n = 0; n < tileCount; n++) {
    scaleTile(images.data, n * images.cols, images.cols, scaling, globalMin, globalMax, tile);
    const left = padding + (n % gridColumns) * (tileWidth + padding);
    const top = padding + Math.floor(n / gridColumns) * (tileHeight + padding);
    for (let y = 0; y < tileHeight; y++) {
      data.set(tile.subarray(y * tileWidth, (y + 1) * tileWidth), (top + y) * width + left);
    }
  }
  return E.right({ width, height, data });
};

// -------------------------------------------------------------------------------------------------
// Composing images
// -------------------------------------------------------------------------------------------------

/**
 * Stacks images top to bottom with `gap` rows of background between them, centring each one horizontally:
 * the result is as wide as the widest image and `sum of heights + gap (count - 1)` high. An image
 * narrower than the widest by an odd number of pixels has the extra margin pixel on its right.
 *
 * Typical use: a grid of inputs above a grid of their reconstructions. Rejects an empty list, an
 * invalid image, a gap that is not a non-negative integer and a background outside [0, 1].
 */
export const stackVertically = (
  images: readonly GrayImage[],
  options: StackOptions = {},
): E.Either<InvalidArgumentError, GrayImage> => {
  const gap = options.gap ?? DEFAULT_GAP;
  const background = options.background ?? DEFAULT_BACKGROUND;
  if (images.length === 0) return E.left(invalidArgument('stackVertically', 'images', 'an empty array', 'at least one image'));
  if (!isCount(gap)) return E.left(invalidArgument('stackVertically', 'options.gap', gap, 'a non-negative integer'));
  if (!isIntensity(background)) {
    return E.left(invalidArgument('stackVertically', 'options.background', background, 'a number in [0, 1]'));
  }
  for (let k = 0; k < images.length; k++) {
    const checked = requireGrayImage('stackVertically', `images[${k}]`, images[k]);
    if (E.isLeft(checked)) return checked;
  }

  let width = 0;
  let height = gap * (images.length - 1);
  for (const image of images) {
    width = Math.max(width, image.width);
    height += image.height;
  }
  const data = new Float64Array(width * height).fill(background);
  let top = 0;
  for (const image of images) {
    const left = Math.floor((width - image.width) / 2);
    for (let y = 0; y < image.height; y++) {
      data.set(image.data.subarray(y * image.width, (y + 1) * image.width), (top + y) * width + left);
    }
    top += image.height + gap;
  }
  return E.right({ width, height, data });
};

/**
 * Enlarges an image by an integer `factor` with nearest-neighbour sampling: each pixel becomes a
 * factor x factor block, so a 28 x 28 digit stays sharp at 112 x 112 with factor 4. Factor 1 returns a copy.
 */
export const upscale = (image: GrayImage, factor: number): E.Either<InvalidArgumentError, GrayImage> => {
  const checked = requireGrayImage('upscale', 'image', image);
  if (E.isLeft(checked)) return checked;
  if (!isPositiveInteger(factor)) return E.left(invalidArgument('upscale', 'factor', factor, 'a positive integer'));

  const width = image.width * factor;
  const height = image.height * factor;
  const data = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const sourceRow = Math.floor(y / factor) * image.width;
    const targetRow = y * width;
    for (let x = 0; x < width; x++) data[targetRow + x] = image.data[sourceRow + Math.floor(x / factor)];
  }
  return E.right({ width, height, data });
};
