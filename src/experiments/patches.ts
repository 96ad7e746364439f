/**
 * Experiments on natural-image patches: whitening, and the edge detectors a sparse autoencoder learns.
 *
 * Whitening: cut 12 x 12 patches from greyscale photographs and remove each patch's mean. Fit PCA
 * whitening (keeping the k components that retain 99% of the variance) and ZCA whitening with a
 * regulariser epsilon, and with a smaller comparison epsilon. Measure how far the covariance of the whitened patches is from its exact target
 * diag(lambda / (lambda + epsilon)) (PCA, in the eigenbasis) or E diag(lambda / (lambda + epsilon)) E^T
 * (ZCA, in pixel space). PCA-whitened patches are coefficients in eigenvalue order and look like noise
 * when drawn, while ZCA-whitened patches stay in pixel order and keep their edges.
 *
 * Features: cut 8 x 8 patches and normalise them as the UFLDL sparse autoencoder exercise does (remove
 * each patch's mean, clip at +-3 standard deviations, map to [0.1, 0.9]). Train 64-H-64 sigmoid
 * autoencoders (untied weights, sigmoid output, squared error, weight decay lambda, KL sparsity penalty
 * beta towards rho) with L-BFGS, one per beta from the same initial weights, plus one overcomplete layer
 * with more hidden units than pixels. Unlike the photographs of the UFLDL exercise, which were whitened
 * as a whole, these patches are not whitened before the normalisation. Each set of filters
 * (the rows of W) is scored by its edge-likeness: the mean over filters of the best absolute
 * correlation with a bank of oriented Gabor functions. The random initial weights are scored too, as the
 * baseline of filters with no structure.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import { encode, meanReconstructionError } from '../autoencoder/autoencoder.js';
import { type AutoencoderParams, initializeAutoencoder } from '../autoencoder/params.js';
import { type LibraryError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, sliceRows } from '../linalg/matrix.js';
import { columnMeans, covariance, maxAbsDifference, transpose } from '../linalg/ops.js';
import {
  DEFAULT_GABOR_BANK,
  type GaborBank,
  type GaborBankSettings,
  bestGaborCorrelations,
  gaborBank,
} from '../patches/gabor.js';
import { normalizeUfldl, removePatchMeans } from '../patches/normalize.js';
import { type PatchSourceImage, samplePatches } from '../patches/sampler.js';
import { fitEigenbasis } from '../pca/eigenbasis.js';
import { type WhiteningModel, targetCovariance, whiten, whiteningFromEigenbasis } from '../pca/whitening.js';
import type { Rng } from '../random/rng.js';
import { trainAutoencoder } from '../train/train-autoencoder.js';
import type { ExperimentProgressCallback } from './progress.js';
import { ACTIVE_THRESHOLD, sparseAutoencoderConfig } from './sparse-autoencoder.js';

// -------------------------------------------------------------------------------------------------
// Whitening of patches
// -------------------------------------------------------------------------------------------------

/** Settings of {@link runPatchWhitening}. */
export interface PatchWhiteningSettings {
  /** Side s of the square patches in pixels; D = s^2. */
  readonly patchSize: number;
  /** Number N of patches drawn. */
  readonly sampleCount: number;
  /** Fraction of the variance the k PCA-whitening components retain, in (0, 1]. */
  readonly retainedVariance: number;
  /** Regulariser epsilon >= 0 added to every eigenvalue, for both PCA and ZCA whitening. */
  readonly epsilon: number;
  /**
   * A second, smaller epsilon for ZCA whitening, measured and drawn beside the first. With pixels in
   * [0, 1], the eigenvalues of 12 x 12 patches run from about 0.1 down to 1e-4, so epsilon = 0.1 damps
   * nearly every direction and leaves the patches almost unchanged. An epsilon among the eigenvalues
   * shows what whitening does to them.
   */
  readonly comparisonEpsilon: number;
  /** Number of patches returned for the figure. */
  readonly exampleCount: number;
  /** Number of leading eigenvectors returned for the figure, at most D. */
  readonly eigenvectorCount: number;
}

/** The classic setting: 10,000 patches of 12 x 12 pixels, 99% of the variance, epsilon = 0.1. */
export const UFLDL_WHITENING_SETTINGS: PatchWhiteningSettings = {
  patchSize: 12,
  sampleCount: 10_000,
  retainedVariance: 0.99,
  epsilon: 0.1,
  comparisonEpsilon: 1e-3,
  exampleCount: 20,
  eigenvectorCount: 48,
};

/** The accuracy of one whitening transform on the training patches. */
export interface PatchWhiteningMeasurement {
  /** max |Cov(U) - target| over all entries, U the whitened training patches. */
  readonly covarianceError: number;
  /** max |P - P^T| of a square whitening matrix; NaN for a k x D PCA transform with k < D. */
  readonly symmetryError: number;
  /** Dimension of the whitened patches: k for PCA with reduction, D otherwise. */
  readonly outputDimension: number;
  /**
   * Mean over the N patches of the Pearson correlation between a mean-removed patch and its whitened
   * version read in pixel order: near 1 when whitening keeps the picture, near 0 when the output has
   * no spatial relation to it. NaN when the output dimension is not D.
   */
  readonly similarity: number;
}

/** Measurements of {@link runPatchWhitening}. */
export interface PatchWhiteningResult {
  readonly patchSize: number;
  readonly sampleCount: number;
  readonly epsilon: number;
  readonly retainedVariance: number;
  /** k, the fewest leading components whose eigenvalues sum to `retainedVariance` of the total. */
  readonly components: number;
  /** All D eigenvalues of the covariance of the mean-removed patches, descending. */
  readonly eigenvalues: Float64Array;
  /** PCA whitening with k components. */
  readonly pca: PatchWhiteningMeasurement;
  /** PCA whitening with all D components: the transform drawn in the figure. */
  readonly pcaFull: PatchWhiteningMeasurement;
  readonly zca: PatchWhiteningMeasurement;
  /** ZCA whitening with `comparisonEpsilon`. */
  readonly zcaComparison: PatchWhiteningMeasurement;
  readonly comparisonEpsilon: number;
  /** The example patches as sampled, before their means are removed (exampleCount x D). */
  readonly originals: Matrix;
  /** The example patches PCA-whitened with all D components, coefficients in eigenvalue order. */
  readonly pcaExamples: Matrix;
  /** The example patches ZCA-whitened, in pixel order. */
  readonly zcaExamples: Matrix;
  /** The example patches ZCA-whitened with `comparisonEpsilon`. */
  readonly zcaComparisonExamples: Matrix;
  /** The leading eigenvectors as rows (eigenvectorCount x D), to draw as s x s images. */
  readonly eigenvectors: Matrix;
}

/** The first `count` eigenvectors (columns of the D x D matrix) as the rows of a count x D matrix. */
const leadingEigenvectors = (eigenvectors: Matrix, count: number): Matrix =>
  sliceRows(transpose(eigenvectors), 0, Math.min(count, eigenvectors.cols));

/**
 * Returns the mean over rows of the Pearson correlation between row n of `a` and row n of `b` (equal
 * shapes). A constant row has no direction and counts as correlation 0.
 */
const meanRowCorrelation = (a: Matrix, b: Matrix): number => {
  const d = a.cols;
  let total = 0;
  for (let n = 0; n < a.rows; n++) {
    const base = n * d;
    let meanA = 0;
    let meanB = 0;
    for (let j = 0; j < d; j++) {
      meanA += a.data[base + j];
      meanB += b.data[base + j];
    }
    meanA /= d;
    meanB /= d;
    let cross = 0;
    let squaresA = 0;
    let squaresB = 0;
    for (let j = 0; j < d; j++) {
      const da = a.data[base + j] - meanA;
      const db = b.data[base + j] - meanB;
      cross += da * db;
      squaresA += da * da;
      squaresB += db * db;
    }
    const denominator = Math.sqrt(squaresA * squaresB);
    total += denominator > 0 ? cross / denominator : 0;
  }
  return total / a.rows;
};

const measureWhitening = (model: WhiteningModel, patches: Matrix): E.Either<LibraryError, PatchWhiteningMeasurement> =>
  pipe(
    whiten(model, patches),
    E.bindTo('whitened'),
    E.bind('whitenedCovariance', ({ whitened }) => covariance(whitened)),
    E.map(({ whitened, whitenedCovariance }) => {
      const p = model.transform;
      return {
        covarianceError: maxAbsDifference(whitenedCovariance.covariance, targetCovariance(model)),
        symmetryError: p.rows === p.cols ? maxAbsDifference(p, transpose(p)) : Number.NaN,
        outputDimension: p.rows,
        similarity: whitened.cols === patches.cols ? meanRowCorrelation(patches, whitened) : Number.NaN,
      };
    }),
  );

/**
 * Runs the whitening experiment on greyscale images (values in [0, 1]). Draws N patches from the
 * generator, removes each patch's mean and fits four transforms from one eigendecomposition: PCA
 * whitening with k and with all D components, and ZCA whitening with epsilon and with the comparison
 * epsilon. Measures each and returns the result with the advanced generator.
 */
export const runPatchWhitening = (
  images: readonly PatchSourceImage[],
  settings: PatchWhiteningSettings,
  rng: Rng,
  onProgress: ExperimentProgressCallback,
): [E.Either<LibraryError, PatchWhiteningResult>, Rng] => {
  const [sample, rngAfter] = samplePatches(images, { patchSize: settings.patchSize, count: settings.sampleCount }, rng);
  const { epsilon, retainedVariance, comparisonEpsilon } = settings;

  const result = pipe(
    E.Do,
    E.bind('raw', () => pipe(sample, E.map(({ patches }) => patches))),
    E.bind('patches', ({ raw }) => removePatchMeans(raw)),
    E.tap(() => E.right(onProgress({ phase: 'patch whitening: Jacobi eigendecomposition of the covariance' }))),
    // One eigendecomposition serves all four transforms.
    E.bindW('basis', ({ patches }) => fitEigenbasis('runPatchWhitening', patches)),
    E.bindW('pcaModel', ({ basis }) => whiteningFromEigenbasis(basis, { method: 'pca', epsilon, retainedVariance })),
    E.bindW('pcaFullModel', ({ basis }) => whiteningFromEigenbasis(basis, { method: 'pca', epsilon })),
    E.bindW('zcaModel', ({ basis }) => whiteningFromEigenbasis(basis, { method: 'zca', epsilon })),
    E.bindW('zcaComparisonModel', ({ basis }) =>
      whiteningFromEigenbasis(basis, { method: 'zca', epsilon: comparisonEpsilon }),
    ),
    E.bindW('pca', ({ pcaModel, patches }) => measureWhitening(pcaModel, patches)),
    E.bindW('pcaFull', ({ pcaFullModel, patches }) => measureWhitening(pcaFullModel, patches)),
    E.bindW('zca', ({ zcaModel, patches }) => measureWhitening(zcaModel, patches)),
    E.bindW('zcaComparison', ({ zcaComparisonModel, patches }) => measureWhitening(zcaComparisonModel, patches)),
    E.bindW('examples', ({ patches }) => E.right(sliceRows(patches, 0, Math.min(settings.exampleCount, patches.rows)))),
    E.bindW('pcaExamples', ({ pcaFullModel, examples }) => whiten(pcaFullModel, examples)),
    E.bindW('zcaExamples', ({ zcaModel, examples }) => whiten(zcaModel, examples)),
    E.bindW('zcaComparisonExamples', ({ zcaComparisonModel, examples }) => whiten(zcaComparisonModel, examples)),
    E.map((fitted) => ({
      patchSize: settings.patchSize,
      sampleCount: settings.sampleCount,
      epsilon,
      retainedVariance,
      comparisonEpsilon,
      components: fitted.pcaModel.eigenvalues.length,
      eigenvalues: fitted.basis.eigenvalues,
      pca: fitted.pca,
      pcaFull: fitted.pcaFull,
      zca: fitted.zca,
      zcaComparison: fitted.zcaComparison,
      originals: sliceRows(fitted.raw, 0, fitted.examples.rows),
      pcaExamples: fitted.pcaExamples,
      zcaExamples: fitted.zcaExamples,
      zcaComparisonExamples: fitted.zcaComparisonExamples,
      eigenvectors: leadingEigenvectors(fitted.basis.eigenvectors, settings.eigenvectorCount),
    })),
  );
  return [result, rngAfter];
};

// -------------------------------------------------------------------------------------------------
// Sparse features of patches
// -------------------------------------------------------------------------------------------------

/** Settings of {@link runPatchFeatures}. */
export interface PatchFeatureSettings {
  /** Side s of the square patches in pixels; D = s^2 inputs. */
  readonly patchSize: number;
  /** Number N of training patches. */
  readonly sampleCount: number;
  /** H of the main runs, one per beta. */
  readonly hiddenSize: number;
  /** The sparsity weights beta >= 0 of the main runs. */
  readonly betas: readonly number[];
  /** H of the overcomplete run (more hidden units than the D inputs). */
  readonly overcompleteHiddenSize: number;
  /** beta of the overcomplete run. */
  readonly overcompleteBeta: number;
  /** Target mean activation rho, in (0, 1). */
  readonly rho: number;
  /** Weight-decay coefficient lambda >= 0. */
  readonly lambda: number;
  /** L-BFGS iteration cap of every run; L-BFGS may stop earlier when the loss stops changing. */
  readonly maxIterations: number;
  /** The Gabor bank for edge-likeness; its size must equal patchSize. */
  readonly gaborBank: GaborBankSettings;
}

/** Measurements of one trained autoencoder. */
export interface PatchFeatureRun {
  readonly hiddenSize: number;
  readonly beta: number;
  /** Mean over hidden units of rhoHat_j on the training patches. */
  readonly meanActivation: number;
  /** rhoHat_j of every hidden unit (length H). */
  readonly rhoHat: Float64Array;
  /** Mean over patches of the fraction of hidden units whose output exceeds 0.5. */
  readonly activeFraction: number;
  /** Mean over training patches of (1/2)||x - x^||^2, on the normalised scale. */
  readonly reconstructionError: number;
  readonly iterations: number;
  readonly finalLoss: number;
  readonly stopReason: string;
  /** Mean over filters of the best absolute correlation with the Gabor bank. */
  readonly edgeLikeness: number;
  /** Best absolute correlation with the bank of each filter (length H). */
  readonly correlations: Float64Array;
  /** The learned filters, the rows of W (H x D). */
  readonly weights: Matrix;
}

/** Measurements of {@link runPatchFeatures}. */
export interface PatchFeatureResult {
  readonly patchSize: number;
  readonly sampleCount: number;
  readonly rho: number;
  readonly lambda: number;
  readonly maxIterations: number;
  /** The runs of `betas`, in order, with `hiddenSize` units. */
  readonly runs: readonly PatchFeatureRun[];
  /** The overcomplete run. */
  readonly overcomplete: PatchFeatureRun;
  /** Edge-likeness of the initial weights shared by the main runs. */
  readonly randomInitialEdgeLikeness: number;
  /** The initial W of the main runs (H x D). */
  readonly randomInitialWeights: Matrix;
  /** The settings of the Gabor bank the filters were scored with. */
  readonly gaborBank: GaborBankSettings;
  /** Number M of members of the Gabor bank. */
  readonly bankSize: number;
  /** A few normalised training patches, as the autoencoders see them (values in [0.1, 0.9]). */
  readonly examples: Matrix;
}

/**
 * The classic setting of the UFLDL sparse autoencoder exercise, extended by the beta sweep and the
 * overcomplete layer, with the default Gabor bank for 8 x 8 filters.
 */
export const UFLDL_FEATURE_SETTINGS: PatchFeatureSettings = {
  patchSize: 8,
  sampleCount: 10_000,
  hiddenSize: 25,
  betas: [0, 0.1, 3],
  overcompleteHiddenSize: 100,
  overcompleteBeta: 3,
  rho: 0.01,
  lambda: 1e-4,
  maxIterations: 400,
  gaborBank: DEFAULT_GABOR_BANK,
};

/** Number of normalised patches returned for display. */
const FEATURE_EXAMPLE_COUNT = 20;

const fractionAbove = (hidden: Matrix, threshold: number): number => {
  let count = 0;
  for (let i = 0; i < hidden.data.length; i++) if (hidden.data[i] > threshold) count++;
  return count / hidden.data.length;
};

const meanOf = (values: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
};

/** Trains one sigmoid autoencoder from `initial` and measures it. */
const trainAndMeasure = (
  samples: Matrix,
  initial: AutoencoderParams,
  beta: number,
  settings: PatchFeatureSettings,
  bank: GaborBank,
  rng: Rng,
  onProgress: ExperimentProgressCallback,
): E.Either<LibraryError, PatchFeatureRun> => {
  const hiddenSize = initial.W.rows;
  const config = sparseAutoencoderConfig(samples.cols, hiddenSize);
  const phase = `patch autoencoder ${samples.cols}-${hiddenSize}-${samples.cols}, beta = ${beta}`;
  const [trained] = trainAutoencoder(
    {
      config,
      regularization: { lambda: settings.lambda, sparsity: { rho: settings.rho, beta } },
      samples,
      initial,
    },
    { kind: 'lbfgs', maxIterations: settings.maxIterations },
    rng,
    (training) => onProgress({ phase, training }),
  );
  return pipe(
    E.Do,
    E.bindW('trained', () => trained),
    E.bindW('match', ({ trained: { params } }) => bestGaborCorrelations(bank, params.W)),
    E.map(({ trained: { params, optimization }, match }) => {
      const hidden = encode(config, params, samples);
      const rhoHat = columnMeans(hidden);
      return {
        hiddenSize,
        beta,
        meanActivation: meanOf(rhoHat),
        rhoHat,
        activeFraction: fractionAbove(hidden, ACTIVE_THRESHOLD),
        reconstructionError: meanReconstructionError(config, params, samples),
        iterations: optimization.iterations,
        finalLoss: optimization.loss,
        stopReason: optimization.stopReason,
        edgeLikeness: meanOf(match.correlations),
        correlations: match.correlations,
        weights: params.W,
      };
    }),
  );
};

/**
 * Runs the feature experiment on greyscale images (values in [0, 1]). Draws N patches and normalises
 * them for a sigmoid output. Trains one autoencoder per beta from one set of initial weights, and one
 * overcomplete autoencoder, then scores every set of filters against the Gabor bank.
 * The generator draws the patches and both sets of initial weights, and is returned advanced.
 */
export const runPatchFeatures = (
  images: readonly PatchSourceImage[],
  settings: PatchFeatureSettings,
  rng: Rng,
  onProgress: ExperimentProgressCallback,
): [E.Either<LibraryError, PatchFeatureResult>, Rng] => {
  const [sample, afterSample] = samplePatches(images, { patchSize: settings.patchSize, count: settings.sampleCount }, rng);
  const d = settings.patchSize * settings.patchSize;
  const [initial, afterInitial] = initializeAutoencoder(afterSample, sparseAutoencoderConfig(d, settings.hiddenSize));
  const [overcompleteInitial, rngAfter] = initializeAutoencoder(
    afterInitial,
    sparseAutoencoderConfig(d, settings.overcompleteHiddenSize),
  );
  const train = (samples: Matrix, start: AutoencoderParams, beta: number, bank: GaborBank) =>
    trainAndMeasure(samples, start, beta, settings, bank, rngAfter, onProgress);

  const result = pipe(
    E.Do,
    E.bind('bank', () =>
      settings.gaborBank.size === settings.patchSize
        ? gaborBank(settings.gaborBank)
        : E.left(
            invalidArgument(
              'runPatchFeatures',
              'settings.gaborBank.size',
              settings.gaborBank.size,
              `equal to settings.patchSize, ${settings.patchSize}`,
            ),
          ),
    ),
    E.bindW('raw', () => pipe(sample, E.map(({ patches }) => patches))),
    E.bindW('samples', ({ raw }) => normalizeUfldl(raw)),
    E.bindW('initialMatch', ({ bank }) => bestGaborCorrelations(bank, initial.W)),
    // Either's traverse stops at the first failed run and returns its error.
    E.bindW('runs', ({ samples, bank }) =>
      E.traverseArray((beta: number) => train(samples, initial, beta, bank))(settings.betas),
    ),
    E.bindW('overcomplete', ({ samples, bank }) => train(samples, overcompleteInitial, settings.overcompleteBeta, bank)),
    E.map(({ bank, samples, initialMatch, runs, overcomplete }) => ({
      patchSize: settings.patchSize,
      sampleCount: settings.sampleCount,
      rho: settings.rho,
      lambda: settings.lambda,
      maxIterations: settings.maxIterations,
      gaborBank: settings.gaborBank,
      runs,
      overcomplete,
      randomInitialEdgeLikeness: meanOf(initialMatch.correlations),
      randomInitialWeights: initial.W,
      bankSize: bank.members.rows,
      examples: sliceRows(samples, 0, Math.min(FEATURE_EXAMPLE_COUNT, samples.rows)),
    })),
  );
  return [result, rngAfter];
};
