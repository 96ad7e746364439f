/**
 * Normalisation of image patches before PCA, whitening or a sigmoid autoencoder.
 *
 * Patches are the rows of an N x D matrix (D = s s pixels). Removing each patch's own mean (its DC
 * component, the patch's overall brightness) leaves the local structure that whitening and sparse
 * coding are about. The UFLDL sparse autoencoder exercise (Stanford, Andrew Ng et al.,
 * `sampleIMAGES.m`) then squashes the values into [0.1, 0.9], the range a sigmoid output unit can
 * reconstruct without saturating.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import type { InvalidArgumentError } from '../linalg/errors.js';
import { type Matrix, requireFiniteNonEmpty, unsafeMatrix } from '../linalg/matrix.js';

/** Values beyond this many standard deviations from 0 are clipped by {@link normalizeUfldl}. */
export const UFLDL_CLIP_STANDARD_DEVIATIONS = 3;

/** The interval [low, high] onto which {@link normalizeUfldl} maps [-clip, +clip]. */
export const UFLDL_RANGE = { low: 0.1, high: 0.9 } as const;

/** Subtracts each row's mean from that row, in a fresh buffer. */
const subtractRowMeans = (x: Matrix): Float64Array => {
  const { rows, cols, data } = x;
  const out = new Float64Array(data.length);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += data[base + j];
    const mean = sum / cols;
    for (let j = 0; j < cols; j++) out[base + j] = data[base + j] - mean;
  }
  return out;
};

/**
 * Removes each patch's mean: returns X with row n replaced by x_n - mean(x_n) 1, so every row of the
 * result sums to 0 (up to rounding). X is N x D with one patch per row.
 *
 * Rejects an empty matrix and non-finite entries.
 *
 * @example
 * removePatchMeans(patches) // Right(N x D matrix whose rows have mean 0)
 */
export const removePatchMeans = (patches: Matrix): E.Either<InvalidArgumentError, Matrix> =>
  pipe(
    requireFiniteNonEmpty('removePatchMeans', 'patches', patches),
    E.map((valid) => unsafeMatrix(valid.rows, valid.cols, subtractRowMeans(valid))),
  );

/**
 * Normalises patches as the UFLDL sparse autoencoder exercise does, for a sigmoid output layer:
 * 1. remove each patch's mean, giving values v;
 * 2. compute sigma, the standard deviation of all N D values v taken together (normalised by
 *    N D - 1, as MATLAB's `std(patches(:))` is);
 * 3. clip v to [-3 sigma, 3 sigma] and map that interval linearly onto [0.1, 0.9]:
 *    v -> 0.1 + 0.8 (v / (3 sigma) + 1) / 2.
 *
 * Every output lies in [0.1, 0.9], and a pixel equal to its patch's mean maps to 0.5. When every patch
 * is constant all outputs are 0.5. Removing a mean leaves rounding residue of up to about
 * D EPS max|x| even in a constant patch, so a sigma at or below 4 D EPS max|x| counts as 0
 * rather than stretching that residue over the whole range. A single value (N D = 1) has sigma = 0.
 *
 * Rejects an empty matrix and non-finite entries.
 *
 * @example
 * normalizeUfldl(patches) // Right(N x D matrix with entries in [0.1, 0.9])
 */
export const normalizeUfldl = (patches: Matrix): E.Either<InvalidArgumentError, Matrix> =>
  pipe(
    requireFiniteNonEmpty('normalizeUfldl', 'patches', patches),
    E.map((valid) => {
      const centred = subtractRowMeans(valid);
      const sigma = standardDeviation(centred);
      const limit = sigma > roundingLevel(valid) ? UFLDL_CLIP_STANDARD_DEVIATIONS * sigma : 0;
      const { low, high } = UFLDL_RANGE;
      const middle = (low + high) / 2;
      const halfWidth = (high - low) / 2;
      if (limit === 0) return unsafeMatrix(valid.rows, valid.cols, centred.fill(middle));
      for (let i = 0; i < centred.length; i++) {
        const clipped = Math.min(limit, Math.max(-limit, centred[i]));
        // The clamp keeps rounding in the affine map from stepping a hair outside [low, high].
        centred[i] = Math.min(high, Math.max(low, middle + (halfWidth * clipped) / limit));
      }
      return unsafeMatrix(valid.rows, valid.cols, centred);
    }),
  );

/**
 * Returns 4 D EPS max|x|: a bound on the rounding residue that removing a row mean of D values leaves
 * in each entry (the sum of D terms errs by at most about D EPS max|x|).
 */
const roundingLevel = (x: Matrix): number => {
  let largest = 0;
  for (let i = 0; i < x.data.length; i++) largest = Math.max(largest, Math.abs(x.data[i]));
  return 4 * x.cols * Number.EPSILON * largest;
};

/**
 * Returns the sample standard deviation of all values, normalised by (count - 1), or 0 for fewer than two
 * values. Two passes (mean, then squared deviations) avoid the cancellation of the one-pass formula.
 */
const standardDeviation = (values: Float64Array): number => {
  const n = values.length;
  if (n < 2) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    squares += d * d;
  }
  return Math.sqrt(squares / (n - 1));
};
