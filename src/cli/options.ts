/**
 * Command-line options of the main job, parsed with commander.
 *
 * Parsing is separate from running so that every bad option stops the program before any data is read
 * or any model is trained.
 */
import { Command, InvalidArgumentError, Option } from 'commander';

import { mnistDeepAutoencoderSettings } from '../experiments/deep-autoencoder.js';
import { mnistDenoisingSettings } from '../experiments/denoising.js';
import { DEFAULT_PRETRAINING_SETTINGS, FULL_PRETRAINING_SETTINGS } from '../experiments/pretraining.js';
import {
  DEFAULT_SIZES,
  EXPERIMENTS,
  type ExperimentName,
  FULL_SIZES,
  MNIST_TEST_SIZE,
  MNIST_TRAIN_SIZE,
  PCA_COMPONENTS,
  type RunSettings,
} from './settings.js';

const integerIn =
  (minimum: number, maximum: number) =>
  (text: string): number => {
    const value = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < minimum || value > maximum) {
      throw new InvalidArgumentError(`expected an integer in [${minimum}, ${maximum}].`);
    }
    return value;
  };

/** A plain decimal number such as 0.1, 1e-5 or 3; hexadecimal and other forms that Number() reads are rejected. */
const DECIMAL = /^\s*(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

const nonNegativeNumber = (text: string): number => {
  const value = Number(text);
  if (!DECIMAL.test(text) || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError('expected a finite number >= 0.');
  }
  return value;
};

/**
 * Parses encoder sizes such as `784,256,64,30`: at least two plain decimal integers >= 1 (no
 * exponents or hexadecimal), the first 784 (MNIST pixels), each smaller than the one before, so that the code is smaller than the input and PCA with as
 * many components exists.
 */
const layerList = (text: string): number[] => {
  const parts = text.split(',').map((size) => size.trim());
  const sizes = parts.map(Number);
  const valid =
    sizes.length >= 2 &&
    parts.every((part) => /^\d+$/.test(part)) &&
    sizes.every((size) => Number.isSafeInteger(size) && size >= 1) &&
    sizes[0] === 784 &&
    sizes.every((size, i) => i === 0 || size < sizes[i - 1]);
  if (!valid) {
    throw new InvalidArgumentError(
      'expected comma-separated layer sizes falling from 784 to the code size, e.g. 784,256,64,30.',
    );
  }
  return sizes;
};

const experimentList = (text: string): ExperimentName[] => {
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(EXPERIMENTS as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`unknown experiment "${name}"; expected a comma-separated list of ${EXPERIMENTS.join(', ')}.`);
    }
  }
  return [...new Set(names)] as ExperimentName[];
};

/** Output streams for commander's help and error text. Tests pass their own to capture the text. */
export interface OutputSink {
  readonly writeOut: (text: string) => void;
  readonly writeErr: (text: string) => void;
}

const processOutput: OutputSink = {
  writeOut: (text) => process.stdout.write(text),
  writeErr: (text) => process.stderr.write(text),
};

/** Builds the commander program; `main` runs it. */
export const buildProgram = (output: OutputSink = processOutput): Command =>
  new Command()
    .configureOutput({ writeOut: output.writeOut, writeErr: output.writeErr })
    .name('autoencoder-chapter')
    .description(
      'Reproduces the autoencoder chapter on MNIST and natural-image patches: PCA versus a linear ' +
        'autoencoder, sparse autoencoders, PCA/ZCA whitening, whitening and sparse filters of image ' +
        'patches, layer-wise pretraining of a classifier (against random weights and RBMs), denoising ' +
        'autoencoders, and a deep autoencoder against PCA. Writes report.md, report.json and PNG figures ' +
        'to the output folder.',
    )
    .addOption(new Option('--seed <n>', 'seed of the random generator').argParser(integerIn(0, 0xffffffff)).default(1))
    .addOption(
      new Option('--train-count <n>', `MNIST training images for PCA, the linear autoencoder and whitening (default ${DEFAULT_SIZES.trainCount}, --full ${FULL_SIZES.trainCount})`).argParser(
        integerIn(2, MNIST_TRAIN_SIZE),
      ),
    )
    .addOption(
      new Option('--test-count <n>', `MNIST test images for held-out reconstruction errors (default ${DEFAULT_SIZES.testCount}, --full ${FULL_SIZES.testCount})`).argParser(
        integerIn(1, MNIST_TEST_SIZE),
      ),
    )
    .addOption(
      new Option('--sparse-train-count <n>', `training images for each sparse autoencoder (default ${DEFAULT_SIZES.sparseTrainCount}, --full ${FULL_SIZES.sparseTrainCount})`).argParser(
        integerIn(1, MNIST_TRAIN_SIZE),
      ),
    )
    .addOption(
      new Option('--pca-iterations <n>', `maximum L-BFGS iterations of the linear autoencoder (default ${DEFAULT_SIZES.pcaIterations}, --full ${FULL_SIZES.pcaIterations})`).argParser(
        integerIn(1, 1_000_000),
      ),
    )
    .addOption(
      new Option('--sparse-iterations <n>', `L-BFGS iterations of each sparse autoencoder (default ${DEFAULT_SIZES.sparseIterations}, --full ${FULL_SIZES.sparseIterations})`).argParser(
        integerIn(1, 1_000_000),
      ),
    )
    .addOption(
      new Option('--epsilon <x>', 'regulariser of the MNIST whitening experiment, added to every eigenvalue (pixels are in [0, 1]); the patch experiments use their own values, 0.1 and 0.001')
        .argParser(nonNegativeNumber)
        .default(0.1),
    )
    .addOption(
      new Option('--patch-count <n>', `8 x 8 image patches for each patch autoencoder (default ${DEFAULT_SIZES.patchCount}, --full ${FULL_SIZES.patchCount})`).argParser(
        integerIn(1, 1_000_000),
      ),
    )
    .addOption(
      new Option('--patch-iterations <n>', `L-BFGS iterations of each patch autoencoder (default ${DEFAULT_SIZES.patchIterations}, --full ${FULL_SIZES.patchIterations})`).argParser(
        integerIn(1, 1_000_000),
      ),
    )
    .addOption(
      new Option('--denoising-train-count <n>', `MNIST training images for each autoencoder of the denoising experiment (default ${DEFAULT_SIZES.denoisingTrainCount}, --full ${FULL_SIZES.denoisingTrainCount})`).argParser(
        integerIn(1, MNIST_TRAIN_SIZE),
      ),
    )
    .addOption(
      new Option('--denoising-epochs <n>', `SGD epochs of each autoencoder of the denoising experiment (default ${DEFAULT_SIZES.denoisingEpochs}, --full ${FULL_SIZES.denoisingEpochs})`).argParser(
        integerIn(1, 10_000),
      ),
    )
    .addOption(
      new Option('--deep-train-count <n>', `MNIST training images for the deep autoencoder and its PCA baseline (default ${DEFAULT_SIZES.deepTrainCount}, --full ${FULL_SIZES.deepTrainCount})`).argParser(
        integerIn(2, MNIST_TRAIN_SIZE),
      ),
    )
    .addOption(
      new Option('--deep-layers <sizes>', `encoder sizes of the deep autoencoder, from 784 down to the code size (default ${DEFAULT_SIZES.deepLayers.join(',')}, --full ${FULL_SIZES.deepLayers.join(',')})`).argParser(
        layerList,
      ),
    )
    .addOption(
      new Option('--deep-pretrain-epochs <n>', `SGD epochs of each pretraining autoencoder of the deep autoencoder (default ${DEFAULT_SIZES.deepPretrainEpochs}, --full ${FULL_SIZES.deepPretrainEpochs})`).argParser(
        integerIn(1, 10_000),
      ),
    )
    .addOption(
      new Option('--deep-epochs <n>', `SGD epochs of the deep autoencoder's fine-tuning (default ${DEFAULT_SIZES.deepEpochs}, --full ${FULL_SIZES.deepEpochs})`).argParser(
        integerIn(1, 10_000),
      ),
    )
    .addOption(
      new Option(
        '--pretraining-train-count <n>',
        `training images of the pretraining comparison (default ${DEFAULT_SIZES.pretrainingTrainCount}, --full ${FULL_SIZES.pretrainingTrainCount})`,
      ).argParser(integerIn(1, MNIST_TRAIN_SIZE)),
    )
    .addOption(
      new Option('--seeds <n>', 'repetitions of every pretraining arm, each with its own seeds, to measure the spread')
        .argParser(integerIn(1, 100))
        .default(1),
    )
    .addOption(
      new Option('--only <list>', `comma-separated experiments to run: ${EXPERIMENTS.join(', ')}`).argParser(experimentList),
    )
    .addOption(new Option('--out <dir>', 'output folder for report.md, report.json and the figures').default('out'))
    .addOption(new Option('--full', 'use the reference sizes (all 60,000 training images, UFLDL iteration counts)').default(false))
    .addOption(new Option('--no-progress', 'print no progress on stderr'))
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

interface RawOptions {
  seed: number;
  trainCount?: number;
  testCount?: number;
  sparseTrainCount?: number;
  pretrainingTrainCount?: number;
  seeds: number;
  pcaIterations?: number;
  sparseIterations?: number;
  epsilon: number;
  patchCount?: number;
  patchIterations?: number;
  denoisingTrainCount?: number;
  denoisingEpochs?: number;
  deepTrainCount?: number;
  deepLayers?: number[];
  deepPretrainEpochs?: number;
  deepEpochs?: number;
  only?: ExperimentName[];
  out: string;
  full: boolean;
  progress: boolean;
}

/** Turns parsed options into settings, applying the defaults of the default or the `--full` run. */
export const toSettings = (raw: RawOptions): RunSettings => {
  const sizes = raw.full ? FULL_SIZES : DEFAULT_SIZES;
  return {
    seed: raw.seed,
    trainCount: raw.trainCount ?? sizes.trainCount,
    testCount: raw.testCount ?? sizes.testCount,
    sparseTrainCount: raw.sparseTrainCount ?? sizes.sparseTrainCount,
    pretrainingTrainCount: raw.pretrainingTrainCount ?? sizes.pretrainingTrainCount,
    seeds: raw.seeds,
    pcaIterations: raw.pcaIterations ?? sizes.pcaIterations,
    sparseIterations: raw.sparseIterations ?? sizes.sparseIterations,
    epsilon: raw.epsilon,
    patchCount: raw.patchCount ?? sizes.patchCount,
    patchIterations: raw.patchIterations ?? sizes.patchIterations,
    denoisingTrainCount: raw.denoisingTrainCount ?? sizes.denoisingTrainCount,
    denoisingEpochs: raw.denoisingEpochs ?? sizes.denoisingEpochs,
    deepTrainCount: raw.deepTrainCount ?? sizes.deepTrainCount,
    deepLayers: raw.deepLayers ?? [...sizes.deepLayers],
    deepPretrainEpochs: raw.deepPretrainEpochs ?? sizes.deepPretrainEpochs,
    deepEpochs: raw.deepEpochs ?? sizes.deepEpochs,
    experiments: raw.only ?? [...EXPERIMENTS],
    outputDirectory: raw.out,
    full: raw.full,
    progress: raw.progress,
  };
};

/** Outcome of parsing: settings to run, a help or version text already printed, or a usage error. */
export type ParseOutcome =
  | { readonly kind: 'run'; readonly settings: RunSettings }
  | { readonly kind: 'exit'; readonly code: number };

/**
 * Parses `argv` (without the node and script entries). Commander prints help and errors itself; an error
 * becomes exit code 2, and `--help` exit code 0.
 */
export const parseArguments = (argv: readonly string[], output: OutputSink = processOutput): ParseOutcome => {
  const program = buildProgram(output);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.help' || code === 'commander.version') {
      return { kind: 'exit', code: 0 };
    }
    return { kind: 'exit', code: 2 };
  }
  const raw = program.opts<RawOptions>();
  const settings = toSettings(raw);
  // The linear autoencoder has 16 hidden units, and the principal subspace needs at least 17 samples
  // (rank N - 1 after centring) to be determined.
  if (settings.experiments.includes('pca') && settings.trainCount <= PCA_COMPONENTS) {
    output.writeErr(
      `error: option '--train-count <n>' argument '${settings.trainCount}' is invalid. expected at least ` +
        `${PCA_COMPONENTS + 1} images for the pca experiment, which fits ${PCA_COMPONENTS} components.\n`,
    );
    return { kind: 'exit', code: 2 };
  }
  const tooFew = tooFewForMinibatches(settings);
  if (tooFew !== undefined) {
    output.writeErr(
      `error: option '${tooFew.option} <n>' argument '${tooFew.count}' is invalid. expected at least ` +
        `${tooFew.batchSize} images, one minibatch of the ${tooFew.experiment} experiment's SGD.\n`,
    );
    return { kind: 'exit', code: 2 };
  }
  return { kind: 'run', settings };
};

/**
 * Returns the first SGD experiment that will run with fewer training images than its minibatch size,
 * or undefined when every one has enough.
 */
const tooFewForMinibatches = (
  settings: RunSettings,
): { option: string; count: number; batchSize: number; experiment: ExperimentName } | undefined => {
  const deep = mnistDeepAutoencoderSettings(settings.deepLayers, settings.deepPretrainEpochs, settings.deepEpochs);
  const batchSizeOf = (optimizer: { readonly kind: string; readonly batchSize?: number }): number =>
    optimizer.kind === 'sgd' && optimizer.batchSize !== undefined ? optimizer.batchSize : 1;
  const pretraining = settings.full ? FULL_PRETRAINING_SETTINGS : DEFAULT_PRETRAINING_SETTINGS;
  const checks = [
    {
      experiment: 'pretraining' as const,
      option: '--pretraining-train-count',
      count: settings.pretrainingTrainCount,
      batchSize: Math.max(
        pretraining.autoencoderPretraining.batchSize,
        pretraining.rbmPretraining.batchSize,
        pretraining.fineTuning.batchSize,
      ),
    },
    {
      experiment: 'denoising' as const,
      option: '--denoising-train-count',
      count: settings.denoisingTrainCount,
      batchSize: batchSizeOf(mnistDenoisingSettings(settings.denoisingEpochs).optimizer),
    },
    {
      experiment: 'deep-autoencoder' as const,
      option: '--deep-train-count',
      count: settings.deepTrainCount,
      batchSize: Math.max(batchSizeOf(deep.fineTuning), ...deep.pretraining.map(batchSizeOf)),
    },
  ];
  return checks.find((check) => settings.experiments.includes(check.experiment) && check.count < check.batchSize);
};
