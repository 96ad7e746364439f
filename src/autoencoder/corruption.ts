/**
 * Corruption processes of the denoising autoencoder: each maps clean samples x to a corrupted copy x~,
 * drawn from a seeded generator.
 *
 * - Additive Gaussian noise: x~ = x + e with e ~ N(0, sigma^2), independently per entry.
 * - Masking noise: each entry is set to 0 independently with probability nu, and kept otherwise.
 * - Salt-and-pepper noise: each entry is replaced independently with probability nu, by the low value
 *   (pepper) or the high value (salt) with probability 1/2 each, and kept otherwise.
 *
 * A denoising autoencoder encodes x~ and compares its reconstruction with the clean x, so it must learn
 * to undo the corruption instead of copying its input.
 *
 * Each constructor validates its level once and returns a {@link Corruption}: a pure function of a
 * generator and an N x D sample matrix that returns a fresh corrupted N x D matrix and the advanced
 * generator. It never writes into the samples, and the same generator gives bit-identical output.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, unsafeMatrix } from '../linalg/matrix.js';
import { type Rng, normals, uniforms } from '../random/rng.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/**
 * A corruption process: returns a corrupted copy x~ of the samples X (N x D, one sample per row) and
 * the advanced generator. Entries are corrupted independently, so the result does not depend on how
 * the samples are split into rows.
 *
 * NOTE: a kernel. It trusts finite samples, and a NaN or infinite entry passes through unchanged (or
 * stays non-finite after adding noise).
 */
export type Corruption = (rng: Rng, samples: Matrix) => [Matrix, Rng];

/** The low (pepper) and high (salt) values of salt-and-pepper noise. */
export interface SaltAndPepperRange {
  readonly low: number;
  readonly high: number;
}

/**
 * A corruption process described as data, for settings and reports. `level` is sigma for Gaussian noise
 * and nu for masking and salt-and-pepper noise.
 */
export type CorruptionSettings =
  | { readonly kind: 'gaussian'; readonly sigma: number }
  | { readonly kind: 'masking'; readonly nu: number }
  | { readonly kind: 'salt-and-pepper'; readonly nu: number; readonly range?: SaltAndPepperRange };

// -------------------------------------------------------------------------------------------------
// Constructors
// -------------------------------------------------------------------------------------------------

const isProbability = (p: number): boolean => p >= 0 && p <= 1;

/**
 * Builds additive Gaussian noise x~ = x + e, e ~ N(0, sigma^2) per entry, for a standard deviation
 * sigma >= 0 (finite). sigma = 0 returns an exact copy. Draws N D normals per call.
 *
 * @example
 * const corrupt = additiveGaussianNoise(0.3); // Right(corruption)
 * additiveGaussianNoise(-1) // Left: additiveGaussianNoise: sigma must be a finite number >= 0, got -1.
 */
export const additiveGaussianNoise = (sigma: number): E.Either<InvalidArgumentError, Corruption> => {
  if (!(Number.isFinite(sigma) && sigma >= 0)) {
    return E.left(invalidArgument('additiveGaussianNoise', 'sigma', sigma, 'a finite number >= 0'));
  }
  return E.right((rng, samples) => {
    const [noise, next] = normals(rng, samples.data.length, 0, sigma);
    const x = samples.data;
    for (let i = 0; i < noise.length; i++) noise[i] += x[i];
    return [unsafeMatrix(samples.rows, samples.cols, noise), next];
  });
};

/**
 * Builds masking noise: every entry is set to 0 with probability nu, independently, and kept
 * otherwise, for nu in [0, 1]. nu = 0 returns a copy and nu = 1 the zero matrix. Draws N D uniforms
 * per call; entry i is masked when its uniform u_i in [0, 1) satisfies u_i < nu.
 */
export const maskingNoise = (nu: number): E.Either<InvalidArgumentError, Corruption> => {
  if (!isProbability(nu)) return E.left(invalidArgument('maskingNoise', 'nu', nu, 'a number in [0, 1]'));
  return E.right((rng, samples) => {
    const [u, next] = uniforms(rng, samples.data.length);
    const x = samples.data;
    // The uniforms' buffer is reused for the output, since each u_i is read once before entry i is written.
    for (let i = 0; i < u.length; i++) u[i] = u[i] < nu ? 0 : x[i];
    return [unsafeMatrix(samples.rows, samples.cols, u), next];
  });
};

/**
 * Builds salt-and-pepper noise for nu in [0, 1]: every entry is replaced with probability nu,
 * independently, by `range.low` or `range.high` with probability 1/2 each. One uniform u_i in [0, 1)
 * per entry decides: u_i < nu/2 gives low, nu/2 <= u_i < nu gives high, and the entry is kept otherwise.
 *
 * Without `range`, low and high are the global minimum and maximum over all entries of the matrix
 * being corrupted, not per column. Per-column extremes would be 0 and 0 for the border pixels of MNIST,
 * so salt would never appear there. For data in [0, 1] pass `{ low: 0, high: 1 }`, so that every
 * minibatch is corrupted with the same values as the whole set. Rejects a range that is not finite
 * with low <= high, naming `range.low` or `range.high`.
 */
export const saltAndPepperNoise = (
  nu: number,
  range?: SaltAndPepperRange,
): E.Either<InvalidArgumentError, Corruption> => {
  if (!isProbability(nu)) return E.left(invalidArgument('saltAndPepperNoise', 'nu', nu, 'a number in [0, 1]'));
  if (range !== undefined) {
    if (!Number.isFinite(range.low)) {
      return E.left(invalidArgument('saltAndPepperNoise', 'range.low', range.low, 'a finite number'));
    }
    if (!(Number.isFinite(range.high) && range.high >= range.low)) {
      return E.left(
        invalidArgument('saltAndPepperNoise', 'range.high', range.high, `a finite number >= range.low = ${range.low}`),
      );
    }
  }
  const half = nu / 2;
  return E.right((rng, samples) => {
    const x = samples.data;
    const { low, high } = range ?? dataRange(x);
    const [u, next] = uniforms(rng, x.length);
    // The uniforms' buffer is reused for the output, as in masking noise.
    for (let i = 0; i < u.length; i++) {
      const draw = u[i];
      if (draw < half) u[i] = low;
      else if (draw < nu) u[i] = high;
      else u[i] = x[i];
    }
    return [unsafeMatrix(samples.rows, samples.cols, u), next];
  });
};

/** Returns the global minimum and maximum of the entries, or 0 and 0 for an empty matrix. */
const dataRange = (x: ArrayLike<number>): SaltAndPepperRange => {
  if (x.length === 0) return { low: 0, high: 0 };
  let low = x[0];
  let high = x[0];
  for (let i = 1; i < x.length; i++) {
    const value = x[i];
    if (value < low) low = value;
    if (value > high) high = value;
  }
  return { low, high };
};

/** Builds the corruption described by `settings`, with the checks of its constructor. */
export const corruptionFromSettings = (settings: CorruptionSettings): E.Either<InvalidArgumentError, Corruption> => {
  switch (settings.kind) {
    case 'gaussian':
      return additiveGaussianNoise(settings.sigma);
    case 'masking':
      return maskingNoise(settings.nu);
    case 'salt-and-pepper':
      return saltAndPepperNoise(settings.nu, settings.range);
    default:
      return E.left(
        invalidArgument(
          'corruptionFromSettings',
          'settings.kind',
          String((settings as { kind: unknown }).kind),
          "'gaussian', 'masking' or 'salt-and-pepper'",
        ),
      );
  }
};

/** Returns the level of a corruption: sigma for Gaussian noise, nu for masking and salt-and-pepper noise. */
export const corruptionLevel = (settings: CorruptionSettings): number =>
  settings.kind === 'gaussian' ? settings.sigma : settings.nu;

/** Describes a corruption for reports, e.g. `masking noise, nu = 0.25`. */
export const describeCorruption = (settings: CorruptionSettings): string => {
  switch (settings.kind) {
    case 'gaussian':
      return `additive Gaussian noise, sigma = ${settings.sigma}`;
    case 'masking':
      return `masking noise, nu = ${settings.nu}`;
    case 'salt-and-pepper':
      return `salt-and-pepper noise, nu = ${settings.nu}`;
  }
};
