/**
 * The Kullback-Leibler sparsity penalty of a sparse autoencoder.
 *
 * A hidden unit j with outputs in (0, 1) has the average activation rhoHat_j = (1/N) sum_n y_j(x_n)
 * over N samples. The penalty compares it with a small target rho (e.g. 0.05), reading both as the
 * means of Bernoulli variables:
 *
 *   KL(rho || rhoHat) = rho log(rho / rhoHat) + (1 - rho) log((1 - rho) / (1 - rhoHat)),
 *
 * which is >= 0 and = 0 exactly when rhoHat = rho. Its derivative with respect to rhoHat is
 * -rho / rhoHat + (1 - rho) / (1 - rhoHat).
 *
 * Both blow up as rhoHat reaches 0 or 1, which happens in floating point when a unit saturates on
 * every sample. Both functions therefore clamp rho and rhoHat into [RHO_HAT_MIN, RHO_HAT_MAX]; see
 * those constants for the range where the clamp changes anything.
 */

// -------------------------------------------------------------------------------------------------
// Constants
// -------------------------------------------------------------------------------------------------

/**
 * Lower clamp of rhoHat (and rho): 2^-1000, about 9.3e-302. Above it, rho / rhoHat <= 2^1000, so
 * the derivative stays finite even after multiplication by a penalty weight beta up to about 1e7.
 * The clamp changes the result only for rhoHat < 2^-1000: at 0, where the exact penalty is infinite,
 * and where every sample has driven the unit's output below N 2^-1000, so that the exact derivative
 * exceeds rho 2^1000 in magnitude.
 */
export const RHO_HAT_MIN = 2 ** -1000;

/**
 * Upper clamp of rhoHat (and rho): 1 - 2^-53, the largest double below 1. It changes only
 * rhoHat = 1 exactly, where the exact penalty is infinite; there (1 - rho) / (1 - rhoHat) becomes
 * at most 2^53.
 */
export const RHO_HAT_MAX = 1 - 2 ** -53;

/** Clamps p into [RHO_HAT_MIN, RHO_HAT_MAX]. NaN stays NaN. */
const clampProbability = (p: number): number => Math.min(Math.max(p, RHO_HAT_MIN), RHO_HAT_MAX);

// -------------------------------------------------------------------------------------------------
// Penalty and derivative
// -------------------------------------------------------------------------------------------------

/**
 * Computes phi(t) = t - 1 - log t for t > 0, which is >= 0 with equality only at t = 1.
 *
 * For t >= 1/2 it is s - log1p(s) with s = t - 1, and s is exact there (Sterbenz) for t <= 2. The
 * computed log1p(s) never exceeds s, because log1p(s) <= s is true for the exact values and rounding is monotone
 * with s itself a double, so the difference is never negative and is exactly 0 at t = 1. For t < 1/2,
 * t - 1 would round to -1 and lose t, so phi is formed directly. There phi(t) > phi(1/2) = 0.19 while
 * the rounding error is below 1e-13 (terms of size at most |log t| <= 745), so it stays positive.
 */
const phi = (t: number): number => {
  if (t < 0.5) return t - 1 - Math.log(t);
  const s = t - 1;
  return s - Math.log1p(s);
};

/**
 * Computes KL(rho || rhoHat) between Bernoulli distributions of means rho and rhoHat, a value >= 0.
 *
 * Stable form: because both distributions sum to 1, the KL divergence equals
 * rho phi(rhoHat / rho) + (1 - rho) phi((1 - rhoHat) / (1 - rho)) with phi(t) = t - 1 - log t >= 0
 * (expand phi: the linear terms rhoHat - rho and rho - rhoHat cancel). Each term is computed as a
 * non-negative number, so the result is never negative, not even by rounding, and at rhoHat = rho
 * both ratios are exactly 1, so the result is exactly 0.
 *
 * Edge behaviour: rho and rhoHat are clamped into [RHO_HAT_MIN, RHO_HAT_MAX], so the result is
 * finite for every rhoHat in [0, 1]: for rho = 0.05 it is about 34.5 at rhoHat = 0 and about 34.7 at
 * rhoHat = 1. NaN gives NaN.
 */
export const klDivergence = (rho: number, rhoHat: number): number => {
  const p = clampProbability(rho);
  const q = clampProbability(rhoHat);
  return p * phi(q / p) + (1 - p) * phi((1 - q) / (1 - p));
};

/**
 * Computes d KL(rho || rhoHat) / d rhoHat = -rho / rhoHat + (1 - rho) / (1 - rhoHat), with rho and
 * rhoHat clamped as in {@link klDivergence}. The value is negative below rho, 0 at rho and positive
 * above, and its magnitude is at most about 2^1000 (at rhoHat = 0) or 2^53 (at rhoHat = 1).
 */
export const klDivergenceDerivative = (rho: number, rhoHat: number): number => {
  const p = clampProbability(rho);
  const q = clampProbability(rhoHat);
  return -p / q + (1 - p) / (1 - q);
};

/** Computes the penalty sum_j KL(rho || rhoHat_j) over the H hidden units (without the weight beta). */
export const sparsityPenalty = (rho: number, rhoHat: ArrayLike<number>): number => {
  let sum = 0;
  for (let j = 0; j < rhoHat.length; j++) sum += klDivergence(rho, rhoHat[j]);
  return sum;
};
