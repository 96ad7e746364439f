/**
 * Numerical gradients by central differences, for checking backpropagation against the definition of
 * the derivative.
 */

// -------------------------------------------------------------------------------------------------
// Constants
// -------------------------------------------------------------------------------------------------

/**
 * Default relative step of {@link numericalGradient}: the cube root of machine epsilon, about 6.1e-6.
 *
 * A central difference (f(t + h) - f(t - h)) / (2h) has truncation error about h^2 |f'''| / 6 and
 * rounding error about EPS |f| / h. Their sum is smallest at h ~ cbrt(3 EPS |f| / |f'''|), which is
 * cbrt(EPS) times the scale of the argument when f and its derivatives have comparable sizes. The
 * best attainable error is then about EPS^(2/3), roughly 4e-11 relative.
 */
export const DEFAULT_RELATIVE_STEP = Math.cbrt(Number.EPSILON);

// -------------------------------------------------------------------------------------------------
// Gradient check
// -------------------------------------------------------------------------------------------------

/**
 * Computes the gradient of the scalar function `f` at `theta` by central differences, one
 * coordinate at a time: g_i = (f(theta + h_i e_i) - f(theta - h_i e_i)) / (2 h_i), with
 * h_i = relativeStep * max(1, |theta_i|). The denominator is the difference of the two perturbed
 * coordinates as actually rounded, so the step that divides is the step that was taken.
 *
 * Costs 2 * theta.length calls of `f`. `theta` is not modified: the perturbations go into a private
 * copy that `f` receives and must not keep.
 *
 * @param relativeStep positive step relative to max(1, |theta_i|), default {@link DEFAULT_RELATIVE_STEP}.
 */
export const numericalGradient = (
  f: (theta: Float64Array) => number,
  theta: ArrayLike<number>,
  relativeStep: number = DEFAULT_RELATIVE_STEP,
): Float64Array => {
  const point = Float64Array.from(theta);
  const gradient = new Float64Array(point.length);
  for (let i = 0; i < point.length; i++) {
    const original = point[i];
    const h = relativeStep * Math.max(1, Math.abs(original));
    const plus = original + h;
    const minus = original - h;
    point[i] = plus;
    const fPlus = f(point);
    point[i] = minus;
    const fMinus = f(point);
    point[i] = original;
    gradient[i] = (fPlus - fMinus) / (plus - minus);
  }
  return gradient;
};

/**
 * Computes the relative difference ||a - n||_2 / (||a||_2 + ||n||_2) between an analytic gradient `a`
 * and a numerical gradient `n` of the same length, a number in [0, 1]: 0 when they agree exactly,
 * 1 when they point in opposite directions or one of them is zero and the other is not. Two zero
 * vectors give 0. The Euclidean norm over the whole vector weighs each coordinate by its size, so a
 * tiny coordinate that is relatively wrong does not dominate. Below 1e-7 is a pass for float64
 * backpropagation checked with {@link DEFAULT_RELATIVE_STEP}.
 *
 * @throws RangeError when the lengths differ.
 */
export const relativeGradientError = (analytic: ArrayLike<number>, numeric: ArrayLike<number>): number => {
  if (analytic.length !== numeric.length) {
    throw new RangeError(
      `relativeGradientError: analytic and numeric gradients must have the same length, got ${analytic.length} and ${numeric.length}.`,
    );
  }
  let difference = 0;
  let analyticNorm = 0;
  let numericNorm = 0;
  for (let i = 0; i < analytic.length; i++) {
    const d = analytic[i] - numeric[i];
    difference += d * d;
    analyticNorm += analytic[i] * analytic[i];
    numericNorm += numeric[i] * numeric[i];
  }
  const denominator = Math.sqrt(analyticNorm) + Math.sqrt(numericNorm);
  return denominator === 0 ? 0 : Math.sqrt(difference) / denominator;
};
