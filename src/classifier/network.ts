/**
 * A feed-forward classifier of any depth: sigmoid hidden layers and a softmax output over K classes,
 * with the mean cross-entropy loss and its gradient computed in one pass of backpropagation.
 *
 * Notation: N samples of dimension D in the rows of X (N x D), layer sizes [D, H_1, ..., H_{L-1}, K]
 * and L dense layers (see ./layers.ts). The forward pass is
 *
 *   A_0 = X,   A_l = sigmoid(A_{l-1} W_l^T + 1 b_l^T) for l < L,   U = A_{L-1} W_L^T + 1 b_L^T,
 *
 * with U the N x K logits, and the objective is
 *
 *   J = (1/N) sum_n -log softmax(u_n)_{y_n} + (lambda / 2) sum_l ||W_l||_F^2,
 *
 * without weight decay on the biases. Backpropagation starts from Delta_L = (P - T) / N (softmax
 * minus one-hot, divided by N) and runs
 *
 *   dJ/dW_l = Delta_l^T A_{l-1} + lambda W_l,   dJ/db_l = column sums of Delta_l,
 *   Delta_{l-1} = (Delta_l W_l) .* A_{l-1} .* (1 - A_{l-1}),
 *
 * so each step is one blocked product and one fused loop. The stacked encoders of layer-wise
 * pretraining are the hidden layers alone, and {@link extractFeatures} runs them as a feature
 * extractor.
 */
import * as E from 'fp-ts/lib/Either.js';

import { ownedBuffer } from '../autoencoder/autoencoder.js';
import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import {
  type Matrix,
  type ReadonlyFloat64Array,
  requireFiniteNonEmpty,
  requireShape,
  unsafeMatrix,
} from '../linalg/matrix.js';
import { multiply, multiplyTransposeA, multiplyTransposeB } from '../linalg/products.js';
import { addBiasAndActivateInPlace, multiplyByDerivativeInPlace } from '../nn/activation.js';
import { type Labels, softmaxCrossEntropyAndDeltaInPlace, softmaxRowsInPlace, validateLabels } from '../nn/softmax.js';
import {
  type DenseLayer,
  type LayerSizes,
  validateLayerSizes,
  validateLayers,
  viewLayers,
} from './layers.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** The classifier objective J at one parameter vector theta, its gradient and its parts. */
export interface ClassifierObjectiveValue {
  /** J = crossEntropy + weightDecayLoss. */
  readonly loss: number;
  /** dJ/dtheta, a fresh vector in the layout of theta: W_1, b_1, ..., W_L, b_L. */
  readonly gradient: Float64Array;
  /** (1/N) sum_n -log p_{n, y_n}, the mean cross-entropy of the softmax output. */
  readonly crossEntropy: number;
  /** (lambda / 2) sum_l ||W_l||_F^2. */
  readonly weightDecayLoss: number;
}

// -------------------------------------------------------------------------------------------------
// Validation
// -------------------------------------------------------------------------------------------------

const requireSamples = (
  functionName: string,
  samples: Matrix,
  inputSize: number,
): E.Either<InvalidArgumentError, Matrix> => {
  const shaped = requireShape(functionName, 'samples', samples, undefined, inputSize);
  return E.isLeft(shaped) ? shaped : requireFiniteNonEmpty(functionName, 'samples', samples);
};

// -------------------------------------------------------------------------------------------------
// Forward kernels
// -------------------------------------------------------------------------------------------------

/** Returns Y = f(X W^T + 1 b^T) for one dense layer, with f the sigmoid or the identity. */
const denseForward = (layer: DenseLayer, input: Matrix, activation: 'sigmoid' | 'identity'): Matrix => {
  const output = multiplyTransposeB(input, layer.W);
  addBiasAndActivateInPlace(activation, ownedBuffer(output), layer.b);
  return output;
};

/**
 * Returns the outputs A_1, ..., A_{L-1} of the sigmoid hidden layers (all but the last layer) for
 * the samples X (N x D). An unchecked kernel.
 */
const hiddenOutputs = (layers: readonly DenseLayer[], samples: Matrix): Matrix[] => {
  const outputs: Matrix[] = [];
  let input = samples;
  for (let l = 0; l < layers.length - 1; l++) {
    input = denseForward(layers[l], input, 'sigmoid');
    outputs.push(input);
  }
  return outputs;
};

/**
 * Returns the N x K logits U of the classifier for the samples X (N x D). An unchecked kernel.
 *
 * @throws RangeError when the layers do not chain or X does not have D columns.
 */
export const classifierLogits = (layers: readonly DenseLayer[], samples: Matrix): Matrix => {
  const hidden = hiddenOutputs(layers, samples);
  const top = hidden.length === 0 ? samples : hidden[hidden.length - 1];
  return denseForward(layers[layers.length - 1], top, 'identity');
};

// -------------------------------------------------------------------------------------------------
// Objective
// -------------------------------------------------------------------------------------------------

/** Adds the column sums of `m` into `target[offset + j]`: a bias gradient summed over samples. */
const addColumnSums = (m: Matrix, target: Float64Array, offset: number): void => {
  const { data, cols } = m;
  for (let start = 0; start < data.length; start += cols) {
    for (let j = 0; j < cols; j++) target[offset + j] += data[start + j];
  }
};

/**
 * Computes J(theta) and its gradient for the samples X (N x D, one per row) and their labels
 * (N integers in [0, K)), in one forward and one backward pass (see the module comment). An
 * unchecked kernel: the arguments must have passed the checks of {@link classifierObjective}.
 *
 * @throws RangeError when `theta.length` differs from `layerParameterCount(sizes)`.
 */
export const evaluateClassifierObjective = (
  sizes: LayerSizes,
  lambda: number,
  samples: Matrix,
  labels: Labels,
  theta: ReadonlyFloat64Array,
): ClassifierObjectiveValue => {
  const layers = viewLayers(sizes, theta);
  const layerCount = layers.length;
  const classCount = sizes[sizes.length - 1];
  const scale = 1 / samples.rows;

  // Forward, then the logits turned in place into Delta_L = (P - T) / N while the loss is summed.
  const hidden = hiddenOutputs(layers, samples);
  const inputOf = (l: number): Matrix => (l === 0 ? samples : hidden[l - 1]);
  let delta = denseForward(layers[layerCount - 1], inputOf(layerCount - 1), 'identity');
  const crossEntropySum = softmaxCrossEntropyAndDeltaInPlace(ownedBuffer(delta), classCount, labels, scale);

  // Backward, from the last layer to the first; offsets follow the layout W_1, b_1, ..., W_L, b_L.
  const gradient = new Float64Array(theta.length);
  let offset = theta.length;
  let squaredWeightNorm = 0;
  for (let l = layerCount - 1; l >= 0; l--) {
    const { W } = layers[l];
    offset -= W.rows;
    const biasOffset = offset;
    offset -= W.data.length;
    addColumnSums(delta, gradient, biasOffset);
    gradient.set(multiplyTransposeA(delta, inputOf(l)).data, offset);
    for (let i = 0; i < W.data.length; i++) {
      const w = W.data[i];
      squaredWeightNorm += w * w;
      gradient[offset + i] += lambda * w;
    }
    if (l > 0) {
      const previous = multiply(delta, W);
      multiplyByDerivativeInPlace('sigmoid', ownedBuffer(previous), hidden[l - 1].data);
      delta = previous;
    }
  }

  const crossEntropy = scale * crossEntropySum;
  const weightDecayLoss = 0.5 * lambda * squaredWeightNorm;
  return { loss: crossEntropy + weightDecayLoss, gradient, crossEntropy, weightDecayLoss };
};

/**
 * Validates layer sizes [D, H_1, ..., K], the weight-decay coefficient lambda, the samples X (N x D,
 * one per row) and their labels. Returns the objective J (see the module comment) as a function of
 * theta, whose layout is W_1, b_1, ..., W_L, b_L.
 *
 * The returned evaluator does no further checks except one: it throws a RangeError when
 * `theta.length` differs from `layerParameterCount(sizes)`. A theta with NaN or infinite entries
 * gives a non-finite loss, which optimisers report.
 *
 * Errors: `InvalidArgumentError` for invalid sizes (fewer than two, not positive integers, fewer
 * than 2 classes) and for a lambda that is negative or not finite. It is also returned for samples
 * that are empty, have other than D columns or contain NaN or infinity, and for labels of the wrong
 * length or outside [0, K).
 *
 * @example
 * const objective = classifierObjective([784, 200, 200, 10], 1e-4, images, labels);
 * // Right(theta => ({ loss, gradient, crossEntropy, weightDecayLoss }))
 */
export const classifierObjective = (
  sizes: LayerSizes,
  lambda: number,
  samples: Matrix,
  labels: Labels,
): E.Either<InvalidArgumentError, (theta: ReadonlyFloat64Array) => ClassifierObjectiveValue> => {
  const functionName = 'classifierObjective';
  const validSizes = validateLayerSizes(functionName, 'sizes', sizes);
  if (E.isLeft(validSizes)) return validSizes;
  if (!(Number.isFinite(lambda) && lambda >= 0)) {
    return E.left(invalidArgument(functionName, 'lambda', lambda, 'a finite number >= 0'));
  }
  const validSamples = requireSamples(functionName, samples, sizes[0]);
  if (E.isLeft(validSamples)) return validSamples;
  const validLabels = validateLabels(functionName, 'labels', labels, samples.rows, sizes[sizes.length - 1]);
  if (E.isLeft(validLabels)) return validLabels;
  return E.right((theta: ReadonlyFloat64Array) => evaluateClassifierObjective(sizes, lambda, samples, labels, theta));
};

// -------------------------------------------------------------------------------------------------
// Prediction
// -------------------------------------------------------------------------------------------------

/**
 * Returns the class probabilities softmax(U) of every sample, N x K, for the samples X (N x D, one
 * per row): row n sums to 1 up to rounding.
 *
 * Errors: `InvalidArgumentError` for layers that do not chain or have non-finite entries (see
 * `validateLayers`), and for samples that are empty, non-finite or not D columns wide.
 */
export const classProbabilities = (
  layers: readonly DenseLayer[],
  samples: Matrix,
): E.Either<InvalidArgumentError, Matrix> => {
  const functionName = 'classProbabilities';
  const validLayers = validateLayers(functionName, 'layers', layers);
  if (E.isLeft(validLayers)) return validLayers;
  const validSamples = requireSamples(functionName, samples, layers[0].W.cols);
  if (E.isLeft(validSamples)) return validSamples;
  const logits = classifierLogits(layers, samples);
  softmaxRowsInPlace(ownedBuffer(logits), logits.cols);
  return E.right(logits);
};

/** Returns the index of the largest of the K logits of every row, the first one on ties. */
const argmaxRows = (logits: Matrix): Uint32Array => {
  const { data, rows, cols } = logits;
  const classes = new Uint32Array(rows);
  for (let n = 0; n < rows; n++) {
    let best = 0;
    for (let k = 1; k < cols; k++) if (data[n * cols + k] > data[n * cols + best]) best = k;
    classes[n] = best;
  }
  return classes;
};

/**
 * Returns the predicted class of every sample of X (N x D, one per row): the index of its largest
 * logit, which is also the class of largest softmax probability (the first one on ties).
 *
 * Errors: as {@link classProbabilities}.
 */
export const predictClasses = (
  layers: readonly DenseLayer[],
  samples: Matrix,
): E.Either<InvalidArgumentError, Uint32Array> => {
  const functionName = 'predictClasses';
  const validLayers = validateLayers(functionName, 'layers', layers);
  if (E.isLeft(validLayers)) return validLayers;
  const validSamples = requireSamples(functionName, samples, layers[0].W.cols);
  if (E.isLeft(validSamples)) return validSamples;
  return E.right(argmaxRows(classifierLogits(layers, samples)));
};

/**
 * Computes the fraction of samples of X (N x D, one per row) whose predicted class equals its label,
 * a number in [0, 1].
 *
 * Errors: as {@link classProbabilities}, and labels of length other than N or outside [0, K).
 */
export const classificationAccuracy = (
  layers: readonly DenseLayer[],
  samples: Matrix,
  labels: Labels,
): E.Either<InvalidArgumentError, number> => {
  const functionName = 'classificationAccuracy';
  const validLayers = validateLayers(functionName, 'layers', layers);
  if (E.isLeft(validLayers)) return validLayers;
  const validSamples = requireSamples(functionName, samples, layers[0].W.cols);
  if (E.isLeft(validSamples)) return validSamples;
  const classCount = layers[layers.length - 1].W.rows;
  const validLabels = validateLabels(functionName, 'labels', labels, samples.rows, classCount);
  if (E.isLeft(validLabels)) return validLabels;
  const predicted = argmaxRows(classifierLogits(layers, samples));
  let correct = 0;
  for (let n = 0; n < predicted.length; n++) if (predicted[n] === labels[n]) correct++;
  return E.right(correct / samples.rows);
};

// -------------------------------------------------------------------------------------------------
// Feature extraction
// -------------------------------------------------------------------------------------------------

/**
 * Encodes every sample through a stack of sigmoid encoders: returns Z = A_L for A_0 = X and
 * A_l = sigmoid(A_{l-1} W_l^T + 1 b_l^T), an N x H_L matrix of features in [0, 1], where H_L is the
 * output size of the last encoder. Each row is the feature vector of one sample of X (N x D).
 *
 * Errors: `InvalidArgumentError` for an empty stack, encoders that do not chain or have non-finite
 * entries, and samples that are empty, non-finite or not D columns wide.
 *
 * @example
 * extractFeatures(pretrained.stack, testImages) // Right(N x 200 features)
 */
export const extractFeatures = (
  stack: readonly DenseLayer[],
  samples: Matrix,
): E.Either<InvalidArgumentError, Matrix> => {
  const functionName = 'extractFeatures';
  const validStack = validateLayers(functionName, 'stack', stack);
  if (E.isLeft(validStack)) return validStack;
  const validSamples = requireSamples(functionName, samples, stack[0].W.cols);
  if (E.isLeft(validSamples)) return validSamples;
  return E.right(encodeThroughStack(stack, samples));
};

/**
 * Returns sigmoid encodings through every layer of a valid stack, like {@link extractFeatures} but
 * unchecked. Returns a copy of `samples` for an empty stack.
 */
export const encodeThroughStack = (stack: readonly DenseLayer[], samples: Matrix): Matrix => {
  let codes = samples;
  for (const layer of stack) codes = denseForward(layer, codes, 'sigmoid');
  return codes === samples ? unsafeMatrix(samples.rows, samples.cols, Float64Array.from(samples.data)) : codes;
};
