/**
 * PNG encoding and decoding of {@link GrayImage}s through pngjs, as 8-bit greyscale files.
 *
 * An intensity v in [0, 1] is stored as the byte round(255 v), and read back as byte / 255, so the
 * round trip is exact for the 256 intensities k / 255 and within 1 / 510 otherwise.
 */
import * as E from 'fp-ts/lib/Either.js';
import { PNG } from 'pngjs';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type GrayImage, requireGrayImage } from './image-grid.js';

/** PNG colour types, as numbered in the PNG specification's IHDR chunk. */
const COLOR_TYPE_GRAYSCALE = 0;
const MAX_BYTE = 255;

/**
 * Encodes an image as an 8-bit greyscale PNG file.
 *
 * Intensities are clamped to [0, 1] and rounded to the nearest of the 256 grey levels. Rejects an image
 * with non-positive or non-integer sizes, a data length other than `width * height`, or non-finite values.
 *
 * @example
 * encodePng({ width: 2, height: 1, data: Float64Array.of(0, 1) }) // Right(<Buffer 89 50 4e 47 ...>)
 */
export const encodePng = (image: GrayImage): E.Either<InvalidArgumentError, Buffer> => {
  const checked = requireGrayImage('encodePng', 'image', image);
  if (E.isLeft(checked)) return checked;

  const bytes = Buffer.alloc(image.width * image.height);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = Math.round(MAX_BYTE * Math.min(1, Math.max(0, image.data[i])));
  }
  // The constructor's own 4-byte-per-pixel buffer is replaced by the 1-byte grey levels, which the packer
  // copies through unchanged because input and output colour types are both greyscale without alpha.
  const png = new PNG({ width: image.width, height: image.height });
  png.data = bytes;
  return E.right(
    PNG.sync.write(png, {
      colorType: COLOR_TYPE_GRAYSCALE,
      inputColorType: COLOR_TYPE_GRAYSCALE,
      inputHasAlpha: false,
      bitDepth: 8,
    }),
  );
};

/**
 * Decodes a PNG file whose pixels are all opaque grey (red = green = blue, alpha 255) into an image
 * with intensities byte / 255.
 *
 * Any PNG colour type is accepted as long as the pixels are grey; 16-bit files are reduced to 8 bits
 * by pngjs first. Rejects bytes that pngjs cannot parse, a coloured pixel and a transparent pixel,
 * naming the first such pixel.
 */
export const decodePng = (bytes: Uint8Array): E.Either<InvalidArgumentError, GrayImage> => {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return E.left(invalidArgument('decodePng', 'bytes', `${bytes.length} bytes (${detail})`, 'a valid PNG file'));
  }

  // pngjs always returns 4 bytes per pixel: red, green, blue, alpha.
  const { width, height, data: rgba } = png;
  const data = new Float64Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const red = rgba[4 * i];
    const green = rgba[4 * i + 1];
    const blue = rgba[4 * i + 2];
    const alpha = rgba[4 * i + 3];
    if (red !== green || red !== blue || alpha !== MAX_BYTE) {
      const pixel = `pixel (${i % width}, ${Math.floor(i / width)})`;
      return E.left(
        invalidArgument('decodePng', pixel, `rgba(${red}, ${green}, ${blue}, ${alpha})`, 'an opaque grey (red = green = blue, alpha 255)'),
      );
    }
    data[i] = red / MAX_BYTE;
  }
  return E.right({ width, height, data });
};
