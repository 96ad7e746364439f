import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  decodeDeep,
  deepAutoencoderObjective,
  deepReconstructionError,
  encodeDeep,
  evaluateDeepObjective,
  evaluateDeepObjectiveWithTarget,
  reconstructDeep,
} from '../../src/autoencoder/deep.js';
import {
  type DeepAutoencoderConfig,
  type DeepAutoencoderParams,
  deepParameterCount,
  layerShapes,
  viewDeepParams,
} from '../../src/autoencoder/deep-params.js';
import { evaluateObjective } from '../../src/autoencoder/objective.js';
import type { AutoencoderConfig } from '../../src/autoencoder/params.js';
import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import type { ActivationName } from '../../src/nn/activation.js';
import { numericalGradient, relativeGradientError } from '../../src/nn/gradient-check.js';
import type { LossName } from '../../src/nn/loss.js';
import { snapshot, worstDifference } from '../support/arbitraries.js';
import { referenceActivation } from '../support/reference.js';

const EPS = Number.EPSILON;

// -------------------------------------------------------------------------------------------------
// Generator bounds and tolerances
// -------------------------------------------------------------------------------------------------

/** Depths 1 to 3 encoding layers: 2 to 6 dense layers, every path through the backward loop. */
const MAX_DEPTH = 3;

/** Tiny layers: at most 2 * 3 * (6 * 6 + 6) = 252 parameters, so each gradient check stays fast. */
const MIN_SIZE = 1;
const MAX_SIZE = 6;
const MAX_SAMPLES = 4;

/** Weights and biases of magnitude at most 1, and data in [0, 1], keep sigmoid and tanh units out of saturation. */
const ENTRY_BOUND = 1;

/**
 * Weights and biases of magnitude at least 0.1. With parameters near 0 (fast-check favours tiny and
 * subnormal doubles) the gradient all but vanishes, and the relative error of any central difference
 * grows as 1 / ||gradient||; spec/regressions/deep-autoencoder-vanishing-gradient.spec.ts keeps such a case.
 */
const MIN_MAGNITUDE = 0.1;

/** Weight decay from none to strong. */
const MAX_LAMBDA = 1;

/**
 * Pass mark of ||g - g_numeric|| / (||g|| + ||g_numeric||). Central differences at step cbrt(EPS) are
 * accurate to about EPS^(2/3), roughly 4e-11 relative, so 1e-8 leaves a margin of about 250, while a
 * missing layer term or factor gives errors of 1e-3 and more.
 */
const GRADIENT_TOLERANCE = 1e-8;

/**
 * Relative tolerance between the objective and the loop reference. Each of the N D loss terms goes
 * through at most 2k layers of at most 7 roundings per unit plus the summation, well below 1024
 * roundings, on values no larger than the summed magnitudes.
 */
const REFERENCE_TOLERANCE = 1024 * EPS;

const HIDDEN_ACTIVATIONS: readonly ActivationName[] = ['sigmoid', 'tanh'];
const CODE_ACTIVATIONS: readonly ActivationName[] = ['identity', 'sigmoid', 'tanh'];
const OUTPUT_PAIRS: ReadonlyArray<readonly [ActivationName, LossName]> = [
  ['sigmoid', 'cross-entropy'],
  ['identity', 'squared-error'],
  ['sigmoid', 'squared-error'],
];

// -------------------------------------------------------------------------------------------------
// Generators
// -------------------------------------------------------------------------------------------------

interface Problem {
  readonly config: DeepAutoencoderConfig;
  readonly lambda: number;
  readonly input: Matrix;
  readonly target: Matrix;
  readonly theta: Float64Array;
}

const values = (count: number, min: number, max: number): fc.Arbitrary<Float64Array> =>
  fc
    .array(fc.double({ min, max, noNaN: true }), { minLength: count, maxLength: count })
    .map((entries) => Float64Array.from(entries));

/** Parameters with magnitudes in [MIN_MAGNITUDE, ENTRY_BOUND] and either sign. */
const parameters = (count: number): fc.Arbitrary<Float64Array> =>
  fc
    .array(fc.tuple(fc.double({ min: MIN_MAGNITUDE, max: ENTRY_BOUND, noNaN: true }), fc.boolean()), {
      minLength: count,
      maxLength: count,
    })
    .map((entries) => Float64Array.from(entries, ([magnitude, negative]) => (negative ? -magnitude : magnitude)));

const configs: fc.Arbitrary<DeepAutoencoderConfig> = fc
  .record({
    encoderSizes: fc.array(fc.integer({ min: MIN_SIZE, max: MAX_SIZE }), { minLength: 2, maxLength: MAX_DEPTH + 1 }),
    hiddenActivation: fc.constantFrom(...HIDDEN_ACTIVATIONS),
    codeActivation: fc.constantFrom(...CODE_ACTIVATIONS),
    output: fc.constantFrom(...OUTPUT_PAIRS),
  })
  .map(({ encoderSizes, hiddenActivation, codeActivation, output }) => ({
    encoderSizes,
    hiddenActivation,
    codeActivation,
    outputActivation: output[0],
    loss: output[1],
  }));

/** Generates a configuration with parameters, a weight decay, and input and target samples in [0, 1]. */
const problems: fc.Arbitrary<Problem> = configs.chain((config) => {
  const d = config.encoderSizes[0];
  return fc
    .record({
      n: fc.integer({ min: 1, max: MAX_SAMPLES }),
      lambda: fc.double({ min: 0, max: MAX_LAMBDA, noNaN: true }),
      theta: parameters(deepParameterCount(config)),
    })
    .chain(({ n, lambda, theta }) =>
      fc.record({ input: values(n * d, 0, 1), target: values(n * d, 0, 1) }).map(({ input, target }) => ({
        config,
        lambda,
        input: unsafeMatrix(n, d, input),
        target: unsafeMatrix(n, d, target),
        theta,
      })),
    );
});

// -------------------------------------------------------------------------------------------------
// Reference computation, written from the formulas
// -------------------------------------------------------------------------------------------------

/**
 * J = (1/N) sum_n L(t_n, x^(x_n)) + (lambda/2) sum_l ||W_l||^2, one sample and one unit at a time.
 * Returns the objective and the sum of the absolute values of its terms, the scale of its rounding.
 */
const referenceObjective = (problem: Problem): { readonly loss: number; readonly magnitude: number } => {
  const { config, lambda, input, target, theta } = problem;
  const params = viewDeepParams(config, theta);
  const shapes = layerShapes(config);
  const d = input.cols;
  let dataLoss = 0;
  let magnitude = 0;
  for (let s = 0; s < input.rows; s++) {
    let a = Array.from(input.data.subarray(s * d, (s + 1) * d));
    let pre: number[] = [];
    shapes.forEach((shape, l) => {
      const { W, b } = params.layers[l];
      pre = [];
      for (let j = 0; j < shape.outputSize; j++) {
        let u = b[j];
        for (let k = 0; k < shape.inputSize; k++) u += W.data[j * shape.inputSize + k] * a[k];
        pre.push(u);
      }
      a = pre.map((u) => referenceActivation(shape.activation, u));
    });
    for (let i = 0; i < d; i++) {
      const t = target.data[s * d + i];
      const term =
        config.loss === 'squared-error'
          ? 0.5 * (t - a[i]) ** 2
          : -(t * Math.log(1 / (1 + Math.exp(-pre[i]))) + (1 - t) * Math.log(1 / (1 + Math.exp(pre[i]))));
      dataLoss += term;
      magnitude += Math.abs(term);
    }
  }
  let squaredWeights = 0;
  for (const layer of params.layers) for (const w of layer.W.data) squaredWeights += w * w;
  const decay = 0.5 * lambda * squaredWeights;
  return { loss: dataLoss / input.rows + decay, magnitude: magnitude / input.rows + decay };
};

// -------------------------------------------------------------------------------------------------
// Objective
// -------------------------------------------------------------------------------------------------

describe('evaluateDeepObjectiveWithTarget', () => {
  it('has the gradient of central differences at depth 1 to 3', () => {
    fc.assert(
      fc.property(problems, (problem) => {
        const { config, lambda, input, target, theta } = problem;
        const analytic = evaluateDeepObjectiveWithTarget(config, lambda, input, target, theta).gradient;
        const numeric = numericalGradient(
          (t) => evaluateDeepObjectiveWithTarget(config, lambda, input, target, t).loss,
          theta,
        );

        expect(relativeGradientError(analytic, numeric)).toBeLessThan(GRADIENT_TOLERANCE);
      }),
      { numRuns: 60 },
    );
  });

  it('equals the loop reference computed against the target', () => {
    fc.assert(
      fc.property(problems, (problem) => {
        const { config, lambda, input, target, theta } = problem;
        const value = evaluateDeepObjectiveWithTarget(config, lambda, input, target, theta);
        const reference = referenceObjective(problem);

        expect(Math.abs(value.loss - reference.loss)).toBeLessThanOrEqual(REFERENCE_TOLERANCE * reference.magnitude);
        expect(value.reconstructionLoss + value.weightDecayLoss).toBe(value.loss);
      }),
      { numRuns: 60 },
    );
  });

  it('differs from the objective against the input', () => {
    // Input and target of 2 x 3 samples that differ in every entry, through a 3-2-3 network.
    const config: DeepAutoencoderConfig = {
      encoderSizes: [3, 2],
      hiddenActivation: 'sigmoid',
      codeActivation: 'sigmoid',
      outputActivation: 'sigmoid',
      loss: 'cross-entropy',
    };
    const input = unsafeMatrix(2, 3, Float64Array.of(0.9, 0.1, 0.8, 0.2, 0.7, 0.3));
    const target = unsafeMatrix(2, 3, Float64Array.of(0.1, 0.9, 0.2, 0.8, 0.3, 0.7));
    const theta = Float64Array.from({ length: deepParameterCount(config) }, (_, i) => 0.3 * Math.sin(i + 1));
    const problem = { config, lambda: 0, input, target, theta };

    const withTarget = evaluateDeepObjectiveWithTarget(config, 0, input, target, theta).loss;
    const reference = referenceObjective(problem);
    const againstInput = evaluateDeepObjective(config, 0, input, theta).loss;

    expect(Math.abs(withTarget - reference.loss)).toBeLessThanOrEqual(REFERENCE_TOLERANCE * reference.magnitude);
    // Rounding differences are of order 1e-15; a loss against the wrong samples differs by far more.
    expect(Math.abs(withTarget - againstInput)).toBeGreaterThan(1e-3);
  });

  it('equals the untied one-layer autoencoder at depth 1', () => {
    fc.assert(
      fc.property(
        problems.filter((p) => p.config.encoderSizes.length === 2),
        ({ config, lambda, input, theta }) => {
          // With k = 1 the unrolled network is D -> h_1 -> D, and its theta layout W, b, W~, b~ is that
          // of an untied autoencoder, so both objectives must agree to rounding.
          const autoencoder: AutoencoderConfig = {
            inputSize: config.encoderSizes[0],
            hiddenSize: config.encoderSizes[1],
            tied: false,
            hiddenActivation: config.codeActivation,
            outputActivation: config.outputActivation,
            loss: config.loss,
          };
          const deep = evaluateDeepObjective(config, lambda, input, theta);
          const shallow = evaluateObjective(autoencoder, { lambda, sparsity: null }, input, theta);
          const scale = Math.abs(shallow.loss) + 1;

          expect(Math.abs(deep.loss - shallow.loss)).toBeLessThanOrEqual(64 * EPS * scale);
          expect(worstDifference(deep.gradient, shallow.gradient).difference).toBeLessThanOrEqual(64 * EPS * scale);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('leaves theta and the samples unchanged', () => {
    fc.assert(
      fc.property(problems, ({ config, lambda, input, target, theta }) => {
        const before = [snapshot(input), snapshot(target), Float64Array.from(theta)];
        evaluateDeepObjectiveWithTarget(config, lambda, input, target, theta);
        expect([snapshot(input), snapshot(target), Float64Array.from(theta)]).toEqual(before);
      }),
      { numRuns: 20 },
    );
  });

  it('rejects input and target of different shapes', () => {
    const config: DeepAutoencoderConfig = {
      encoderSizes: [2, 1],
      hiddenActivation: 'sigmoid',
      codeActivation: 'identity',
      outputActivation: 'identity',
      loss: 'squared-error',
    };
    const theta = new Float64Array(deepParameterCount(config));
    const input = unsafeMatrix(2, 2, new Float64Array(4));
    const shorter = unsafeMatrix(1, 2, new Float64Array(2));
    expect(() => evaluateDeepObjectiveWithTarget(config, 0, input, shorter, theta)).toThrow(RangeError);
  });
});

// -------------------------------------------------------------------------------------------------
// Validation
// -------------------------------------------------------------------------------------------------

describe('deepAutoencoderObjective', () => {
  const config: DeepAutoencoderConfig = {
    encoderSizes: [4, 3, 2],
    hiddenActivation: 'sigmoid',
    codeActivation: 'identity',
    outputActivation: 'sigmoid',
    loss: 'cross-entropy',
  };
  const samples = unsafeMatrix(2, 4, Float64Array.of(0, 0.5, 1, 0.25, 0.75, 1, 0, 0.5));

  const argumentOf = (result: E.Either<{ readonly argument: string }, unknown>): string =>
    E.isLeft(result) ? result.left.argument : 'no error';

  it('returns the evaluator for valid input', () => {
    const objective = deepAutoencoderObjective(config, 1e-3, samples);
    expect(E.isRight(objective)).toBe(true);
    if (E.isRight(objective)) {
      const theta = new Float64Array(deepParameterCount(config));
      expect(objective.right(theta).loss).toBe(evaluateDeepObjective(config, 1e-3, samples, theta).loss);
    }
  });

  it('rejects invalid configurations, naming the field', () => {
    const shallow = { ...config, encoderSizes: [4] };
    expect(argumentOf(deepAutoencoderObjective(shallow, 0, samples))).toBe('config.encoderSizes');
    expect(argumentOf(deepAutoencoderObjective({ ...config, encoderSizes: [4, 0, 2] }, 0, samples))).toBe(
      'config.encoderSizes[1]',
    );
    const cubic = { ...config, codeActivation: 'cubic' as ActivationName };
    expect(argumentOf(deepAutoencoderObjective(cubic, 0, samples))).toBe('config.codeActivation');
    expect(argumentOf(deepAutoencoderObjective({ ...config, outputActivation: 'identity' }, 0, samples))).toBe(
      'config.outputActivation',
    );
  });

  it('rejects a negative lambda and bad samples', () => {
    expect(argumentOf(deepAutoencoderObjective(config, -1, samples))).toBe('lambda');
    expect(argumentOf(deepAutoencoderObjective(config, 0, unsafeMatrix(1, 3, new Float64Array(3))))).toBe('samples');
    const outOfRange = unsafeMatrix(1, 4, Float64Array.of(0, 0, 1.5, 0));
    expect(argumentOf(deepAutoencoderObjective(config, 0, outOfRange))).toBe('samples[0, 2]');
    const notFinite = unsafeMatrix(1, 4, Float64Array.of(0, Number.NaN, 0, 0));
    expect(argumentOf(deepAutoencoderObjective(config, 0, notFinite))).toBe('samples[0, 1]');
  });
});

// -------------------------------------------------------------------------------------------------
// Forward pass
// -------------------------------------------------------------------------------------------------

describe('reconstructDeep', () => {
  it('equals decoding the code of the encoder', () => {
    fc.assert(
      fc.property(problems, ({ config, input, theta }) => {
        const params: DeepAutoencoderParams = viewDeepParams(config, theta);
        const direct = reconstructDeep(config, params, input);
        const composed = decodeDeep(config, params, encodeDeep(config, params, input));

        expect(Array.from(composed.data)).toEqual(Array.from(direct.data));
        expect(encodeDeep(config, params, input).cols).toBe(config.encoderSizes[config.encoderSizes.length - 1]);
      }),
      { numRuns: 20 },
    );
  });

  it('gives the mean half squared error against the targets', () => {
    fc.assert(
      fc.property(problems, ({ config, input, target, theta }) => {
        const params = viewDeepParams(config, theta);
        const output = reconstructDeep(config, params, input).data;
        let sum = 0;
        for (let i = 0; i < output.length; i++) sum += (output[i] - target.data[i]) ** 2;

        const expected = (0.5 * sum) / input.rows;
        const actual = deepReconstructionError(config, params, input, target);
        expect(Math.abs(actual - expected)).toBeLessThanOrEqual(4 * EPS * expected);
      }),
      { numRuns: 20 },
    );
  });
});
