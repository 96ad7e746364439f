import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import {
  ARM_NAMES,
  type LabelledSet,
  type PretrainingExperimentSettings,
  runPretrainingExperiment,
  sampleStandardDeviation,
} from '../../src/experiments/pretraining.js';
import type { InvalidArgumentError } from '../../src/linalg/errors.js';
import { unsafeMatrix } from '../../src/linalg/matrix.js';
import { type Rng, rngFromSeed, uniforms } from '../../src/random/rng.js';
import { snapshot } from '../support/arbitraries.js';

// -------------------------------------------------------------------------------------------------
// A tiny labelled data set: 3 classes, each a bright band on its own third of 12 pixels
// -------------------------------------------------------------------------------------------------

const PIXELS = 12;
const CLASSES = 3;

const bands = (rng: Rng, count: number): LabelledSet => {
  const [noise] = uniforms(rng, count * PIXELS, 0, 0.3);
  const images = new Float64Array(count * PIXELS);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    labels[n] = n % CLASSES;
    for (let i = 0; i < PIXELS; i++) {
      const inBand = Math.floor(i / (PIXELS / CLASSES)) === labels[n];
      images[n * PIXELS + i] = (inBand ? 0.7 : 0) + noise[n * PIXELS + i];
    }
  }
  return { images: unsafeMatrix(count, PIXELS, images), labels };
};

const train = bands(rngFromSeed(1), 48);
const test = bands(rngFromSeed(2), 24);

const schedule = { batchSize: 8, epochs: 2, learningRate: 0.05, momentum: 0.5 };

const SETTINGS: PretrainingExperimentSettings = {
  hiddenSizes: [6, 5],
  classCount: CLASSES,
  seeds: 2,
  autoencoderPretraining: schedule,
  rbmPretraining: { ...schedule, learningRate: 0.1 },
  sparse: { rho: 0.1, beta: 3, lambda: 3e-3 },
  corruption: { kind: 'masking', nu: 0.25 },
  cdSteps: 1,
  outputLayer: { lambda: 1e-4, maxIterations: 10 },
  fineTuning: { batchSize: 8, epochs: 3, learningRate: 0.3, momentum: 0.9, lambda: 0 },
};

const ignore = () => undefined;

const rightOf = <A>(result: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

// -------------------------------------------------------------------------------------------------
// Properties
// -------------------------------------------------------------------------------------------------

describe('runPretrainingExperiment', () => {
  const [result, rngAfter] = runPretrainingExperiment(train, test, SETTINGS, rngFromSeed(9), ignore);
  const experiment = rightOf(result);

  it('reports every arm with one run per seed', () => {
    expect(experiment.arms.map((arm) => arm.name)).toEqual([...ARM_NAMES]);
    expect(experiment.architecture).toEqual([PIXELS, 6, 5, CLASSES]);
    for (const arm of experiment.arms) {
      expect(arm.runs.length).toBe(2);
      expect(arm.testAccuracyStd).not.toBeNull();
      for (const run of arm.runs) {
        expect(run.testAccuracy).toBeGreaterThanOrEqual(0);
        expect(run.testAccuracy).toBeLessThanOrEqual(1);
        expect(run.fineTuningLoss.length).toBe(SETTINGS.fineTuning.epochs);
      }
    }
  });

  it('gives frozen-feature accuracies to pretrained arms only', () => {
    for (const arm of experiment.arms) {
      if (arm.name === 'random') {
        expect(arm.frozenFeatureAccuracyMean).toBeNull();
        expect(arm.runs.every((run) => run.pretrainingLoss.length === 0)).toBe(true);
      } else {
        expect(arm.frozenFeatureAccuracyMean).not.toBeNull();
        expect(arm.runs.every((run) => run.pretrainingLoss.length === 2)).toBe(true);
      }
    }
  });

  it('uses the same seeds in every arm', () => {
    const seedsOf = (armIndex: number) => experiment.arms[armIndex].runs.map((run) => [run.initSeed, run.orderSeed]);
    for (let a = 1; a < experiment.arms.length; a++) expect(seedsOf(a)).toEqual(seedsOf(0));
    expect(seedsOf(0)[0]).not.toEqual(seedsOf(0)[1]);
  });

  it('same generator gives identical results', () => {
    const [again, rngAgain] = runPretrainingExperiment(train, test, SETTINGS, rngFromSeed(9), ignore);
    const other = rightOf(again);
    experiment.arms.forEach((arm, a) => {
      expect(other.arms[a].runs).toEqual(arm.runs);
      expect(other.arms[a].firstLayerWeights.data).toEqual(arm.firstLayerWeights.data);
    });
    expect(rngAgain).toEqual(rngAfter);
  });

  it('does not write into the data', () => {
    const before = [snapshot(train.images), snapshot(test.images), Uint8Array.from(train.labels)];
    runPretrainingExperiment(train, test, { ...SETTINGS, seeds: 1 }, rngFromSeed(3), ignore);
    expect([train.images.data, test.images.data, train.labels]).toEqual(before);
  });

  it('has no standard deviation with one seed', () => {
    const [single] = runPretrainingExperiment(train, test, { ...SETTINGS, seeds: 1 }, rngFromSeed(3), ignore);
    for (const arm of rightOf(single).arms) expect(arm.testAccuracyStd).toBeNull();
  });

  it('rejects a seed count below one', () => {
    const [invalid, rngBack] = runPretrainingExperiment(train, test, { ...SETTINGS, seeds: 0 }, rngFromSeed(3), ignore);
    const rejected = E.isLeft(invalid) ? (invalid.left as InvalidArgumentError).argument : undefined;
    expect(rejected).toBe('settings.seeds');
    expect(rngBack).toEqual(rngFromSeed(3));
  });
});

describe('sampleStandardDeviation', () => {
  it('uses the n - 1 divisor', () => {
    // Mean 2, squared deviations 1 + 0 + 1 = 2, divided by n - 1 = 2: variance 1.
    expect(sampleStandardDeviation([1, 2, 3])).toBe(1);
    expect(sampleStandardDeviation([0.5])).toBeNull();
  });
});
