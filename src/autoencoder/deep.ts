/**
 * The forward pass of a deep autoencoder, and its training objective with the gradient over all layers
 * computed in one forward and one backward pass.
 *
 * For N samples stored as the rows of X (N x D), layer l of the unrolled network computes
 * A_l = f_l(A_{l-1} W_l^T + 1 b_l^T) (N x h_l), with A_0 = X, so each layer is one blocked product and
 * one fused loop that adds the bias and applies f_l. A_k is the code and A_2k the reconstruction X^.
 *
 * The objective is
 *
 *   J(theta) = (1/N) sum_n L(t_n, x^(x_n)) + (lambda / 2) sum_l ||W_l||_F^2,
 *
 * where t_n is the target of sample n (the sample itself, or its clean version when x_n is corrupted),
 * L is the squared error (1/2) ||t - x^||^2 or the cross-entropy, and biases are not decayed.
 *
 * Backpropagation, with the deltas Delta_l = dJ/dU_l of the pre-activations U_l (N x h_l) already
 * divided by N:
 * - output: Delta_2k = (X^ - T) / N for sigmoid with cross-entropy and for identity with squared error,
 *   (X^ - T) f~'(U_2k) / N otherwise;
 * - grad W_l = Delta_l^T A_{l-1} + lambda W_l, grad b_l = column sums of Delta_l;
 * - Delta_{l-1} = (Delta_l W_l) * f_{l-1}'(U_{l-1}), with f' computed from the stored outputs A_{l-1}.
 *
 * One evaluation costs 3 products per layer but the first, whose input delta is not needed: about
 * (3L - 1) N h_in h_out multiply-adds summed over the layers.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, type ReadonlyFloat64Array, requireFiniteNonEmpty, requireShape } from '../linalg/matrix.js';
import { multiply, multiplyTransposeA, multiplyTransposeB } from '../linalg/products.js';
import { type ActivationName, addBiasAndActivateInPlace, multiplyByDerivativeInPlace } from '../nn/activation.js';
import { outputLossAndDeltaInPlace } from '../nn/loss.js';
import { ownedBuffer } from './autoencoder.js';
import {
  type DeepAutoencoderConfig,
  type DeepAutoencoderParams,
  type DenseLayer,
  deepParameterCount,
  layerShapes,
  validateDeepConfig,
  viewDeepParams,
} from './deep-params.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** The objective J at one parameter vector theta, its gradient and its parts. */
export interface DeepObjectiveValue {
  /** J = reconstructionLoss + weightDecayLoss. */
  readonly loss: number;
  /** dJ/dtheta, a fresh vector in the layout of theta: W_1, b_1, ..., W_2k, b_2k. */
  readonly gradient: Float64Array;
  /** (1/N) sum_n L(t_n, x^(x_n)), the reconstruction loss per sample. */
  readonly reconstructionLoss: number;
  /** (lambda / 2) sum_l ||W_l||_F^2. */
  readonly weightDecayLoss: number;
}

// -------------------------------------------------------------------------------------------------
// Forward pass
// -------------------------------------------------------------------------------------------------

/** Returns f(A W^T + 1 b^T) for the outputs A (N x h_in) of the previous layer: N x h_out. */
const applyLayer = (layer: DenseLayer, activation: ActivationName, input: Matrix): Matrix => {
  const output = multiplyTransposeB(input, layer.W);
  addBiasAndActivateInPlace(activation, ownedBuffer(output), layer.b);
  return output;
};

/** Runs layers `first` to `last` (1-based, inclusive) on `input`. */
const runLayers = (
  config: DeepAutoencoderConfig,
  params: DeepAutoencoderParams,
  input: Matrix,
  first: number,
  last: number,
): Matrix => {
  const shapes = layerShapes(config);
  let activations = input;
  for (let l = first; l <= last; l++) {
    activations = applyLayer(params.layers[l - 1], shapes[l - 1].activation, activations);
  }
  return activations;
};

/**
 * Encodes every sample down to the code layer: returns A_k (N x h_k) for X of N x D, one sample per
 * row. A kernel for parameters of the configuration's shapes.
 *
 * @throws RangeError when `samples` does not have D columns.
 */
export const encodeDeep = (config: DeepAutoencoderConfig, params: DeepAutoencoderParams, samples: Matrix): Matrix =>
  runLayers(config, params, samples, 1, config.encoderSizes.length - 1);

/**
 * Decodes codes back to data space: returns X^ = A_2k (N x D) for codes of N x h_k.
 *
 * @throws RangeError when `codes` does not have h_k columns.
 */
export const decodeDeep = (config: DeepAutoencoderConfig, params: DeepAutoencoderParams, codes: Matrix): Matrix => {
  const k = config.encoderSizes.length - 1;
  return runLayers(config, params, codes, k + 1, 2 * k);
};

/**
 * Returns the reconstructions X^ (N x D) of the samples X (N x D) through all 2k layers.
 *
 * @throws RangeError when `samples` does not have D columns.
 */
export const reconstructDeep = (
  config: DeepAutoencoderConfig,
  params: DeepAutoencoderParams,
  samples: Matrix,
): Matrix => runLayers(config, params, samples, 1, 2 * (config.encoderSizes.length - 1));

/**
 * Computes the mean over samples of (1/2) ||t_n - x^(x_n)||^2 for inputs X and targets T, both N x D.
 * Without targets, the inputs are the targets, which gives the plain reconstruction error. It is always
 * the squared error, whatever loss the network was trained with, so that it compares with PCA on one
 * scale. NaN for N = 0.
 *
 * @throws RangeError when the inputs do not have D columns or the targets have another shape.
 */
export const deepReconstructionError = (
  config: DeepAutoencoderConfig,
  params: DeepAutoencoderParams,
  inputs: Matrix,
  targets: Matrix = inputs,
): number => {
  if (targets.rows !== inputs.rows || targets.cols !== inputs.cols) {
    throw new RangeError(
      `deepReconstructionError: inputs and targets must have the same shape, got ${inputs.rows} x ${inputs.cols} ` +
        `and ${targets.rows} x ${targets.cols}.`,
    );
  }
  const output = reconstructDeep(config, params, inputs).data;
  const t = targets.data;
  let sum = 0;
  for (let i = 0; i < t.length; i++) {
    const r = output[i] - t[i];
    sum += r * r;
  }
  return (0.5 * sum) / inputs.rows;
};

// -------------------------------------------------------------------------------------------------
// Objective
// -------------------------------------------------------------------------------------------------

/**
 * Checks the configuration, lambda and the samples, and returns the objective J(theta) with its
 * gradient for the samples X (N x D), which are both the input and the reconstruction target.
 *
 * Rejects an invalid configuration, a lambda that is not a finite number >= 0, and samples that are
 * empty, have a column count other than D, have a NaN or infinite entry, or, with the cross-entropy
 * loss, an entry outside [0, 1].
 *
 * @example
 * const objective = deepAutoencoderObjective(config, 1e-5, x); // Right(theta => { loss, gradient, ... })
 */
export const deepAutoencoderObjective = (
  config: DeepAutoencoderConfig,
  lambda: number,
  samples: Matrix,
): E.Either<InvalidArgumentError, (theta: ReadonlyFloat64Array) => DeepObjectiveValue> => {
  const invalid = validateDeepProblem('deepAutoencoderObjective', config, lambda, samples);
  if (invalid !== undefined) return E.left(invalid);
  return E.right((theta: ReadonlyFloat64Array) => evaluateDeepObjective(config, lambda, samples, theta));
};

/**
 * Checks a configuration, a weight-decay coefficient lambda and a sample matrix that is the target of
 * the loss, and returns the first problem found, or `undefined` when all are valid.
 */
export const validateDeepProblem = (
  functionName: string,
  config: DeepAutoencoderConfig,
  lambda: number,
  samples: Matrix,
): InvalidArgumentError | undefined => {
  const validConfig = validateDeepConfig(functionName, config);
  if (E.isLeft(validConfig)) return validConfig.left;
  if (!(Number.isFinite(lambda) && lambda >= 0)) {
    return invalidArgument(functionName, 'lambda', lambda, 'a finite number >= 0');
  }
  const shaped = requireShape(functionName, 'samples', samples, undefined, config.encoderSizes[0]);
  if (E.isLeft(shaped)) return shaped.left;
  const finite = requireFiniteNonEmpty(functionName, 'samples', samples);
  if (E.isLeft(finite)) return finite.left;
  if (config.loss !== 'cross-entropy') return undefined;
  const data = samples.data;
  for (let k = 0; k < data.length; k++) {
    if (data[k] < 0 || data[k] > 1) {
      const argument = `samples[${Math.floor(k / samples.cols)}, ${k % samples.cols}]`;
      const expected = 'a number in [0, 1], because cross-entropy reads targets as probabilities';
      return invalidArgument(functionName, argument, data[k], expected);
    }
  }
  return undefined;
};

/**
 * Computes J(theta) and its gradient for samples that are both the input and the target. An unchecked
 * kernel: the arguments must have passed the checks of {@link deepAutoencoderObjective}.
 *
 * @throws RangeError when `theta.length` differs from `deepParameterCount(config)`.
 */
export const evaluateDeepObjective = (
  config: DeepAutoencoderConfig,
  lambda: number,
  samples: Matrix,
  theta: ReadonlyFloat64Array,
): DeepObjectiveValue => evaluateDeepObjectiveWithTarget(config, lambda, samples, samples, theta);

/**
 * Computes J(theta) and its gradient when the network input differs from the reconstruction target:
 * the loss compares x^(input_n) with target_n, both N x D with matching rows. A denoising deep
 * autoencoder passes corrupted inputs and clean targets. An unchecked kernel, like
 * {@link evaluateDeepObjective}.
 *
 * @throws RangeError when `theta.length` differs from `deepParameterCount(config)`, or `input` and
 * `target` have different shapes.
 */
export const evaluateDeepObjectiveWithTarget = (
  config: DeepAutoencoderConfig,
  lambda: number,
  input: Matrix,
  target: Matrix,
  theta: ReadonlyFloat64Array,
): DeepObjectiveValue => {
  if (input.rows !== target.rows || input.cols !== target.cols) {
    throw new RangeError(
      `evaluateDeepObjectiveWithTarget: input and target must have the same shape, got ${input.rows} x ${input.cols} ` +
        `and ${target.rows} x ${target.cols}.`,
    );
  }
  const shapes = layerShapes(config);
  const { layers } = viewDeepParams(config, theta);
  const layerCount = shapes.length;
  const scale = 1 / input.rows;

  // Forward through the hidden layers, keeping every output A_0 = X, A_1, ..., A_{L-1} for backpropagation.
  const outputs: Matrix[] = [input];
  for (let l = 1; l < layerCount; l++) {
    outputs.push(applyLayer(layers[l - 1], shapes[l - 1].activation, outputs[l - 1]));
  }

  // The output pre-activations U_L, turned in place into Delta_L = dL/dU_L / N while the loss is summed.
  let delta = multiplyTransposeB(outputs[layerCount - 1], layers[layerCount - 1].W);
  const deltaBuffer = ownedBuffer(delta);
  const bias = layers[layerCount - 1].b;
  const d = bias.length;
  for (let start = 0; start < deltaBuffer.length; start += d) {
    for (let j = 0; j < d; j++) deltaBuffer[start + j] += bias[j];
  }
  const outputActivation = shapes[layerCount - 1].activation;
  const dataLoss = outputLossAndDeltaInPlace(outputActivation, config.loss, target.data, deltaBuffer, scale);

  // Backward: gradients of layer l from Delta_l, then Delta_{l-1} through W_l and f_{l-1}'.
  const gradient = new Float64Array(deepParameterCount(config));
  let squaredWeightNorm = 0;
  for (let l = layerCount; l >= 1; l--) {
    const { offset, inputSize, outputSize } = shapes[l - 1];
    const weights = layers[l - 1].W.data;
    const biasOffset = offset + outputSize * inputSize;
    const weightGradient = multiplyTransposeA(delta, outputs[l - 1]).data;
    for (let i = 0; i < weightGradient.length; i++) {
      const w = weights[i];
      squaredWeightNorm += w * w;
      gradient[offset + i] = weightGradient[i] + lambda * w;
    }
    addColumnSums(delta, gradient, biasOffset);
    if (l > 1) {
      const previous = multiply(delta, layers[l - 1].W);
      multiplyByDerivativeInPlace(shapes[l - 2].activation, ownedBuffer(previous), outputs[l - 1].data);
      delta = previous;
    }
  }

  const reconstructionLoss = scale * dataLoss;
  const weightDecayLoss = 0.5 * lambda * squaredWeightNorm;
  return { loss: reconstructionLoss + weightDecayLoss, gradient, reconstructionLoss, weightDecayLoss };
};

/** Adds the column sums of `m` into `target[offset + j]`: a bias gradient summed over samples. */
const addColumnSums = (m: Matrix, target: Float64Array, offset: number): void => {
  const { data, cols } = m;
  for (let start = 0; start < data.length; start += cols) {
    for (let j = 0; j < cols; j++) target[offset + j] += data[start + j];
  }
};
