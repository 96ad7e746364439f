/**
 * Reconstruction losses between a target x and a layer output x^ = f~(u), and the output delta
 * dLoss/du that starts backpropagation.
 *
 * - Squared error: (1/2) sum_i (x_i - x^_i)^2, for real-valued targets (usually with identity f~).
 * - Cross-entropy: -sum_i [x_i log x^_i + (1 - x_i) log(1 - x^_i)], for targets in [0, 1] with sigmoid
 *   f~. It is computed from the pre-activation u, never from x^, so it stays finite when x^ rounds to
 *   exactly 0 or 1 (see {@link crossEntropyTerm}).
 *
 * With identity output and squared error, or sigmoid output and cross-entropy, the delta is simply
 * x^ - x. Every other pairing uses the chain rule (x^ - x) f~'(u).
 */
import { type ActivationName, relu, sigmoid } from './activation.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** Name of a reconstruction loss. */
export type LossName = 'squared-error' | 'cross-entropy';

/** Every {@link LossName}, in the order used by error messages. */
export const LOSS_NAMES: readonly LossName[] = ['squared-error', 'cross-entropy'];

/** Returns whether `name` is a {@link LossName}, for validating untyped input. */
export const isLossName = (name: unknown): name is LossName =>
  typeof name === 'string' && (LOSS_NAMES as readonly string[]).includes(name);

// -------------------------------------------------------------------------------------------------
// Scalar forms
// -------------------------------------------------------------------------------------------------

/**
 * Computes softplus(u) = log(1 + e^u) without overflow: log(1 + e^u) = max(u, 0) + log(1 + e^-|u|),
 * and e^-|u| lies in (0, 1], so log1p keeps full accuracy. softplus(1000) = 1000, softplus(-1000) = 0.
 */
export const softplus = (u: number): number => Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));

/**
 * Computes the cross-entropy term -[x log s(u) + (1 - x) log(1 - s(u))] of one output with target x
 * and pre-activation u, where s is the sigmoid.
 *
 * Derivation of the stable form: log s(u) = -log(1 + e^-u) = -softplus(-u), and
 * log(1 - s(u)) = log(e^-u / (1 + e^-u)) = -u - softplus(-u) = -softplus(u). The term is therefore
 * x softplus(-u) + (1 - x) softplus(u) = softplus(u) - x u, using softplus(-u) = softplus(u) - u, and
 * with softplus(u) = max(u, 0) + log1p(e^-|u|) it reads max(u, 0) - x u + log1p(e^-|u|). No logarithm
 * of 0 is ever taken, so the term is finite for every finite u, even where s(u) rounds to 0 or 1.
 * For x in [0, 1] the exact value is >= 0. When x is 0 or 1 and |u| is large, the computed value can
 * lose its relative accuracy (u - u cancels) but its absolute error stays below a few ulps of |u|.
 */
export const crossEntropyTerm = (x: number, u: number): number =>
  Math.max(u, 0) - x * u + Math.log1p(Math.exp(-Math.abs(u)));

/** Computes (1/2) sum_i (x_i - x^_i)^2 over two arrays of the same length. */
export const squaredError = (target: ArrayLike<number>, output: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < target.length; i++) {
    const r = output[i] - target[i];
    sum += r * r;
  }
  return 0.5 * sum;
};

/**
 * Computes the cross-entropy -sum_i [x_i log x^_i + (1 - x_i) log(1 - x^_i)] of sigmoid outputs
 * x^_i = s(u_i), from the targets x (in [0, 1]) and the pre-activations u (same length). It is
 * finite for every finite u (see {@link crossEntropyTerm}).
 */
export const crossEntropyFromPreActivation = (
  target: ArrayLike<number>,
  preActivation: ArrayLike<number>,
): number => {
  let sum = 0;
  for (let i = 0; i < target.length; i++) sum += crossEntropyTerm(target[i], preActivation[i]);
  return sum;
};

// -------------------------------------------------------------------------------------------------
// Fused output kernel
// -------------------------------------------------------------------------------------------------

/**
 * Computes the loss of an output layer and its delta in one pass.
 *
 * On entry `values` contains the output pre-activations u (any layout, the same length as `target`). On
 * exit it contains `scale * dLoss/du`, and the return value is the unscaled loss summed over all
 * entries. The output x^ = f~(u) is formed on the fly and not stored. A caller that averages over N
 * samples passes scale = 1/N, so that the delta is already that of the averaged loss.
 *
 * Deltas: sigmoid with cross-entropy and identity with squared error give x^ - x. Squared error with
 * sigmoid, tanh or ReLU output gives (x^ - x) f~'(u), with f~' taken from x^ (ReLU'(0) = 0).
 *
 * NOTE: writes into `values`, which must be a buffer the caller owns (freshly allocated).
 *
 * @throws RangeError for cross-entropy with an output activation other than sigmoid, since its
 * targets and outputs must be probabilities. Public functions reject that pairing earlier.
 */
export const outputLossAndDeltaInPlace = (
  activation: ActivationName,
  loss: LossName,
  target: ArrayLike<number>,
  values: Float64Array,
  scale: number,
): number => {
  const n = values.length;
  let sum = 0;
  if (loss === 'cross-entropy') {
    if (activation !== 'sigmoid') {
      throw new RangeError(`outputLossAndDeltaInPlace: cross-entropy needs a sigmoid output, got ${activation}.`);
    }
    for (let i = 0; i < n; i++) {
      const u = values[i];
      const x = target[i];
      // One exponential serves both the sigmoid and the softplus of the stable cross-entropy term.
      const e = Math.exp(-Math.abs(u));
      const output = u >= 0 ? 1 / (1 + e) : e / (1 + e);
      sum += Math.max(u, 0) - x * u + Math.log1p(e);
      values[i] = scale * (output - x);
    }
    return sum;
  }
  switch (activation) {
    case 'identity':
      for (let i = 0; i < n; i++) {
        const r = values[i] - target[i];
        sum += r * r;
        values[i] = scale * r;
      }
      break;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const y = sigmoid(values[i]);
        const r = y - target[i];
        sum += r * r;
        values[i] = scale * r * y * (1 - y);
      }
      break;
    case 'tanh':
      for (let i = 0; i < n; i++) {
        const y = Math.tanh(values[i]);
        const r = y - target[i];
        sum += r * r;
        values[i] = scale * r * (1 - y * y);
      }
      break;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const y = relu(values[i]);
        const r = y - target[i];
        sum += r * r;
        values[i] = y > 0 ? scale * r : 0;
      }
      break;
  }
  return 0.5 * sum;
};
