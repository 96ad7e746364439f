/**
 * The training objective of a (sparse) autoencoder and its gradient, computed together in one
 * forward and one backward pass.
 *
 * For N samples x_n (the rows of X, N x D) the objective is
 *
 *   J(theta) = (1/N) sum_n L(x_n, x^(x_n))                            reconstruction
 *            + (lambda / 2) (||W||_F^2 + ||W~||_F^2)                    weight decay
 *            + beta sum_j KL(rho || rhoHat_j)                           sparsity
 *
 * where L is the squared error (1/2) ||x - x^||^2 or the cross-entropy, rhoHat_j = (1/N) sum_n y_j(x_n)
 * is the mean activation of hidden unit j over the same N samples, and the ||W~||^2 term is present
 * only for untied weights (with W~ = W^T it would count W twice). Biases are not decayed. This is the
 * normalisation of the UFLDL sparse autoencoder tutorial, and the one this library reports.
 *
 * Backpropagation, with all deltas already divided by N:
 * - output delta (N x D): dL/du~ / N, which is (x^ - x) / N for sigmoid with cross-entropy and for
 *   identity with squared error, and (x^ - x) f~'(u~) / N otherwise;
 * - hidden delta (N x H): (delta_out W~ + (beta / N) KL'(rhoHat_j)) * f'(u_j), the sparsity term
 *   entering every sample's delta before the multiplication by f';
 * - grad W~ = delta_out^T Y + lambda W~, grad b~ = column sums of delta_out;
 * - grad W = delta_h^T X + lambda W, plus (delta_out^T Y)^T = Y^T delta_out when tied, because W then
 *   acts in the decoder too; grad b = column sums of delta_h.
 *
 * The five matrix products (two forward, three backward) dominate the cost with about 5 N D H
 * multiply-adds. Everything else is a fused element-wise loop over fresh buffers.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, type ReadonlyFloat64Array, requireFiniteNonEmpty, requireShape } from '../linalg/matrix.js';
import { columnMeans } from '../linalg/ops.js';
import { multiply, multiplyTransposeA, multiplyTransposeB } from '../linalg/products.js';
import { multiplyByDerivativeInPlace } from '../nn/activation.js';
import { sparsityPenalty } from '../nn/kl.js';
import { outputLossAndDeltaInPlace } from '../nn/loss.js';
import { decoderPreActivations, encode, ownedBuffer, requireDecoder } from './autoencoder.js';
import { type AutoencoderConfig, parameterLayout, validateConfig, viewParams } from './params.js';
import {
  type Regularization,
  addSparsityAndSigmoidDerivativeInPlace,
  addWeightDecay,
  validateRegularization,
} from './regularization.js';

export {
  type Regularization,
  type SparsityPenalty,
  NO_REGULARIZATION,
  validateRegularization,
} from './regularization.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** The objective J at one parameter vector theta, its gradient and its parts. */
export interface ObjectiveValue {
  /** J = reconstructionLoss + weightDecayLoss + sparsityLoss. */
  readonly loss: number;
  /** dJ/dtheta, a fresh vector in the layout of theta: W, b, W~ (untied only), b~. */
  readonly gradient: Float64Array;
  /** (1/N) sum_n L(x_n, x^(x_n)), the reconstruction loss per sample. */
  readonly reconstructionLoss: number;
  /** (lambda / 2) (||W||_F^2 + ||W~||_F^2), without the W~ term when tied. */
  readonly weightDecayLoss: number;
  /** beta sum_j KL(rho || rhoHat_j), 0 without a sparsity penalty. */
  readonly sparsityLoss: number;
  /** The mean hidden activations rhoHat (length H) over the samples passed in, `null` without a sparsity penalty. */
  readonly rhoHat: Float64Array | null;
}

// -------------------------------------------------------------------------------------------------
// Validation
// -------------------------------------------------------------------------------------------------

/**
 * Checks a sample matrix for a valid configuration: at least one row, D columns, finite entries,
 * and entries in [0, 1] when it is the target of the cross-entropy loss. Returns it unchanged.
 */
export const validateSamples = (
  functionName: string,
  argument: string,
  config: AutoencoderConfig,
  samples: Matrix,
  isTarget: boolean,
): E.Either<InvalidArgumentError, Matrix> => {
  const shaped = requireShape(functionName, argument, samples, undefined, config.inputSize);
  if (E.isLeft(shaped)) return shaped;
  const finite = requireFiniteNonEmpty(functionName, argument, samples);
  if (E.isLeft(finite) || !isTarget || config.loss !== 'cross-entropy') return finite;
  const data = samples.data;
  for (let k = 0; k < data.length; k++) {
    if (data[k] < 0 || data[k] > 1) {
      const i = Math.floor(k / samples.cols);
      return E.left(
        invalidArgument(
          functionName,
          `${argument}[${i}, ${k % samples.cols}]`,
          data[k],
          'a number in [0, 1], because the cross-entropy loss reads targets as probabilities',
        ),
      );
    }
  }
  return E.right(samples);
};

// -------------------------------------------------------------------------------------------------
// Public API
// -------------------------------------------------------------------------------------------------

/**
 * Validates a configuration, a regularization and the training samples X (N x D, one sample per row),
 * and returns the objective J as a function of theta (see the module comment for J and its layout).
 *
 * The returned evaluator does no further checks except one: it throws a RangeError when
 * `theta.length` differs from `parameterCount(config)`. It computes the loss and the gradient in one
 * pass, with rhoHat over all N samples. A theta with NaN or infinite entries gives a non-finite loss,
 * which optimisers report.
 *
 * Errors: `InvalidArgumentError` for an invalid configuration or regularization (see
 * `validateConfig`, {@link validateRegularization}), and for X that is empty, has other than D
 * columns, has a NaN or infinite entry, or, with the cross-entropy loss, has an entry outside [0, 1].
 *
 * @example
 * const config = { inputSize: 784, hiddenSize: 196, tied: false, hiddenActivation: 'sigmoid',
 *   outputActivation: 'sigmoid', loss: 'cross-entropy' } as const;
 * const objective = autoencoderObjective(config, { lambda: 3e-3, sparsity: { rho: 0.1, beta: 3 } }, X);
 * // Right(theta => ({ loss, gradient, ... }))
 */
export const autoencoderObjective = (
  config: AutoencoderConfig,
  regularization: Regularization,
  samples: Matrix,
): E.Either<InvalidArgumentError, (theta: ReadonlyFloat64Array) => ObjectiveValue> => {
  const functionName = 'autoencoderObjective';
  const validConfig = validateConfig(functionName, config);
  if (E.isLeft(validConfig)) return validConfig;
  const validRegularization = validateRegularization(functionName, config, regularization);
  if (E.isLeft(validRegularization)) return validRegularization;
  const validSamples = validateSamples(functionName, 'samples', config, samples, true);
  if (E.isLeft(validSamples)) return validSamples;
  return E.right((theta: ReadonlyFloat64Array) => evaluateObjective(config, regularization, samples, theta));
};

/**
 * Computes J(theta) and its gradient for the samples X (N x D), which are both the input and the
 * reconstruction target. An unchecked kernel: the arguments must have passed the checks of
 * {@link autoencoderObjective}. rhoHat is the mean over the rows of `samples`, so a minibatch step
 * that passes only its batch uses the batch estimate of rhoHat.
 *
 * @throws RangeError when `theta.length` differs from `parameterCount(config)`.
 */
export const evaluateObjective = (
  config: AutoencoderConfig,
  regularization: Regularization,
  samples: Matrix,
  theta: ReadonlyFloat64Array,
): ObjectiveValue => evaluateObjectiveWithTarget(config, regularization, samples, samples, theta);

/**
 * Computes J(theta) and its gradient when the network input differs from the reconstruction target:
 * the loss compares x^(input_n) with target_n. Both are N x D with matching rows. A denoising
 * autoencoder passes a corrupted copy as `input` and the clean samples as `target`. rhoHat is the
 * mean hidden activation over the rows of `input`. An unchecked kernel, like {@link evaluateObjective}.
 *
 * @throws RangeError when `theta.length` differs from `parameterCount(config)`, or `input` and
 * `target` have different shapes.
 */
export const evaluateObjectiveWithTarget = (
  config: AutoencoderConfig,
  regularization: Regularization,
  input: Matrix,
  target: Matrix,
  theta: ReadonlyFloat64Array,
): ObjectiveValue => {
  if (input.rows !== target.rows || input.cols !== target.cols) {
    throw new RangeError(
      `evaluateObjectiveWithTarget: input and target must have the same shape, got ${input.rows} x ${input.cols} ` +
        `and ${target.rows} x ${target.cols}.`,
    );
  }
  const params = viewParams(config, theta);
  const layout = parameterLayout(config);
  const { lambda, sparsity } = regularization;
  const scale = 1 / input.rows;

  // Forward: Y = f(X W^T + 1 b^T), then the decoder pre-activations, turned in place into the output
  // delta dL/du~ / N while the loss is summed.
  const hidden = encode(config, params, input);
  const rhoHat = sparsity === null ? null : columnMeans(hidden);
  const outputDelta = decoderPreActivations(config, params, hidden);
  const dataLoss = outputLossAndDeltaInPlace(
    config.outputActivation,
    config.loss,
    target.data,
    ownedBuffer(outputDelta),
    scale,
  );

  // Backward through the decoder.
  const gradient = new Float64Array(layout.length);
  addColumnSums(outputDelta, gradient, layout.bDecoder);
  if (!config.tied) gradient.set(multiplyTransposeA(outputDelta, hidden).data, layout.WDecoder);
  const hiddenDelta = config.tied
    ? multiplyTransposeB(outputDelta, params.W)
    : multiply(outputDelta, requireDecoder(params));

  // Backward through the hidden activation, with the sparsity term added first.
  if (sparsity === null || rhoHat === null) {
    multiplyByDerivativeInPlace(config.hiddenActivation, ownedBuffer(hiddenDelta), hidden.data);
  } else {
    addSparsityAndSigmoidDerivativeInPlace(ownedBuffer(hiddenDelta), hidden.data, rhoHat, sparsity, scale);
  }
  addColumnSums(hiddenDelta, gradient, layout.b);

  // Encoder weights: delta_h^T X, plus the decoder term Y^T delta_out when W~ = W^T.
  gradient.set(multiplyTransposeA(hiddenDelta, input).data, layout.W);
  if (config.tied) addInto(gradient, layout.W, multiplyTransposeA(hidden, outputDelta).data);

  // Weight decay on W and W~ (not on the biases).
  let squaredWeightNorm = addWeightDecay(gradient, layout.W, params.W.data, lambda);
  if (params.WDecoder !== null && !config.tied) {
    squaredWeightNorm += addWeightDecay(gradient, layout.WDecoder, params.WDecoder.data, lambda);
  }

  const reconstructionLoss = scale * dataLoss;
  const weightDecayLoss = 0.5 * lambda * squaredWeightNorm;
  const sparsityLoss = sparsity === null || rhoHat === null ? 0 : sparsity.beta * sparsityPenalty(sparsity.rho, rhoHat);
  return {
    loss: reconstructionLoss + weightDecayLoss + sparsityLoss,
    gradient,
    reconstructionLoss,
    weightDecayLoss,
    sparsityLoss,
    rhoHat,
  };
};

// -------------------------------------------------------------------------------------------------
// Fused backward steps
// -------------------------------------------------------------------------------------------------

/** Adds the column sums of `m` into `target[offset + j]`: a bias gradient summed over samples. */
const addColumnSums = (m: Matrix, target: Float64Array, offset: number): void => {
  const { data, cols } = m;
  for (let start = 0; start < data.length; start += cols) {
    for (let j = 0; j < cols; j++) target[offset + j] += data[start + j];
  }
};

/** Adds `values` into `target` starting at `offset`. */
const addInto = (target: Float64Array, offset: number, values: ReadonlyFloat64Array): void => {
  for (let i = 0; i < values.length; i++) target[offset + i] += values[i];
};
