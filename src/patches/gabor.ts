/**
 * A bank of oriented Gabor functions and a measure of how edge-like a learned filter is: its best
 * absolute correlation with a member of the bank.
 *
 * Gabor functions (a plane wave under a Gaussian envelope) are the standard model of the receptive
 * fields of simple cells in the primary visual cortex, and of the localised, oriented edge detectors a
 * sparse autoencoder learns from natural image patches. On an s x s grid, with pixel (x, y) at column x,
 * row y, the member with orientation theta, wavelength lambda, phase phi and centre (cx, cy) is
 *
 *   g(x, y) = exp(-(u^2 + gamma^2 v^2) / (2 sigma^2)) cos(2 pi u / lambda + phi),
 *   u = (x - cx) cos theta + (y - cy) sin theta,   v = -(x - cx) sin theta + (y - cy) cos theta,
 *
 * so theta is the direction across the stripes, sigma = envelopeWidth * lambda sets the size of the
 * envelope and gamma < 1 stretches it along the stripes. Each member is stored with its mean removed
 * and scaled to unit Euclidean norm.
 *
 * The correlation of a filter w with a member g is the Pearson correlation of their s^2 values,
 * <w - mean(w), g> / ||w - mean(w)||, which ignores the filter's scale, sign and offset. It is 1 exactly
 * when w is an increasing affine function of g.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, requireFiniteNonEmpty, requireShape, unsafeMatrix } from '../linalg/matrix.js';
import { multiplyTransposeB } from '../linalg/products.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** The parameters of one Gabor function on an s x s grid (angles in radians, lengths in pixels). */
export interface GaborParameters {
  /** theta, the direction across the stripes, in [0, pi). */
  readonly orientation: number;
  /** lambda, the period of the wave. */
  readonly wavelength: number;
  /** phi: 0 gives a bar (even, symmetric about the centre line), pi/2 an edge (odd). */
  readonly phase: number;
  /** cx, the column of the envelope's centre (need not be a whole pixel). */
  readonly centreX: number;
  /** cy, the row of the envelope's centre. */
  readonly centreY: number;
  /** sigma, the standard deviation of the envelope across the stripes. */
  readonly sigma: number;
  /** gamma, the envelope's ratio of widths across and along the stripes (1 is circular). */
  readonly aspectRatio: number;
}

/** The layout of a bank: one member per combination of the listed orientations, wavelengths, phases and centres. */
export interface GaborBankSettings {
  /** Side s of the square filters, an integer >= 2. */
  readonly size: number;
  /** Number of orientations, evenly spaced over [0, pi): theta_k = k pi / orientations. */
  readonly orientations: number;
  /** Wavelengths lambda in pixels, each finite and >= 2 (the shortest period a pixel grid can show). */
  readonly wavelengths: readonly number[];
  /**
   * Number of phases, evenly spaced over [0, pi): phi_k = k pi / phases. Phases in [pi, 2 pi) only flip
   * the sign, which the absolute correlation ignores.
   */
  readonly phases: number;
  /** Offsets of the centre from the middle of the grid, (s - 1) / 2, used for both cx and cy. */
  readonly centreOffsets: readonly number[];
  /** sigma / lambda, a positive number. 0.56 gives a bandwidth of one octave. */
  readonly envelopeWidth: number;
  /** gamma, a positive number. */
  readonly aspectRatio: number;
}

/** The members of a bank, ready for correlation. */
export interface GaborBank {
  /** Side s of every member. */
  readonly size: number;
  /** M x (s s) matrix: member m in row m, mean 0 and norm 1, pixels in row-major order. */
  readonly members: Matrix;
  /** The parameters of each member, in row order (length M). */
  readonly parameters: readonly GaborParameters[];
}

/** The best match in the bank of every filter. */
export interface GaborMatch {
  /** max over members of |correlation| for each filter, in [0, 1] up to rounding (length K). */
  readonly correlations: Float64Array;
  /** Row of the best-matching member for each filter (length K). */
  readonly bestMembers: Uint32Array;
}

/**
 * A bank for 8 x 8 filters: 8 orientations (22.5 degrees apart), wavelengths of 3, 5 and 8 pixels,
 * 4 phases, and centres on the 5 x 5 grid within 2 pixels of the middle, 2,400 members in all. A
 * filter that is itself a Gabor function with these envelope settings is then at most 11.25 degrees,
 * pi/8 in phase and half a pixel away from a member.
 */
export const DEFAULT_GABOR_BANK: GaborBankSettings = {
  size: 8,
  orientations: 8,
  wavelengths: [3, 5, 8],
  phases: 4,
  centreOffsets: [-2, -1, 0, 1, 2],
  envelopeWidth: 0.56,
  aspectRatio: 0.5,
};

// -------------------------------------------------------------------------------------------------
// Members
// -------------------------------------------------------------------------------------------------

/**
 * Evaluates one Gabor function on an s x s grid and returns its s^2 values in row-major order, neither
 * centred nor normalised. `size` must be a positive integer (not checked).
 */
export const gaborFunction = (size: number, parameters: GaborParameters): Float64Array => {
  const { orientation, wavelength, phase, centreX, centreY, sigma, aspectRatio } = parameters;
  const cos = Math.cos(orientation);
  const sin = Math.sin(orientation);
  const out = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x - centreX;
      const dy = y - centreY;
      const u = dx * cos + dy * sin;
      const v = -dx * sin + dy * cos;
      const envelope = Math.exp(-(u * u + aspectRatio * aspectRatio * v * v) / (2 * sigma * sigma));
      out[y * size + x] = envelope * Math.cos((2 * Math.PI * u) / wavelength + phase);
    }
  }
  return out;
};

/**
 * Removes the mean of `values` in place and scales them to unit norm. Returns the norm before scaling;
 * when it is 0 the values are left at 0.
 */
const centreAndNormalizeInPlace = (values: Float64Array): number => {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    values[i] -= mean;
    squares += values[i] * values[i];
  }
  const norm = Math.sqrt(squares);
  if (norm > 0) for (let i = 0; i < values.length; i++) values[i] /= norm;
  return norm;
};

const isPositiveInteger = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

const validateBankSettings = (settings: GaborBankSettings): E.Either<InvalidArgumentError, GaborBankSettings> => {
  const reject = (argument: string, value: unknown, expected: string) =>
    E.left(invalidArgument('gaborBank', `settings.${argument}`, value, expected));
  if (!(isPositiveInteger(settings.size) && settings.size >= 2)) return reject('size', settings.size, 'an integer >= 2');
  if (!isPositiveInteger(settings.orientations)) return reject('orientations', settings.orientations, 'a positive integer');
  if (!isPositiveInteger(settings.phases)) return reject('phases', settings.phases, 'a positive integer');
  if (settings.wavelengths.length === 0) return reject('wavelengths', 'an empty list', 'at least one wavelength');
  const badWavelength = settings.wavelengths.findIndex((w) => !(Number.isFinite(w) && w >= 2));
  if (badWavelength >= 0) {
    return reject(`wavelengths[${badWavelength}]`, settings.wavelengths[badWavelength], 'a finite number >= 2 (pixels)');
  }
  if (settings.centreOffsets.length === 0) return reject('centreOffsets', 'an empty list', 'at least one offset');
  const badOffset = settings.centreOffsets.findIndex((c) => !Number.isFinite(c));
  if (badOffset >= 0) return reject(`centreOffsets[${badOffset}]`, settings.centreOffsets[badOffset], 'a finite number');
  if (!(Number.isFinite(settings.envelopeWidth) && settings.envelopeWidth > 0)) {
    return reject('envelopeWidth', settings.envelopeWidth, 'a finite number > 0');
  }
  if (!(Number.isFinite(settings.aspectRatio) && settings.aspectRatio > 0)) {
    return reject('aspectRatio', settings.aspectRatio, 'a finite number > 0');
  }
  return E.right(settings);
};

/** Lists the parameters of every member, orientation outermost, then wavelength, phase, row and column of the centre. */
const bankParameters = (settings: GaborBankSettings): GaborParameters[] => {
  const middle = (settings.size - 1) / 2;
  const out: GaborParameters[] = [];
  for (let k = 0; k < settings.orientations; k++) {
    for (const wavelength of settings.wavelengths) {
      for (let p = 0; p < settings.phases; p++) {
        for (const offsetY of settings.centreOffsets) {
          for (const offsetX of settings.centreOffsets) {
            out.push({
              orientation: (k * Math.PI) / settings.orientations,
              wavelength,
              phase: (p * Math.PI) / settings.phases,
              centreX: middle + offsetX,
              centreY: middle + offsetY,
              sigma: settings.envelopeWidth * wavelength,
              aspectRatio: settings.aspectRatio,
            });
          }
        }
      }
    }
  }
  return out;
};

/**
 * Builds the bank: one member per combination of orientation, wavelength, phase and centre, each with
 * its mean removed and scaled to unit norm.
 *
 * Errors: an `InvalidArgumentError` for a setting out of range (see {@link GaborBankSettings}), or for a
 * member that is constant on the grid and so has no direction to correlate with (an envelope centred
 * far outside the grid can underflow to 0 everywhere).
 *
 * @example
 * gaborBank(DEFAULT_GABOR_BANK) // Right({ size: 8, members: 2400 x 64 matrix, parameters })
 */
export const gaborBank = (settings: GaborBankSettings): E.Either<InvalidArgumentError, GaborBank> =>
  pipe(
    validateBankSettings(settings),
    E.chain((valid) => {
      const parameters = bankParameters(valid);
      const pixels = valid.size * valid.size;
      const data = new Float64Array(parameters.length * pixels);
      for (let m = 0; m < parameters.length; m++) {
        const values = gaborFunction(valid.size, parameters[m]);
        if (!(centreAndNormalizeInPlace(values) > 0)) {
          const { orientation, wavelength, phase, centreX, centreY } = parameters[m];
          return E.left(
            invalidArgument(
              'gaborBank',
              `member ${m}`,
              `theta ${orientation}, lambda ${wavelength}, phi ${phase}, centre (${centreX}, ${centreY})`,
              `a Gabor function that is not constant on the ${valid.size} x ${valid.size} grid`,
            ),
          );
        }
        data.set(values, m * pixels);
      }
      return E.right({ size: valid.size, members: unsafeMatrix(parameters.length, pixels, data), parameters });
    }),
  );

/**
 * Returns sqrt(2 ln(2 M) / (s^2 - 1)), an upper bound on the expected best absolute correlation between
 * a bank of M members on an s x s grid and a filter of independent Gaussian noise.
 *
 * Why: once its mean is removed and it is normalised, such a filter is uniform on the unit sphere of
 * the (s^2 - 1)-dimensional space of zero-mean patches, where every member lies. Its correlation with
 * a fixed unit vector of that space is then sub-Gaussian with variance proxy 1 / (s^2 - 1). The expected
 * maximum of 2 M such variables (each member and its negative) is at most sqrt(2 ln(2 M) * proxy). For
 * the default bank (M = 2400, s = 8) the bound is about 0.52.
 */
export const noiseCorrelationBound = (memberCount: number, size: number): number =>
  Math.sqrt((2 * Math.log(2 * memberCount)) / (size * size - 1));

// -------------------------------------------------------------------------------------------------
// Correlation with the bank
// -------------------------------------------------------------------------------------------------

/**
 * Finds, for each filter (row of a K x s^2 matrix, pixels in row-major order), the bank member with the
 * largest absolute correlation, and that correlation. A constant filter has correlation 0 with every
 * member and reports member 0.
 *
 * Errors: an `InvalidArgumentError` for an empty matrix, a non-finite entry, or a width other than s^2.
 *
 * @example
 * bestGaborCorrelations(bank, weights) // Right({ correlations: [0.93, 0.88, ...], bestMembers: [...] })
 */
export const bestGaborCorrelations = (
  bank: GaborBank,
  filters: Matrix,
): E.Either<InvalidArgumentError, GaborMatch> =>
  pipe(
    requireFiniteNonEmpty('bestGaborCorrelations', 'filters', filters),
    E.chain((valid) => requireShape('bestGaborCorrelations', 'filters', valid, undefined, bank.members.cols)),
    E.map((valid) => {
      const normalized = Float64Array.from(valid.data);
      const d = valid.cols;
      for (let k = 0; k < valid.rows; k++) centreAndNormalizeInPlace(normalized.subarray(k * d, (k + 1) * d));
      // Every row of the K x M product is one filter's correlation with every member.
      const products = multiplyTransposeB(unsafeMatrix(valid.rows, d, normalized), bank.members);
      const m = bank.members.rows;
      const correlations = new Float64Array(valid.rows);
      const bestMembers = new Uint32Array(valid.rows);
      for (let k = 0; k < valid.rows; k++) {
        for (let j = 0; j < m; j++) {
          const value = Math.abs(products.data[k * m + j]);
          if (value > correlations[k]) {
            correlations[k] = value;
            bestMembers[k] = j;
          }
        }
      }
      return { correlations, bestMembers };
    }),
  );

/**
 * Computes the edge-likeness of a set of filters: the mean over the K filters of each one's best
 * absolute correlation with the bank, a number in [0, 1]. Errors as {@link bestGaborCorrelations}.
 */
export const meanBestGaborCorrelation = (bank: GaborBank, filters: Matrix): E.Either<InvalidArgumentError, number> =>
  pipe(
    bestGaborCorrelations(bank, filters),
    E.map(({ correlations }) => correlations.reduce((sum, value) => sum + value, 0) / correlations.length),
  );
