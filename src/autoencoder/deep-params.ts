/**
 * The configuration and parameters of a deep (multi-layer) autoencoder, its flat parameter vector
 * theta, and the unrolling of greedily pretrained one-layer autoencoders into it.
 *
 * Source of the method: G. E. Hinton and R. R. Salakhutdinov, "Reducing the dimensionality of data
 * with neural networks", Science 313 (2006). They pretrain each layer as an RBM, and `unrollEncoders`
 * takes autoencoders instead.
 *
 * Notation: the encoder maps D = h_0 inputs through hidden layers of sizes h_1, ..., h_{k-1} down to a
 * code of size h_k. The decoder mirrors it, h_k -> h_{k-1} -> ... -> h_0, so the unrolled network has
 * L = 2k dense layers with sizes h_0, h_1, ..., h_k, h_{k-1}, ..., h_0. Layer l (1-based) computes
 * a_l = f_l(W_l a_{l-1} + b_l) with W_l of h_out x h_in. Decoder weights are untied: they start as the
 * transposes of the encoder weights after unrolling, then fine-tuning changes both independently.
 */
import * as E from 'fp-ts/lib/Either.js';

import type { DenseLayer } from '../classifier/layers.js';
import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type ReadonlyFloat64Array, shapeOf, unsafeMatrix } from '../linalg/matrix.js';
import { transpose } from '../linalg/ops.js';
import { type ActivationName, ACTIVATION_NAMES, isActivationName } from '../nn/activation.js';
import { type LossName, LOSS_NAMES, isLossName } from '../nn/loss.js';
import { type Rng, glorotUniform } from '../random/rng.js';
import type { AutoencoderParams } from './params.js';

export type { DenseLayer } from '../classifier/layers.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** The architecture of a deep autoencoder. */
export interface DeepAutoencoderConfig {
  /**
   * [h_0, h_1, ..., h_k]: the encoder's layer sizes from the input dimension D = h_0 down to the code
   * size h_k, positive integers, at least two entries (k >= 1 encoding layers).
   */
  readonly encoderSizes: readonly number[];
  /** f of every hidden layer other than the code layer, in the encoder and the decoder. */
  readonly hiddenActivation: ActivationName;
  /** f of the code layer h_k. Hinton and Salakhutdinov use linear code units (`identity`). */
  readonly codeActivation: ActivationName;
  /** f~ of the output layer. */
  readonly outputActivation: ActivationName;
  /** The reconstruction loss. Cross-entropy requires a sigmoid output and targets in [0, 1]. */
  readonly loss: LossName;
}

/**
 * The parameters of the unrolled network: 2k dense layers {W (h_out x h_in), b (h_out)}, encoder first,
 * in the order data flows.
 */
export interface DeepAutoencoderParams {
  readonly layers: readonly DenseLayer[];
}

/** Size and activation of one dense layer of the unrolled network. */
export interface LayerShape {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly activation: ActivationName;
  /** Offset of W (row-major) in theta; b follows at `offset + outputSize * inputSize`. */
  readonly offset: number;
}

// -------------------------------------------------------------------------------------------------
// Validation and shapes
// -------------------------------------------------------------------------------------------------

const quoted = (value: unknown): string => (typeof value === 'string' ? `'${value}'` : String(value));

const requireActivation = (
  functionName: string,
  field: string,
  value: unknown,
): InvalidArgumentError | undefined =>
  isActivationName(value)
    ? undefined
    : invalidArgument(functionName, field, quoted(value), `one of ${ACTIVATION_NAMES.map(quoted).join(', ')}`);

/**
 * Checks a deep autoencoder configuration and returns it unchanged, or an error naming `functionName`
 * and the offending field (`config.encoderSizes[2]`, ...).
 *
 * Requires at least two positive integer sizes, known activation and loss names, and a sigmoid output
 * for the cross-entropy loss.
 */
export const validateDeepConfig = (
  functionName: string,
  config: DeepAutoencoderConfig,
): E.Either<InvalidArgumentError, DeepAutoencoderConfig> => {
  const sizes = config.encoderSizes;
  if (!Array.isArray(sizes) || sizes.length < 2) {
    return E.left(
      invalidArgument(
        functionName,
        'config.encoderSizes',
        Array.isArray(sizes) ? `an array of length ${sizes.length}` : String(sizes),
        'an array [D, h_1, ..., code size] of at least two sizes',
      ),
    );
  }
  for (let i = 0; i < sizes.length; i++) {
    if (!(Number.isInteger(sizes[i]) && sizes[i] >= 1)) {
      return E.left(invalidArgument(functionName, `config.encoderSizes[${i}]`, sizes[i], 'a positive integer'));
    }
  }
  const badActivation =
    requireActivation(functionName, 'config.hiddenActivation', config.hiddenActivation) ??
    requireActivation(functionName, 'config.codeActivation', config.codeActivation) ??
    requireActivation(functionName, 'config.outputActivation', config.outputActivation);
  if (badActivation !== undefined) return E.left(badActivation);
  if (!isLossName(config.loss)) {
    return E.left(
      invalidArgument(functionName, 'config.loss', quoted(config.loss), `one of ${LOSS_NAMES.map(quoted).join(', ')}`),
    );
  }
  if (config.loss === 'cross-entropy' && config.outputActivation !== 'sigmoid') {
    return E.left(
      invalidArgument(
        functionName,
        'config.outputActivation',
        quoted(config.outputActivation),
        "'sigmoid' when config.loss is 'cross-entropy', because cross-entropy compares probabilities",
      ),
    );
  }
  return E.right(config);
};

/** Returns the layer sizes of the unrolled network: h_0, h_1, ..., h_k, h_{k-1}, ..., h_0 (length 2k + 1). */
export const unrolledSizes = (config: DeepAutoencoderConfig): number[] => {
  const encoder = [...config.encoderSizes];
  return [...encoder, ...encoder.slice(0, -1).reverse()];
};

/**
 * Returns the 2k dense layers of the unrolled network for a valid configuration, with their
 * activations (hidden, code at layer k, hidden again, output at layer 2k) and offsets in theta.
 */
export const layerShapes = (config: DeepAutoencoderConfig): LayerShape[] => {
  const sizes = unrolledSizes(config);
  const codeLayer = config.encoderSizes.length - 1;
  const layerCount = sizes.length - 1;
  const shapes: LayerShape[] = [];
  let offset = 0;
  for (let l = 1; l <= layerCount; l++) {
    let activation = config.hiddenActivation;
    if (l === codeLayer) activation = config.codeActivation;
    if (l === layerCount) activation = config.outputActivation;
    shapes.push({ inputSize: sizes[l - 1], outputSize: sizes[l], activation, offset });
    offset += sizes[l] * sizes[l - 1] + sizes[l];
  }
  return shapes;
};

/** Returns the length of theta: the sum over the 2k layers of h_out h_in + h_out. */
export const deepParameterCount = (config: DeepAutoencoderConfig): number =>
  layerShapes(config).reduce((count, s) => count + s.outputSize * s.inputSize + s.outputSize, 0);

// -------------------------------------------------------------------------------------------------
// The flat parameter vector
// -------------------------------------------------------------------------------------------------

const wrongLength = (config: DeepAutoencoderConfig, length: number): RangeError =>
  new RangeError(
    `theta must have ${deepParameterCount(config)} entries for the deep autoencoder ` +
      `${unrolledSizes(config).join('-')}, got ${length}.`,
  );

/**
 * Returns the layers stored in theta as views that share its memory, without copying.
 *
 * NOTE: the views alias `theta`. The objective uses them for one call, and code that keeps parameters
 * should call {@link unpackDeepParams}, which copies.
 *
 * @throws RangeError when `theta.length` differs from {@link deepParameterCount}.
 */
export const viewDeepParams = (config: DeepAutoencoderConfig, theta: ReadonlyFloat64Array): DeepAutoencoderParams => {
  const shapes = layerShapes(config);
  if (theta.length !== deepParameterCount(config)) throw wrongLength(config, theta.length);
  return {
    layers: shapes.map(({ inputSize, outputSize, offset }) => {
      const weightEnd = offset + outputSize * inputSize;
      return {
        W: unsafeMatrix(outputSize, inputSize, theta.subarray(offset, weightEnd)),
        b: theta.subarray(weightEnd, weightEnd + outputSize),
      };
    }),
  };
};

/**
 * Splits theta into fresh copies of every layer's W and b.
 *
 * @throws RangeError when `theta.length` differs from {@link deepParameterCount}.
 */
export const unpackDeepParams = (
  config: DeepAutoencoderConfig,
  theta: ReadonlyFloat64Array,
): DeepAutoencoderParams => ({
  layers: viewDeepParams(config, theta).layers.map(({ W, b }) => ({
    W: unsafeMatrix(W.rows, W.cols, Float64Array.from(W.data)),
    b: Float64Array.from(b),
  })),
});

/**
 * Concatenates W_1, b_1, W_2, b_2, ..., W_2k, b_2k (weights row-major) into a fresh vector theta.
 *
 * @throws RangeError when the number of layers or a layer's shape does not match the configuration.
 */
export const packDeepParams = (config: DeepAutoencoderConfig, params: DeepAutoencoderParams): Float64Array => {
  const shapes = layerShapes(config);
  if (params.layers.length !== shapes.length) {
    throw new RangeError(`packDeepParams: expected ${shapes.length} layers, got ${params.layers.length}.`);
  }
  const theta = new Float64Array(deepParameterCount(config));
  shapes.forEach(({ inputSize, outputSize, offset }, l) => {
    const { W, b } = params.layers[l];
    if (W.rows !== outputSize || W.cols !== inputSize || b.length !== outputSize) {
      throw new RangeError(
        `packDeepParams: layer ${l + 1} must have W of ${outputSize} x ${inputSize} and b of length ${outputSize}, ` +
          `got W of ${shapeOf(W)} and b of length ${b.length}.`,
      );
    }
    theta.set(W.data, offset);
    theta.set(b, offset + outputSize * inputSize);
  });
  return theta;
};

// -------------------------------------------------------------------------------------------------
// Initialisation
// -------------------------------------------------------------------------------------------------

/**
 * Draws random parameters for a valid configuration: every W_l from the Glorot uniform distribution
 * U(-r, r) with r = sqrt(6 / (h_in + h_out)), layer by layer in order, and zero biases. This is the
 * starting point without pretraining, which Hinton and Salakhutdinov report trains poorly for deep
 * autoencoders. Returns the advanced generator.
 */
export const initializeDeepAutoencoder = (rng: Rng, config: DeepAutoencoderConfig): [DeepAutoencoderParams, Rng] => {
  let generator = rng;
  const layers = layerShapes(config).map(({ inputSize, outputSize }): DenseLayer => {
    const [W, next] = glorotUniform(generator, outputSize, inputSize);
    generator = next;
    return { W, b: new Float64Array(outputSize) };
  });
  return [{ layers }, generator];
};

/**
 * Unrolls k pretrained one-layer autoencoders into the 2k layers of a deep autoencoder, as Hinton and
 * Salakhutdinov unroll their stack of RBMs. Autoencoder l (1-based) was trained on the
 * codes of autoencoder l - 1 and maps h_{l-1} -> h_l -> h_{l-1}.
 *
 * Encoder layer l takes the pretrained W_l and b_l. The mirrored decoder layer 2k + 1 - l takes the
 * transpose W_l^T and the pretrained decoder bias b~_l, so the network starts with untied weights
 * equal to the transposes of the encoders. When the autoencoders were trained with tied weights
 * (W~ = W^T) this decoder is exactly the one they learned. A separately learned W~ of an untied
 * autoencoder is ignored. Copies every array.
 *
 * Rejects a configuration that fails {@link validateDeepConfig}, a number of autoencoders other than k,
 * and an autoencoder whose W is not h_l x h_{l-1} or whose b or b~ has the wrong length, naming
 * `encoders[l - 1]`.
 */
export const unrollEncoders = (
  config: DeepAutoencoderConfig,
  encoders: readonly AutoencoderParams[],
): E.Either<InvalidArgumentError, DeepAutoencoderParams> => {
  const valid = validateDeepConfig('unrollEncoders', config);
  if (E.isLeft(valid)) return valid;
  const sizes = config.encoderSizes;
  const k = sizes.length - 1;
  if (encoders.length !== k) {
    const expected = `${k}, one per encoding layer`;
    return E.left(invalidArgument('unrollEncoders', 'encoders.length', encoders.length, expected));
  }
  for (let l = 1; l <= k; l++) {
    const { W, b, bDecoder } = encoders[l - 1];
    if (W.rows !== sizes[l] || W.cols !== sizes[l - 1] || b.length !== sizes[l] || bDecoder.length !== sizes[l - 1]) {
      return E.left(
        invalidArgument(
          'unrollEncoders',
          `encoders[${l - 1}]`,
          `W of ${shapeOf(W)}, b of length ${b.length}, bDecoder of length ${bDecoder.length}`,
          `W of ${sizes[l]} x ${sizes[l - 1]}, b of length ${sizes[l]} and bDecoder of length ${sizes[l - 1]}`,
        ),
      );
    }
  }
  const encoding = encoders.map(
    ({ W, b }): DenseLayer => ({ W: unsafeMatrix(W.rows, W.cols, Float64Array.from(W.data)), b: Float64Array.from(b) }),
  );
  const decoding = [...encoders]
    .reverse()
    .map(({ W, bDecoder }): DenseLayer => ({ W: transpose(W), b: Float64Array.from(bDecoder) }));
  return E.right({ layers: [...encoding, ...decoding] });
};
