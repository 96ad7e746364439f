/**
 * The parameters of a feed-forward network as a list of dense layers, and the flat parameter vector
 * theta that optimisers work on.
 *
 * A network with layer sizes [D, H_1, ..., H_{L-1}, K] has L dense layers. Layer l maps an input of
 * size n_{l-1} to an output of size n_l by u = W_l x + b_l, with W_l of n_l x n_{l-1} (one row per
 * output unit, "out x in") and b_l of length n_l. In a classifier the first L - 1 layers are sigmoid
 * hidden layers and the last one gives the K logits of the softmax output. A stack of pretrained
 * encoders uses the same type: each encoder y = sigmoid(W x + b) is one dense layer.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, type ReadonlyFloat64Array, firstNonFinite, shapeOf, unsafeMatrix } from '../linalg/matrix.js';
import { type Rng, glorotUniform } from '../random/rng.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** One dense layer u = W x + b. */
export interface DenseLayer {
  /** Weights W, out x in: row j contains the input weights of output unit j. */
  readonly W: Matrix;
  /** Biases b, one per output unit (length out). */
  readonly b: ReadonlyFloat64Array;
}

/**
 * Layer sizes [D, H_1, ..., K]: the input dimension, then the output size of every layer in order.
 * A network with L layers has L + 1 sizes.
 */
export type LayerSizes = readonly number[];

// -------------------------------------------------------------------------------------------------
// Validation
// -------------------------------------------------------------------------------------------------

const isPositiveInteger = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1;

/**
 * Checks classifier layer sizes [D, H_1, ..., K]: at least two entries, all positive integers, and
 * K >= 2 classes. Returns them unchanged, or an error naming `functionName` and the offending entry.
 */
export const validateLayerSizes = (
  functionName: string,
  argument: string,
  sizes: LayerSizes,
): E.Either<InvalidArgumentError, LayerSizes> => {
  if (sizes.length < 2) {
    return E.left(
      invalidArgument(functionName, `${argument}.length`, sizes.length, 'at least 2 (the input size and the class count)'),
    );
  }
  for (let l = 0; l < sizes.length; l++) {
    if (!isPositiveInteger(sizes[l])) {
      return E.left(invalidArgument(functionName, `${argument}[${l}]`, sizes[l], 'a positive integer'));
    }
  }
  const classCount = sizes[sizes.length - 1];
  if (classCount < 2) {
    return E.left(
      invalidArgument(functionName, `${argument}[${sizes.length - 1}]`, classCount, 'an integer >= 2 (the class count)'),
    );
  }
  return E.right(sizes);
};

/**
 * Checks a list of dense layers: at least one layer, each W non-empty with finite entries, each b of
 * length W.rows with finite entries, and W_l.cols equal to W_{l-1}.rows so that the layers chain.
 * Returns the layers unchanged, or an error naming `functionName` and the offending layer, e.g.
 * `layers[1].W`.
 */
export const validateLayers = (
  functionName: string,
  argument: string,
  layers: readonly DenseLayer[],
): E.Either<InvalidArgumentError, readonly DenseLayer[]> => {
  if (layers.length === 0) {
    return E.left(invalidArgument(functionName, `${argument}.length`, 0, 'at least 1 layer'));
  }
  for (let l = 0; l < layers.length; l++) {
    const { W, b } = layers[l];
    const name = `${argument}[${l}]`;
    if (W.rows === 0 || W.cols === 0) {
      return E.left(invalidArgument(functionName, `${name}.W`, shapeOf(W), 'a matrix with at least one row and column'));
    }
    if (l > 0 && W.cols !== layers[l - 1].W.rows) {
      return E.left(
        invalidArgument(
          functionName,
          `${name}.W`,
          `a ${shapeOf(W)} matrix`,
          `a matrix with ${layers[l - 1].W.rows} columns, the output size of ${argument}[${l - 1}]`,
        ),
      );
    }
    if (b.length !== W.rows) {
      return E.left(invalidArgument(functionName, `${name}.b.length`, b.length, `${W.rows}, the row count of ${name}.W`));
    }
    const badWeight = firstNonFinite(W.data);
    if (badWeight >= 0) {
      const entry = `${name}.W[${Math.floor(badWeight / W.cols)}, ${badWeight % W.cols}]`;
      return E.left(invalidArgument(functionName, entry, W.data[badWeight], 'a finite number'));
    }
    const badBias = firstNonFinite(b);
    if (badBias >= 0) {
      return E.left(invalidArgument(functionName, `${name}.b[${badBias}]`, b[badBias], 'a finite number'));
    }
  }
  return E.right(layers);
};

/** Returns the sizes [D, n_1, ..., n_L] of valid chained layers: the input size, then every output size. */
export const layerSizesOf = (layers: readonly DenseLayer[]): number[] => [
  layers[0].W.cols,
  ...layers.map((layer) => layer.W.rows),
];

// -------------------------------------------------------------------------------------------------
// The flat parameter vector
// -------------------------------------------------------------------------------------------------

/**
 * Returns the length of theta for valid sizes: sum over layers of n_l n_{l-1} + n_l. The layout is
 * W_1 (row-major), b_1, W_2, b_2, ..., W_L, b_L.
 */
export const layerParameterCount = (sizes: LayerSizes): number => {
  let count = 0;
  for (let l = 1; l < sizes.length; l++) count += sizes[l] * sizes[l - 1] + sizes[l];
  return count;
};

/**
 * Concatenates the layers' W and b, in order, into a fresh vector theta.
 *
 * @throws RangeError when a bias length differs from its weight matrix's row count (a programming
 * error: public functions validate the layers first).
 */
export const packLayers = (layers: readonly DenseLayer[]): Float64Array => {
  let length = 0;
  for (const { W, b } of layers) {
    if (b.length !== W.rows) {
      throw new RangeError(`packLayers: a bias of length ${b.length} does not match a ${shapeOf(W)} weight matrix.`);
    }
    length += W.data.length + b.length;
  }
  const theta = new Float64Array(length);
  let offset = 0;
  for (const { W, b } of layers) {
    theta.set(W.data, offset);
    offset += W.data.length;
    theta.set(b, offset);
    offset += b.length;
  }
  return theta;
};

/**
 * Returns the layers stored in theta as views that share its memory, without copying.
 *
 * NOTE: the views alias `theta`. The objective uses them for one call; code that keeps the layers
 * should call {@link unpackLayers}, which copies.
 *
 * @throws RangeError when `theta.length` differs from {@link layerParameterCount}.
 */
export const viewLayers = (sizes: LayerSizes, theta: ReadonlyFloat64Array): DenseLayer[] => {
  const expected = layerParameterCount(sizes);
  if (theta.length !== expected) {
    throw new RangeError(
      `theta must have ${expected} entries for layer sizes ${sizes.join('-')}, got ${theta.length}.`,
    );
  }
  const layers: DenseLayer[] = [];
  let offset = 0;
  for (let l = 1; l < sizes.length; l++) {
    const rows = sizes[l];
    const cols = sizes[l - 1];
    const W = unsafeMatrix(rows, cols, theta.subarray(offset, offset + rows * cols));
    offset += rows * cols;
    layers.push({ W, b: theta.subarray(offset, offset + rows) });
    offset += rows;
  }
  return layers;
};

/**
 * Splits theta into fresh copies of every layer's W and b.
 *
 * @throws RangeError when `theta.length` differs from {@link layerParameterCount}.
 */
export const unpackLayers = (sizes: LayerSizes, theta: ReadonlyFloat64Array): DenseLayer[] =>
  viewLayers(sizes, theta).map(({ W, b }) => ({
    W: unsafeMatrix(W.rows, W.cols, Float64Array.from(W.data)),
    b: Float64Array.from(b),
  }));

// -------------------------------------------------------------------------------------------------
// Initialisation
// -------------------------------------------------------------------------------------------------

/**
 * Draws the layers of a network with valid sizes [D, H_1, ..., K]: every W from the Glorot uniform
 * distribution U(-r, r) with r = sqrt(6 / (n_in + n_out)), drawn in layer order, and zero biases.
 * Returns the advanced generator; the same generator gives bit-identical layers.
 */
export const initializeLayers = (rng: Rng, sizes: LayerSizes): [DenseLayer[], Rng] => {
  const layers: DenseLayer[] = [];
  let generator = rng;
  for (let l = 1; l < sizes.length; l++) {
    const [W, next] = glorotUniform(generator, sizes[l], sizes[l - 1]);
    layers.push({ W, b: new Float64Array(sizes[l]) });
    generator = next;
  }
  return [layers, generator];
};
