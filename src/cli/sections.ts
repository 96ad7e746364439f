/**
 * One function per experiment of the main job: run the experiment's pipeline, write its figures and
 * return its report section with the advanced generator.
 */
import { loadNaturalImages } from '../data/images.js';
import { type MnistSet, loadMnist } from '../data/mnist.js';
import type { ExperimentProgressCallback } from '../experiments/progress.js';
import { UFLDL_FEATURE_SETTINGS, runPatchFeatures } from '../experiments/patch-features.js';
import { UFLDL_WHITENING_SETTINGS, runPatchWhitening } from '../experiments/patch-whitening.js';
import { mnistDeepAutoencoderSettings, runDeepAutoencoder } from '../experiments/deep-autoencoder.js';
import { mnistDenoisingSettings, runDenoising } from '../experiments/denoising.js';
import { runPcaVersusLinearAutoencoder } from '../experiments/pca-vs-linear-autoencoder.js';
import { runSparseAutoencoders } from '../experiments/sparse-autoencoder.js';
import { runWhitening } from '../experiments/whitening.js';
import { sliceRows } from '../linalg/matrix.js';
import type { Rng } from '../random/rng.js';
import { type DeepAutoencoderSection, deepAutoencoderSection } from '../report/deep-autoencoder-section.js';
import { deepAutoencoderFigure, denoisingFigure } from '../report/deep-figures.js';
import { type DenoisingSection, denoisingSection } from '../report/denoising-section.js';
import { pcaFigure, sparseFigure, whiteningFigure } from '../report/figures.js';
import { patchFigures } from '../report/patches-figures.js';
import { type PatchesSection, patchesSection } from '../report/patches-section.js';
import {
  type PcaSection,
  type SparseEntry,
  type WhiteningSection,
  pcaSection,
  sparseEntry,
  whiteningSection,
} from '../report/report.js';
import {
  DEFAULT_PRETRAINING_SETTINGS,
  FULL_PRETRAINING_SETTINGS,
  runPretrainingExperiment,
} from '../experiments/pretraining.js';
import { pretrainingFigure } from '../report/pretraining-figures.js';
import { type PretrainingSection, buildPretrainingSection } from '../report/pretraining-section.js';
import { PCA_COMPONENTS, type RunSettings } from './settings.js';
import { elapsedSeconds, unwrap, writePng } from './output.js';

/** The job state that every section uses: its settings, the output folder and the progress sinks. */
export interface JobContext {
  readonly settings: RunSettings;
  readonly directory: string;
  readonly onProgress: ExperimentProgressCallback;
  /** Ends the progress display of the phase that just finished. */
  readonly stopProgress: () => void;
  readonly log: (line: string) => void;
  /** Records the wall time of a section under its experiment name. */
  readonly recordSeconds: (experiment: string, seconds: number) => void;
}

/** The MNIST images loaded for the job: the first training images and the first test images. */
export interface MnistData {
  readonly train: MnistSet;
  readonly test: MnistSet;
}

/** Hyperparameters of the sparse autoencoders, as in the UFLDL MNIST exercise. */
const SPARSE = { hiddenSize: 196, rho: 0.1, lambda: 3e-3, betas: [0, 0.1, 3] } as const;

/** L-BFGS stops the linear autoencoder at this gradient norm, far below what a 1e-4 angle needs. */
const LINEAR_GRADIENT_TOLERANCE = 1e-9;

/** Number of digits drawn in the whitening figure. */
const WHITENING_EXAMPLES = 10;

export const runPcaSection = async (context: JobContext, data: MnistData, rng: Rng): Promise<[PcaSection, Rng]> => {
  const { settings, directory } = context;
  const start = performance.now();
  const [result, next] = runPcaVersusLinearAutoencoder(
    sliceRows(data.train.images, 0, settings.trainCount),
    data.test.images,
    { components: PCA_COMPONENTS, maxIterations: settings.pcaIterations, gradientTolerance: LINEAR_GRADIENT_TOLERANCE },
    rng,
    context.onProgress,
  );
  context.stopProgress();
  const value = unwrap(result, 'PCA versus linear autoencoder');
  const section = pcaSection(value, await writePng(directory, 'pca-components.png', pcaFigure(value)));
  const seconds = elapsedSeconds(start);
  context.recordSeconds('pca', seconds);
  context.log(`PCA: largest principal angle ${section.maxPrincipalAngle.toExponential(2)} rad (${seconds.toFixed(0)} s).`);
  return [section, next];
};

export const runSparseSection = async (
  context: JobContext,
  data: MnistData,
  rng: Rng,
): Promise<[SparseEntry[], Rng]> => {
  const { settings, directory } = context;
  const start = performance.now();
  const train = sliceRows(data.train.images, 0, settings.sparseTrainCount);
  const [result, next] = runSparseAutoencoders(
    train,
    data.test.images,
    { ...SPARSE, maxIterations: settings.sparseIterations },
    rng,
    context.onProgress,
  );
  context.stopProgress();
  const runs = unwrap(result, 'sparse autoencoders');
  const entries: SparseEntry[] = [];
  for (const run of runs) {
    const figure = await writePng(directory, `sparse-beta-${run.beta}.png`, sparseFigure(run));
    entries.push(sparseEntry(run, SPARSE.lambda, train.rows, figure));
  }
  const seconds = elapsedSeconds(start);
  context.recordSeconds('sparse', seconds);
  const activations = entries.map((entry) => entry.meanActivation.toFixed(3)).join(', ');
  context.log(`Sparse autoencoders: mean activations ${activations} (${seconds.toFixed(0)} s).`);
  return [entries, next];
};

export const runWhiteningSection = async (context: JobContext, data: MnistData): Promise<WhiteningSection> => {
  const { settings, directory } = context;
  const start = performance.now();
  const value = unwrap(
    runWhitening(
      sliceRows(data.train.images, 0, settings.trainCount),
      { epsilon: settings.epsilon, exampleCount: WHITENING_EXAMPLES },
      context.onProgress,
    ),
    'whitening',
  );
  context.stopProgress();
  const section = whiteningSection(value, await writePng(directory, 'whitening.png', whiteningFigure(value)));
  const seconds = elapsedSeconds(start);
  context.recordSeconds('whitening', seconds);
  context.log(
    `Whitening: covariance errors ${section.pca.covarianceError.toExponential(2)} (PCA), ` +
      `${section.zca.covarianceError.toExponential(2)} (ZCA).`,
  );
  return section;
};

export const runPatchesSection = async (context: JobContext, rng: Rng): Promise<[PatchesSection, Rng]> => {
  const { settings, directory } = context;
  const start = performance.now();
  context.log('Loading the natural images.');
  const images = unwrap(await loadNaturalImages(), 'loading the natural images');
  const [whiteningResult, afterWhitening] = runPatchWhitening(images, UFLDL_WHITENING_SETTINGS, rng, context.onProgress);
  context.stopProgress();
  const whitened = unwrap(whiteningResult, 'whitening of image patches');
  const [featureResult, next] = runPatchFeatures(
    images,
    { ...UFLDL_FEATURE_SETTINGS, sampleCount: settings.patchCount, maxIterations: settings.patchIterations },
    afterWhitening,
    context.onProgress,
  );
  context.stopProgress();
  const features = unwrap(featureResult, 'sparse autoencoders on image patches');
  for (const figure of patchFigures(whitened, features)) await writePng(directory, figure.name, figure.image);
  const section = patchesSection({ images, whitening: whitened, features });
  const seconds = elapsedSeconds(start);
  context.recordSeconds('patches', seconds);
  const edgeLikeness = features.runs.map((run) => run.edgeLikeness.toFixed(2)).join(', ');
  context.log(`Patches: k = ${section.whitening.components}, edge-likeness ${edgeLikeness} (${seconds.toFixed(0)} s).`);
  return [section, next];
};

export const runDenoisingSection = async (
  context: JobContext,
  data: MnistData,
  rng: Rng,
): Promise<[DenoisingSection, Rng]> => {
  const { settings, directory } = context;
  const start = performance.now();
  const experimentSettings = mnistDenoisingSettings(settings.denoisingEpochs);
  const train = sliceRows(data.train.images, 0, settings.denoisingTrainCount);
  const [result, next] = runDenoising(train, data.test.images, experimentSettings, rng, context.onProgress);
  context.stopProgress();
  const value = unwrap(result, 'denoising autoencoders');
  const figures: string[] = [];
  for (const noise of value.noises) {
    figures.push(await writePng(directory, `denoising-${noise.noise.kind}.png`, denoisingFigure(noise)));
  }
  const section = denoisingSection(value, experimentSettings, figures);
  const seconds = elapsedSeconds(start);
  context.recordSeconds('denoising', seconds);
  const errors = section.noises.map((n) => `${n.kind} ${n.plainError.toFixed(2)} -> ${n.denoisingError.toFixed(2)}`);
  context.log(`Denoising: error on corrupted test digits, plain -> denoising autoencoder: ${errors.join(', ')} (${seconds.toFixed(0)} s).`);
  return [section, next];
};

export const runDeepAutoencoderSection = async (
  context: JobContext,
  data: MnistData,
  rng: Rng,
): Promise<[DeepAutoencoderSection, Rng]> => {
  const { settings, directory } = context;
  const start = performance.now();
  const experimentSettings = mnistDeepAutoencoderSettings(
    settings.deepLayers,
    settings.deepPretrainEpochs,
    settings.deepEpochs,
  );
  const train = sliceRows(data.train.images, 0, settings.deepTrainCount);
  const [result, next] = runDeepAutoencoder(train, data.test.images, experimentSettings, rng, context.onProgress);
  context.stopProgress();
  const value = unwrap(result, 'deep autoencoder');
  const figure = await writePng(directory, 'deep-autoencoder.png', deepAutoencoderFigure(value));
  const section = deepAutoencoderSection(value, experimentSettings, figure);
  const seconds = elapsedSeconds(start);
  context.recordSeconds('deepAutoencoder', seconds);
  const errors =
    `test error ${section.testError.toFixed(3)}, from random weights ${section.randomStartTestError.toFixed(3)}, ` +
    `PCA ${section.pcaTestError.toFixed(3)}`;
  context.log(`Deep autoencoder: ${errors} (${seconds.toFixed(0)} s).`);
  return [section, next];
};

/**
 * Runs the pretraining comparison on the first `pretrainingTrainCount` training images (labelled) and all
 * 10,000 test images, which it loads itself because it needs the labels and more images than the others.
 */
export const runPretrainingSection = async (context: JobContext, rng: Rng): Promise<[PretrainingSection, Rng]> => {
  const { settings, directory } = context;
  const start = performance.now();
  context.log(`Pretraining: loading ${settings.pretrainingTrainCount} training and 10000 test images.`);
  const train = unwrap(await loadMnist({ split: 'train', count: settings.pretrainingTrainCount }), 'loading MNIST');
  const test = unwrap(await loadMnist({ split: 'test' }), 'loading MNIST');
  const experimentSettings = {
    ...(settings.full ? FULL_PRETRAINING_SETTINGS : DEFAULT_PRETRAINING_SETTINGS),
    seeds: settings.seeds,
  };
  const [result, next] = runPretrainingExperiment(
    { images: train.images, labels: train.labels },
    { images: test.images, labels: test.labels },
    experimentSettings,
    rng,
    context.onProgress,
  );
  context.stopProgress();
  const value = unwrap(result, 'pretraining');
  const figure = await writePng(directory, 'pretraining-weights.png', pretrainingFigure(value));
  const section = buildPretrainingSection(value, experimentSettings, figure);
  const seconds = elapsedSeconds(start);
  context.recordSeconds('pretraining', seconds);
  const accuracies = section.arms.map((arm) => `${arm.name} ${(100 * arm.testAccuracyMean).toFixed(2)}%`).join(', ');
  context.log(`Pretraining: test accuracies ${accuracies} (${seconds.toFixed(0)} s).`);
  return [section, next];
};
