/**
 * The figure of the pretraining section: the input weights of the first hidden units of every arm after
 * fine-tuning, drawn as 28 x 28 tiles. Pure: encoding and writing the PNG happens in the command line.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import type { PretrainingExperimentResult } from '../experiments/pretraining.js';
import type { InvalidArgumentError } from '../linalg/errors.js';
import { type Matrix, sliceRows } from '../linalg/matrix.js';
import { type GrayImage, stackVertically, tileImages, upscale } from './image-grid.js';

/** Side of an MNIST digit in pixels. */
const SIDE = 28;

/** Hidden units shown per arm: two rows of 20 tiles, enough to see the kind of features each arm learned. */
const UNITS_PER_ARM = 40;
const COLUMNS = 20;

/** Nearest-neighbour magnification, so 28-pixel tiles are readable on screen. */
const MAGNIFICATION = 2;

/**
 * Draws, for every arm in result order, the rows of W_1 of the first `UNITS_PER_ARM` hidden units (the
 * first repetition, after fine-tuning) as tiles scaled symmetrically about mid-grey, stacked with a gap
 * between arms. Expects D = 784 inputs.
 *
 * Errors: `InvalidArgumentError` when the first layer's width is not 28 * 28 or the result has no arms.
 */
export const pretrainingFigure = (result: PretrainingExperimentResult): E.Either<InvalidArgumentError, GrayImage> =>
  pipe(
    E.traverseArray((weights: Matrix) =>
      tileImages(sliceRows(weights, 0, Math.min(UNITS_PER_ARM, weights.rows)), {
        height: SIDE,
        width: SIDE,
        columns: COLUMNS,
        scaling: 'per-image-symmetric',
      }),
    )(result.arms.map((arm) => arm.firstLayerWeights)),
    E.chain((tiles) => stackVertically(tiles, { gap: 6 })),
    E.chain((image) => upscale(image, MAGNIFICATION)),
  );
