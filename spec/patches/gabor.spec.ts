import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { unsafeMatrix } from '../../src/linalg/matrix.js';
import {
  DEFAULT_GABOR_BANK,
  type GaborBank,
  bestGaborCorrelations,
  gaborBank,
  gaborFunction,
  meanBestGaborCorrelation,
  noiseCorrelationBound,
} from '../../src/patches/gabor.js';
import { normals, rngFromSeed } from '../../src/random/rng.js';
import { right } from '../support/either.js';

const message = <A>(result: E.Either<{ readonly message: string }, A>): string =>
  E.isLeft(result) ? result.left.message : 'no error';

const bank: GaborBank = right(gaborBank(DEFAULT_GABOR_BANK));
const pixels = bank.members.cols;
const memberCount = bank.members.rows;

/**
 * Tolerance on a correlation of 1: centring, normalising and the dot product each sum 64 terms, so the
 * result is off by at most a few 64 EPS.
 */
const UNIT_TOLERANCE = 8 * pixels * Number.EPSILON;

describe('gaborBank', () => {
  it('has one member per combination of its settings', () => {
    const { orientations, wavelengths, phases, centreOffsets } = DEFAULT_GABOR_BANK;
    const expected = orientations * wavelengths.length * phases * centreOffsets.length ** 2;

    expect(memberCount).toBe(expected);
    expect(bank.parameters).toHaveLength(expected);
    expect(pixels).toBe(DEFAULT_GABOR_BANK.size ** 2);
  });

  it('members have mean 0 and norm 1', () => {
    for (let m = 0; m < memberCount; m++) {
      const row = bank.members.data.subarray(m * pixels, (m + 1) * pixels);
      let sum = 0;
      let squares = 0;
      for (const v of row) {
        sum += v;
        squares += v * v;
      }
      expect(Math.abs(sum)).toBeLessThanOrEqual(UNIT_TOLERANCE);
      expect(Math.abs(squares - 1)).toBeLessThanOrEqual(UNIT_TOLERANCE);
    }
  });

  it('rejects settings out of range', () => {
    const cases: [string, E.Either<{ readonly message: string }, unknown>][] = [
      ['settings.size', gaborBank({ ...DEFAULT_GABOR_BANK, size: 1 })],
      ['settings.orientations', gaborBank({ ...DEFAULT_GABOR_BANK, orientations: 0 })],
      ['settings.phases', gaborBank({ ...DEFAULT_GABOR_BANK, phases: 1.5 })],
      ['settings.wavelengths', gaborBank({ ...DEFAULT_GABOR_BANK, wavelengths: [] })],
      ['settings.wavelengths[1]', gaborBank({ ...DEFAULT_GABOR_BANK, wavelengths: [3, 1] })],
      ['settings.centreOffsets', gaborBank({ ...DEFAULT_GABOR_BANK, centreOffsets: [] })],
      ['settings.envelopeWidth', gaborBank({ ...DEFAULT_GABOR_BANK, envelopeWidth: 0 })],
      ['settings.aspectRatio', gaborBank({ ...DEFAULT_GABOR_BANK, aspectRatio: Number.NaN })],
      // An envelope centred 1000 pixels away underflows to 0 on the whole grid.
      ['member 0', gaborBank({ ...DEFAULT_GABOR_BANK, centreOffsets: [1000] })],
    ];
    for (const [argument, result] of cases) expect(message(result)).toContain(argument);
  });
});

describe('gaborFunction', () => {
  it('peaks at 1 at the centre of an even member', () => {
    const values = gaborFunction(5, {
      orientation: 0.3,
      wavelength: 4,
      phase: 0,
      centreX: 2,
      centreY: 2,
      sigma: 2,
      aspectRatio: 0.5,
    });
    // exp(0) cos(0) at pixel (2, 2).
    expect(values[2 * 5 + 2]).toBe(1);
  });
});

describe('bestGaborCorrelations', () => {
  it('is 1 for any non-constant affine copy of a member', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: memberCount - 1 }),
        // Scales from 1e-3 to 1e3 with either sign, and offsets as large as the filter itself.
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.boolean(),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        (member, magnitude, negative, offset) => {
          const scale = negative ? -magnitude : magnitude;
          const filter = new Float64Array(pixels);
          for (let i = 0; i < pixels; i++) filter[i] = scale * bank.members.data[member * pixels + i] + offset;

          const match = right(bestGaborCorrelations(bank, unsafeMatrix(1, pixels, filter)));

          // The offset is up to 1e6 times the filter's spread, and removing it loses that many EPS of the
          // spread: the tolerance grows with |offset| / |scale|.
          const tolerance = UNIT_TOLERANCE * (1 + Math.abs(offset / scale));
          expect(Math.abs(match.correlations[0] - 1)).toBeLessThanOrEqual(tolerance);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('stays below the sub-Gaussian bound for noise', () => {
    // The mean over K = 200 noise filters of the best correlation has expectation at most the bound
    // (about 0.52 for this bank). The best correlation is a 1-Lipschitz function on the unit sphere of
    // the 63-dimensional space of zero-mean filters. By concentration of measure, the mean of K copies
    // exceeds its expectation by 0.05 with probability of order exp(-K 61 0.05^2 / 2), about 2e-7.
    const bound = noiseCorrelationBound(memberCount, DEFAULT_GABOR_BANK.size);
    expect(bound).toBeGreaterThan(0.5);
    expect(bound).toBeLessThan(0.55);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const count = 200;
        const [noise] = normals(rngFromSeed(seed), count * pixels);
        const mean = right(meanBestGaborCorrelation(bank, unsafeMatrix(count, pixels, noise)));

        expect(mean).toBeLessThan(bound + 0.05);
      }),
      { numRuns: 20 },
    );
  });

  it('gives 0 for a constant filter', () => {
    const match = right(bestGaborCorrelations(bank, unsafeMatrix(1, pixels, new Float64Array(pixels).fill(3))));
    expect(match.correlations[0]).toBe(0);
  });

  it('rejects filters of the wrong width or with non-finite entries', () => {
    expect(message(bestGaborCorrelations(bank, unsafeMatrix(1, 63, new Float64Array(63))))).toContain('64 columns');
    const bad = new Float64Array(pixels);
    bad[5] = Number.NaN;
    expect(message(bestGaborCorrelations(bank, unsafeMatrix(1, pixels, bad)))).toContain('filters[0, 5]');
  });
});
