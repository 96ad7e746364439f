import { describe, expect, it } from 'vitest';

import type {
  ArmName,
  ArmResult,
  PretrainingExperimentResult,
  PretrainingExperimentSettings,
} from '../../src/experiments/pretraining.js';
import { unsafeMatrix } from '../../src/linalg/matrix.js';
import {
  buildPretrainingSection,
  denoisingVersusRbmVerdict,
  pretrainingVerdict,
  renderPretrainingMarkdown,
} from '../../src/report/pretraining-section.js';

// -------------------------------------------------------------------------------------------------
// Hand-made experiment results
// -------------------------------------------------------------------------------------------------

const schedule = { batchSize: 100, epochs: 2, learningRate: 0.03, momentum: 0.9 };

const SETTINGS: PretrainingExperimentSettings = {
  hiddenSizes: [200, 200],
  classCount: 10,
  seeds: 3,
  autoencoderPretraining: schedule,
  rbmPretraining: { ...schedule, learningRate: 0.1 },
  sparse: { rho: 0.1, beta: 3, lambda: 3e-3 },
  corruption: { kind: 'masking', nu: 0.25 },
  cdSteps: 1,
  outputLayer: { lambda: 1e-4, maxIterations: 50 },
  fineTuning: { batchSize: 100, epochs: 6, learningRate: 0.3, momentum: 0.9, lambda: 0 },
};

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const std = (xs: number[]) =>
  xs.length < 2 ? null : Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

/** An arm with the given per-seed accuracies and a 784-input first layer of zeros. */
const arm = (name: ArmName, accuracies: number[]): ArmResult => ({
  name,
  description: name,
  runs: accuracies.map((testAccuracy, r) => ({
    initSeed: r,
    orderSeed: r + 100,
    testAccuracy,
    frozenFeatureAccuracy: name === 'random' ? null : 0.9,
    fineTuningLoss: [0.3, 0.2],
    pretrainingLoss: name === 'random' ? [] : [[1], [1]],
  })),
  testAccuracyMean: mean(accuracies),
  testAccuracyStd: std(accuracies),
  frozenFeatureAccuracyMean: name === 'random' ? null : 0.9,
  firstLayerWeights: unsafeMatrix(200, 784, new Float64Array(200 * 784)),
});

const result = (accuracies: Record<ArmName, number[]>): PretrainingExperimentResult => ({
  architecture: [784, 200, 200, 10],
  trainCount: 30000,
  testCount: 10000,
  seeds: accuracies.random.length,
  arms: (['random', 'sparse-autoencoder', 'denoising-autoencoder', 'rbm'] as const).map((name) =>
    arm(name, accuracies[name]),
  ),
});

/** Three seeds per arm, each arm's standard deviation 0.001, every pretrained arm ahead of random by >= 0.006. */
const EVERY_ARM_AHEAD: Record<ArmName, number[]> = {
  random: [0.960, 0.961, 0.962],
  'sparse-autoencoder': [0.970, 0.971, 0.972],
  'denoising-autoencoder': [0.968, 0.969, 0.970],
  rbm: [0.966, 0.967, 0.968],
};

// -------------------------------------------------------------------------------------------------
// Properties
// -------------------------------------------------------------------------------------------------

describe('buildPretrainingSection', () => {
  it('records every arm and omits the frozen accuracy of the random arm', () => {
    const section = buildPretrainingSection(
      result({ random: [0.96], 'sparse-autoencoder': [0.97], 'denoising-autoencoder': [0.965], rbm: [0.955] }),
      SETTINGS,
    );
    expect(section.arms.map((entry) => entry.name)).toEqual(['random', 'sparse-autoencoder', 'denoising-autoencoder', 'rbm']);
    expect('frozenFeatureAccuracyMean' in section.arms[0]).toBe(false);
    expect(section.arms[1].frozenFeatureAccuracyMean).toBe(0.9);
    expect(JSON.parse(JSON.stringify(section))).toEqual(section);
  });

  it('cannot tell with one seed', () => {
    const section = buildPretrainingSection(
      result({ random: [0.96], 'sparse-autoencoder': [0.97], 'denoising-autoencoder': [0.965], rbm: [0.962] }),
      SETTINGS,
    );
    expect(section.verdict).toBe('cannot-tell');
    expect(section.comparisons.every((c) => c.spread === null && c.exceedsSpread === null)).toBe(true);
    expect(renderPretrainingMarkdown(section).join('\n')).toContain('**Cannot tell.**');
  });

  it('holds when every pretrained arm wins by more than the spread', () => {
    const section = buildPretrainingSection(
      result(EVERY_ARM_AHEAD),
      SETTINGS,
    );
    expect(section.verdict).toBe('held');
    // Each arm's standard deviation is 0.001, so the spread is 0.002 and the smallest win 0.006.
    for (const c of section.comparisons) expect(c.spread).toBeCloseTo(0.002, 12);
    expect(renderPretrainingMarkdown(section).join('\n')).toContain('**Held.**');
  });

  it('is partly held or not shown when the gaps are within the spread', () => {
    const partly = buildPretrainingSection(
      result({
        random: [0.960, 0.961, 0.962],
        'sparse-autoencoder': [0.970, 0.971, 0.972],
        'denoising-autoencoder': [0.961, 0.962, 0.963],
        rbm: [0.950, 0.960, 0.970],
      }),
      SETTINGS,
    );
    expect(partly.verdict).toBe('partly');
    const partlyText = renderPretrainingMarkdown(partly).join('\n');
    expect(partlyText).toContain('Only sparse-autoencoder and denoising-autoencoder scored higher than the random arm');
    expect(partlyText).toContain('exceeds the spread between seeds only for sparse-autoencoder.');
    const none = buildPretrainingSection(
      result({
        random: [0.960, 0.961, 0.962],
        'sparse-autoencoder': [0.958, 0.959, 0.960],
        'denoising-autoencoder': [0.961, 0.962, 0.963],
        rbm: [0.950, 0.960, 0.970],
      }),
      SETTINGS,
    );
    expect(none.verdict).toBe('not-shown');
    expect(renderPretrainingMarkdown(none).join('\n')).toContain('**Not shown.**');
  });

  it('counts a loss beyond the spread as no win', () => {
    expect(pretrainingVerdict([{ arm: 'rbm', difference: -0.01, spread: 0.001, exceedsSpread: true }])).toBe('not-shown');
  });
});

describe('denoising against RBM', () => {
  const withDenoisingAndRbm = (denoising: number[], rbm: number[]) => {
    const random = denoising.map(() => 0.96);
    return buildPretrainingSection(
      result({ random, 'sparse-autoencoder': random, 'denoising-autoencoder': denoising, rbm }),
      SETTINGS,
    );
  };

  it('subtracts the RBM mean from the denoising mean', () => {
    const comparison = withDenoisingAndRbm([0.970, 0.971, 0.972], [0.960, 0.961, 0.962]).denoisingVersusRbm;
    expect(comparison?.arm).toBe('denoising-autoencoder');
    expect(comparison?.difference).toBeCloseTo(0.01, 12);
    expect(comparison?.spread).toBeCloseTo(0.002, 12);
  });

  it('cannot tell from one seed', () => {
    const section = withDenoisingAndRbm([0.97], [0.96]);
    expect(section.denoisingVersusRbm?.verdict).toBe('cannot-tell');
    expect(renderPretrainingMarkdown(section).join('\n')).toContain(
      '**Denoising against RBM: cannot tell.** Denoising-autoencoder pretraining reached 97.00% after fine-tuning ' +
        'and RBM pretraining 96.00%, a difference of +1.00 points;',
    );
  });

  it('about as well within the spread', () => {
    // Standard deviations 0.001 and 0.01 give a spread of 0.011 against a gap of 0.005.
    const section = withDenoisingAndRbm([0.965, 0.966, 0.967], [0.95, 0.96, 0.97]);
    expect(section.denoisingVersusRbm?.verdict).toBe('about-as-well');
    expect(renderPretrainingMarkdown(section).join('\n')).toContain('about as well as RBMs');
  });

  it('names the arm ahead beyond the spread', () => {
    expect(withDenoisingAndRbm([0.970, 0.971, 0.972], [0.960, 0.961, 0.962]).denoisingVersusRbm?.verdict).toBe(
      'denoising-higher',
    );
    const rbmAhead = withDenoisingAndRbm([0.960, 0.961, 0.962], [0.970, 0.971, 0.972]);
    expect(rbmAhead.denoisingVersusRbm?.verdict).toBe('rbm-higher');
    expect(renderPretrainingMarkdown(rbmAhead).join('\n')).toContain('**Denoising against RBM: did not hold.**');
  });

  it('maps no excess to about as well', () => {
    expect(denoisingVersusRbmVerdict({ arm: 'denoising-autoencoder', difference: 0.002, spread: 0.002, exceedsSpread: false })).toBe(
      'about-as-well',
    );
  });

  it('is absent when the run has no RBM arm', () => {
    const full = result({ random: [0.96], 'sparse-autoencoder': [0.97], 'denoising-autoencoder': [0.965], rbm: [0.955] });
    const section = buildPretrainingSection({ ...full, arms: full.arms.filter((a) => a.name !== 'rbm') }, SETTINGS);
    expect('denoisingVersusRbm' in section).toBe(false);
    expect(renderPretrainingMarkdown(section).join('\n')).not.toContain('Denoising against RBM');
  });
});

describe('fine-tuning below the frozen features', () => {
  it('flags an arm that fine-tuning made worse', () => {
    // Every pretrained arm's frozen-feature accuracy is 0.9 in these fixtures.
    const section = buildPretrainingSection(
      result({ random: [0.96], 'sparse-autoencoder': [0.97], 'denoising-autoencoder': [0.965], rbm: [0.5] }),
      SETTINGS,
    );
    expect(section.fineTuningLoweredAccuracy).toEqual(['rbm']);
    expect(renderPretrainingMarkdown(section).join('\n')).toContain(
      "**Warning:** fine-tuning lowered the rbm arm's accuracy from 90.00% (softmax on its frozen features) to 50.00%",
    );
  });

  it('flags nothing when fine-tuning helped', () => {
    const section = buildPretrainingSection(
      result({ random: [0.96], 'sparse-autoencoder': [0.97], 'denoising-autoencoder': [0.965], rbm: [0.955] }),
      SETTINGS,
    );
    expect(section.fineTuningLoweredAccuracy).toEqual([]);
    expect(renderPretrainingMarkdown(section).join('\n')).not.toContain('**Warning:**');
  });
});

describe('renderPretrainingMarkdown', () => {
  it('labels the spread columns with several seeds', () => {
    const section = buildPretrainingSection(
      result(EVERY_ARM_AHEAD),
      SETTINGS,
    );
    const text = renderPretrainingMarkdown(section).join('\n');
    expect(text).toContain('(mean ± std over seeds, points)');
    expect(text).toContain('| sparse-autoencoder | 97.10% ± 0.10 |');
  });

  it('has a table row per arm and links the figure', () => {
    const section = buildPretrainingSection(
      result({ random: [0.96], 'sparse-autoencoder': [0.97], 'denoising-autoencoder': [0.965], rbm: [0.955] }),
      SETTINGS,
      'pretraining-weights.png',
    );
    const lines = renderPretrainingMarkdown(section);
    expect(lines[0]).toBe('## Pretraining a deep classifier');
    expect(lines.filter((line) => line.startsWith('| ') && !line.startsWith('| arm')).length).toBe(4);
    expect(lines).toContain('| sparse-autoencoder | 97.00% | 90.00% | +1.00 points |');
    expect(lines.join('\n')).toContain('momentum 0.5 throughout, which rises to 0.9 only after 5 epochs');
    const longer = { ...SETTINGS, rbmPretraining: { ...SETTINGS.rbmPretraining, epochs: 8 } };
    const longerText = renderPretrainingMarkdown(buildPretrainingSection(result({ random: [0.96], 'sparse-autoencoder': [0.97], 'denoising-autoencoder': [0.965], rbm: [0.955] }), longer)).join('\n');
    expect(longerText).toContain('momentum 0.5 for the first 5 epochs and 0.9 after');
    expect(lines.some((line) => line.includes('(pretraining-weights.png)'))).toBe(true);
  });
});
