/**
 * Experiment on natural-image patches: the edge detectors a sparse autoencoder learns.
 *
 * Cut 8 x 8 patches and normalise them as the UFLDL sparse autoencoder exercise does (remove each
 * patch's mean, clip at +-3 standard deviations, map to [0.1, 0.9]). Train 64-H-64 sigmoid autoencoders
 * (untied weights, sigmoid output, squared error, weight decay lambda, KL sparsity penalty beta towards
 * rho) with L-BFGS, one per beta from the same initial weights, plus one overcomplete layer with more
 * hidden units than pixels. Unlike the photographs of the UFLDL exercise, which were whitened as a
 * whole, these patches are not whitened before the normalisation. Each set of filters (the rows of W)
 * is scored by its edge-likeness: the mean over filters of the best absolute correlation with a bank
 * of oriented Gabor functions. The random initial weights are scored too, as the baseline of filters
 * with no structure.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import { encode, meanReconstructionError } from '../autoencoder/autoencoder.js';
import { type AutoencoderParams, initializeAutoencoder } from '../autoencoder/params.js';
import { type LibraryError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, sliceRows } from '../linalg/matrix.js';
import { columnMeans } from '../linalg/ops.js';
import {
  DEFAULT_GABOR_BANK,
  type GaborBank,
  type GaborBankSettings,
  bestGaborCorrelations,
  gaborBank,
} from '../patches/gabor.js';
import { normalizeUfldl } from '../patches/normalize.js';
import { type PatchSourceImage, samplePatches } from '../patches/sampler.js';
import type { Rng } from '../random/rng.js';
import { trainAutoencoder } from '../train/train-autoencoder.js';
import type { ExperimentProgressCallback } from './progress.js';
import { ACTIVE_THRESHOLD, sparseAutoencoderConfig } from './sparse-autoencoder.js';

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
