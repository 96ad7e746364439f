import { describe, expect, it } from 'vitest';

import type {
  DeepAutoencoderExperimentResult,
  DeepAutoencoderExperimentSettings,
} from '../../src/experiments/deep-autoencoder.js';
import { zeros } from '../../src/linalg/matrix.js';
import { deepAutoencoderSection, renderDeepAutoencoderMarkdown } from '../../src/report/deep-autoencoder-section.js';

const sgd = (epochs: number, learningRate: number) =>
  ({ kind: 'sgd', batchSize: 100, epochs, learningRate, momentum: 0.9 }) as const;

const settings: DeepAutoencoderExperimentSettings = {
  encoderSizes: [784, 256, 64, 30],
  pretraining: [sgd(2, 0.1), sgd(2, 0.1), sgd(2, 0.005)],
  fineTuning: sgd(10, 0.02),
  lambda: 0,
  exampleCount: 1,
};

const result: DeepAutoencoderExperimentResult = {
  encoderSizes: [784, 256, 64, 30],
  codeSize: 30,
  trainCount: 20_000,
  testCount: 2_000,
  pretrainedTestError: 8.5,
  trainError: 5.2,
  testError: 5.8,
  pcaTrainError: 7.1,
  pcaTestError: 7.2,
  randomStartTrainError: 9.1,
  randomStartTestError: 9.3,
  fineTuningIterations: 10,
  fineTuningLoss: 81,
  examples: { originals: zeros(1, 784), deep: zeros(1, 784), randomStart: zeros(1, 784), pca: zeros(1, 784) },
};

describe('deepAutoencoderSection', () => {
  it('records both errors and whether the deep autoencoder won', () => {
    const section = deepAutoencoderSection(result, settings, 'deep.png');

    expect(section).toMatchObject({ codeSize: 30, layers: [784, 256, 64, 30], testError: 5.8, pcaTestError: 7.2 });
    expect(section.held).toBe(true);
    expect(section.pretraining).toHaveLength(3);
    expect(deepAutoencoderSection({ ...result, testError: 7.3 }, settings, 'deep.png').held).toBe(false);
  });

  it('records the random start and whether pretraining helped', () => {
    const section = deepAutoencoderSection(result, settings, 'deep.png');

    expect(section).toMatchObject({ randomStartTrainError: 9.1, randomStartTestError: 9.3 });
    expect(section.pretrainingHelped).toBe(true);
    const tie = deepAutoencoderSection({ ...result, randomStartTestError: 5.8 }, settings, 'deep.png');
    expect(tie.pretrainingHelped).toBe(false);
  });
});

describe('renderDeepAutoencoderMarkdown', () => {
  it('says whether the claim held, with the unrolled network and the figure', () => {
    const text = renderDeepAutoencoderMarkdown(deepAutoencoderSection(result, settings, 'deep.png')).join('\n');

    expect(text).toContain('784-256-64-30-64-256-784');
    expect(text).toContain("**Held.** On 2000 test digits the deep autoencoder's error is 5.800 against 7.200");
    expect(text).toContain('(deep.png)');
  });

  it('compares the pretrained network with the random start', () => {
    const text = renderDeepAutoencoderMarkdown(deepAutoencoderSection(result, settings, 'deep.png')).join('\n');

    expect(text).toContain('| deep autoencoder, fine-tuned from random weights | 9.100 | 9.300 |');
    expect(text).toContain('reaches a test error of 9.300 against 5.800 after pretraining');
  });

  it('says so when the claim did not hold', () => {
    const worse = deepAutoencoderSection({ ...result, testError: 8 }, settings, 'deep.png');
    expect(renderDeepAutoencoderMarkdown(worse).join('\n')).toContain('**Did not hold.**');
  });
});
