/**
 * Benchmark section 3: one full-batch loss-and-gradient evaluation of the sparse autoencoder
 * 784-196-784 (sigmoid units, untied weights, squared error, lambda = 3e-3, beta = 3, rho = 0.1) on
 * MNIST digits, against tfjs-core's CPU backend (float32, gradient by `tf.valueAndGrads`).
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers the gradients of its operations only through this module (the tfjs umbrella
// package imports it); without it `tf.valueAndGrads` finds no gradient for Add.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';

import { evaluateObjective } from '../src/autoencoder/objective.js';
import { type AutoencoderConfig, initializeAutoencoder, packParams, parameterLayout } from '../src/autoencoder/params.js';
import type { Regularization } from '../src/autoencoder/regularization.js';
import type { Matrix } from '../src/linalg/matrix.js';
import { rngFromSeed } from '../src/random/rng.js';
import { type Timing, measure } from './measure.js';

export const AUTOENCODER_CONFIG: AutoencoderConfig = {
  inputSize: 784,
  hiddenSize: 196,
  tied: false,
  hiddenActivation: 'sigmoid',
  outputActivation: 'sigmoid',
  loss: 'squared-error',
};

export const AUTOENCODER_REGULARIZATION: Regularization = { lambda: 3e-3, sparsity: { rho: 0.1, beta: 3 } };

/** Theta of the initial network drawn from seed 1 (Glorot uniform weights, zero biases). */
export const initialTheta = (): Float64Array => packParams(AUTOENCODER_CONFIG, initializeAutoencoder(rngFromSeed(1), AUTOENCODER_CONFIG)[0]);

export interface AutoencoderResult {
  readonly sampleCount: number;
  readonly ours: Timing;
  readonly oursLoss: number;
  readonly oursGradient: Float64Array;
  readonly tfjs: Timing;
  readonly tfjsLoss: number;
  /** max |g_tfjs - g_ours| / max |g_ours|: float32 against float64, a check that both compute the same gradient. */
  readonly tfjsGradientDifference: number;
}

/** max |a - b| / max |b|. */
export const relativeMaxDifference = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    difference = Math.max(difference, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return difference / scale;
};

/** Builds the objective of `evaluateObjective` from tfjs operations, for `tf.valueAndGrads`. */
const tfjsObjective = (samples: tf.Tensor2D) => {
  const n = samples.shape[0];
  const { lambda } = AUTOENCODER_REGULARIZATION;
  const { rho, beta } = AUTOENCODER_REGULARIZATION.sparsity ?? { rho: 0, beta: 0 };
  return (w: tf.Tensor, b: tf.Tensor, wDecoder: tf.Tensor, bDecoder: tf.Tensor): tf.Scalar => {
    const hidden = tf.sigmoid(tf.add(tf.matMul(samples, w as tf.Tensor2D, false, true), b));
    const output = tf.sigmoid(tf.add(tf.matMul(hidden, wDecoder as tf.Tensor2D, false, true), bDecoder));
    const reconstruction = tf.div(tf.mul(0.5, tf.sum(tf.square(tf.sub(output, samples)))), n);
    const decay = tf.mul(0.5 * lambda, tf.add(tf.sum(tf.square(w)), tf.sum(tf.square(wDecoder))));
    const rhoHat = tf.mean(hidden, 0);
    const kl = tf.sum(
      tf.add(tf.mul(rho, tf.log(tf.div(rho, rhoHat))), tf.mul(1 - rho, tf.log(tf.div(1 - rho, tf.sub(1, rhoHat))))),
    );
    return tf.add(tf.add(reconstruction, decay), tf.mul(beta, kl)) as tf.Scalar;
  };
};

export const runAutoencoder = (samples: Matrix, theta: Float64Array, repeats: number, log: (line: string) => void): AutoencoderResult => {
  log(`autoencoder: N = ${samples.rows}`);
  const evaluate = () => evaluateObjective(AUTOENCODER_CONFIG, AUTOENCODER_REGULARIZATION, samples, theta);
  const ours = measure(evaluate, repeats);
  const value = evaluate();

  const { inputSize: d, hiddenSize: h } = AUTOENCODER_CONFIG;
  const layout = parameterLayout(AUTOENCODER_CONFIG);
  const x = tf.tensor2d(Float32Array.from(samples.data), [samples.rows, d]);
  const parameters = [
    tf.tensor2d(Float32Array.from(theta.subarray(layout.W, layout.W + h * d)), [h, d]),
    tf.tensor1d(Float32Array.from(theta.subarray(layout.b, layout.b + h))),
    tf.tensor2d(Float32Array.from(theta.subarray(layout.WDecoder, layout.WDecoder + d * h)), [d, h]),
    tf.tensor1d(Float32Array.from(theta.subarray(layout.bDecoder, layout.bDecoder + d))),
  ];
  const valueAndGrads = tf.valueAndGrads(tfjsObjective(x));
  const tfjsEvaluate = (): { loss: number; gradient: Float64Array } => {
    const result = valueAndGrads(parameters);
    const gradient = new Float64Array(layout.length);
    let offset = 0;
    for (const g of result.grads) {
      gradient.set(g.dataSync(), offset);
      offset += g.size;
    }
    const loss = result.value.dataSync()[0];
    tf.dispose([result.value, ...result.grads]);
    return { loss, gradient };
  };
  const tfjs = measure(tfjsEvaluate, repeats);
  const tfjsValue = tfjsEvaluate();
  tf.dispose([x, ...parameters]);

  return {
    sampleCount: samples.rows,
    ours,
    oursLoss: value.loss,
    oursGradient: value.gradient,
    tfjs,
    tfjsLoss: tfjsValue.loss,
    tfjsGradientDifference: relativeMaxDifference(tfjsValue.gradient, value.gradient),
  };
};
