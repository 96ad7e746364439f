/**
 * Figures of the natural-image patch experiments, built as greyscale images from their results. Pure:
 * encoding and writing the PNG files happens in the command line.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import type { PatchFeatureResult } from '../experiments/patch-features.js';
import type { PatchWhiteningResult } from '../experiments/patch-whitening.js';
import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import type { Matrix } from '../linalg/matrix.js';
import { type GrayImage, stackVertically, tileImages, upscale } from './image-grid.js';

/** Patches per grid row in the whitening figure. */
const WHITENING_COLUMNS = 10;

/** Eigenvectors per grid row. */
const EIGENVECTOR_COLUMNS = 12;

/** Rows of background between the groups of the whitening figure. */
const GROUP_GAP = 6;

/** Target width of a tile on screen, in pixels: patches of 8 to 12 pixels are enlarged to about this. */
const TILE_SCREEN_SIZE = 48;

const magnification = (patchSize: number): number => Math.max(1, Math.round(TILE_SCREEN_SIZE / patchSize));

const sideOf = (functionName: string, m: Matrix): E.Either<InvalidArgumentError, number> => {
  const side = Math.round(Math.sqrt(m.cols));
  return side * side === m.cols
    ? E.right(side)
    : E.left(invalidArgument(functionName, 'patches', `${m.rows} x ${m.cols}`, 'a matrix whose rows are square patches (cols = s^2)'));
};

/**
 * Draws four groups of the same patches, top to bottom. The first shows them as sampled, each stretched
 * to its own range. The second shows them PCA-whitened: all D coefficients in eigenvalue order, laid out
 * as an s x s image. The last two show them ZCA-whitened (in pixel order) with epsilon and with the
 * smaller comparison epsilon. Whitened patches are scaled symmetrically about mid-grey, so 0 is grey.
 */
export const patchWhiteningFigure = (result: PatchWhiteningResult): E.Either<InvalidArgumentError, GrayImage> => {
  const s = result.patchSize;
  const tile = (m: Matrix, scaling: 'per-image' | 'per-image-symmetric') =>
    tileImages(m, { height: s, width: s, columns: WHITENING_COLUMNS, scaling });
  return pipe(
    E.Do,
    E.bind('originals', () => tile(result.originals, 'per-image')),
    E.bind('pca', () => tile(result.pcaExamples, 'per-image-symmetric')),
    E.bind('zca', () => tile(result.zcaExamples, 'per-image-symmetric')),
    E.bind('zcaComparison', () => tile(result.zcaComparisonExamples, 'per-image-symmetric')),
    E.chain(({ originals, pca, zca, zcaComparison }) =>
      stackVertically([originals, pca, zca, zcaComparison], { gap: GROUP_GAP }),
    ),
    E.chain((image) => upscale(image, magnification(s))),
  );
};

/**
 * Draws the leading eigenvectors of the patch covariance as s x s images, in eigenvalue order from the top
 * left, each scaled symmetrically about mid-grey (an eigenvector's sign is arbitrary).
 */
export const patchEigenvectorFigure = (result: PatchWhiteningResult): E.Either<InvalidArgumentError, GrayImage> => {
  const s = result.patchSize;
  return pipe(
    tileImages(result.eigenvectors, { height: s, width: s, columns: EIGENVECTOR_COLUMNS, scaling: 'per-image-symmetric' }),
    E.chain((image) => upscale(image, magnification(s))),
  );
};

/**
 * Draws learned filters (the H rows of W, each an s x s patch) in a near-square grid, each scaled
 * symmetrically about mid-grey by its own largest |weight|, as the UFLDL exercise displays them: an
 * edge detector shows as a light band beside a dark one.
 */
export const patchFilterFigure = (weights: Matrix): E.Either<InvalidArgumentError, GrayImage> =>
  pipe(
    sideOf('patchFilterFigure', weights),
    E.chain((s) =>
      pipe(
        tileImages(weights, {
          height: s,
          width: s,
          columns: Math.ceil(Math.sqrt(weights.rows)),
          scaling: 'per-image-symmetric',
        }),
        E.chain((image) => upscale(image, magnification(s))),
      ),
    ),
  );

// -------------------------------------------------------------------------------------------------
// All figures of the section, with their file names
// -------------------------------------------------------------------------------------------------

/** The file names of the section's figures. */
export interface PatchFigureNames {
  readonly whitening: string;
  readonly eigenvectors: string;
  /** One per run of the beta sweep, in the order of `runs`. */
  readonly filters: readonly string[];
  readonly overcompleteFilters: string;
  readonly randomFilters: string;
}

const filterName = (run: { readonly hiddenSize: number; readonly beta: number }): string =>
  `patches-filters-h${run.hiddenSize}-beta-${run.beta}.png`;

/** Returns the file names of the figures; the report section links to the same names. */
export const patchFigureNames = (features: PatchFeatureResult): PatchFigureNames => ({
  whitening: 'patches-whitening.png',
  eigenvectors: 'patches-eigenvectors.png',
  filters: features.runs.map(filterName),
  overcompleteFilters: filterName(features.overcomplete),
  randomFilters: 'patches-filters-random.png',
});

/** One figure to write: its file name and the image, or the error that kept it from being drawn. */
export interface NamedFigure {
  readonly name: string;
  readonly image: E.Either<InvalidArgumentError, GrayImage>;
}

/**
 * Draws every figure of the section: whitening examples, eigenvectors, the filters of each run and the
 * random initial filters, named by {@link patchFigureNames}.
 */
export const patchFigures = (whitening: PatchWhiteningResult, features: PatchFeatureResult): NamedFigure[] => {
  const names = patchFigureNames(features);
  return [
    { name: names.whitening, image: patchWhiteningFigure(whitening) },
    { name: names.eigenvectors, image: patchEigenvectorFigure(whitening) },
    ...features.runs.map((run, i) => ({ name: names.filters[i], image: patchFilterFigure(run.weights) })),
    { name: names.overcompleteFilters, image: patchFilterFigure(features.overcomplete.weights) },
    { name: names.randomFilters, image: patchFilterFigure(features.randomInitialWeights) },
  ];
};
