/**
 * Supervised training of a classifier whose layers already have values: stacking pretrained encoders
 * under a softmax output layer, training that output layer alone on frozen features, and fine-tuning
 * every layer of the stacked network by backpropagation.
 *
 * The classifier is the one of `classifier/network.ts`: sigmoid hidden layers, a softmax output over K
 * classes, and J = mean cross-entropy + (lambda / 2) sum_l ||W_l||^2. Fine-tuning minimises J over the
 * parameters of all layers at once, so the pretrained encoders move too, not only the output layer.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import { type DenseLayer, layerSizesOf, packLayers, unpackLayers, validateLayers } from '../classifier/layers.js';
import { classifierObjective, evaluateClassifierObjective } from '../classifier/network.js';
import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, type ReadonlyFloat64Array, selectRows, unsafeMatrix } from '../linalg/matrix.js';
import type { Labels } from '../nn/softmax.js';
import type { OptimizationResult, ProgressCallback, TrainingFailure } from '../optim/types.js';
import type { LbfgsOptions } from '../optim/lbfgs.js';
import { type Rng, rngFromSeed } from '../random/rng.js';
import { type OptimizerSettings, type TrainingObjective, minimizeWith } from './minimize-with.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/**
 * The optimiser that minimises the classifier objective, with its options. Minibatch SGD with
 * momentum evaluates J on each batch (the mean cross-entropy over the batch), and L-BFGS on all N
 * samples.
 */
export type FineTuningOptimizer = Extract<OptimizerSettings, { readonly kind: 'sgd' | 'lbfgs' }>;

/** A fine-tuning problem: the starting network, the labelled samples and the weight decay. */
export interface FineTuningProblem {
  /** The starting layers, input layer first and the K-way output layer last. */
  readonly layers: readonly DenseLayer[];
  /** X, N x D, one sample per row. */
  readonly samples: Matrix;
  /** N class labels in [0, K). */
  readonly labels: Labels;
  /** Weight-decay coefficient lambda >= 0 on every W (not on the biases). */
  readonly lambda: number;
}

/** A trained classifier and the record of its optimisation. */
export interface FineTunedClassifier {
  readonly layers: DenseLayer[];
  readonly optimization: OptimizationResult;
}

// -------------------------------------------------------------------------------------------------
// Stacking
// -------------------------------------------------------------------------------------------------

/**
 * Stacks encoders and an output layer into one classifier: returns [encoder_1, ..., encoder_L,
 * output]. The output layer's W must be K x H_L, H_L being the output size of the last encoder, with
 * K >= 2 classes. The layers are shared, not copied, since no function writes into them.
 *
 * Errors: `InvalidArgumentError` for encoders or an output layer that do not chain or hold NaN or
 * infinite entries, and for an output layer with fewer than 2 rows.
 */
export const stackClassifier = (
  stack: readonly DenseLayer[],
  outputLayer: DenseLayer,
): E.Either<InvalidArgumentError, DenseLayer[]> => {
  const functionName = 'stackClassifier';
  const validStack = validateLayers(functionName, 'stack', stack);
  if (E.isLeft(validStack)) return validStack;
  const top = stack[stack.length - 1].W.rows;
  if (outputLayer.W.cols !== top || outputLayer.W.rows < 2) {
    return E.left(
      invalidArgument(
        functionName,
        'outputLayer.W',
        `a ${outputLayer.W.rows} x ${outputLayer.W.cols} matrix`,
        `a K x ${top} matrix with K >= 2 classes, to follow the ${top} outputs of the last encoder`,
      ),
    );
  }
  const combined = [...stack, outputLayer];
  return pipe(
    validateLayers(functionName, 'outputLayer', [outputLayer]),
    E.map(() => combined),
  );
};

// -------------------------------------------------------------------------------------------------
// Training
// -------------------------------------------------------------------------------------------------

const FUNCTION_NAME = 'fineTune';

/**
 * Minimises the classifier objective J over every layer's W and b, starting from `problem.layers`,
 * and returns the trained layers with the advanced generator (SGD draws the batch order from it;
 * L-BFGS leaves it unchanged). Calls `onProgress` once per epoch (SGD) or iteration (L-BFGS).
 *
 * Errors: `InvalidArgumentError` for layers that do not chain or contain non-finite entries, and for
 * samples that are empty, non-finite or not D columns wide. It is also returned for labels of the
 * wrong length or outside [0, K), a negative or non-finite lambda, and an optimiser option out of range
 * (named by the optimiser, e.g. `options.batchSize` of `minimizeSgd`). `TrainingFailure` when the loss
 * or gradient becomes NaN or infinite. Its `lastFinite.theta` contains the last finite parameters in
 * the layout of `packLayers`.
 *
 * @example
 * const [tuned, next] = fineTune(
 *   { layers, samples: images, labels, lambda: 0 },
 *   { kind: 'sgd', batchSize: 100, epochs: 10, learningRate: 0.1, momentum: 0.9 },
 *   rngFromSeed(1),
 * );
 */
export const fineTune = (
  problem: FineTuningProblem,
  optimizer: FineTuningOptimizer,
  rng: Rng,
  onProgress?: ProgressCallback,
): [E.Either<InvalidArgumentError | TrainingFailure, FineTunedClassifier>, Rng] => {
  const { layers, samples, labels, lambda } = problem;
  const validLayers = validateLayers(FUNCTION_NAME, 'problem.layers', layers);
  if (E.isLeft(validLayers)) return [validLayers, rng];
  const sizes = layerSizesOf(layers);
  const objective = classifierObjective(sizes, lambda, samples, labels);
  if (E.isLeft(objective)) return [objective, rng];
  const theta0 = packLayers(layers);
  const finish = E.map(
    (optimization: OptimizationResult): FineTunedClassifier => ({
      layers: unpackLayers(sizes, optimization.theta),
      optimization,
    }),
  );

  const trainingObjective: TrainingObjective = {
    fullBatch: objective.right,
    minibatch: (theta: ReadonlyFloat64Array, batch: Uint32Array) =>
      evaluateClassifierObjective(sizes, lambda, selectRows(samples, batch), selectLabels(labels, batch), theta),
    sampleCount: samples.rows,
  };
  const [result, next] = minimizeWith(FUNCTION_NAME, optimizer, trainingObjective, theta0, rng, onProgress);
  return [pipe(result, finish), next];
};

/** Returns the labels of the listed samples, in the order of `indices`. */
const selectLabels = (labels: Labels, indices: Uint32Array): Uint32Array => {
  const out = new Uint32Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = labels[indices[i]];
  return out;
};

/** Options of {@link trainOutputLayer}. */
export interface OutputLayerOptions {
  /** K, the number of classes, an integer >= 2. */
  readonly classCount: number;
  /** Weight-decay coefficient lambda >= 0 on W. */
  readonly lambda: number;
  /** L-BFGS options; the objective is convex, so L-BFGS from zero weights finds its minimum. */
  readonly lbfgs: LbfgsOptions;
}

/**
 * Trains a softmax output layer alone on frozen features Z (N x H, one per row, for example
 * `extractFeatures(stack, X)`): multinomial logistic regression, which minimises the same J with
 * no hidden layer. It starts from W = 0 and b = 0, and the objective is convex, so the result does not
 * depend on a generator. Returns the K x H layer and the optimisation record.
 *
 * Errors: as {@link fineTune}, and `options.classCount` below 2 or not an integer.
 */
export const trainOutputLayer = (
  features: Matrix,
  labels: Labels,
  options: OutputLayerOptions,
  onProgress?: ProgressCallback,
): E.Either<InvalidArgumentError | TrainingFailure, { readonly layer: DenseLayer; readonly optimization: OptimizationResult }> => {
  const { classCount } = options;
  if (!(Number.isInteger(classCount) && classCount >= 2)) {
    return E.left(invalidArgument('trainOutputLayer', 'options.classCount', classCount, 'an integer >= 2'));
  }
  const start: DenseLayer = {
    W: unsafeMatrix(classCount, features.cols, new Float64Array(classCount * features.cols)),
    b: new Float64Array(classCount),
  };
  const [result] = fineTune(
    { layers: [start], samples: features, labels, lambda: options.lambda },
    { kind: 'lbfgs', ...options.lbfgs },
    // L-BFGS draws nothing, so any generator gives the same result.
    rngFromSeed(0),
    onProgress,
  );
  return pipe(
    result,
    E.map(({ layers, optimization }) => ({ layer: layers[0], optimization })),
  );
};
