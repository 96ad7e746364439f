import { describe, expect, it } from 'vitest';

import type { DenoisingExperimentResult, DenoisingExperimentSettings } from '../../src/experiments/denoising.js';
import { zeros } from '../../src/linalg/matrix.js';
import { denoisingSection, describeOptimizer, renderDenoisingMarkdown } from '../../src/report/denoising-section.js';

const examples = { clean: zeros(1, 4), corrupted: zeros(1, 4), plain: zeros(1, 4), denoising: zeros(1, 4) };

const settings: DenoisingExperimentSettings = {
  hiddenSize: 256,
  lambda: 0,
  noises: [
    { kind: 'masking', nu: 0.25 },
    { kind: 'gaussian', sigma: 0.3 },
  ],
  optimizer: { kind: 'sgd', batchSize: 100, epochs: 20, learningRate: 0.1, momentum: 0.9 },
  exampleCount: 1,
};

/** A result where the denoising autoencoder wins for masking noise and loses for Gaussian noise. */
const result: DenoisingExperimentResult = {
  inputSize: 784,
  hiddenSize: 256,
  trainCount: 10_000,
  testCount: 2_000,
  plainCleanError: 3,
  plainIterations: 20,
  plainFinalLoss: 60,
  noises: [
    {
      noise: settings.noises[0],
      name: 'masking noise, nu = 0.25',
      level: 0.25,
      corruptedError: 10,
      plainError: 8,
      denoisingError: 5,
      denoisingCleanError: 4,
      iterations: 20,
      finalLoss: 70,
      examples,
    },
    {
      noise: settings.noises[1],
      name: 'additive Gaussian noise, sigma = 0.3',
      level: 0.3,
      corruptedError: 35,
      plainError: 5,
      denoisingError: 6,
      denoisingCleanError: 4,
      iterations: 20,
      finalLoss: 70,
      examples,
    },
  ],
};

describe('denoisingSection', () => {
  it('records every noise and whether the denoising autoencoder won', () => {
    const section = denoisingSection(result, settings, ['masking.png', 'gaussian.png']);

    expect(section.architecture).toEqual([784, 256, 784]);
    expect(section.noises.map((n) => [n.kind, n.level, n.figure, n.held])).toEqual([
      ['masking', 0.25, 'masking.png', true],
      ['gaussian', 0.3, 'gaussian.png', false],
    ]);
    expect(section.held).toBe(false);
    expect(section.training).toBe('SGD: 20 epochs, batch 100, learning rate 0.1, momentum 0.9');
  });

  it('holds only when every noise held', () => {
    const better = { ...result, noises: result.noises.map((n) => ({ ...n, denoisingError: n.plainError / 2 })) };
    expect(denoisingSection(better, settings, ['a.png', 'b.png']).held).toBe(true);
  });

  it('rejects a figure list of the wrong length', () => {
    expect(() => denoisingSection(result, settings, ['only-one.png'])).toThrow(RangeError);
  });
});

describe('renderDenoisingMarkdown', () => {
  it('says per noise whether the claim held, with its figure', () => {
    const section = denoisingSection(result, settings, ['masking.png', 'gaussian.png']);
    const text = renderDenoisingMarkdown(section).join('\n');

    expect(text).toContain('**Held.** With masking noise, nu = 0.25');
    expect(text).toContain('**Did not hold.** With additive Gaussian noise, sigma = 0.3');
    expect(text).toContain('![masking noise, nu = 0.25](masking.png)');
    expect(text).toContain('| additive Gaussian noise, sigma = 0.3 | 35.000 | 5.000 | 6.000 | 4.000 |');
  });
});

describe('describeOptimizer', () => {
  it('describes L-BFGS and gradient descent', () => {
    expect(describeOptimizer({ kind: 'lbfgs', maxIterations: 50 })).toBe('L-BFGS: at most 50 iterations');
    expect(describeOptimizer({ kind: 'gradient-descent', maxIterations: 9, learningRate: 0.5 })).toBe(
      'gradient descent: at most 9 iterations, learning rate 0.5',
    );
  });
});
