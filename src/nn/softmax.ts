/**
 * The softmax output layer of a classifier over K classes, and its cross-entropy loss.
 *
 * For the logits u (length K) of one sample, softmax gives the class probabilities
 * p_k = e^{u_k} / sum_j e^{u_j}, and the cross-entropy with the true class y is -log p_y. Its
 * gradient with respect to the logits is p - t, where t is the one-hot vector of y, so the output
 * delta of backpropagation is simply softmax minus one-hot.
 *
 * Stable form (log-sum-exp). For any constant m, p_k = e^{u_k - m} / sum_j e^{u_j - m}. With
 * m = max_j u_j every exponent is <= 0, so no exponential overflows, and the term of the largest
 * logit is exactly 1, so the sum lies in [1, K] and its logarithm is finite. The loss is then
 *
 *   -log p_y = log sum_j e^{u_j} - u_y = m + log(sum_j e^{u_j - m}) - u_y,
 *
 * which is finite for all finite logits: logits of +-1000 give a loss of at most about 2000, never
 * infinity or NaN, and probabilities that are exactly 0 or 1 in floating point.
 *
 * A batch of N samples is stored as an N x K matrix of logits, one sample per row, with N labels,
 * each an integer class index in [0, K).
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, requireFiniteNonEmpty, unsafeMatrix } from '../linalg/matrix.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** N class labels, one per sample: integers in [0, K). A `Uint8Array` of MNIST digits qualifies. */
export type Labels = ArrayLike<number>;

/** The mean cross-entropy over a batch and its gradient with respect to the logits. */
export interface SoftmaxCrossEntropy {
  /** (1/N) sum_n -log p_{n, y_n}, a finite number >= 0. */
  readonly loss: number;
  /** d loss / d logits = (P - T) / N, N x K, with P the softmax probabilities and T the one-hot labels. */
  readonly gradient: Matrix;
}

// -------------------------------------------------------------------------------------------------
// Validation
// -------------------------------------------------------------------------------------------------

/**
 * Checks that `labels` has `sampleCount` entries, each an integer in [0, classCount), and returns it
 * unchanged, or an error naming `functionName`, `argument` and the first offending index.
 */
export const validateLabels = (
  functionName: string,
  argument: string,
  labels: Labels,
  sampleCount: number,
  classCount: number,
): E.Either<InvalidArgumentError, Labels> => {
  if (labels.length !== sampleCount) {
    return E.left(
      invalidArgument(functionName, `${argument}.length`, labels.length, `${sampleCount}, one label per sample`),
    );
  }
  for (let n = 0; n < sampleCount; n++) {
    const label = labels[n];
    if (!(Number.isInteger(label) && label >= 0 && label < classCount)) {
      return E.left(
        invalidArgument(functionName, `${argument}[${n}]`, label, `an integer class index in [0, ${classCount})`),
      );
    }
  }
  return E.right(labels);
};

// -------------------------------------------------------------------------------------------------
// Kernels
// -------------------------------------------------------------------------------------------------

/**
 * Computes log sum_k e^{u_k} over `length` entries of `values` starting at `offset`, as
 * m + log sum_k e^{u_k - m} with m the largest entry (see the module comment). Finite for finite
 * entries, and -Infinity for `length` 0.
 */
export const logSumExp = (values: ArrayLike<number>, offset = 0, length = values.length - offset): number => {
  let m = -Infinity;
  for (let k = 0; k < length; k++) m = Math.max(m, values[offset + k]);
  if (length === 0) return m;
  let sum = 0;
  for (let k = 0; k < length; k++) sum += Math.exp(values[offset + k] - m);
  return m + Math.log(sum);
};

/**
 * Replaces every row of the row-major `rows x classCount` buffer of logits by its softmax
 * probabilities, computed with the largest logit of the row subtracted first.
 *
 * NOTE: writes into `values`, which must be a buffer the caller owns (freshly allocated).
 */
export const softmaxRowsInPlace = (values: Float64Array, classCount: number): void => {
  for (let start = 0; start < values.length; start += classCount) {
    let m = -Infinity;
    for (let k = 0; k < classCount; k++) m = Math.max(m, values[start + k]);
    let sum = 0;
    for (let k = 0; k < classCount; k++) {
      const e = Math.exp(values[start + k] - m);
      values[start + k] = e;
      sum += e;
    }
    const inverse = 1 / sum;
    for (let k = 0; k < classCount; k++) values[start + k] *= inverse;
  }
};

/**
 * Computes the softmax cross-entropy of a batch and its output delta in one pass.
 *
 * On entry `values` contains the logits, row-major `N x classCount`, one sample per row. On exit it
 * contains `scale * (p - t)` per row, where p is the softmax of the row and t the one-hot vector of
 * `labels[n]`. The return value is the unscaled sum over rows of -log p_{n, y_n}. A caller that
 * averages over N samples passes scale = 1/N, so that the delta is that of the mean loss.
 *
 * NOTE: writes into `values`, which must be a buffer the caller owns (freshly allocated). The labels
 * must be valid class indices (see {@link validateLabels}); they are not checked here.
 */
export const softmaxCrossEntropyAndDeltaInPlace = (
  values: Float64Array,
  classCount: number,
  labels: Labels,
  scale: number,
): number => {
  let loss = 0;
  for (let n = 0, start = 0; start < values.length; n++, start += classCount) {
    let m = -Infinity;
    for (let k = 0; k < classCount; k++) m = Math.max(m, values[start + k]);
    const labelLogit = values[start + labels[n]];
    let sum = 0;
    for (let k = 0; k < classCount; k++) {
      const e = Math.exp(values[start + k] - m);
      values[start + k] = e;
      sum += e;
    }
    // -log p_y = m + log(sum) - u_y, and every part is finite because the sum lies in [1, K].
    loss += m - labelLogit + Math.log(sum);
    const factor = scale / sum;
    for (let k = 0; k < classCount; k++) values[start + k] *= factor;
    values[start + labels[n]] -= scale;
  }
  return loss;
};

// -------------------------------------------------------------------------------------------------
// Public API
// -------------------------------------------------------------------------------------------------

/**
 * Returns the softmax probabilities of every row of the logits (N x K, one sample per row): an
 * N x K matrix whose rows are non-negative and sum to 1 up to rounding. Finite for all finite
 * logits (probabilities may be exactly 0 where a logit lies more than about 745 below the row's
 * largest).
 *
 * Errors: `InvalidArgumentError` for an empty matrix or a NaN or infinite logit.
 *
 * @example
 * softmax(fromRows([[0, 0], [1000, -1000]])) // Right([[0.5, 0.5], [1, 0]])
 */
export const softmax = (logits: Matrix): E.Either<InvalidArgumentError, Matrix> => {
  const valid = requireFiniteNonEmpty('softmax', 'logits', logits);
  if (E.isLeft(valid)) return valid;
  const values = Float64Array.from(logits.data);
  softmaxRowsInPlace(values, logits.cols);
  return E.right(unsafeMatrix(logits.rows, logits.cols, values));
};

/**
 * Computes the mean cross-entropy (1/N) sum_n -log p_{n, y_n} of the softmax of the logits (N x K,
 * one sample per row) against the labels (N integers in [0, K)), and its gradient (P - T) / N with
 * respect to the logits. Stable for every finite logit (see the module comment).
 *
 * Errors: `InvalidArgumentError` for empty or non-finite logits, or labels of the wrong length or
 * outside [0, K).
 *
 * @example
 * softmaxCrossEntropy(fromRows([[1000, -1000]]), [1]) // Right({ loss: 2000, gradient: [[1, -1]] })
 */
export const softmaxCrossEntropy = (
  logits: Matrix,
  labels: Labels,
): E.Either<InvalidArgumentError, SoftmaxCrossEntropy> => {
  const functionName = 'softmaxCrossEntropy';
  const valid = requireFiniteNonEmpty(functionName, 'logits', logits);
  if (E.isLeft(valid)) return valid;
  const validLabels = validateLabels(functionName, 'labels', labels, logits.rows, logits.cols);
  if (E.isLeft(validLabels)) return validLabels;
  const values = Float64Array.from(logits.data);
  const scale = 1 / logits.rows;
  const sum = softmaxCrossEntropyAndDeltaInPlace(values, logits.cols, labels, scale);
  return E.right({ loss: scale * sum, gradient: unsafeMatrix(logits.rows, logits.cols, values) });
};
