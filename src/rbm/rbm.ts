/**
 * A restricted Boltzmann machine (RBM) with binary visible and hidden units, and the contrastive
 * divergence (CD-k) estimate of its log-likelihood gradient (Hinton, "Training products of experts by
 * minimizing contrastive divergence", Neural Computation 14, 2002).
 *
 * Notation: D visible units v, H hidden units h, weights W (H x D), hidden biases c (H) and visible
 * biases b (D). The energy of a joint state is E(v, h) = -b^T v - c^T h - h^T W v, and
 * p(v, h) = e^{-E(v, h)} / Z. Both conditionals factorise into sigmoids:
 *
 *   p(h_j = 1 | v) = sigmoid(c_j + W_j v),   p(v_i = 1 | h) = sigmoid(b_i + (W^T h)_i),
 *
 * so the encoder of a trained RBM, y = sigmoid(W v + c), is a sigmoid layer like an autoencoder's,
 * and an RBM can replace the autoencoder in layer-wise pretraining. The gradient of the mean
 * log-likelihood over the data is
 *
 *   d log p / dW = <h v^T>_data - <h v^T>_model,   d/dc = <h>_data - <h>_model,   d/db = <v>_data - <v>_model.
 *
 * The model term needs samples from the equilibrium distribution. CD-k replaces it by the statistics
 * after k steps of alternating Gibbs sampling started at the data. The statistics are gathered as
 * Hinton's "A practical guide to training restricted Boltzmann machines" (UTML TR 2010-003) recommends.
 * Hidden units driven by data are sampled as binary states. The visible units take their probabilities
 * instead of sampled states, and real-valued data such as grey pixels in [0, 1] is read as
 * probabilities too. The last hidden update uses probabilities, and the statistics are formed from
 * probabilities, not binary states.
 *
 * Samples are stored as the rows of an N x D matrix, as everywhere in this library.
 */
import * as E from 'fp-ts/lib/Either.js';

import { ownedBuffer } from '../autoencoder/autoencoder.js';
import type { DenseLayer } from '../classifier/layers.js';
import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import {
  type Matrix,
  type ReadonlyFloat64Array,
  firstNonFinite,
  requireFiniteNonEmpty,
  shapeOf,
  unsafeMatrix,
} from '../linalg/matrix.js';
import { multiply, multiplyTransposeA, multiplyTransposeB } from '../linalg/products.js';
import { addBiasAndActivateInPlace } from '../nn/activation.js';
import { type Rng, normals, uniforms } from '../random/rng.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** The parameters of a binary RBM with D visible and H hidden units. */
export interface RbmParams {
  /** Weights W, H x D: row j contains the connections of hidden unit j to every visible unit. */
  readonly W: Matrix;
  /** Hidden biases c, length H. */
  readonly hiddenBias: ReadonlyFloat64Array;
  /** Visible biases b, length D. */
  readonly visibleBias: ReadonlyFloat64Array;
}

/**
 * The CD-k estimate of the mean log-likelihood gradient over a batch: an ascent direction, so a
 * learning step adds it (times a learning rate) to the parameters.
 */
export interface ContrastiveDivergenceEstimate {
  /** (1/N) (P_0^T V_0 - P_k^T V_k), H x D, with V_0 the data and V_k, P_k the visible and hidden probabilities after k Gibbs steps. */
  readonly W: Matrix;
  /** Column means of P_0 - P_k, length H. */
  readonly hiddenBias: Float64Array;
  /** Column means of V_0 - V_k, length D. */
  readonly visibleBias: Float64Array;
  /** Mean over the batch of (1/2) ||v_0 - v_k||^2, the reconstruction error after k steps. */
  readonly reconstructionError: number;
}

// -------------------------------------------------------------------------------------------------
// Constants
// -------------------------------------------------------------------------------------------------

/**
 * Standard deviation of the initial weights, 0.01, as the practical guide recommends: small enough
 * that no hidden unit starts saturated, large enough to break the symmetry between hidden units.
 */
export const INITIAL_WEIGHT_SD = 0.01;

/**
 * Clamp of the visible means: they are clamped into [VISIBLE_MEAN_CLAMP, 1 - VISIBLE_MEAN_CLAMP]
 * before the initial visible bias log(p / (1 - p)) is formed. A pixel that is 0 in every image (the
 * border of MNIST digits) then gets a bias of about -9.2 instead of -infinity.
 */
export const VISIBLE_MEAN_CLAMP = 1e-4;

// -------------------------------------------------------------------------------------------------
// Initialisation and validation
// -------------------------------------------------------------------------------------------------

/**
 * Draws initial RBM parameters for D = `visibleMeans.length` visible and `hiddenSize` hidden units:
 * W from N(0, {@link INITIAL_WEIGHT_SD}^2), zero hidden biases, and visible biases
 * b_i = log(p_i / (1 - p_i)) where p_i is the mean of visible unit i over the training data (clamped,
 * see {@link VISIBLE_MEAN_CLAMP}), so that the model starts with the data's marginals. Returns the
 * advanced generator. Sizes must be positive integers (not checked).
 */
export const initializeRbm = (rng: Rng, hiddenSize: number, visibleMeans: ArrayLike<number>): [RbmParams, Rng] => {
  const visibleSize = visibleMeans.length;
  const [weights, next] = normals(rng, hiddenSize * visibleSize, 0, INITIAL_WEIGHT_SD);
  const visibleBias = new Float64Array(visibleSize);
  for (let i = 0; i < visibleSize; i++) {
    const p = Math.min(Math.max(visibleMeans[i], VISIBLE_MEAN_CLAMP), 1 - VISIBLE_MEAN_CLAMP);
    visibleBias[i] = Math.log(p / (1 - p));
  }
  return [
    { W: unsafeMatrix(hiddenSize, visibleSize, weights), hiddenBias: new Float64Array(hiddenSize), visibleBias },
    next,
  ];
};

/**
 * Checks RBM parameters: W non-empty with finite entries, c of length H and b of length D with finite
 * entries. Returns them unchanged, or an error naming `functionName` and the offending field.
 */
export const validateRbmParams = (
  functionName: string,
  argument: string,
  params: RbmParams,
): E.Either<InvalidArgumentError, RbmParams> => {
  const valid = requireFiniteNonEmpty(functionName, `${argument}.W`, params.W);
  if (E.isLeft(valid)) return valid;
  const { rows: h, cols: d } = params.W;
  if (params.hiddenBias.length !== h) {
    return E.left(
      invalidArgument(functionName, `${argument}.hiddenBias.length`, params.hiddenBias.length, `${h}, the row count of W`),
    );
  }
  if (params.visibleBias.length !== d) {
    return E.left(
      invalidArgument(functionName, `${argument}.visibleBias.length`, params.visibleBias.length, `${d}, the column count of W`),
    );
  }
  for (const [name, values] of [
    ['hiddenBias', params.hiddenBias],
    ['visibleBias', params.visibleBias],
  ] as const) {
    const bad = firstNonFinite(values);
    if (bad >= 0) return E.left(invalidArgument(functionName, `${argument}.${name}[${bad}]`, values[bad], 'a finite number'));
  }
  return E.right(params);
};

/**
 * Checks that the samples are an N x D matrix with N >= 1 and every entry in [0, 1], the range of
 * binary units and of the probabilities that stand for them.
 */
export const validateVisibleSamples = (
  functionName: string,
  argument: string,
  samples: Matrix,
  visibleSize: number,
): E.Either<InvalidArgumentError, Matrix> => {
  if (samples.cols !== visibleSize) {
    return E.left(
      invalidArgument(functionName, argument, `a ${shapeOf(samples)} matrix`, `a matrix with ${visibleSize} columns (D)`),
    );
  }
  const finite = requireFiniteNonEmpty(functionName, argument, samples);
  if (E.isLeft(finite)) return finite;
  const data = samples.data;
  for (let k = 0; k < data.length; k++) {
    if (!(data[k] >= 0 && data[k] <= 1)) {
      const entry = `${argument}[${Math.floor(k / samples.cols)}, ${k % samples.cols}]`;
      return E.left(invalidArgument(functionName, entry, data[k], 'a number in [0, 1], the state or probability of a binary unit'));
    }
  }
  return E.right(samples);
};

// -------------------------------------------------------------------------------------------------
// Conditionals and sampling (unchecked kernels)
// -------------------------------------------------------------------------------------------------

/** Returns P(h = 1 | v) = sigmoid(V W^T + 1 c^T), N x H, for visible states or probabilities V (N x D). */
export const hiddenProbabilities = (params: RbmParams, visible: Matrix): Matrix => {
  const out = multiplyTransposeB(visible, params.W);
  addBiasAndActivateInPlace('sigmoid', ownedBuffer(out), params.hiddenBias);
  return out;
};

/** Returns P(v = 1 | h) = sigmoid(H W + 1 b^T), N x D, for hidden states H (N x H). */
export const visibleProbabilities = (params: RbmParams, hidden: Matrix): Matrix => {
  const out = multiply(hidden, params.W);
  addBiasAndActivateInPlace('sigmoid', ownedBuffer(out), params.visibleBias);
  return out;
};

/**
 * Draws binary states with the given probabilities: entry (n, j) is 1 when a uniform draw u from
 * [0, 1) is below p_nj, so P(1) = p_nj exactly. Returns a fresh matrix of the same shape and the
 * advanced generator.
 */
export const sampleBernoulli = (rng: Rng, probabilities: Matrix): [Matrix, Rng] => {
  const [u, next] = uniforms(rng, probabilities.data.length);
  const p = probabilities.data;
  for (let i = 0; i < u.length; i++) u[i] = u[i] < p[i] ? 1 : 0;
  return [unsafeMatrix(probabilities.rows, probabilities.cols, u), next];
};

// -------------------------------------------------------------------------------------------------
// Contrastive divergence
// -------------------------------------------------------------------------------------------------

/** Returns the column means of A - B for two equally shaped matrices. */
const columnMeanDifference = (a: Matrix, b: Matrix): Float64Array => {
  const { rows, cols } = a;
  const out = new Float64Array(cols);
  for (let start = 0; start < a.data.length; start += cols) {
    for (let j = 0; j < cols; j++) out[j] += a.data[start + j] - b.data[start + j];
  }
  for (let j = 0; j < cols; j++) out[j] /= rows;
  return out;
};

/**
 * Computes the CD-k estimate of the mean log-likelihood gradient on a batch V_0 (N x D, entries in
 * [0, 1]), drawing the hidden states from the generator.
 *
 * Steps: P_0 = P(h | V_0) and binary H_0 ~ P_0; then for t = 1..k, V_t = P(v | H_{t-1}) (the
 * probabilities, not sampled states), P_t = P(h | V_t), and H_t ~ P_t when t < k. The estimate is
 * (1/N) (P_0^T V_0 - P_k^T V_k) for W, the column means of P_0 - P_k for c and of V_0 - V_k for b.
 * An unchecked kernel: validate with {@link contrastiveDivergence} first.
 */
export const estimateContrastiveDivergence = (
  params: RbmParams,
  batch: Matrix,
  cdSteps: number,
  rng: Rng,
): [ContrastiveDivergenceEstimate, Rng] => {
  const positiveHidden = hiddenProbabilities(params, batch);
  let [hiddenStates, generator] = sampleBernoulli(rng, positiveHidden);
  let visible = batch;
  let hidden = positiveHidden;
  for (let step = 1; step <= cdSteps; step++) {
    visible = visibleProbabilities(params, hiddenStates);
    hidden = hiddenProbabilities(params, visible);
    if (step < cdSteps) [hiddenStates, generator] = sampleBernoulli(generator, hidden);
  }

  const scale = 1 / batch.rows;
  const positive = multiplyTransposeA(positiveHidden, batch);
  const negative = multiplyTransposeA(hidden, visible);
  const weights = ownedBuffer(positive);
  for (let i = 0; i < weights.length; i++) weights[i] = scale * (weights[i] - negative.data[i]);

  let squaredError = 0;
  for (let i = 0; i < batch.data.length; i++) {
    const r = batch.data[i] - visible.data[i];
    squaredError += r * r;
  }
  return [
    {
      W: positive,
      hiddenBias: columnMeanDifference(positiveHidden, hidden),
      visibleBias: columnMeanDifference(batch, visible),
      reconstructionError: 0.5 * scale * squaredError,
    },
    generator,
  ];
};

/**
 * Validates the parameters, the batch V_0 (N x D, entries in [0, 1]) and k, then computes the CD-k
 * estimate of the mean log-likelihood gradient (see {@link estimateContrastiveDivergence}). Returns it
 * with the advanced generator; on an error the generator is returned unchanged.
 *
 * Errors: `InvalidArgumentError` for invalid parameters, a batch of the wrong width, empty, non-finite
 * or outside [0, 1], and a `cdSteps` that is not an integer >= 1.
 *
 * @example
 * const [estimate, next] = contrastiveDivergence(params, batch, 1, rngFromSeed(7));
 */
export const contrastiveDivergence = (
  params: RbmParams,
  batch: Matrix,
  cdSteps: number,
  rng: Rng,
): [E.Either<InvalidArgumentError, ContrastiveDivergenceEstimate>, Rng] => {
  const functionName = 'contrastiveDivergence';
  const validParams = validateRbmParams(functionName, 'params', params);
  if (E.isLeft(validParams)) return [validParams, rng];
  const validBatch = validateVisibleSamples(functionName, 'batch', batch, params.W.cols);
  if (E.isLeft(validBatch)) return [validBatch, rng];
  if (!(Number.isInteger(cdSteps) && cdSteps >= 1)) {
    return [E.left(invalidArgument(functionName, 'cdSteps', cdSteps, 'an integer >= 1')), rng];
  }
  const [estimate, next] = estimateContrastiveDivergence(params, batch, cdSteps, rng);
  return [E.right(estimate), next];
};

/**
 * Returns the RBM's encoder as a dense layer {W, b = c}: its sigmoid output sigmoid(W v + c) is
 * P(h = 1 | v), the feature vector that layer-wise pretraining passes to the next layer. The arrays
 * are shared with `params`, which is safe because neither is ever written.
 */
export const rbmEncoder = (params: RbmParams): DenseLayer => ({ W: params.W, b: params.hiddenBias });
