/**
 * The regularization terms of the autoencoder objective: weight decay (lambda / 2) ||W||^2 and the KL
 * sparsity penalty beta sum_j KL(rho || rhoHat_j). This module validates their settings and adds
 * their contributions to a gradient during backpropagation.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import type { ReadonlyFloat64Array } from '../linalg/matrix.js';
import { klDivergenceDerivative } from '../nn/kl.js';
import type { AutoencoderConfig } from './params.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** The KL sparsity penalty beta sum_j KL(rho || rhoHat_j). */
export interface SparsityPenalty {
  /** Target mean activation rho of every hidden unit, in (0, 1), typically small such as 0.05. */
  readonly rho: number;
  /** Penalty weight beta >= 0. */
  readonly beta: number;
}

/** The regularization terms added to the reconstruction loss. */
export interface Regularization {
  /** Weight-decay coefficient lambda >= 0 of (lambda / 2) ||W||^2 (and ||W~||^2 when untied). */
  readonly lambda: number;
  /** The sparsity penalty, or `null` for none. It requires sigmoid hidden units. */
  readonly sparsity: SparsityPenalty | null;
}

/** No weight decay and no sparsity penalty: the plain reconstruction loss. */
export const NO_REGULARIZATION: Regularization = { lambda: 0, sparsity: null };

// -------------------------------------------------------------------------------------------------
// Validation
// -------------------------------------------------------------------------------------------------

/**
 * Checks a regularization against a valid configuration and returns it unchanged, or an error naming
 * `functionName` and the offending field.
 *
 * Requires a finite lambda >= 0, and for a sparsity penalty 0 < rho < 1, a finite beta >= 0 and a
 * sigmoid hidden activation, since rhoHat must be the mean of outputs in (0, 1).
 */
export const validateRegularization = (
  functionName: string,
  config: AutoencoderConfig,
  regularization: Regularization,
): E.Either<InvalidArgumentError, Regularization> => {
  const { lambda, sparsity } = regularization;
  if (!(Number.isFinite(lambda) && lambda >= 0)) {
    return E.left(invalidArgument(functionName, 'regularization.lambda', lambda, 'a finite number >= 0'));
  }
  // Plain JavaScript callers can omit the key, which the type does not allow. The error states what to pass.
  if (sparsity === undefined) {
    return E.left(
      invalidArgument(functionName, 'regularization.sparsity', 'undefined', 'an object { rho, beta } or null for no penalty'),
    );
  }
  if (sparsity === null) return E.right(regularization);
  if (!(sparsity.rho > 0 && sparsity.rho < 1)) {
    return E.left(invalidArgument(functionName, 'regularization.sparsity.rho', sparsity.rho, 'a number in (0, 1)'));
  }
  if (!(Number.isFinite(sparsity.beta) && sparsity.beta >= 0)) {
    return E.left(invalidArgument(functionName, 'regularization.sparsity.beta', sparsity.beta, 'a finite number >= 0'));
  }
  if (config.hiddenActivation !== 'sigmoid') {
    return E.left(
      invalidArgument(
        functionName,
        'regularization.sparsity',
        `a penalty with config.hiddenActivation '${config.hiddenActivation}'`,
        "null unless config.hiddenActivation is 'sigmoid', because the KL penalty needs hidden outputs in (0, 1)",
      ),
    );
  }
  return E.right(regularization);
};

// -------------------------------------------------------------------------------------------------
// Gradient contributions
// -------------------------------------------------------------------------------------------------

/**
 * Adds lambda * weights into the gradient block at `offset` and returns ||weights||_F^2, the sum
 * that the weight-decay loss (lambda / 2) ||weights||^2 needs.
 *
 * NOTE: writes into `gradient`, which must be a buffer the caller owns (freshly allocated).
 */
export const addWeightDecay = (
  gradient: Float64Array,
  offset: number,
  weights: ReadonlyFloat64Array,
  lambda: number,
): number => {
  let squaredNorm = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    squaredNorm += w * w;
    gradient[offset + i] += lambda * w;
  }
  return squaredNorm;
};

/**
 * Turns delta_out W~ (N x H, in `delta`) into the hidden delta of a sparse sigmoid layer:
 * delta_nj = (delta_nj + (beta / N) KL'(rhoHat_j)) * y_nj (1 - y_nj), where y contains the hidden
 * outputs and `scale` is 1/N. The sparsity term is the derivative of beta sum_j KL(rho || rhoHat_j)
 * with respect to y_nj, since d rhoHat_j / d y_nj = 1/N.
 *
 * NOTE: writes into `delta`, which must be a buffer the caller owns (freshly allocated).
 */
export const addSparsityAndSigmoidDerivativeInPlace = (
  delta: Float64Array,
  outputs: ReadonlyFloat64Array,
  rhoHat: Float64Array,
  sparsity: SparsityPenalty,
  scale: number,
): void => {
  const h = rhoHat.length;
  const sparsityTerm = new Float64Array(h);
  for (let j = 0; j < h; j++) sparsityTerm[j] = scale * sparsity.beta * klDivergenceDerivative(sparsity.rho, rhoHat[j]);
  for (let start = 0; start < delta.length; start += h) {
    for (let j = 0; j < h; j++) {
      const y = outputs[start + j];
      delta[start + j] = (delta[start + j] + sparsityTerm[j]) * y * (1 - y);
    }
  }
};
