/**
 * The `denoising` section of the main job's report: its JSON shape, its construction from the
 * experiment's result, and its Markdown rendering with a sentence per claim saying whether it held.
 */
import type { CorruptionSettings } from '../autoencoder/corruption.js';
import type { DenoisingExperimentResult, DenoisingExperimentSettings } from '../experiments/denoising.js';
import type { OptimizerSettings } from '../train/train-autoencoder.js';
import { counted } from './counted.js';

// -------------------------------------------------------------------------------------------------
// The JSON section
// -------------------------------------------------------------------------------------------------

/**
 * Measurements for one noise. Every error is the mean over the test digits of (1/2) ||. - x_clean||^2,
 * with the corrupted digit as the input of both autoencoders.
 */
export interface DenoisingNoiseEntry {
  /** A description such as `masking noise, nu = 0.25`. */
  readonly name: string;
  readonly kind: CorruptionSettings['kind'];
  /** sigma for Gaussian noise, nu for masking and salt-and-pepper noise. */
  readonly level: number;
  /** Error of the corrupted input itself. */
  readonly corruptedError: number;
  /** Error of the plain autoencoder's reconstruction. */
  readonly plainError: number;
  /** Error of the denoising autoencoder's reconstruction. */
  readonly denoisingError: number;
  /** Error of the denoising autoencoder on clean inputs. */
  readonly denoisingCleanError: number;
  /** File name of the figure: rows clean, corrupted, plain and denoising reconstruction. */
  readonly figure: string;
  /** Whether denoisingError < plainError. */
  readonly held: boolean;
}

/** The `denoising` section of report.json. */
export interface DenoisingSection {
  /** Layer sizes of every autoencoder, e.g. [784, 256, 784]. */
  readonly architecture: readonly number[];
  readonly trainCount: number;
  readonly testCount: number;
  readonly lambda: number;
  /** The optimiser settings of every autoencoder, e.g. `SGD: 5 epochs, batch 100, learning rate 0.1, momentum 0.9`. */
  readonly training: string;
  /** Error of the plain autoencoder on clean test digits. */
  readonly plainCleanError: number;
  readonly noises: readonly DenoisingNoiseEntry[];
  /** Whether the denoising autoencoder beat the plain one for every noise. */
  readonly held: boolean;
}

// -------------------------------------------------------------------------------------------------
// Construction
// -------------------------------------------------------------------------------------------------

/** Describes optimiser settings in one line, for reports. */
export const describeOptimizer = (optimizer: OptimizerSettings): string => {
  switch (optimizer.kind) {
    case 'sgd':
      return (
        `SGD: ${counted(optimizer.epochs, 'epoch')}, batch ${optimizer.batchSize}, learning rate ${optimizer.learningRate}, ` +
        `momentum ${optimizer.momentum ?? 0}`
      );
    case 'lbfgs':
      return `L-BFGS: at most ${counted(optimizer.maxIterations, 'iteration')}`;
    case 'gradient-descent':
      return `gradient descent: at most ${counted(optimizer.maxIterations, 'iteration')}, learning rate ${optimizer.learningRate}`;
  }
};

/**
 * Builds the section from the experiment's result and settings. `figures` contains one figure file name
 * per noise, in the order of `result.noises`.
 *
 * @throws RangeError when `figures` does not have one entry per noise.
 */
export const denoisingSection = (
  result: DenoisingExperimentResult,
  settings: DenoisingExperimentSettings,
  figures: readonly string[],
): DenoisingSection => {
  if (figures.length !== result.noises.length) {
    const expected = `${result.noises.length} figures, one per noise`;
    throw new RangeError(`denoisingSection: expected ${expected}, got ${figures.length}.`);
  }
  const noises = result.noises.map(
    (noise, i): DenoisingNoiseEntry => ({
      name: noise.name,
      kind: noise.noise.kind,
      level: noise.level,
      corruptedError: noise.corruptedError,
      plainError: noise.plainError,
      denoisingError: noise.denoisingError,
      denoisingCleanError: noise.denoisingCleanError,
      figure: figures[i],
      held: noise.denoisingError < noise.plainError,
    }),
  );
  return {
    architecture: [result.inputSize, result.hiddenSize, result.inputSize],
    trainCount: result.trainCount,
    testCount: result.testCount,
    lambda: settings.lambda,
    training: describeOptimizer(settings.optimizer),
    plainCleanError: result.plainCleanError,
    noises,
    held: noises.length > 0 && noises.every((noise) => noise.held),
  };
};

// -------------------------------------------------------------------------------------------------
// Markdown
// -------------------------------------------------------------------------------------------------

const fixed = (x: number): string => x.toFixed(3);
const verdict = (held: boolean): string => (held ? '**Held.**' : '**Did not hold.**');

/** Renders the section as Markdown lines, starting with a level-2 heading. */
/** SGD draws new noise for every minibatch; the full-batch optimisers corrupt the training set once. */
const freshNoise = (training: string): string =>
  training.toLowerCase().includes('sgd') ? '; every epoch draws new noise' : '; the noise is drawn once';

export const renderDenoisingMarkdown = (section: DenoisingSection): string[] => {
  const lines = [
    '## Denoising autoencoders remove noise from new inputs',
    '',
    `Sigmoid autoencoders ${section.architecture.join('-')} (untied weights, sigmoid output, cross-entropy, ` +
      `lambda = ${section.lambda}) were trained on ${section.trainCount} training digits from the same initial ` +
      `weights (${section.training}): once plain, on clean inputs, and once per noise as a denoising autoencoder, ` +
      `on corrupted inputs with the clean digit as the target${freshNoise(section.training)}. The test digits ` +
      `(${section.testCount}) were then corrupted with the same noise. Each error is the mean over test digits of ` +
      '(1/2)||x^ - x||^2 against the clean digit x. The plain autoencoder reconstructs clean test digits with ' +
      `error ${fixed(section.plainCleanError)}.`,
    '',
    '| noise | corrupted input | plain autoencoder | denoising autoencoder | denoising, clean input |',
    '|---|---|---|---|---|',
  ];
  for (const noise of section.noises) {
    lines.push(
      `| ${noise.name} | ${fixed(noise.corruptedError)} | ${fixed(noise.plainError)} | ` +
        `${fixed(noise.denoisingError)} | ${fixed(noise.denoisingCleanError)} |`,
    );
  }
  lines.push('');
  for (const noise of section.noises) {
    const ratio = noise.denoisingError / noise.plainError;
    lines.push(
      `${verdict(noise.held)} With ${noise.name}, the denoising autoencoder's error on corrupted inputs is ` +
        `${fixed(noise.denoisingError)} against ${fixed(noise.plainError)} for the plain one ` +
        `(${(100 * ratio).toFixed(0)}% of it); the claim needs it to be lower.`,
      '',
      'Rows: clean test digits, corrupted, plain reconstruction, denoising reconstruction ' +
        '(values clamped to [0, 1] for display).',
      '',
      `![${noise.name}](${noise.figure})`,
      '',
    );
  }
  return lines;
};
