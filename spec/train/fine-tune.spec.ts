import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { type DenseLayer, initializeLayers, packLayers } from '../../src/classifier/layers.js';
import { classificationAccuracy } from '../../src/classifier/network.js';
import type { InvalidArgumentError } from '../../src/linalg/errors.js';
import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import { type Rng, rngFromSeed, uniforms } from '../../src/random/rng.js';
import { fineTune, stackClassifier, trainOutputLayer } from '../../src/train/fine-tune.js';
import { snapshot } from '../support/arbitraries.js';

// -------------------------------------------------------------------------------------------------
// Data: three classes, each a bump on its own third of 9 inputs, plus uniform noise
// -------------------------------------------------------------------------------------------------

const INPUTS = 9;
const CLASSES = 3;

const labelledData = (rng: Rng, count: number): { samples: Matrix; labels: number[] } => {
  const [noise] = uniforms(rng, count * INPUTS, 0, 0.4);
  const data = new Float64Array(count * INPUTS);
  const labels: number[] = [];
  for (let n = 0; n < count; n++) {
    const label = n % CLASSES;
    labels.push(label);
    for (let i = 0; i < INPUTS; i++) {
      const onBump = Math.floor(i / (INPUTS / CLASSES)) === label;
      data[n * INPUTS + i] = (onBump ? 0.6 : 0) + noise[n * INPUTS + i];
    }
  }
  return { samples: unsafeMatrix(count, INPUTS, data), labels };
};

const { samples, labels } = labelledData(rngFromSeed(7), 60);

const rightOf = <A>(result: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

/** The argument named by an `InvalidArgumentError`, or undefined for any other outcome. */
const rejectedArgument = (result: E.Either<{ readonly _tag: string }, unknown>): string | undefined =>
  E.isLeft(result) && result.left._tag === 'InvalidArgumentError' ? (result.left as InvalidArgumentError).argument : undefined;

const sgd = { kind: 'sgd', batchSize: 10, epochs: 5, learningRate: 0.5, momentum: 0.9 } as const;

// -------------------------------------------------------------------------------------------------
// Fine-tuning
// -------------------------------------------------------------------------------------------------

describe('fineTune', () => {
  const [layers] = initializeLayers(rngFromSeed(1), [INPUTS, 5, 4, CLASSES]);

  it('changes every layer', () => {
    const [result] = fineTune({ layers, samples, labels, lambda: 1e-4 }, sgd, rngFromSeed(2));
    const tuned = rightOf(result).layers;
    expect(tuned.length).toBe(layers.length);
    tuned.forEach((layer, l) => {
      const moved = layer.W.data.some((w, i) => w !== layers[l].W.data[i]);
      const biasMoved = layer.b.some((b, j) => b !== layers[l].b[j]);
      expect(moved, `W of layer ${l}`).toBe(true);
      expect(biasMoved, `b of layer ${l}`).toBe(true);
    });
  });

  it('learns separable classes', () => {
    const [result] = fineTune({ layers, samples, labels, lambda: 0 }, { ...sgd, epochs: 40 }, rngFromSeed(2));
    const { optimization, layers: tuned } = rightOf(result);
    expect(optimization.lossHistory[optimization.iterations - 1]).toBeLessThan(optimization.lossHistory[0]);
    expect(rightOf(classificationAccuracy(tuned, samples, labels))).toBe(1);
  });

  it('L-BFGS lowers the loss', () => {
    const [result, rngAfter] = fineTune(
      { layers, samples, labels, lambda: 1e-3 },
      { kind: 'lbfgs', maxIterations: 20 },
      rngFromSeed(2),
    );
    const { optimization } = rightOf(result);
    expect(optimization.lossHistory[optimization.iterations - 1]).toBeLessThan(optimization.lossHistory[0]);
    expect(rngAfter).toEqual(rngFromSeed(2));
  });

  it('same seed gives identical bytes', () => {
    const [a] = fineTune({ layers, samples, labels, lambda: 0 }, sgd, rngFromSeed(3));
    const [b] = fineTune({ layers, samples, labels, lambda: 0 }, sgd, rngFromSeed(3));
    expect(packLayers(rightOf(a).layers)).toEqual(packLayers(rightOf(b).layers));
  });

  it('does not write into its inputs', () => {
    const before = packLayers(layers);
    const samplesBefore = snapshot(samples);
    const labelsBefore = [...labels];
    fineTune({ layers, samples, labels, lambda: 0 }, sgd, rngFromSeed(3));
    expect(packLayers(layers)).toEqual(before);
    expect(samples.data).toEqual(samplesBefore);
    expect(labels).toEqual(labelsBefore);
  });

  it('rejects invalid arguments naming them', () => {
    const rng = rngFromSeed(1);
    const broken: DenseLayer[] = [layers[0], layers[2]];
    const cases: ReadonlyArray<[E.Either<{ readonly _tag: string }, unknown>, string]> = [
      [fineTune({ layers: broken, samples, labels, lambda: 0 }, sgd, rng)[0], 'problem.layers[1].W'],
      [fineTune({ layers, samples, labels: labels.map(() => 3), lambda: 0 }, sgd, rng)[0], 'labels[0]'],
      [fineTune({ layers, samples, labels, lambda: Number.NaN }, sgd, rng)[0], 'lambda'],
      [fineTune({ layers, samples, labels, lambda: 0 }, { ...sgd, batchSize: 0 }, rng)[0], 'options.batchSize'],
    ];
    for (const [result, argument] of cases) expect(rejectedArgument(result)).toBe(argument);
  });
});

// -------------------------------------------------------------------------------------------------
// Stacking and the output layer
// -------------------------------------------------------------------------------------------------

describe('stackClassifier', () => {
  const [stack] = initializeLayers(rngFromSeed(1), [INPUTS, 5, 4]);

  it('appends the output layer', () => {
    const output: DenseLayer = { W: unsafeMatrix(CLASSES, 4, new Float64Array(12)), b: new Float64Array(CLASSES) };
    const combined = rightOf(stackClassifier(stack, output));
    expect(combined.map((layer) => [layer.W.rows, layer.W.cols])).toEqual([
      [5, INPUTS],
      [4, 5],
      [CLASSES, 4],
    ]);
  });

  it('rejects an output layer that does not fit the top encoder', () => {
    const output: DenseLayer = { W: unsafeMatrix(CLASSES, 5, new Float64Array(15)), b: new Float64Array(CLASSES) };
    expect(rejectedArgument(stackClassifier(stack, output))).toBe('outputLayer.W');
  });
});

describe('trainOutputLayer', () => {
  it('fits separable features and is deterministic', () => {
    const options = { classCount: CLASSES, lambda: 1e-4, lbfgs: { maxIterations: 50 } };
    const a = rightOf(trainOutputLayer(samples, labels, options));
    const b = rightOf(trainOutputLayer(samples, labels, options));
    expect([a.layer.W.rows, a.layer.W.cols]).toEqual([CLASSES, INPUTS]);
    expect(rightOf(classificationAccuracy([a.layer], samples, labels))).toBe(1);
    expect(a.layer.W.data).toEqual(b.layer.W.data);
  });

  it('rejects a class count below 2', () => {
    const result = trainOutputLayer(samples, labels, { classCount: 1, lambda: 0, lbfgs: { maxIterations: 5 } });
    expect(rejectedArgument(result)).toBe('options.classCount');
  });
});
