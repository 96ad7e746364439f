/**
 * Element-wise activation functions f of a layer y = f(u), and their derivatives.
 *
 * Each derivative is written in terms of the output y, so backpropagation needs only the stored outputs
 * and never the pre-activations u:
 *
 * | name       | f(u)              | f'(u) from y = f(u)            |
 * |------------|-------------------|--------------------------------|
 * | `sigmoid`  | 1 / (1 + e^-u)    | y (1 - y)                      |
 * | `tanh`     | tanh u            | 1 - y^2                        |
 * | `identity` | u                 | 1                              |
 * | `relu`     | max(0, u)         | 1 when y > 0, else 0           |
 *
 * ReLU is not differentiable at u = 0. This library takes f'(0) = 0, because the output y = 0 only
 * shows that u <= 0, so the output alone cannot distinguish u = 0 from u < 0.
 *
 * The array kernels switch on the name once and then run a plain loop, so no closure is called per
 * element. They write into the buffer they are given: pass only a buffer that the caller has just
 * allocated.
 */

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** Name of an element-wise activation function. */
export type ActivationName = 'sigmoid' | 'tanh' | 'identity' | 'relu';

/** Every {@link ActivationName}, in the order used by error messages. */
export const ACTIVATION_NAMES: readonly ActivationName[] = ['sigmoid', 'tanh', 'identity', 'relu'];

/** Returns whether `name` is an {@link ActivationName}, for validating untyped input. */
export const isActivationName = (name: unknown): name is ActivationName =>
  typeof name === 'string' && (ACTIVATION_NAMES as readonly string[]).includes(name);

// -------------------------------------------------------------------------------------------------
// Scalar forms
// -------------------------------------------------------------------------------------------------

/**
 * Computes the logistic sigmoid 1 / (1 + e^-u), a value in [0, 1].
 *
 * Stable for every finite u: with e = exp(-|u|) in (0, 1], sigmoid(u) = 1 / (1 + e) for u >= 0 and
 * e / (1 + e) for u < 0 (multiply the numerator and denominator by e^u). The argument of exp is
 * never positive, so it cannot overflow. For very negative u the result stays positive until e^u
 * itself underflows (u below about -745), where 1 / (1 + e^-u) would already be 0 once e^-u
 * overflows (u below about -709). sigmoid(1000) = 1 and sigmoid(-1000) = 0 exactly, never NaN.
 */
export const sigmoid = (u: number): number => {
  const e = Math.exp(-Math.abs(u));
  return u >= 0 ? 1 / (1 + e) : e / (1 + e);
};

/** Computes the rectified linear unit max(0, u). NaN stays NaN. */
export const relu = (u: number): number => (u < 0 ? 0 : u);

/** Computes f(u) for the named activation. */
export const activate = (name: ActivationName, u: number): number => {
  switch (name) {
    case 'sigmoid':
      return sigmoid(u);
    case 'tanh':
      return Math.tanh(u);
    case 'identity':
      return u;
    case 'relu':
      return relu(u);
  }
};

/**
 * Computes f'(u) from the output y = f(u) of the named activation (see the table in the module
 * comment). For ReLU the derivative at u = 0, where y = 0, is taken as 0.
 */
export const derivativeFromOutput = (name: ActivationName, y: number): number => {
  switch (name) {
    case 'sigmoid':
      return y * (1 - y);
    case 'tanh':
      return 1 - y * y;
    case 'identity':
      return 1;
    case 'relu':
      return y > 0 ? 1 : 0;
  }
};

// -------------------------------------------------------------------------------------------------
// Array kernels
// -------------------------------------------------------------------------------------------------

/**
 * Replaces every pre-activation u in `values` by f(u).
 *
 * NOTE: writes into `values`, which must be a buffer the caller owns (freshly allocated).
 */
export const activateInPlace = (name: ActivationName, values: Float64Array): void => {
  const n = values.length;
  switch (name) {
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const u = values[i];
        const e = Math.exp(-Math.abs(u));
        values[i] = u >= 0 ? 1 / (1 + e) : e / (1 + e);
      }
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) values[i] = Math.tanh(values[i]);
      return;
    case 'identity':
      return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const u = values[i];
        if (u < 0) values[i] = 0;
      }
      return;
  }
};

/**
 * Adds the bias `bias[j]` to column j of the row-major `rows x bias.length` buffer `values`, then
 * applies f to every entry: the step y = f(W x + b) after the product W x has been formed for every
 * sample (one sample per row).
 *
 * NOTE: writes into `values`, which must be a buffer the caller owns (freshly allocated).
 */
export const addBiasAndActivateInPlace = (
  name: ActivationName,
  values: Float64Array,
  bias: ArrayLike<number>,
): void => {
  const cols = bias.length;
  const n = values.length;
  for (let start = 0; start < n; start += cols) {
    for (let j = 0; j < cols; j++) values[start + j] += bias[j];
  }
  activateInPlace(name, values);
};

/**
 * Multiplies every entry of `delta` by f'(u) of the same entry, computed from the layer's output
 * `outputs` (same length): the step delta_u = delta_y * f'(u) of backpropagation.
 *
 * NOTE: writes into `delta`, which must be a buffer the caller owns (freshly allocated).
 */
export const multiplyByDerivativeInPlace = (
  name: ActivationName,
  delta: Float64Array,
  outputs: ArrayLike<number>,
): void => {
  const n = delta.length;
  switch (name) {
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const y = outputs[i];
        delta[i] *= y * (1 - y);
      }
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) {
        const y = outputs[i];
        delta[i] *= 1 - y * y;
      }
      return;
    case 'identity':
      return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        if (!(outputs[i] > 0)) delta[i] = 0;
      }
      return;
  }
};
