/**
 * The `pretraining` section of the main job's report: the JSON shape, its builder from the experiment's
 * result, and its Markdown rendering. The Markdown has a table of the arms and two verdicts: whether
 * pretraining beat random initialisation by more than the spread between seeds, and whether denoising
 * autoencoders pretrained the network about as well as RBMs.
 */
import type { ArmResult, PretrainingExperimentResult, PretrainingExperimentSettings } from '../experiments/pretraining.js';
import { RBM_DEFAULTS } from '../train/train-rbm.js';

// -------------------------------------------------------------------------------------------------
// The JSON section
// -------------------------------------------------------------------------------------------------

/** One arm of the comparison. Accuracies are fractions in [0, 1]. */
export interface PretrainingArmEntry {
  /** `random`, `sparse-autoencoder`, `denoising-autoencoder` or `rbm`. */
  readonly name: string;
  readonly description: string;
  /** Number of repetitions with different seeds. */
  readonly seeds: number;
  readonly testAccuracyMean: number;
  /** Sample standard deviation over the seeds; `null` with one seed. */
  readonly testAccuracyStd: number | null;
  /** Test accuracy of every repetition, in seed order. */
  readonly testAccuracies: number[];
  /** Mean test accuracy of the softmax layer on frozen pretrained features; absent for the random arm. */
  readonly frozenFeatureAccuracyMean?: number;
}

/**
 * One arm against a reference arm (the random arm, unless stated). The difference counts as exceeding
 * the spread when |difference| > std(arm) + std(reference), one sample standard deviation of each arm.
 */
export interface PretrainingComparison {
  readonly arm: string;
  /** testAccuracyMean(arm) - testAccuracyMean(reference). */
  readonly difference: number;
  /** std(arm) + std(reference); `null` with one seed. */
  readonly spread: number | null;
  /** Whether |difference| > spread; `null` with one seed, where the spread is unknown. */
  readonly exceedsSpread: boolean | null;
}

/**
 * - `held`: every pretrained arm beat the random arm by more than the spread.
 * - `partly`: some pretrained arms did, some did not.
 * - `not-shown`: no pretrained arm beat the random arm by more than the spread.
 * - `cannot-tell`: one seed, so the spread is unknown.
 */
export type PretrainingVerdict = 'held' | 'partly' | 'not-shown' | 'cannot-tell';

/**
 * The claim that stacked denoising autoencoders pretrain about as well as RBMs, judged on the test
 * accuracy after fine-tuning:
 * - `about-as-well`: the two arms differ by no more than the spread between seeds.
 * - `denoising-higher`: the denoising arm is ahead by more than the spread.
 * - `rbm-higher`: the RBM arm is ahead by more than the spread.
 * - `cannot-tell`: one seed, so the spread is unknown.
 */
export type DenoisingVersusRbmVerdict = 'about-as-well' | 'denoising-higher' | 'rbm-higher' | 'cannot-tell';

/** The denoising-autoencoder arm against the RBM arm: difference = mean(denoising) - mean(RBM). */
export interface DenoisingVersusRbm extends PretrainingComparison {
  readonly verdict: DenoisingVersusRbmVerdict;
}

/** Everything report.json records about the pretraining experiment. */
export interface PretrainingSection {
  /** Layer sizes [D, H_1, ..., K], e.g. [784, 200, 200, 10]. */
  readonly architecture: number[];
  readonly trainCount: number;
  readonly testCount: number;
  readonly seeds: number;
  readonly schedule: {
    readonly autoencoderPretraining: PretrainingExperimentSettings['autoencoderPretraining'];
    readonly rbmPretraining: PretrainingExperimentSettings['rbmPretraining'];
    readonly outputLayerIterations: number;
    readonly fineTuning: PretrainingExperimentSettings['fineTuning'];
  };
  readonly arms: PretrainingArmEntry[];
  /** Each pretrained arm against the random arm. */
  readonly comparisons: PretrainingComparison[];
  readonly verdict: PretrainingVerdict;
  /** Present when the run has both the denoising-autoencoder and the RBM arm. */
  readonly denoisingVersusRbm?: DenoisingVersusRbm;
  /**
   * Names of the pretrained arms whose mean accuracy after fine-tuning is below that of the softmax on
   * their frozen features: fine-tuning made them worse, so their numbers are not evidence about pretraining.
   */
  readonly fineTuningLoweredAccuracy: string[];
  /** File name of the figure of first-layer weights, when one was drawn. */
  readonly figure?: string;
}

// -------------------------------------------------------------------------------------------------
// Builder
// -------------------------------------------------------------------------------------------------

const armEntry = (arm: ArmResult): PretrainingArmEntry => ({
  name: arm.name,
  description: arm.description,
  seeds: arm.runs.length,
  testAccuracyMean: arm.testAccuracyMean,
  testAccuracyStd: arm.testAccuracyStd,
  testAccuracies: arm.runs.map((run) => run.testAccuracy),
  ...(arm.frozenFeatureAccuracyMean === null ? {} : { frozenFeatureAccuracyMean: arm.frozenFeatureAccuracyMean }),
});

const compare = (arm: ArmResult, reference: ArmResult): PretrainingComparison => {
  const difference = arm.testAccuracyMean - reference.testAccuracyMean;
  if (arm.testAccuracyStd === null || reference.testAccuracyStd === null) {
    return { arm: arm.name, difference, spread: null, exceedsSpread: null };
  }
  const spread = arm.testAccuracyStd + reference.testAccuracyStd;
  return { arm: arm.name, difference, spread, exceedsSpread: Math.abs(difference) > spread };
};

/** Decides the denoising-against-RBM claim from the denoising arm's comparison with the RBM arm (see {@link DenoisingVersusRbmVerdict}). */
export const denoisingVersusRbmVerdict = (comparison: PretrainingComparison): DenoisingVersusRbmVerdict => {
  if (comparison.exceedsSpread === null) return 'cannot-tell';
  if (!comparison.exceedsSpread) return 'about-as-well';
  return comparison.difference > 0 ? 'denoising-higher' : 'rbm-higher';
};

const denoisingAgainstRbm = (arms: readonly ArmResult[]): DenoisingVersusRbm | undefined => {
  const denoising = arms.find((arm) => arm.name === 'denoising-autoencoder');
  const rbm = arms.find((arm) => arm.name === 'rbm');
  if (denoising === undefined || rbm === undefined) return undefined;
  const comparison = compare(denoising, rbm);
  return { ...comparison, verdict: denoisingVersusRbmVerdict(comparison) };
};

/** Decides the verdict from the comparisons of the pretrained arms (see {@link PretrainingVerdict}). */
export const pretrainingVerdict = (comparisons: readonly PretrainingComparison[]): PretrainingVerdict => {
  if (comparisons.length === 0 || comparisons.some((c) => c.exceedsSpread === null)) return 'cannot-tell';
  const wins = comparisons.filter((c) => c.exceedsSpread === true && c.difference > 0).length;
  if (wins === comparisons.length) return 'held';
  return wins === 0 ? 'not-shown' : 'partly';
};

/**
 * Builds the section from the experiment's result and settings. `figure` is the file name of the
 * weight figure, if the caller wrote one.
 */
export const buildPretrainingSection = (
  result: PretrainingExperimentResult,
  settings: PretrainingExperimentSettings,
  figure?: string,
): PretrainingSection => {
  const random = result.arms.find((arm) => arm.name === 'random');
  const pretrained = result.arms.filter((arm) => arm.name !== 'random');
  const comparisons = random === undefined ? [] : pretrained.map((arm) => compare(arm, random));
  const denoisingVersusRbm = denoisingAgainstRbm(result.arms);
  return {
    architecture: result.architecture,
    trainCount: result.trainCount,
    testCount: result.testCount,
    seeds: result.seeds,
    schedule: {
      autoencoderPretraining: settings.autoencoderPretraining,
      rbmPretraining: settings.rbmPretraining,
      outputLayerIterations: settings.outputLayer.maxIterations,
      fineTuning: settings.fineTuning,
    },
    arms: result.arms.map(armEntry),
    comparisons,
    verdict: pretrainingVerdict(comparisons),
    ...(denoisingVersusRbm === undefined ? {} : { denoisingVersusRbm }),
    fineTuningLoweredAccuracy: result.arms
      .filter((arm) => arm.frozenFeatureAccuracyMean !== null && arm.testAccuracyMean < arm.frozenFeatureAccuracyMean)
      .map((arm) => arm.name),
    ...(figure === undefined ? {} : { figure }),
  };
};

// -------------------------------------------------------------------------------------------------
// Markdown
// -------------------------------------------------------------------------------------------------

const percent = (x: number, digits = 2): string => `${(100 * x).toFixed(digits)}%`;

/** Renders a difference of accuracies in percentage points with its sign. */
const points = (x: number): string => `${x >= 0 ? '+' : '-'}${Math.abs(100 * x).toFixed(2)} points`;

/** Joins names as English prose: `a`, `a and b`, `a, b and c`. */
const listOf = (names: readonly string[]): string =>
  names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

const accuracyCell = (entry: PretrainingArmEntry): string =>
  entry.testAccuracyStd === null
    ? percent(entry.testAccuracyMean)
    : `${percent(entry.testAccuracyMean)} ± ${(100 * entry.testAccuracyStd).toFixed(2)}`;

const verdictSentence = (section: PretrainingSection): string => {
  const { comparisons } = section;
  const higher = comparisons.filter((c) => c.difference > 0).map((c) => c.arm);
  const direction =
    higher.length === comparisons.length
      ? 'Every pretrained arm scored higher than the random arm'
      : higher.length === 0
        ? 'No pretrained arm scored higher than the random arm'
        : `Only ${listOf(higher)} scored higher than the random arm`;
  switch (section.verdict) {
    case 'cannot-tell':
      return (
        `**Cannot tell.** ${direction}, but with one seed the run cannot tell whether the differences exceed the ` +
        'spread between seeds; repeat the arms with several seeds (for example `--seeds 3`) to decide.'
      );
    case 'held':
      return (
        `**Held.** ${direction}, and every difference exceeds the spread (the sum of the two arms' standard ` +
        'deviations over seeds).'
      );
    case 'partly': {
      const beyond = comparisons.filter((c) => c.exceedsSpread === true && c.difference > 0).map((c) => c.arm);
      return (
        `**Held only in part.** ${direction}; the difference exceeds the spread between seeds only for ` +
        `${listOf(beyond)}.`
      );
    }
    case 'not-shown':
      return (
        `**Not shown.** ${direction}, but no pretrained arm beat it by more than the spread between seeds (the ` +
        "sum of the two arms' standard deviations), so at this budget pretraining made no difference that the " +
        'seeds can separate from chance.'
      );
  }
};

const denoisingVersusRbmSentence = (section: PretrainingSection, comparison: DenoisingVersusRbm): string => {
  const accuracy = (name: string): string => {
    const entry = section.arms.find((arm) => arm.name === name);
    return entry === undefined ? '?' : percent(entry.testAccuracyMean);
  };
  const facts =
    `Denoising-autoencoder pretraining reached ${accuracy('denoising-autoencoder')} after fine-tuning and RBM ` +
    `pretraining ${accuracy('rbm')}, a difference of ${points(comparison.difference)}`;
  const spread = comparison.spread === null ? '' : (100 * comparison.spread).toFixed(2);
  switch (comparison.verdict) {
    case 'cannot-tell':
      return (
        `**Denoising against RBM: cannot tell.** ${facts}; with one seed the run cannot tell whether that exceeds ` +
        'the spread between seeds.'
      );
    case 'about-as-well':
      return (
        `**Denoising against RBM: held.** ${facts}, within the spread of ${spread} points, so denoising ` +
        'autoencoders pretrained this network about as well as RBMs.'
      );
    case 'denoising-higher':
      return (
        `**Denoising against RBM: held.** ${facts}, beyond the spread of ${spread} points: denoising autoencoders ` +
        'pretrained this network better than RBMs.'
      );
    case 'rbm-higher':
      return (
        `**Denoising against RBM: did not hold.** ${facts}, beyond the spread of ${spread} points: RBMs pretrained ` +
        'this network better than denoising autoencoders.'
      );
  }
};

/** Renders the section as Markdown lines, starting with its heading. */
export const renderPretrainingMarkdown = (section: PretrainingSection): string[] => {
  const { schedule } = section;
  const ae = schedule.autoencoderPretraining;
  const rbm = schedule.rbmPretraining;
  const ft = schedule.fineTuning;
  const differences = new Map(section.comparisons.map((c) => [c.arm, c]));
  const rbmMomentum =
    rbm.epochs <= RBM_DEFAULTS.momentumSwitchEpoch
      ? `momentum ${RBM_DEFAULTS.initialMomentum} throughout, which rises to ${rbm.momentum} only after ` +
        `${RBM_DEFAULTS.momentumSwitchEpoch} epochs`
      : `momentum ${RBM_DEFAULTS.initialMomentum} for the first ${RBM_DEFAULTS.momentumSwitchEpoch} epochs and ` +
        `${rbm.momentum} after`;
  const lines = [
    '## Pretraining a deep classifier',
    '',
    `Network ${section.architecture.join('-')} with sigmoid hidden units and a softmax output, trained on ` +
      `${section.trainCount} training images and tested on ${section.testCount} test images, ${section.seeds} ` +
      `seed${section.seeds === 1 ? '' : 's'} per arm. Pretrained arms train one model per hidden layer on the codes ` +
      `of the layer below: autoencoders for ${ae.epochs} epochs of SGD (batch ${ae.batchSize}, learning rate ` +
      `${ae.learningRate}, momentum ${ae.momentum}), RBMs for ${rbm.epochs} epochs of CD (batch ${rbm.batchSize}, ` +
      `learning rate ${rbm.learningRate}, ${rbmMomentum}); then a softmax layer on the frozen top features (L-BFGS, ` +
      `${schedule.outputLayerIterations} iterations), whose accuracy is the frozen-feature column. Every arm then ` +
      `fine-tunes all layers for the same ${ft.epochs} epochs of SGD (batch ${ft.batchSize}, learning rate ` +
      `${ft.learningRate}, momentum ${ft.momentum}, weight decay ${ft.lambda}) with the same batch order.`,
    '',
    section.seeds === 1
      ? '| arm | test accuracy after fine-tuning | frozen-feature accuracy | difference to random |'
      : '| arm | test accuracy after fine-tuning (mean ± std over seeds, points) | frozen-feature accuracy | difference to random (spread, points) |',
    '|---|---|---|---|',
  ];
  for (const entry of section.arms) {
    const comparison = differences.get(entry.name);
    const frozen = entry.frozenFeatureAccuracyMean === undefined ? '-' : percent(entry.frozenFeatureAccuracyMean);
    const difference =
      comparison === undefined
        ? '-'
        : comparison.spread === null
          ? points(comparison.difference)
          : `${points(comparison.difference)} (spread ${(100 * comparison.spread).toFixed(2)})`;
    lines.push(`| ${entry.description} | ${accuracyCell(entry)} | ${frozen} | ${difference} |`);
  }
  lines.push('', verdictSentence(section), '');
  for (const name of section.fineTuningLoweredAccuracy) {
    const entry = section.arms.find((arm) => arm.name === name);
    if (entry?.frozenFeatureAccuracyMean === undefined) continue;
    lines.push(
      `**Warning:** fine-tuning lowered the ${name} arm's accuracy from ${percent(entry.frozenFeatureAccuracyMean)} ` +
        `(softmax on its frozen features) to ${percent(entry.testAccuracyMean)}, so the fine-tuning schedule does not ` +
        'suit this arm at these sizes and its comparisons say little about pretraining.',
      '',
    );
  }
  if (section.denoisingVersusRbm !== undefined) {
    lines.push(denoisingVersusRbmSentence(section, section.denoisingVersusRbm), '');
  }
  if (section.figure !== undefined) {
    lines.push(
      'First-layer weights after fine-tuning, one band of tiles per arm in table order (first seed):',
      '',
      `![first-layer weights per arm](${section.figure})`,
      '',
    );
  }
  return lines;
};
