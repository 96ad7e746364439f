import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { encode } from '../../src/autoencoder/autoencoder.js';
import { maskingNoise } from '../../src/autoencoder/corruption.js';
import { encodeDeep, evaluateDeepObjective } from '../../src/autoencoder/deep.js';
import { type DeepAutoencoderConfig, packDeepParams } from '../../src/autoencoder/deep-params.js';
import { NO_REGULARIZATION } from '../../src/autoencoder/regularization.js';
import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import { rngFromSeed, uniforms } from '../../src/random/rng.js';
import type { OptimizerSettings } from '../../src/train/train-autoencoder.js';
import {
  fineTuneDeepAutoencoder,
  layerAutoencoderConfig,
  pretrainDeepAutoencoder,
} from '../../src/train/train-deep-autoencoder.js';
import { snapshot } from '../support/arbitraries.js';

// -------------------------------------------------------------------------------------------------
// A tiny problem
// -------------------------------------------------------------------------------------------------

/** 20 samples of dimension 8 through 8-6-4-3: every run below takes milliseconds. */
const config: DeepAutoencoderConfig = {
  encoderSizes: [8, 6, 4, 3],
  hiddenActivation: 'sigmoid',
  codeActivation: 'identity',
  outputActivation: 'sigmoid',
  loss: 'cross-entropy',
};
const SAMPLE_COUNT = 20;
const samples: Matrix = unsafeMatrix(SAMPLE_COUNT, 8, uniforms(rngFromSeed(11), SAMPLE_COUNT * 8)[0]);

const sgd = (epochs: number, learningRate = 0.1): OptimizerSettings => ({
  kind: 'sgd',
  batchSize: 5,
  epochs,
  learningRate,
  momentum: 0.9,
});

const layerwise = { optimizer: sgd(3), regularization: NO_REGULARIZATION };

const rightOf = <A>(result: E.Either<{ readonly message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

const argumentOf = (result: E.Either<unknown, unknown>): string =>
  E.isLeft(result) && typeof result.left === 'object' && result.left !== null && 'argument' in result.left
    ? String(result.left.argument)
    : 'no InvalidArgumentError';

// -------------------------------------------------------------------------------------------------
// Pretraining
// -------------------------------------------------------------------------------------------------

describe('layerAutoencoderConfig', () => {
  it('sets the losses and activations per layer', () => {
    expect(layerAutoencoderConfig(config, 1)).toEqual({
      inputSize: 8,
      hiddenSize: 6,
      tied: true,
      hiddenActivation: 'sigmoid',
      outputActivation: 'sigmoid',
      loss: 'cross-entropy',
    });
    const codeLayer = layerAutoencoderConfig(config, 3);
    expect(codeLayer).toMatchObject({ inputSize: 4, hiddenSize: 3, hiddenActivation: 'identity' });
    const tanh = layerAutoencoderConfig({ ...config, hiddenActivation: 'tanh' }, 2);
    expect(tanh).toMatchObject({ outputActivation: 'tanh', loss: 'squared-error' });
  });
});

describe('pretrainDeepAutoencoder', () => {
  it('returns one tied encoder per layer with the right shapes', () => {
    const pretrained = rightOf(pretrainDeepAutoencoder(config, samples, layerwise, rngFromSeed(1))[0]);

    expect(pretrained.encoders.length).toBe(3);
    pretrained.encoders.forEach((encoder, i) => {
      const { W } = encoder.params;
      expect([W.rows, W.cols]).toEqual([config.encoderSizes[i + 1], config.encoderSizes[i]]);
      expect(encoder.params.WDecoder).toBeNull();
    });
    expect(pretrained.params.layers.length).toBe(6);
  });

  it('trains each layer on the codes of the one before', () => {
    const pretrained = rightOf(pretrainDeepAutoencoder(config, samples, layerwise, rngFromSeed(1))[0]);

    // Encoding through the stack by hand must give the code of the unrolled network.
    let codes = samples;
    pretrained.encoders.forEach((encoder) => {
      codes = encode(encoder.config, encoder.params, codes);
    });
    expect(Array.from(encodeDeep(config, pretrained.params, samples).data)).toEqual(Array.from(codes.data));
  });

  it('accepts one optimiser per layer and rejects a wrong count', () => {
    const perLayer = { ...layerwise, optimizer: [sgd(1), sgd(2), sgd(3, 0.01)] };
    const pretrained = rightOf(pretrainDeepAutoencoder(config, samples, perLayer, rngFromSeed(1))[0]);
    expect(pretrained.encoders.map((e) => e.optimization.iterations)).toEqual([1, 2, 3]);

    const wrong = pretrainDeepAutoencoder(config, samples, { ...layerwise, optimizer: [sgd(1)] }, rngFromSeed(1));
    expect(argumentOf(wrong[0])).toBe('settings.optimizer.length');
  });

  it('trains denoising layers when given a corruption', () => {
    const denoising = { ...layerwise, corruption: rightOf(maskingNoise(0.3)) };
    const plain = rightOf(pretrainDeepAutoencoder(config, samples, layerwise, rngFromSeed(1))[0]);
    const noisy = rightOf(pretrainDeepAutoencoder(config, samples, denoising, rngFromSeed(1))[0]);

    expect(noisy.encoders.length).toBe(3);
    expect(Array.from(noisy.encoders[0].params.W.data)).not.toEqual(Array.from(plain.encoders[0].params.W.data));
  });

  it('gives identical bytes for the same seed and leaves the samples unchanged', () => {
    const before = snapshot(samples);
    const first = rightOf(pretrainDeepAutoencoder(config, samples, layerwise, rngFromSeed(4))[0]);
    const second = rightOf(pretrainDeepAutoencoder(config, samples, layerwise, rngFromSeed(4))[0]);

    expect(Buffer.from(packDeepParams(config, first.params).buffer)).toEqual(
      Buffer.from(packDeepParams(config, second.params).buffer),
    );
    expect(snapshot(samples)).toEqual(before);
  });

  it('rejects samples outside [0, 1] for the cross-entropy loss', () => {
    const outside = unsafeMatrix(1, 8, Float64Array.of(0, 0, 0, 0, 0, 0, 0, -1));
    expect(argumentOf(pretrainDeepAutoencoder(config, outside, layerwise, rngFromSeed(1))[0])).toBe('samples[0, 7]');
  });
});

// -------------------------------------------------------------------------------------------------
// Fine-tuning
// -------------------------------------------------------------------------------------------------

describe('fineTuneDeepAutoencoder', () => {
  const pretrained = rightOf(pretrainDeepAutoencoder(config, samples, layerwise, rngFromSeed(1))[0]);
  const problem = { config, lambda: 1e-4, samples, initial: pretrained.params };

  it('lowers the objective and changes every layer', () => {
    const trained = rightOf(fineTuneDeepAutoencoder(problem, { kind: 'lbfgs', maxIterations: 20 }, rngFromSeed(1))[0]);

    const before = evaluateDeepObjective(config, 1e-4, samples, packDeepParams(config, pretrained.params)).loss;
    expect(trained.optimization.loss).toBeLessThan(before);
    trained.params.layers.forEach((layer, l) => {
      expect(Array.from(layer.W.data), `layer ${l + 1}`).not.toEqual(Array.from(pretrained.params.layers[l].W.data));
    });
  });

  it('trains with SGD from a random start when no initial parameters are given', () => {
    const trained = rightOf(
      fineTuneDeepAutoencoder({ config, lambda: 0, samples }, sgd(5, 0.05), rngFromSeed(2))[0],
    );
    const history = trained.optimization.lossHistory;

    expect(history.length).toBe(5);
    expect(history[4]).toBeLessThan(history[0]);
  });

  it('gives identical bytes for the same seed', () => {
    const run = () => rightOf(fineTuneDeepAutoencoder(problem, sgd(2), rngFromSeed(3))[0]).optimization.theta;
    expect(Buffer.from(run().buffer)).toEqual(Buffer.from(run().buffer));
  });

  it('rejects a bad lambda, starting parameters of the wrong shape and unknown optimisers', () => {
    expect(argumentOf(fineTuneDeepAutoencoder({ ...problem, lambda: -1 }, sgd(1), rngFromSeed(1))[0])).toBe('lambda');

    const shallow = { layers: pretrained.params.layers.slice(0, 4) };
    expect(argumentOf(fineTuneDeepAutoencoder({ ...problem, initial: shallow }, sgd(1), rngFromSeed(1))[0])).toBe(
      'problem.initial',
    );

    const unknown = { kind: 'adam' } as unknown as OptimizerSettings;
    expect(argumentOf(fineTuneDeepAutoencoder(problem, unknown, rngFromSeed(1))[0])).toBe('optimizer.kind');
  });
});
