/**
 * Figures of the denoising and deep autoencoder experiments, built as greyscale images from their
 * results. Pure: encoding and writing the PNG files happens in the command line.
 *
 * Every row shows the same test digits, one digit per column, with pixel values drawn as they are on
 * [0, 1] (black 0, white 1). Values outside [0, 1], which Gaussian noise and PCA reconstructions
 * produce, are clamped for display only. The measured errors use the unclamped values.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import type { DeepAutoencoderExperimentResult } from '../experiments/deep-autoencoder.js';
import type { DenoisingNoiseResult } from '../experiments/denoising.js';
import type { InvalidArgumentError } from '../linalg/errors.js';
import type { Matrix } from '../linalg/matrix.js';
import { type GrayImage, stackVertically, tileImages, upscale } from './image-grid.js';

/** Side of an MNIST digit in pixels. */
const SIDE = 28;

/** Nearest-neighbour magnification, so that 28-pixel digits are readable on screen. */
const MAGNIFICATION = 2;

/** Background rows between two rows of digits, before magnification. */
const ROW_GAP = 4;

/** Draws one row of digits per matrix (each exampleCount x 784), top to bottom, and magnifies the result. */
const digitRows = (rows: readonly Matrix[]): E.Either<InvalidArgumentError, GrayImage> =>
  pipe(
    E.traverseArray((digits: Matrix) =>
      tileImages(digits, { height: SIDE, width: SIDE, columns: digits.rows, scaling: 'fixed01' }),
    )(rows),
    E.chain((images) => stackVertically(images, { gap: ROW_GAP })),
    E.chain((image) => upscale(image, MAGNIFICATION)),
  );

/**
 * Four rows of the same test digits for one noise: clean, corrupted, reconstructed by the plain
 * autoencoder and reconstructed by the denoising autoencoder. Rejects an empty example set.
 */
export const denoisingFigure = (noise: DenoisingNoiseResult): E.Either<InvalidArgumentError, GrayImage> => {
  const { clean, corrupted, plain, denoising } = noise.examples;
  return digitRows([clean, corrupted, plain, denoising]);
};

/**
 * Four rows of the same test digits: the originals, the reconstructions of the pretrained deep
 * autoencoder, those of the one fine-tuned from random weights, and those of PCA with as many
 * components as the code size. Rejects an empty example set.
 */
export const deepAutoencoderFigure = (
  result: DeepAutoencoderExperimentResult,
): E.Either<InvalidArgumentError, GrayImage> => {
  const { originals, deep, randomStart, pca } = result.examples;
  return digitRows([originals, deep, randomStart, pca]);
};
