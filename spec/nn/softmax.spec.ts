import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { InvalidArgumentError } from '../../src/linalg/errors.js';
import { type Matrix, fromRows, unsafeMatrix } from '../../src/linalg/matrix.js';
import { numericalGradient, relativeGradientError } from '../../src/nn/gradient-check.js';
import { logSumExp, softmax, softmaxCrossEntropy, validateLabels } from '../../src/nn/softmax.js';
import { snapshot } from '../support/arbitraries.js';

const EPS = Number.EPSILON;

// -------------------------------------------------------------------------------------------------
// Generator bounds and tolerances
// -------------------------------------------------------------------------------------------------

/** Batches of 1-5 samples over 2-6 classes: every code path (several rows, several classes) at tiny cost. */
const MAX_SAMPLES = 5;
const MIN_CLASSES = 2;
const MAX_CLASSES = 6;

/**
 * Logits in [-30, 30]: the naive formula e^u / sum e^u is still accurate there (no overflow, and the
 * smallest probability e^-60 is far above the subnormal range), so it can serve as the reference.
 */
const MODERATE_LOGIT = 30;

/** Logits up to this size exercise the shift by the row maximum; e^1000 would overflow without it. */
const LARGE_LOGIT = 1000;

/**
 * A softmax row is K quotients e_k / s, each with relative error a few EPS, so the row sum is within
 * about 4 K EPS of 1.
 */
const rowSumTolerance = (classCount: number): number => 4 * classCount * EPS;

/**
 * Pass mark of the relative gradient error. Central differences at step cbrt(EPS) are accurate to about
 * EPS^(2/3), roughly 4e-11 relative, so 1e-8 leaves a margin of about 250, while a wrong delta (for
 * example a missing 1/N) gives errors of 0.1 and more.
 */
const GRADIENT_TOLERANCE = 1e-8;

// -------------------------------------------------------------------------------------------------
// Generators
// -------------------------------------------------------------------------------------------------

interface Batch {
  readonly logits: Matrix;
  readonly labels: number[];
}

const batchOf = (bound: number): fc.Arbitrary<Batch> =>
  fc
    .tuple(fc.integer({ min: 1, max: MAX_SAMPLES }), fc.integer({ min: MIN_CLASSES, max: MAX_CLASSES }))
    .chain(([rows, cols]) =>
      fc.record({
        logits: fc
          .array(fc.double({ min: -bound, max: bound, noNaN: true }), { minLength: rows * cols, maxLength: rows * cols })
          .map((values) => unsafeMatrix(rows, cols, Float64Array.from(values))),
        labels: fc.array(fc.integer({ min: 0, max: cols - 1 }), { minLength: rows, maxLength: rows }),
      }),
    );

/** The argument named by the rejection, or undefined when the call succeeded. */
const rejectedArgument = (result: E.Either<InvalidArgumentError, unknown>): string | undefined =>
  E.isLeft(result) ? result.left.argument : undefined;

const rightOf = <A>(result: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

/** -log(e^{u_y} / sum_k e^{u_k}) written from the definition, for moderate logits only. */
const naiveCrossEntropy = (row: ArrayLike<number>, label: number): number => {
  let sum = 0;
  for (let k = 0; k < row.length; k++) sum += Math.exp(row[k]);
  return -Math.log(Math.exp(row[label]) / sum);
};

// -------------------------------------------------------------------------------------------------
// Properties
// -------------------------------------------------------------------------------------------------

describe('logSumExp', () => {
  it('is exact for equal large entries', () => {
    // log(2 e^1000) = 1000 + ln 2; the shift makes both terms exactly 1.
    expect(logSumExp([1000, 1000])).toBe(1000 + Math.LN2);
  });

  it('is -Infinity for no entries', () => {
    expect(logSumExp([])).toBe(-Infinity);
  });
});

describe('softmax', () => {
  it('rows sum to one', () => {
    fc.assert(
      fc.property(batchOf(LARGE_LOGIT), ({ logits }) => {
        const p = rightOf(softmax(logits));
        for (let n = 0; n < p.rows; n++) {
          let sum = 0;
          for (let k = 0; k < p.cols; k++) sum += p.data[n * p.cols + k];
          expect(Math.abs(sum - 1)).toBeLessThanOrEqual(rowSumTolerance(p.cols));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('is invariant to a shift of every logit in a row', () => {
    fc.assert(
      fc.property(batchOf(MODERATE_LOGIT), fc.double({ min: -100, max: 100, noNaN: true }), ({ logits }, shift) => {
        const shifted = unsafeMatrix(logits.rows, logits.cols, logits.data.map((u) => u + shift));
        const p = rightOf(softmax(logits)).data;
        const q = rightOf(softmax(shifted)).data;
        for (let i = 0; i < p.length; i++) {
          // Each shifted logit (|u + shift| <= 130) is rounded by up to 65 EPS, so a difference of two logits
          // moves by up to 130 EPS. That changes the numerator and the sum of p by up to 130 EPS relative each.
          expect(Math.abs(p[i] - q[i])).toBeLessThanOrEqual(512 * EPS * Math.max(p[i], q[i]));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('does not write into its input', () => {
    const logits = rightOf(fromRows([[1, 2, 3]]));
    const before = snapshot(logits);
    softmax(logits);
    expect(logits.data).toEqual(before);
  });

  it('rejects a NaN logit naming its entry', () => {
    const result = softmax(unsafeMatrix(1, 2, Float64Array.of(0, Number.NaN)));
    expect(rejectedArgument(result)).toBe('logits[0, 1]');
  });
});

describe('softmaxCrossEntropy', () => {
  it('matches the definition for moderate logits', () => {
    fc.assert(
      fc.property(batchOf(MODERATE_LOGIT), ({ logits, labels }) => {
        const { loss } = rightOf(softmaxCrossEntropy(logits, labels));
        let expected = 0;
        let magnitude = 0;
        for (let n = 0; n < logits.rows; n++) {
          const row = logits.data.subarray(n * logits.cols, (n + 1) * logits.cols);
          const term = naiveCrossEntropy(row, labels[n]);
          expected += term / logits.rows;
          magnitude += (Math.abs(term) + 2 * MODERATE_LOGIT) / logits.rows;
        }
        // Both forms add terms of size up to 2 * MODERATE_LOGIT; their rounding is a few EPS of that.
        expect(Math.abs(loss - expected)).toBeLessThanOrEqual(64 * EPS * magnitude);
      }),
      { numRuns: 100 },
    );
  });

  it('gradient is softmax minus one-hot over N', () => {
    fc.assert(
      fc.property(batchOf(LARGE_LOGIT), ({ logits, labels }) => {
        const { gradient } = rightOf(softmaxCrossEntropy(logits, labels));
        const p = rightOf(softmax(logits));
        const n = logits.rows;
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < logits.cols; k++) {
            const expected = (p.data[i * logits.cols + k] - (k === labels[i] ? 1 : 0)) / n;
            // Same operations in a different order: a few EPS of the entry's scale 1/N.
            expect(Math.abs(gradient.data[i * logits.cols + k] - expected)).toBeLessThanOrEqual((8 * EPS) / n);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('gradient agrees with central differences', () => {
    fc.assert(
      fc.property(batchOf(5), ({ logits, labels }) => {
        const { gradient } = rightOf(softmaxCrossEntropy(logits, labels));
        const numeric = numericalGradient(
          (values) => rightOf(softmaxCrossEntropy(unsafeMatrix(logits.rows, logits.cols, values), labels)).loss,
          logits.data,
        );
        expect(relativeGradientError(gradient.data, numeric)).toBeLessThan(GRADIENT_TOLERANCE);
      }),
      { numRuns: 50 },
    );
  });

  it('is finite at logits of plus and minus 1000', () => {
    const logits = rightOf(fromRows([[LARGE_LOGIT, -LARGE_LOGIT], [-LARGE_LOGIT, LARGE_LOGIT]]));
    const { loss, gradient } = rightOf(softmaxCrossEntropy(logits, [1, 1]));

    // Row 0 puts all mass on the wrong class: -log p = 2000. Row 1 is certain and right: 0.
    expect(loss).toBe(1000);
    expect(Array.from(gradient.data)).toEqual([0.5, -0.5, 0, 0]);
  });

  it('rejects labels outside the classes naming the entry', () => {
    const logits = rightOf(fromRows([[0, 0], [0, 0]]));
    for (const [labels, argument] of [
      [[0, 2], 'labels[1]'],
      [[-1, 0], 'labels[0]'],
      [[0.5, 0], 'labels[0]'],
      [[0], 'labels.length'],
    ] as const) {
      const result = softmaxCrossEntropy(logits, labels);
      expect(rejectedArgument(result)).toBe(argument);
    }
  });

  it('validateLabels accepts a Uint8Array of valid classes', () => {
    expect(E.isRight(validateLabels('f', 'labels', Uint8Array.of(0, 9, 3), 3, 10))).toBe(true);
  });
});
