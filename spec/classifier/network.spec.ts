import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { InvalidArgumentError } from '../../src/linalg/errors.js';
import { type DenseLayer, layerParameterCount, packLayers, viewLayers } from '../../src/classifier/layers.js';
import {
  classProbabilities,
  classificationAccuracy,
  classifierObjective,
  extractFeatures,
  predictClasses,
} from '../../src/classifier/network.js';
import { type Matrix, fromRows, unsafeMatrix } from '../../src/linalg/matrix.js';
import { numericalGradient, relativeGradientError } from '../../src/nn/gradient-check.js';
import { snapshot } from '../support/arbitraries.js';

const EPS = Number.EPSILON;

// -------------------------------------------------------------------------------------------------
// Generator bounds and tolerances
// -------------------------------------------------------------------------------------------------

/** Tiny networks: a gradient check costs 2 P + 1 evaluations, with P <= 5*4 + 4 + 4*4 + 4 + 4*4 + 4 = 64. */
const MAX_INPUTS = 5;
const MAX_HIDDEN = 4;
const MAX_CLASSES = 4;
const MAX_SAMPLES = 5;

/** Weights and data in [-2, 2] keep sigmoid units away from saturation, where gradients vanish. */
const ENTRY_BOUND = 2;

/** Weight decay as used in practice (1e-4 .. 3e-3) and larger, so that its term is visible in the check. */
const LAMBDA_RANGE = { min: 0, max: 1 };

/**
 * Pass mark of ||g - g_numeric|| / (||g|| + ||g_numeric||). Central differences at step cbrt(EPS)
 * are accurate to about EPS^(2/3), roughly 4e-11 relative, so 1e-8 leaves a margin of about 250,
 * while a missing factor or a wrong layer offset gives errors of 1e-2 and more.
 */
const GRADIENT_TOLERANCE = 1e-8;

/**
 * Absolute floor of ||g - g_numeric||: each central difference carries a rounding error of about
 * EPS^(2/3) max(1, |J|), so over P coordinates the noise is up to sqrt(P) times that; the factor 10 is
 * margin. The floor matters only near a stationary point (for example all weights 0 with balanced
 * labels), where both gradients are about 0 and their relative error carries no information.
 */
const noiseFloor = (loss: number, parameterCount: number): number =>
  10 * Math.sqrt(parameterCount) * EPS ** (2 / 3) * Math.max(1, Math.abs(loss));

/** ||a - b||_2 for two vectors of equal length. */
const distance = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum);
};

/**
 * Relative tolerance between the objective and the loop reference: each of at most N K + P terms goes
 * through about D + 2H + K + 10 roundings, far below 1024 roundings of EPS each.
 */
const REFERENCE_TOLERANCE = 1024 * EPS;

// -------------------------------------------------------------------------------------------------
// Generators and reference
// -------------------------------------------------------------------------------------------------

interface Problem {
  readonly sizes: number[];
  readonly lambda: number;
  readonly samples: Matrix;
  readonly labels: number[];
  readonly theta: Float64Array;
}

const values = (count: number) =>
  fc.array(fc.double({ min: -ENTRY_BOUND, max: ENTRY_BOUND, noNaN: true }), { minLength: count, maxLength: count });

/** A classifier problem with `depth` layers (depth - 1 hidden layers). */
const problemOfDepth = (depth: number): fc.Arbitrary<Problem> =>
  fc
    .record({
      inputs: fc.integer({ min: 1, max: MAX_INPUTS }),
      hidden: fc.array(fc.integer({ min: 1, max: MAX_HIDDEN }), { minLength: depth - 1, maxLength: depth - 1 }),
      classes: fc.integer({ min: 2, max: MAX_CLASSES }),
      samples: fc.integer({ min: 1, max: MAX_SAMPLES }),
      lambda: fc.double({ ...LAMBDA_RANGE, noNaN: true }),
    })
    .chain(({ inputs, hidden, classes, samples, lambda }) => {
      const sizes = [inputs, ...hidden, classes];
      return fc.record({
        sizes: fc.constant(sizes),
        lambda: fc.constant(lambda),
        samples: values(samples * inputs).map((v) => unsafeMatrix(samples, inputs, Float64Array.from(v))),
        labels: fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: samples, maxLength: samples }),
        theta: values(layerParameterCount(sizes)).map((v) => Float64Array.from(v)),
      });
    });

/** The argument named by the rejection, or undefined when the call succeeded. */
const rejectedArgument = (result: E.Either<InvalidArgumentError, unknown>): string | undefined =>
  E.isLeft(result) ? result.left.argument : undefined;

const rightOf = <A>(result: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

/** J written sample by sample from the definition, with its magnitude for a rounding tolerance. */
const referenceObjective = (problem: Problem): { loss: number; magnitude: number } => {
  const layers = viewLayers(problem.sizes, problem.theta);
  const { samples, labels, lambda } = problem;
  let loss = 0;
  let magnitude = 0;
  for (let n = 0; n < samples.rows; n++) {
    let a = Array.from(samples.data.subarray(n * samples.cols, (n + 1) * samples.cols));
    layers.forEach((layer, l) => {
      const u = Array.from({ length: layer.W.rows }, (_, j) => {
        let sum = layer.b[j];
        for (let i = 0; i < layer.W.cols; i++) sum += layer.W.data[j * layer.W.cols + i] * a[i];
        return sum;
      });
      a = l === layers.length - 1 ? u : u.map((x) => 1 / (1 + Math.exp(-x)));
    });
    const normaliser = a.reduce((sum, u) => sum + Math.exp(u), 0);
    const term = -Math.log(Math.exp(a[labels[n]]) / normaliser);
    loss += term / samples.rows;
    magnitude += (Math.abs(term) + Math.log(normaliser) + Math.abs(a[labels[n]])) / samples.rows;
  }
  for (const layer of layers) {
    for (const w of layer.W.data) {
      loss += 0.5 * lambda * w * w;
      magnitude += 0.5 * lambda * w * w;
    }
  }
  return { loss, magnitude };
};

// -------------------------------------------------------------------------------------------------
// Objective
// -------------------------------------------------------------------------------------------------

describe('classifierObjective', () => {
  for (const depth of [1, 2, 3]) {
    it(`gradient agrees with central differences at depth ${depth}`, () => {
      fc.assert(
        fc.property(problemOfDepth(depth), (problem) => {
          const objective = rightOf(classifierObjective(problem.sizes, problem.lambda, problem.samples, problem.labels));
          const { loss, gradient } = objective(problem.theta);
          const numeric = numericalGradient((theta) => objective(theta).loss, problem.theta);
          if (distance(gradient, numeric) > noiseFloor(loss, numeric.length)) {
            expect(relativeGradientError(gradient, numeric)).toBeLessThan(GRADIENT_TOLERANCE);
          }
        }),
        { numRuns: 25 },
      );
    });
  }

  it('loss matches the definition', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }).chain(problemOfDepth), (problem) => {
        const objective = rightOf(classifierObjective(problem.sizes, problem.lambda, problem.samples, problem.labels));
        const value = objective(problem.theta);
        const reference = referenceObjective(problem);
        expect(Math.abs(value.loss - reference.loss)).toBeLessThanOrEqual(REFERENCE_TOLERANCE * reference.magnitude);
        expect(value.loss).toBe(value.crossEntropy + value.weightDecayLoss);
      }),
      { numRuns: 50 },
    );
  });

  it('does not write into its inputs', () => {
    fc.assert(
      fc.property(problemOfDepth(3), (problem) => {
        const samplesBefore = snapshot(problem.samples);
        const thetaBefore = problem.theta.slice();
        const labelsBefore = [...problem.labels];
        rightOf(classifierObjective(problem.sizes, problem.lambda, problem.samples, problem.labels))(problem.theta);
        expect(problem.samples.data).toEqual(samplesBefore);
        expect(problem.theta).toEqual(thetaBefore);
        expect(problem.labels).toEqual(labelsBefore);
      }),
      { numRuns: 10 },
    );
  });

  it('rejects invalid arguments naming them', () => {
    const samples = rightOf(fromRows([[0, 1], [1, 0]]));
    const cases: ReadonlyArray<[E.Either<InvalidArgumentError, unknown>, string]> = [
      [classifierObjective([2, 3, 1], 0, samples, [0, 0]), 'sizes[2]'],
      [classifierObjective([2, 3], -1, samples, [0, 0]), 'lambda'],
      [classifierObjective([3, 3], 0, samples, [0, 0]), 'samples'],
      [classifierObjective([2, 3], 0, samples, [0, 3]), 'labels[1]'],
      [classifierObjective([2, 3], 0, samples, [0]), 'labels.length'],
    ];
    for (const [result, argument] of cases) expect(rejectedArgument(result)).toBe(argument);
  });
});

// -------------------------------------------------------------------------------------------------
// Prediction and features
// -------------------------------------------------------------------------------------------------

/** A one-layer classifier whose logits are the inputs themselves: class k wins when x_k is largest. */
const identityClassifier: DenseLayer[] = [
  { W: unsafeMatrix(3, 3, Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1)), b: new Float64Array(3) },
];

describe('prediction', () => {
  const samples = rightOf(fromRows([[3, 1, 0], [0, 0, 2], [0, 5, 1], [1, 1, 1]]));

  it('predicts the class of the largest logit, the first on ties', () => {
    expect(Array.from(rightOf(predictClasses(identityClassifier, samples)))).toEqual([0, 2, 1, 0]);
  });

  it('accuracy is the fraction of correct predictions', () => {
    expect(rightOf(classificationAccuracy(identityClassifier, samples, [0, 2, 0, 0]))).toBe(0.75);
  });

  it('probabilities of every sample sum to one', () => {
    const p = rightOf(classProbabilities(identityClassifier, samples));
    for (let n = 0; n < p.rows; n++) {
      const sum = p.data[3 * n] + p.data[3 * n + 1] + p.data[3 * n + 2];
      // Three quotients with a few EPS of relative error each.
      expect(Math.abs(sum - 1)).toBeLessThanOrEqual(16 * EPS);
    }
  });

  it('accuracy rejects labels outside the classes', () => {
    const result = classificationAccuracy(identityClassifier, samples, [0, 1, 2, 3]);
    expect(rejectedArgument(result)).toBe('labels[3]');
  });

  it('rejects samples of the wrong width', () => {
    const result = predictClasses(identityClassifier, rightOf(fromRows([[1, 2]])));
    expect(rejectedArgument(result)).toBe('samples');
  });
});

describe('extractFeatures', () => {
  it('applies the sigmoid encoders in order', () => {
    const stack: DenseLayer[] = [
      { W: unsafeMatrix(2, 2, Float64Array.of(1, 0, 0, -1)), b: Float64Array.of(0, 1) },
      { W: unsafeMatrix(1, 2, Float64Array.of(2, 3)), b: Float64Array.of(-1) },
    ];
    const x = rightOf(fromRows([[0.5, 2]]));
    const s = (u: number) => 1 / (1 + Math.exp(-u));
    const expected = s(2 * s(0.5) + 3 * s(-2 + 1) - 1);
    const features = rightOf(extractFeatures(stack, x));
    expect(features.rows).toBe(1);
    expect(features.cols).toBe(1);
    // A few roundings of numbers of order 1.
    expect(Math.abs(features.data[0] - expected)).toBeLessThanOrEqual(16 * EPS);
  });

  it('rejects encoders that do not chain', () => {
    const stack: DenseLayer[] = [
      { W: unsafeMatrix(2, 2, new Float64Array(4)), b: new Float64Array(2) },
      { W: unsafeMatrix(1, 3, new Float64Array(3)), b: new Float64Array(1) },
    ];
    const result = extractFeatures(stack, rightOf(fromRows([[0, 0]])));
    expect(rejectedArgument(result)).toBe('stack[1].W');
  });

  it('does not write into its inputs', () => {
    const stack = identityClassifier;
    const x = rightOf(fromRows([[1, 2, 3]]));
    const before = snapshot(x);
    const weightsBefore = packLayers(stack);
    extractFeatures(stack, x);
    expect(x.data).toEqual(before);
    expect(packLayers(stack)).toEqual(weightsBefore);
  });
});
