/**
 * The report's figures, built as greyscale images from experiment results. Pure: encoding and writing
 * the PNG files happens in the command line.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import type { PcaExperimentResult } from '../experiments/pca-vs-linear-autoencoder.js';
import type { SparseRunResult } from '../experiments/sparse-autoencoder.js';
import type { WhiteningExperimentResult } from '../experiments/whitening.js';
import type { InvalidArgumentError } from '../linalg/errors.js';
import { type GrayImage, stackVertically, tileImages, upscale } from './image-grid.js';

/** Side of an MNIST digit in pixels. */
const SIDE = 28;

/** Nearest-neighbour magnification of every figure, so 28-pixel digits are readable on screen. */
const MAGNIFICATION = 2;

/**
 * Top row: the k leading eigenvectors of the covariance. Bottom row: the k weight vectors of the linear
 * autoencoder. Each tile is scaled symmetrically about mid-grey (0 is grey, positive white, negative
 * black), because a weight vector's sign is arbitrary.
 */
export const pcaFigure = (result: PcaExperimentResult): E.Either<InvalidArgumentError, GrayImage> =>
  pipe(
    E.Do,
    E.bind('components', () =>
      tileImages(result.principalComponents, { height: SIDE, width: SIDE, columns: 16, scaling: 'per-image-symmetric' }),
    ),
    E.bind('weights', () =>
      tileImages(result.autoencoderWeights, { height: SIDE, width: SIDE, columns: 16, scaling: 'per-image-symmetric' }),
    ),
    E.chain(({ components, weights }) => stackVertically([components, weights], { gap: 4 })),
    E.chain((image) => upscale(image, MAGNIFICATION)),
  );

/**
 * The features of one sparse autoencoder: row j of W as a 28 x 28 tile, each tile stretched to its own
 * range, the usual way to show what input pattern drives a hidden unit most.
 */
export const sparseFigure = (run: SparseRunResult): E.Either<InvalidArgumentError, GrayImage> =>
  pipe(
    tileImages(run.weights, {
      height: SIDE,
      width: SIDE,
      columns: Math.ceil(Math.sqrt(run.weights.rows)),
      scaling: 'per-image',
    }),
    E.chain((image) => upscale(image, MAGNIFICATION)),
  );

/**
 * Three rows of the same digits: original, PCA-whitened (the D coefficients in eigenvalue order, laid
 * out as an image) and ZCA-whitened (pixel space). Whitened rows are scaled symmetrically about grey.
 */
export const whiteningFigure = (result: WhiteningExperimentResult): E.Either<InvalidArgumentError, GrayImage> => {
  const columns = result.originals.rows;
  return pipe(
    E.Do,
    E.bind('originals', () => tileImages(result.originals, { height: SIDE, width: SIDE, columns, scaling: 'fixed01' })),
    E.bind('pca', () =>
      tileImages(result.pca.examples, { height: SIDE, width: SIDE, columns, scaling: 'per-image-symmetric' }),
    ),
    E.bind('zca', () =>
      tileImages(result.zca.examples, { height: SIDE, width: SIDE, columns, scaling: 'per-image-symmetric' }),
    ),
    E.chain(({ originals, pca, zca }) => stackVertically([originals, pca, zca], { gap: 4 })),
    E.chain((image) => upscale(image, MAGNIFICATION)),
  );
};
