import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { hiddenActivationMeans, meanReconstructionError, reconstruct } from '../../src/autoencoder/autoencoder.js';
import {
  type ObjectiveValue,
  type Regularization,
  autoencoderObjective,
  evaluateObjective,
  evaluateObjectiveWithTarget,
} from '../../src/autoencoder/objective.js';
import {
  type AutoencoderConfig,
  type AutoencoderParams,
  packParams,
  parameterCount,
  parameterLayout,
  unpackParams,
} from '../../src/autoencoder/params.js';
import type { InvalidArgumentError } from '../../src/linalg/errors.js';
import { type Matrix, type ReadonlyFloat64Array, unsafeMatrix } from '../../src/linalg/matrix.js';
import type { ActivationName } from '../../src/nn/activation.js';
import { numericalGradient, relativeGradientError } from '../../src/nn/gradient-check.js';
import type { LossName } from '../../src/nn/loss.js';
import { referenceActivation } from '../support/reference.js';

const EPS = Number.EPSILON;

// -------------------------------------------------------------------------------------------------
// Generator bounds and tolerances
// -------------------------------------------------------------------------------------------------

/** Tiny networks: every gradient check costs 2 P + 1 evaluations for P <= 2 * 6 * 4 + 4 + 6 = 58 parameters. */
const MIN_INPUTS = 3;
const MAX_INPUTS = 6;
const MIN_HIDDEN = 2;
const MAX_HIDDEN = 4;
const MIN_SAMPLES = 2;
const MAX_SAMPLES = 5;

/** Weights, biases and data in [-1, 1] keep sigmoid and tanh units out of saturation, where gradients vanish. */
const ENTRY_BOUND = 1;

/** Weight decay and sparsity settings around the values used in practice (lambda 1e-4..3e-3, beta 0.1..3). */
const LAMBDA_RANGE = { min: 1e-3, max: 1 };
const RHO_RANGE = { min: 0.02, max: 0.5 };
const BETA_RANGE = { min: 0.1, max: 3 };

/**
 * ReLU pre-activations are kept at least this far from the kink at 0. A perturbation of the numerical
 * gradient moves a pre-activation by at most about 6e-6 times a few units, so no central difference
 * straddles the kink and the objective is smooth along every probe.
 */
const KINK_MARGIN = 1e-3;

/**
 * Pass mark of ||g - g_numeric|| / (||g|| + ||g_numeric||). Central differences at step cbrt(EPS) are
 * accurate to about EPS^(2/3), roughly 4e-11 relative to the objective's scale, so 1e-8 leaves a
 * margin of about 250, while a missing term or factor gives errors of 1e-3 and more.
 */
const GRADIENT_TOLERANCE = 1e-8;

/**
 * Relative tolerance between the objective and the loop reference. Each of the at most N D + H terms
 * goes through about D + H + 10 roundings on values no larger than the summed magnitudes. The error
 * therefore stays below 1024 EPS times the sum of the absolute terms.
 */
const REFERENCE_TOLERANCE = 1024 * EPS;

const HIDDEN_ACTIVATIONS: readonly ActivationName[] = ['sigmoid', 'tanh', 'identity', 'relu'];

const OUTPUT_PAIRS: ReadonlyArray<readonly [ActivationName, LossName]> = [
  ['identity', 'squared-error'],
  ['sigmoid', 'squared-error'],
  ['sigmoid', 'cross-entropy'],
  ['tanh', 'squared-error'],
  ['relu', 'squared-error'],
];

// -------------------------------------------------------------------------------------------------
// Reference computation, written from the formulas
// -------------------------------------------------------------------------------------------------

/** Pre-activations of one sample: u_j = sum_k W_jk x_k + b_j and u~_i = sum_j W~_ij y_j + b~_i. */
const referenceSample = (
  config: AutoencoderConfig,
  params: AutoencoderParams,
  x: ArrayLike<number>,
): { hiddenPre: number[]; y: number[]; outputPre: number[] } => {
  const { inputSize: d, hiddenSize: h } = config;
  const hiddenPre: number[] = [];
  const y: number[] = [];
  for (let j = 0; j < h; j++) {
    let u = params.b[j];
    for (let k = 0; k < d; k++) u += params.W.data[j * d + k] * x[k];
    hiddenPre.push(u);
    y.push(referenceActivation(config.hiddenActivation, u));
  }
  const outputPre: number[] = [];
  for (let i = 0; i < d; i++) {
    let u = params.bDecoder[i];
    for (let j = 0; j < h; j++) {
      const decoderWeight = params.WDecoder === null ? params.W.data[j * d + i] : params.WDecoder.data[i * h + j];
      u += decoderWeight * y[j];
    }
    outputPre.push(u);
  }
  return { hiddenPre, y, outputPre };
};

interface ReferenceObjective {
  readonly reconstructionLoss: number;
  readonly weightDecayLoss: number;
  readonly sparsityLoss: number;
  /** Sum of the absolute values of all terms, the scale for rounding tolerances. */
  readonly magnitude: number;
}

/**
 * J = (1/N) sum_n L(x_n, x^_n) + (lambda/2)(||W||^2 + ||W~||^2 untied) + beta sum_j KL(rho || rhoHat_j),
 * with the cross-entropy -[x log x^ + (1 - x) log(1 - x^)] written with 1 - s(u) = s(-u).
 */
const referenceObjective = (
  config: AutoencoderConfig,
  regularization: Regularization,
  params: AutoencoderParams,
  samples: Matrix,
): ReferenceObjective => {
  const { inputSize: d, hiddenSize: h } = config;
  const n = samples.rows;
  let dataLoss = 0;
  let magnitude = 0;
  const rhoHat = new Array<number>(h).fill(0);
  for (let s = 0; s < n; s++) {
    const x = samples.data.subarray(s * d, (s + 1) * d);
    const { y, outputPre } = referenceSample(config, params, x);
    y.forEach((value, j) => {
      rhoHat[j] += value / n;
    });
    for (let i = 0; i < d; i++) {
      const xHat = referenceActivation(config.outputActivation, outputPre[i]);
      const term =
        config.loss === 'squared-error'
          ? 0.5 * (x[i] - xHat) ** 2
          : -(x[i] * Math.log(1 / (1 + Math.exp(-outputPre[i]))) + (1 - x[i]) * Math.log(1 / (1 + Math.exp(outputPre[i]))));
      dataLoss += term;
      magnitude += Math.abs(term);
    }
  }
  let squaredWeights = 0;
  for (const w of params.W.data) squaredWeights += w * w;
  if (!config.tied && params.WDecoder !== null) for (const w of params.WDecoder.data) squaredWeights += w * w;
  const weightDecayLoss = 0.5 * regularization.lambda * squaredWeights;
  let sparsityLoss = 0;
  const sparsity = regularization.sparsity;
  if (sparsity !== null) {
    for (const q of rhoHat) {
      const { rho, beta } = sparsity;
      const first = beta * rho * Math.log(rho / q);
      const second = beta * (1 - rho) * Math.log((1 - rho) / (1 - q));
      sparsityLoss += first + second;
      magnitude += Math.abs(first) + Math.abs(second);
    }
  }
  return { reconstructionLoss: dataLoss / n, weightDecayLoss, sparsityLoss, magnitude: magnitude + weightDecayLoss };
};

// -------------------------------------------------------------------------------------------------
// Generators
// -------------------------------------------------------------------------------------------------

interface Combination {
  readonly hiddenActivation: ActivationName;
  readonly outputActivation: ActivationName;
  readonly loss: LossName;
  readonly tied: boolean;
  readonly weightDecay: boolean;
  readonly sparse: boolean;
}

interface Problem {
  readonly config: AutoencoderConfig;
  readonly regularization: Regularization;
  readonly samples: Matrix;
  readonly theta: Float64Array;
}

/**
 * Returns the smallest bias >= `bias` with |value + bias| >= KINK_MARGIN for every value. Each move
 * jumps past one forbidden interval (-value - margin, -value + margin) and the bias only grows, so
 * at most `values.length` moves are made.
 */
const moveBiasOffKink = (bias: number, values: readonly number[]): number => {
  let result = bias;
  let moved = true;
  while (moved) {
    moved = false;
    for (const value of values) {
      if (Math.abs(value + result) < KINK_MARGIN) {
        result = -value + 2 * KINK_MARGIN;
        moved = true;
      }
    }
  }
  return result;
};

/**
 * Rewrites the biases of every ReLU layer so that no pre-activation lies within KINK_MARGIN of 0:
 * first the hidden biases (from u_nj - b_j), then, with the final hidden outputs, the decoder biases.
 * This is a map, so every draw is used.
 */
const keepReluOffKink = (config: AutoencoderConfig, samples: Matrix, theta: Float64Array): Float64Array => {
  const { inputSize: d, hiddenSize: h } = config;
  const layout = parameterLayout(config);
  const result = Float64Array.from(theta);
  const preActivationsWithoutBias = (
    pick: (sample: ReturnType<typeof referenceSample>) => number[],
    bias: ReadonlyFloat64Array,
    width: number,
  ): number[][] => {
    const columns: number[][] = Array.from({ length: width }, () => []);
    for (let s = 0; s < samples.rows; s++) {
      const pre = pick(referenceSample(config, unpackParams(config, result), samples.data.subarray(s * d, (s + 1) * d)));
      pre.forEach((u, j) => columns[j].push(u - bias[j]));
    }
    return columns;
  };
  if (config.hiddenActivation === 'relu') {
    const bias = result.subarray(layout.b, layout.b + h);
    const columns = preActivationsWithoutBias((sample) => sample.hiddenPre, Float64Array.from(bias), h);
    columns.forEach((values, j) => {
      bias[j] = moveBiasOffKink(bias[j], values);
    });
  }
  if (config.outputActivation === 'relu') {
    const bias = result.subarray(layout.bDecoder, layout.length);
    const columns = preActivationsWithoutBias((sample) => sample.outputPre, Float64Array.from(bias), d);
    columns.forEach((values, i) => {
      bias[i] = moveBiasOffKink(bias[i], values);
    });
  }
  return result;
};

/**
 * Number of grid steps of {@link uniformIn}. fc.double spreads its draws evenly over float64 bit
 * patterns, so most of its draws in [-1, 1] are below 1e-100 in magnitude. Data and weights that
 * small give gradients of 1e-15 and less, below the truncation error of a central difference
 * (about h^2 |J'''| with h = 6e-6), where a relative gradient error measures only that error.
 */
const GRID_STEPS = 2 ** 20;

/** Draws evenly from [min, max] on a grid of GRID_STEPS steps, without fast-check's bias towards the bounds. */
const uniformIn = (min: number, max: number): fc.Arbitrary<number> =>
  fc.noBias(fc.integer({ min: 0, max: GRID_STEPS })).map((k) => min + ((max - min) * k) / GRID_STEPS);

const vectorOf = (length: number, min: number, max: number): fc.Arbitrary<Float64Array> =>
  fc.array(uniformIn(min, max), { minLength: length, maxLength: length }).map((v) => Float64Array.from(v));

/** A problem of one combination, with random sizes, data, weights and hyperparameters. */
const problems = (combination: Combination): fc.Arbitrary<Problem> =>
  fc
    .record({
      inputSize: fc.integer({ min: MIN_INPUTS, max: MAX_INPUTS }),
      hiddenSize: fc.integer({ min: MIN_HIDDEN, max: MAX_HIDDEN }),
      sampleCount: fc.integer({ min: MIN_SAMPLES, max: MAX_SAMPLES }),
    })
    .chain(({ inputSize, hiddenSize, sampleCount }) => {
      const config: AutoencoderConfig = {
        inputSize,
        hiddenSize,
        tied: combination.tied,
        hiddenActivation: combination.hiddenActivation,
        outputActivation: combination.outputActivation,
        loss: combination.loss,
      };
      // Cross-entropy reads the data as probabilities, so its samples lie in [0, 1].
      const dataMin = config.loss === 'cross-entropy' ? 0 : -ENTRY_BOUND;
      return fc
        .record({
          samples: vectorOf(sampleCount * inputSize, dataMin, ENTRY_BOUND),
          theta: vectorOf(parameterCount(config), -ENTRY_BOUND, ENTRY_BOUND),
          lambda: uniformIn(LAMBDA_RANGE.min, LAMBDA_RANGE.max),
          rho: uniformIn(RHO_RANGE.min, RHO_RANGE.max),
          beta: uniformIn(BETA_RANGE.min, BETA_RANGE.max),
        })
        .map(({ samples, theta, lambda, rho, beta }): Problem => {
          const sampleMatrix = unsafeMatrix(sampleCount, inputSize, samples);
          return {
            config,
            regularization: {
              lambda: combination.weightDecay ? lambda : 0,
              sparsity: combination.sparse ? { rho, beta } : null,
            },
            samples: sampleMatrix,
            theta: keepReluOffKink(config, sampleMatrix, theta),
          };
        });
    });

const combinations: Combination[] = [];
for (const hiddenActivation of HIDDEN_ACTIVATIONS) {
  for (const [outputActivation, loss] of OUTPUT_PAIRS) {
    for (const tied of [false, true]) {
      for (const weightDecay of [false, true]) {
        // The KL penalty needs hidden outputs in (0, 1), so only sigmoid hidden units get it.
        for (const sparse of hiddenActivation === 'sigmoid' ? [false, true] : [false]) {
          combinations.push({ hiddenActivation, outputActivation, loss, tied, weightDecay, sparse });
        }
      }
    }
  }
}

const describeCombination = (c: Combination): string =>
  `${c.hiddenActivation} hidden, ${c.outputActivation} ${c.loss}, ${c.tied ? 'tied' : 'untied'}, ` +
  `lambda ${c.weightDecay ? '> 0' : '0'}, ${c.sparse ? 'sparse' : 'no sparsity'}`;

const objectiveOf = (problem: Problem): ((theta: ReadonlyFloat64Array) => ObjectiveValue) => {
  const result = autoencoderObjective(problem.config, problem.regularization, problem.samples);
  if (E.isLeft(result)) throw new Error(`unexpected rejection: ${result.left.message}`);
  return result.right;
};

// -------------------------------------------------------------------------------------------------
// Gradient checks
// -------------------------------------------------------------------------------------------------

describe('autoencoderObjective gradient', () => {
  it('covers all 100 combinations', () => {
    expect(combinations).toHaveLength(100);
  });

  for (const combination of combinations) {
    it(`matches central differences: ${describeCombination(combination)}`, () => {
      fc.assert(
        fc.property(problems(combination), (problem) => {
          const objective = objectiveOf(problem);
          const analytic = objective(problem.theta).gradient;
          const numeric = numericalGradient((theta) => objective(theta).loss, problem.theta);
          expect(relativeGradientError(analytic, numeric)).toBeLessThan(GRADIENT_TOLERANCE);
        }),
        { numRuns: 10 },
      );
    });
  }
});

describe('evaluateObjectiveWithTarget gradient', () => {
  // One untied cross-entropy combination per hidden activation, with every regularization it allows.
  const denoisingCombinations = combinations.filter(
    (c) => !c.tied && c.loss === 'cross-entropy' && c.weightDecay && c.sparse === (c.hiddenActivation === 'sigmoid'),
  );

  for (const combination of denoisingCombinations) {
    it(`matches central differences with a separate target: ${describeCombination(combination)}`, () => {
      fc.assert(
        fc.property(problems(combination), fc.integer({ min: 1, max: 2 ** 31 }), (problem, seed) => {
          const { config, regularization, samples, theta } = problem;
          // A corrupted input: masking noise that zeroes a pseudo-random subset of entries. The target stays clean.
          const corrupted = Float64Array.from(samples.data, (value, k) => (((seed + 7 * k) % 3) === 0 ? 0 : value));
          const input = unsafeMatrix(samples.rows, samples.cols, corrupted);
          const evaluate = (t: ReadonlyFloat64Array): ObjectiveValue =>
            evaluateObjectiveWithTarget(config, regularization, input, samples, t);
          const numeric = numericalGradient((t) => evaluate(t).loss, theta);
          expect(relativeGradientError(evaluate(theta).gradient, numeric)).toBeLessThan(GRADIENT_TOLERANCE);
        }),
        { numRuns: 10 },
      );
    });
  }

  it('equals evaluateObjective when input and target coincide', () => {
    const problem = fc.sample(problems(combinations[combinations.length - 1]), { seed: 3, numRuns: 1 })[0];
    const { config, regularization, samples, theta } = problem;
    const plain = evaluateObjective(config, regularization, samples, theta);
    const withTarget = evaluateObjectiveWithTarget(config, regularization, samples, samples, theta);
    expect(withTarget.loss).toBe(plain.loss);
    expect(Array.from(withTarget.gradient)).toEqual(Array.from(plain.gradient));
  });

  it('throws when input and target shapes differ', () => {
    const problem = fc.sample(problems(combinations[0]), { seed: 5, numRuns: 1 })[0];
    const { config, regularization, samples, theta } = problem;
    const shorter = unsafeMatrix(samples.rows - 1, samples.cols, samples.data.slice(samples.cols));
    expect(() => evaluateObjectiveWithTarget(config, regularization, samples, shorter, theta)).toThrow(RangeError);
  });
});

// -------------------------------------------------------------------------------------------------
// Values
// -------------------------------------------------------------------------------------------------

describe('autoencoderObjective value', () => {
  const anyCombination = fc
    .record({
      hiddenActivation: fc.constantFrom(...HIDDEN_ACTIVATIONS),
      output: fc.constantFrom(...OUTPUT_PAIRS),
      tied: fc.boolean(),
      weightDecay: fc.boolean(),
      sparse: fc.boolean(),
    })
    .map(
      ({ hiddenActivation, output, tied, weightDecay, sparse }): Combination => ({
        hiddenActivation,
        outputActivation: output[0],
        loss: output[1],
        tied,
        weightDecay,
        sparse: sparse && hiddenActivation === 'sigmoid',
      }),
    )
    .chain(problems);

  it('matches the loop reference, part by part', () => {
    fc.assert(
      fc.property(anyCombination, (problem) => {
        const { config, regularization, samples, theta } = problem;
        const value = objectiveOf(problem)(theta);
        const reference = referenceObjective(config, regularization, unpackParams(config, theta), samples);
        const tolerance = REFERENCE_TOLERANCE * (1 + reference.magnitude);
        expect(Math.abs(value.reconstructionLoss - reference.reconstructionLoss)).toBeLessThanOrEqual(tolerance);
        expect(Math.abs(value.weightDecayLoss - reference.weightDecayLoss)).toBeLessThanOrEqual(tolerance);
        expect(Math.abs(value.sparsityLoss - reference.sparsityLoss)).toBeLessThanOrEqual(tolerance);
        const total = reference.reconstructionLoss + reference.weightDecayLoss + reference.sparsityLoss;
        expect(Math.abs(value.loss - total)).toBeLessThanOrEqual(tolerance);
      }),
      { numRuns: 60 },
    );
  });

  it('matches a hand-computed case', () => {
    // D = 2, H = 1, untied, sigmoid hidden, identity output, squared error, one sample x = (1, 2).
    // u = 0.5 * 1 - 0.25 * 2 + 0 = 0, so y = 1/2; x^ = (2 * 1/2 + 0, -1 * 1/2 + 1) = (1, 1/2).
    // Loss = (1/2)((1 - 1)^2 + (2 - 1/2)^2) = 9/8; weight decay (0.1/2)(0.25 + 0.0625 + 4 + 1) = 0.265625.
    const config: AutoencoderConfig = {
      inputSize: 2,
      hiddenSize: 1,
      tied: false,
      hiddenActivation: 'sigmoid',
      outputActivation: 'identity',
      loss: 'squared-error',
    };
    const params: AutoencoderParams = {
      W: unsafeMatrix(1, 2, Float64Array.of(0.5, -0.25)),
      b: Float64Array.of(0),
      WDecoder: unsafeMatrix(2, 1, Float64Array.of(2, -1)),
      bDecoder: Float64Array.of(0, 1),
    };
    const samples = unsafeMatrix(1, 2, Float64Array.of(1, 2));
    const value = evaluateObjective(config, { lambda: 0.1, sparsity: null }, samples, packParams(config, params));
    expect(value.reconstructionLoss).toBe(9 / 8);
    expect(value.weightDecayLoss).toBeCloseTo(0.265625, 15);
    expect(value.sparsityLoss).toBe(0);
    expect(value.rhoHat).toBeNull();
  });

  it('reports rhoHat as the mean hidden activation', () => {
    const sparseSigmoid = combinations.find((c) => c.sparse) as Combination;
    fc.assert(
      fc.property(problems(sparseSigmoid), (problem) => {
        const { config, samples, theta } = problem;
        const value = objectiveOf(problem)(theta);
        expect(Array.from(value.rhoHat ?? [])).toEqual(Array.from(hiddenActivationMeans(config, unpackParams(config, theta), samples)));
      }),
      { numRuns: 10 },
    );
  });

  it('reports the squared-error reconstruction loss as meanReconstructionError', () => {
    const plain = combinations.find((c) => c.loss === 'squared-error' && !c.weightDecay) as Combination;
    fc.assert(
      fc.property(problems(plain), (problem) => {
        const { config, samples, theta } = problem;
        const value = objectiveOf(problem)(theta);
        const expected = meanReconstructionError(config, unpackParams(config, theta), samples);
        // Same terms, summed in a different order.
        expect(Math.abs(value.reconstructionLoss - expected)).toBeLessThanOrEqual(64 * EPS * Math.max(1, expected));
      }),
      { numRuns: 10 },
    );
  });
});

describe('autoencoderObjective at saturation', () => {
  const config: AutoencoderConfig = {
    inputSize: 2,
    hiddenSize: 1,
    tied: false,
    hiddenActivation: 'sigmoid',
    outputActivation: 'sigmoid',
    loss: 'cross-entropy',
  };

  it('keeps cross-entropy finite at saturated outputs', () => {
    // y = s(0) = 1/2 and u~ = (-1000, 1000), so x^ = (0, 1) exactly, the opposite of the target (1, 0).
    const params: AutoencoderParams = {
      W: unsafeMatrix(1, 2, Float64Array.of(0, 0)),
      b: Float64Array.of(0),
      WDecoder: unsafeMatrix(2, 1, Float64Array.of(-2000, 2000)),
      bDecoder: Float64Array.of(0, 0),
    };
    const samples = unsafeMatrix(1, 2, Float64Array.of(1, 0));
    expect(Array.from(reconstruct(config, params, samples).data)).toEqual([0, 1]);

    const value = evaluateObjective(config, { lambda: 0, sparsity: null }, samples, packParams(config, params));
    // Each entry contributes softplus(1000) = 1000 exactly in float64.
    expect(value.reconstructionLoss).toBe(2000);
    // delta_out = x^ - x = (-1, 1); grad W~ = delta_out y = (-1/2, 1/2); hidden delta = (2000 + 2000) / 4 = 1000.
    expect(Array.from(value.gradient)).toEqual([1000, 0, 1000, -0.5, 0.5, -1, 1]);
  });

  it('keeps sparsity finite at rhoHat 0 and 1', () => {
    for (const sign of [1, -1]) {
      // u = +-1000 on every sample, so y and rhoHat are exactly 1 or exactly 0.
      const params: AutoencoderParams = {
        W: unsafeMatrix(1, 2, Float64Array.of(0, 0)),
        b: Float64Array.of(1000 * sign),
        WDecoder: unsafeMatrix(2, 1, Float64Array.of(1, -1)),
        bDecoder: Float64Array.of(0, 0),
      };
      const samples = unsafeMatrix(2, 2, Float64Array.of(1, 0, 0.5, 0.5));
      const value = evaluateObjective(config, { lambda: 0, sparsity: { rho: 0.05, beta: 3 } }, samples, packParams(config, params));
      expect(Array.from(value.rhoHat ?? [])).toEqual([sign > 0 ? 1 : 0]);
      expect(Number.isFinite(value.loss)).toBe(true);
      expect(value.gradient.every((g) => Number.isFinite(g))).toBe(true);
    }
  });
});

// -------------------------------------------------------------------------------------------------
// Validation and purity
// -------------------------------------------------------------------------------------------------

describe('autoencoderObjective validation', () => {
  const config: AutoencoderConfig = {
    inputSize: 3,
    hiddenSize: 2,
    tied: false,
    hiddenActivation: 'sigmoid',
    outputActivation: 'sigmoid',
    loss: 'cross-entropy',
  };
  const samples = unsafeMatrix(2, 3, Float64Array.of(0, 0.5, 1, 1, 0.25, 0));

  const rejected = (c: AutoencoderConfig, r: Regularization, x: Matrix): InvalidArgumentError => {
    const result = autoencoderObjective(c, r, x);
    if (E.isRight(result)) throw new Error('expected the arguments to be rejected');
    return result.left;
  };

  it('rejects sparsity with tanh hidden units', () => {
    const error = rejected(
      { ...config, hiddenActivation: 'tanh' },
      { lambda: 0, sparsity: { rho: 0.05, beta: 1 } },
      samples,
    );
    expect(error.argument).toBe('regularization.sparsity');
    expect(error.message).toContain('tanh');
  });

  it('rejects invalid lambda, rho and beta, naming the argument and value', () => {
    const cases: ReadonlyArray<readonly [Regularization, string, string]> = [
      [{ lambda: -1, sparsity: null }, 'regularization.lambda', '-1'],
      [{ lambda: Number.POSITIVE_INFINITY, sparsity: null }, 'regularization.lambda', 'Infinity'],
      [{ lambda: 0, sparsity: { rho: 0, beta: 1 } }, 'regularization.sparsity.rho', '0'],
      [{ lambda: 0, sparsity: { rho: 1, beta: 1 } }, 'regularization.sparsity.rho', '1'],
      [{ lambda: 0, sparsity: { rho: Number.NaN, beta: 1 } }, 'regularization.sparsity.rho', 'NaN'],
      [{ lambda: 0, sparsity: { rho: 0.05, beta: -0.5 } }, 'regularization.sparsity.beta', '-0.5'],
    ];
    for (const [regularization, argument, value] of cases) {
      const error = rejected(config, regularization, samples);
      expect(error.functionName).toBe('autoencoderObjective');
      expect(error.argument).toBe(argument);
      expect(error.value).toBe(value);
    }
  });

  it('rejects an invalid configuration', () => {
    expect(rejected({ ...config, hiddenSize: 0 }, { lambda: 0, sparsity: null }, samples).argument).toBe('config.hiddenSize');
  });

  it('rejects samples with the wrong width, non-finite entries or no rows', () => {
    const none: Regularization = { lambda: 0, sparsity: null };
    expect(rejected(config, none, unsafeMatrix(1, 2, Float64Array.of(0, 1))).argument).toBe('samples');
    expect(rejected(config, none, unsafeMatrix(1, 3, Float64Array.of(0, Number.NaN, 1))).argument).toBe('samples[0, 1]');
    expect(rejected(config, none, unsafeMatrix(0, 3, new Float64Array(0))).argument).toBe('samples');
  });

  it('rejects cross-entropy targets outside [0, 1]', () => {
    const error = rejected(config, { lambda: 0, sparsity: null }, unsafeMatrix(1, 3, Float64Array.of(0, 1.5, 1)));
    expect(error.argument).toBe('samples[0, 1]');
    expect(error.value).toBe('1.5');
  });

  it('accepts squared-error targets outside [0, 1]', () => {
    const squared: AutoencoderConfig = { ...config, outputActivation: 'identity', loss: 'squared-error' };
    expect(E.isRight(autoencoderObjective(squared, { lambda: 0, sparsity: null }, unsafeMatrix(1, 3, Float64Array.of(-2, 1.5, 7))))).toBe(true);
  });

  it('returns an evaluator that throws on a theta of the wrong length', () => {
    const result = autoencoderObjective(config, { lambda: 0, sparsity: null }, samples);
    if (E.isLeft(result)) throw new Error(result.left.message);
    expect(() => result.right(new Float64Array(parameterCount(config) - 1))).toThrow(RangeError);
  });
});

describe('autoencoderObjective purity', () => {
  it('does not modify theta or the samples', () => {
    const sparse = combinations.find((c) => c.sparse && !c.tied) as Combination;
    fc.assert(
      fc.property(problems(sparse), (problem) => {
        const thetaBefore = Array.from(problem.theta);
        const samplesBefore = Array.from(problem.samples.data);
        objectiveOf(problem)(problem.theta);
        expect(Array.from(problem.theta)).toEqual(thetaBefore);
        expect(Array.from(problem.samples.data)).toEqual(samplesBefore);
      }),
      { numRuns: 10 },
    );
  });

  it('returns the same value for the same theta', () => {
    const problem = fc.sample(problems(combinations[0]), { seed: 11, numRuns: 1 })[0];
    const objective = objectiveOf(problem);
    const first = objective(problem.theta);
    const second = objective(problem.theta);
    expect(second.loss).toBe(first.loss);
    expect(Array.from(second.gradient)).toEqual(Array.from(first.gradient));
  });
});
