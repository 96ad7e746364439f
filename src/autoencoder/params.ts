/**
 * The configuration and parameters of a one-hidden-layer autoencoder, and the flat parameter vector
 * theta that optimisers work on.
 *
 * Notation: D inputs, H hidden units. The encoder is y = f(W x + b) with W of H x D and b of length H.
 * The decoder is x^ = f~(W~ y + b~) with W~ of D x H and b~ of length D. With tied weights W~ = W^T is
 * not a parameter of its own, and only W, b and b~ are learned.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, type ReadonlyFloat64Array, unsafeMatrix } from '../linalg/matrix.js';
import { type ActivationName, ACTIVATION_NAMES, isActivationName } from '../nn/activation.js';
import { type LossName, LOSS_NAMES, isLossName } from '../nn/loss.js';
import { type Rng, glorotUniform } from '../random/rng.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** The architecture of an autoencoder: sizes, weight sharing, activations and reconstruction loss. */
export interface AutoencoderConfig {
  /** D, the dimension of a sample: a positive integer. */
  readonly inputSize: number;
  /** H, the number of hidden units: a positive integer (H < D undercomplete, H > D overcomplete). */
  readonly hiddenSize: number;
  /** Whether the decoder weights are tied to the encoder weights, W~ = W^T. */
  readonly tied: boolean;
  /** f, the hidden activation. */
  readonly hiddenActivation: ActivationName;
  /** f~, the output activation. */
  readonly outputActivation: ActivationName;
  /** The reconstruction loss; cross-entropy requires a sigmoid output and targets in [0, 1]. */
  readonly loss: LossName;
}

/** The weights and biases of an autoencoder. */
export interface AutoencoderParams {
  /** Encoder weights W, H x D: row j is the feature that hidden unit j responds to. */
  readonly W: Matrix;
  /** Encoder biases b, length H. */
  readonly b: ReadonlyFloat64Array;
  /** Decoder weights W~, D x H, or `null` when the weights are tied (W~ = W^T). */
  readonly WDecoder: Matrix | null;
  /** Decoder biases b~, length D. */
  readonly bDecoder: ReadonlyFloat64Array;
}

/**
 * Offsets of each parameter block in theta, whose layout is W (H x D, row-major), b (H), then W~
 * (D x H, row-major, absent when tied) and b~ (D).
 */
export interface ParameterLayout {
  readonly W: number;
  readonly b: number;
  /** Offset of W~, or -1 when the weights are tied. */
  readonly WDecoder: number;
  readonly bDecoder: number;
  /** Length of theta. */
  readonly length: number;
}

// -------------------------------------------------------------------------------------------------
// Validation
// -------------------------------------------------------------------------------------------------

const isPositiveInteger = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 1;

const quoted = (value: unknown): string => (typeof value === 'string' ? `'${value}'` : String(value));

/**
 * Largest number of entries of W (H x D). W, its gradient, W~ and the optimiser's vectors each take
 * 8 bytes per entry, so 2^27 entries already need several GiB.
 */
export const MAX_WEIGHT_COUNT = 2 ** 27;

/**
 * Checks an autoencoder configuration and returns it unchanged, or an error naming `functionName` and
 * the offending field (`config.inputSize`, ...).
 *
 * Requires positive integer sizes, a boolean `tied`, known activation and loss names, and a sigmoid
 * output for the cross-entropy loss (which compares probabilities).
 */
export const validateConfig = (
  functionName: string,
  config: AutoencoderConfig,
): E.Either<InvalidArgumentError, AutoencoderConfig> => {
  if (!isPositiveInteger(config.inputSize)) {
    return E.left(invalidArgument(functionName, 'config.inputSize', config.inputSize, 'a positive integer'));
  }
  if (!isPositiveInteger(config.hiddenSize)) {
    return E.left(invalidArgument(functionName, 'config.hiddenSize', config.hiddenSize, 'a positive integer'));
  }
  if (config.inputSize * config.hiddenSize > MAX_WEIGHT_COUNT) {
    return E.left(
      invalidArgument(
        functionName,
        'config.hiddenSize',
        config.hiddenSize,
        `at most ${Math.floor(MAX_WEIGHT_COUNT / config.inputSize)} for ${config.inputSize} inputs, so that W has at ` +
          `most ${MAX_WEIGHT_COUNT} entries`,
      ),
    );
  }
  if (typeof config.tied !== 'boolean') {
    return E.left(invalidArgument(functionName, 'config.tied', String(config.tied), 'true or false'));
  }
  const activationNames = ACTIVATION_NAMES.map(quoted).join(', ');
  if (!isActivationName(config.hiddenActivation)) {
    return E.left(
      invalidArgument(functionName, 'config.hiddenActivation', quoted(config.hiddenActivation), `one of ${activationNames}`),
    );
  }
  if (!isActivationName(config.outputActivation)) {
    return E.left(
      invalidArgument(functionName, 'config.outputActivation', quoted(config.outputActivation), `one of ${activationNames}`),
    );
  }
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

// -------------------------------------------------------------------------------------------------
// The flat parameter vector
// -------------------------------------------------------------------------------------------------

/** Returns the offsets of W, b, W~ and b~ in theta for a valid configuration. */
export const parameterLayout = (config: AutoencoderConfig): ParameterLayout => {
  const { inputSize: d, hiddenSize: h } = config;
  const b = h * d;
  const WDecoder = config.tied ? -1 : b + h;
  const bDecoder = b + h + (config.tied ? 0 : d * h);
  return { W: 0, b, WDecoder, bDecoder, length: bDecoder + d };
};

/** Returns the length of theta: H D + H + D when tied, 2 H D + H + D when untied. */
export const parameterCount = (config: AutoencoderConfig): number => parameterLayout(config).length;

const requireSize = (argument: string, actual: string, expected: string): void => {
  if (actual !== expected) {
    throw new RangeError(`packParams: ${argument} must be ${expected} for this configuration, got ${actual}.`);
  }
};

/**
 * Concatenates W, b, W~ (untied only) and b~ into a fresh vector theta (see {@link ParameterLayout}).
 *
 * @throws RangeError when a block's shape does not match the configuration, or W~ is `null` for an
 * untied configuration, since the parameters and the configuration then describe different networks.
 */
export const packParams = (config: AutoencoderConfig, params: AutoencoderParams): Float64Array => {
  const layout = parameterLayout(config);
  const { inputSize: d, hiddenSize: h } = config;
  requireSize('W', `${params.W.rows} x ${params.W.cols}`, `${h} x ${d}`);
  requireSize('b', `length ${params.b.length}`, `length ${h}`);
  requireSize('bDecoder', `length ${params.bDecoder.length}`, `length ${d}`);

  const theta = new Float64Array(layout.length);
  theta.set(params.W.data, layout.W);
  theta.set(params.b, layout.b);
  if (!config.tied) {
    const decoder = params.WDecoder;
    if (decoder === null) throw new RangeError('packParams: WDecoder must be a matrix for an untied configuration, got null.');
    requireSize('WDecoder', `${decoder.rows} x ${decoder.cols}`, `${d} x ${h}`);
    theta.set(decoder.data, layout.WDecoder);
  }
  theta.set(params.bDecoder, layout.bDecoder);
  return theta;
};

/**
 * Returns the parameters stored in theta as views that share its memory, without copying.
 *
 * NOTE: the views alias `theta`. The evaluator uses them for one call; code that keeps parameters
 * should call {@link unpackParams}, which copies.
 *
 * @throws RangeError when `theta.length` differs from {@link parameterCount}.
 */
export const viewParams = (config: AutoencoderConfig, theta: ReadonlyFloat64Array): AutoencoderParams => {
  const layout = parameterLayout(config);
  if (theta.length !== layout.length) {
    throw new RangeError(
      `theta must have ${layout.length} entries for a ${config.inputSize}-${config.hiddenSize} ` +
        `${config.tied ? 'tied' : 'untied'} autoencoder, got ${theta.length}.`,
    );
  }
  const { inputSize: d, hiddenSize: h } = config;
  return {
    W: unsafeMatrix(h, d, theta.subarray(layout.W, layout.b)),
    b: theta.subarray(layout.b, layout.b + h),
    WDecoder: config.tied ? null : unsafeMatrix(d, h, theta.subarray(layout.WDecoder, layout.bDecoder)),
    bDecoder: theta.subarray(layout.bDecoder, layout.length),
  };
};

/**
 * Splits theta into fresh copies of W, b, W~ (`null` when tied) and b~.
 *
 * @throws RangeError when `theta.length` differs from {@link parameterCount}.
 */
export const unpackParams = (config: AutoencoderConfig, theta: ReadonlyFloat64Array): AutoencoderParams => {
  const view = viewParams(config, theta);
  return {
    W: unsafeMatrix(view.W.rows, view.W.cols, Float64Array.from(view.W.data)),
    b: Float64Array.from(view.b),
    WDecoder:
      view.WDecoder === null
        ? null
        : unsafeMatrix(view.WDecoder.rows, view.WDecoder.cols, Float64Array.from(view.WDecoder.data)),
    bDecoder: Float64Array.from(view.bDecoder),
  };
};

// -------------------------------------------------------------------------------------------------
// Initialisation
// -------------------------------------------------------------------------------------------------

/**
 * Draws initial parameters for a valid configuration: W from the Glorot uniform distribution
 * U(-r, r) with r = sqrt(6 / (D + H)), then W~ the same way when untied, and zero biases. Small
 * random weights break the symmetry between hidden units while keeping sigmoid and tanh units out
 * of saturation. Returns the advanced generator; the same generator gives bit-identical parameters.
 */
export const initializeAutoencoder = (rng: Rng, config: AutoencoderConfig): [AutoencoderParams, Rng] => {
  const { inputSize: d, hiddenSize: h } = config;
  const [W, afterEncoder] = glorotUniform(rng, h, d);
  const [WDecoder, next] = config.tied ? [null, afterEncoder] : glorotUniform(afterEncoder, d, h);
  return [{ W, b: new Float64Array(h), WDecoder, bDecoder: new Float64Array(d) }, next];
};
