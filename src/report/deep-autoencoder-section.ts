/**
 * The `deepAutoencoder` section of the main job's report: its JSON shape, its construction from the
 * experiment's result, and its Markdown rendering with a sentence per claim saying whether it held.
 */
import type {
  DeepAutoencoderExperimentResult,
  DeepAutoencoderExperimentSettings,
} from '../experiments/deep-autoencoder.js';
import { describeOptimizer } from './denoising-section.js';
import { counted } from './counted.js';

// -------------------------------------------------------------------------------------------------
// The JSON section
// -------------------------------------------------------------------------------------------------

/** The `deepAutoencoder` section of report.json. Every error is a mean over samples of (1/2) ||x - x^||^2. */
export interface DeepAutoencoderSection {
  readonly codeSize: number;
  /** The encoder's sizes [D, h_1, ..., code size], which the decoder mirrors. */
  readonly layers: readonly number[];
  readonly trainCount: number;
  readonly testCount: number;
  /** The optimiser settings of each encoding layer's pretraining, first layer first. */
  readonly pretraining: readonly string[];
  /** The optimiser settings of the unrolled network's fine-tuning. */
  readonly fineTuning: string;
  readonly lambda: number;
  /** Test error of the unrolled network before fine-tuning. */
  readonly pretrainedTestError: number;
  readonly trainError: number;
  readonly testError: number;
  readonly pcaTrainError: number;
  readonly pcaTestError: number;
  /** Errors of the same network fine-tuned from random weights with the same optimiser and batch order. */
  readonly randomStartTrainError: number;
  readonly randomStartTestError: number;
  /**
   * File name of the figure: rows original, pretrained deep autoencoder, deep autoencoder from random
   * weights and PCA reconstruction.
   */
  readonly figure: string;
  /** Whether testError < pcaTestError. */
  readonly held: boolean;
  /** Whether testError < randomStartTestError: pretraining helped at this budget. */
  readonly pretrainingHelped: boolean;
}

// -------------------------------------------------------------------------------------------------
// Construction
// -------------------------------------------------------------------------------------------------

/** Builds the section from the experiment's result and settings, and the figure's file name. */
export const deepAutoencoderSection = (
  result: DeepAutoencoderExperimentResult,
  settings: DeepAutoencoderExperimentSettings,
  figure: string,
): DeepAutoencoderSection => ({
  codeSize: result.codeSize,
  layers: [...result.encoderSizes],
  trainCount: result.trainCount,
  testCount: result.testCount,
  pretraining: settings.pretraining.map(describeOptimizer),
  fineTuning: describeOptimizer(settings.fineTuning),
  lambda: settings.lambda,
  pretrainedTestError: result.pretrainedTestError,
  trainError: result.trainError,
  testError: result.testError,
  pcaTrainError: result.pcaTrainError,
  pcaTestError: result.pcaTestError,
  randomStartTrainError: result.randomStartTrainError,
  randomStartTestError: result.randomStartTestError,
  figure,
  held: result.testError < result.pcaTestError,
  pretrainingHelped: result.testError < result.randomStartTestError,
});

// -------------------------------------------------------------------------------------------------
// Markdown
// -------------------------------------------------------------------------------------------------

const fixed = (x: number): string => x.toFixed(3);
const verdict = (held: boolean): string => (held ? '**Held.**' : '**Did not hold.**');

/** Renders the section as Markdown lines, starting with a level-2 heading. */
export const renderDeepAutoencoderMarkdown = (section: DeepAutoencoderSection): string[] => {
  const encoder = section.layers.join('-');
  const unrolled = [...section.layers, ...section.layers.slice(0, -1).reverse()].join('-');
  const pretraining = section.pretraining.map((text, i) => `layer ${i + 1}: ${text}`).join('; ');
  const components = counted(section.codeSize, 'component');
  const units = section.layers.length > 2 ? 'sigmoid hidden units, linear code units' : 'a linear code layer and no hidden layer';
  return [
    `## A deep autoencoder against PCA with ${components}`,
    '',
    `The encoder ${encoder} (${units}) was pretrained greedily on ` +
      `${section.trainCount} training digits: one tied autoencoder per layer, each on the codes of the one before ` +
      `(${pretraining}). The stack was unrolled into the ${unrolled} network, whose decoder weights start as the ` +
      'transposes of the encoder weights, and fine-tuned end to end with the cross-entropy loss ' +
      `(${section.fineTuning}, lambda = ${section.lambda}). PCA with ${components} was fitted to the same training digits. ` +
      `Errors are means of (1/2)||x - x^||^2 over the digits.`,
    '',
    '| model | train error | test error |',
    '|---|---|---|',
    `| deep autoencoder, after pretraining only | - | ${fixed(section.pretrainedTestError)} |`,
    `| deep autoencoder, fine-tuned | ${fixed(section.trainError)} | ${fixed(section.testError)} |`,
    `| deep autoencoder, fine-tuned from random weights | ${fixed(section.randomStartTrainError)} | ` +
      `${fixed(section.randomStartTestError)} |`,
    `| PCA, ${components} | ${fixed(section.pcaTrainError)} | ${fixed(section.pcaTestError)} |`,
    '',
    `${verdict(section.held)} On ${section.testCount} test digits the deep autoencoder's error is ` +
      `${fixed(section.testError)} against ${fixed(section.pcaTestError)} for PCA ` +
      `(${((100 * section.testError) / section.pcaTestError).toFixed(0)}% of it); the claim needs it to be lower ` +
      'at the same code size.',
    '',
    `${verdict(section.pretrainingHelped)} Fine-tuned from random weights (Glorot uniform, zero biases) with the ` +
      'same optimiser, budget and minibatch order, the same network reaches a test error of ' +
      `${fixed(section.randomStartTestError)} against ${fixed(section.testError)} after pretraining; the claim that ` +
      'a deep autoencoder is hard to train from random weights needs the random start to end higher. Both runs had ' +
      'the same fine-tuning budget; the pretrained one also had the pretraining epochs above. Each start was run ' +
      'once, with one seed, so the spread between seeds is not measured.',
    '',
    'Rows: test digits, reconstructions of the pretrained deep autoencoder, of the one fine-tuned from random ' +
      'weights, and of PCA (clamped to [0, 1] for display).',
    '',
    `![originals and the reconstructions of the pretrained network, the random start and PCA](${section.figure})`,
    '',
  ];
};
