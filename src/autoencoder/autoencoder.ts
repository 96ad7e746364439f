/**
 * The forward pass of a one-hidden-layer autoencoder on a batch of samples.
 *
 * encode: y = f(W x + b), decode: x^ = f~(W~ y + b~), with W~ = W^T when the weights are tied. For N
 * samples stored as the rows of X (N x D) this reads Y = f(X W^T + 1 b^T) (N x H) and
 * X^ = f~(Y W~^T + 1 b~^T) (N x D), so each step is one blocked matrix product followed by one fused
 * loop that adds the bias and applies the activation.
 *
 * These functions are kernels: they trust a configuration that passed `validateConfig` and
 * parameters of matching shapes. A sample matrix with the wrong number of columns makes the product
 * throw a RangeError.
 */
import type { Matrix } from '../linalg/matrix.js';
import { columnMeans } from '../linalg/ops.js';
import { multiply, multiplyTransposeB } from '../linalg/products.js';
import { activateInPlace, addBiasAndActivateInPlace } from '../nn/activation.js';
import type { AutoencoderConfig, AutoencoderParams } from './params.js';

/**
 * Returns the entries of a matrix that the caller has just received from a product, as a writable
 * buffer.
 *
 * NOTE: only for matrices that no other code references yet. Writing into any other matrix breaks immutability.
 */
export const ownedBuffer = (freshMatrix: Matrix): Float64Array => freshMatrix.data as Float64Array;

/**
 * Encodes every sample: returns Y = f(X W^T + 1 b^T), N x H, whose row n is the hidden
 * representation y(x_n) of sample n. `samples` is N x D with one sample per row.
 *
 * @throws RangeError when `samples` does not have D columns.
 */
export const encode = (config: AutoencoderConfig, params: AutoencoderParams, samples: Matrix): Matrix => {
  const hidden = multiplyTransposeB(samples, params.W);
  addBiasAndActivateInPlace(config.hiddenActivation, ownedBuffer(hidden), params.b);
  return hidden;
};

/**
 * Returns W~ of untied parameters.
 *
 * @throws RangeError when it is `null`, which only tied configurations allow.
 */
export const requireDecoder = (params: AutoencoderParams): Matrix => {
  if (params.WDecoder === null) {
    throw new RangeError('WDecoder must be a D x H matrix for an untied configuration, got null.');
  }
  return params.WDecoder;
};

/**
 * Returns the decoder pre-activations U~ = Y W~^T + 1 b~^T, N x D, for hidden representations Y
 * (N x H, one sample per row). With tied weights W~^T = W, so the product is Y W.
 *
 * @throws RangeError when `hidden` does not have H columns, or W~ is `null` for an untied configuration.
 */
export const decoderPreActivations = (config: AutoencoderConfig, params: AutoencoderParams, hidden: Matrix): Matrix => {
  const product = config.tied ? multiply(hidden, params.W) : multiplyTransposeB(hidden, requireDecoder(params));
  const values = ownedBuffer(product);
  const d = config.inputSize;
  for (let start = 0; start < values.length; start += d) {
    for (let i = 0; i < d; i++) values[start + i] += params.bDecoder[i];
  }
  return product;
};

/**
 * Decodes hidden representations: returns X^ = f~(Y W~^T + 1 b~^T), N x D, for Y of N x H (one sample
 * per row), with W~ = W^T when the weights are tied.
 *
 * @throws RangeError when `hidden` does not have H columns.
 */
export const decode = (config: AutoencoderConfig, params: AutoencoderParams, hidden: Matrix): Matrix => {
  const output = decoderPreActivations(config, params, hidden);
  activateInPlace(config.outputActivation, ownedBuffer(output));
  return output;
};

/**
 * Returns the reconstructions X^ = decode(encode(X)), N x D, of the samples X (N x D, one sample per
 * row).
 *
 * @throws RangeError when `samples` does not have D columns.
 */
export const reconstruct = (config: AutoencoderConfig, params: AutoencoderParams, samples: Matrix): Matrix =>
  decode(config, params, encode(config, params, samples));

/**
 * Computes the mean over samples of (1/2) ||x_n - x^(x_n)||^2 for X of N x D, always the squared
 * error whatever loss the network was trained with, so that runs with different losses compare on
 * one scale. Returns NaN for N = 0.
 *
 * @throws RangeError when `samples` does not have D columns.
 */
export const meanReconstructionError = (
  config: AutoencoderConfig,
  params: AutoencoderParams,
  samples: Matrix,
): number => {
  const output = reconstruct(config, params, samples).data;
  const x = samples.data;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const r = output[i] - x[i];
    sum += r * r;
  }
  return (0.5 * sum) / samples.rows;
};

/**
 * Computes rhoHat_j = (1/N) sum_n y_j(x_n), the mean activation of each hidden unit over the N
 * samples of X (N x D). Returns a fresh vector of length H, NaN entries for N = 0.
 *
 * @throws RangeError when `samples` does not have D columns.
 */
export const hiddenActivationMeans = (
  config: AutoencoderConfig,
  params: AutoencoderParams,
  samples: Matrix,
): Float64Array => columnMeans(encode(config, params, samples));

