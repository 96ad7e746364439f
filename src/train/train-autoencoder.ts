/**
 * Training loop of one autoencoder: initialise the parameters from the generator, then minimise the
 * objective (reconstruction loss + weight decay + sparsity penalty) with the chosen optimiser.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import { autoencoderObjective, evaluateObjective } from '../autoencoder/objective.js';
import {
  type AutoencoderConfig,
  type AutoencoderParams,
  initializeAutoencoder,
  packParams,
  unpackParams,
} from '../autoencoder/params.js';
import type { Regularization } from '../autoencoder/regularization.js';
import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, firstNonFinite, selectRows } from '../linalg/matrix.js';
import type { OptimizationResult, ProgressCallback, TrainingFailure } from '../optim/types.js';
import type { Rng } from '../random/rng.js';
import { type OptimizerSettings, type TrainingObjective, minimizeWith } from './minimize-with.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

export type { OptimizerSettings } from './minimize-with.js';

/** A training problem: the architecture, the regulariser and the N x D training samples. */
export interface AutoencoderProblem {
  readonly config: AutoencoderConfig;
  readonly regularization: Regularization;
  readonly samples: Matrix;
  /** Starting parameters; when absent they are drawn by `initializeAutoencoder` from the generator. */
  readonly initial?: AutoencoderParams;
}

/** A trained autoencoder and the record of its optimisation. */
export interface TrainedAutoencoder {
  readonly config: AutoencoderConfig;
  readonly params: AutoencoderParams;
  readonly optimization: OptimizationResult;
}

// -------------------------------------------------------------------------------------------------
// Training
// -------------------------------------------------------------------------------------------------

/**
 * Trains an autoencoder on `problem.samples` (N x D, one sample per row) and returns the trained
 * parameters with the advanced generator.
 *
 * L-BFGS and gradient descent use the full-batch objective; SGD evaluates it on each minibatch. The
 * progress callback is called once per iteration (per epoch for SGD).
 *
 * Errors: `InvalidArgumentError` for an invalid architecture, regulariser, data, starting parameters or
 * optimiser option. `TrainingFailure` when the loss or gradient becomes NaN or infinite: it carries the
 * last finite parameters in `lastFinite.theta`, which `unpackParams` turns back into weights.
 *
 * @example
 * const [result, next] = trainAutoencoder(
 *   { config, regularization: { lambda: 3e-3, sparsity: { rho: 0.1, beta: 3 } }, samples: x },
 *   { kind: 'lbfgs', maxIterations: 400 },
 *   rngFromSeed(1),
 * );
 */
export const trainAutoencoder = (
  problem: AutoencoderProblem,
  optimizer: OptimizerSettings,
  rng: Rng,
  onProgress?: ProgressCallback,
): [E.Either<InvalidArgumentError | TrainingFailure, TrainedAutoencoder>, Rng] => {
  const { config, regularization, samples } = problem;
  const validObjective = autoencoderObjective(config, regularization, samples);
  if (E.isLeft(validObjective)) return [validObjective, rng];

  const [theta0, afterInit] = initialTheta('trainAutoencoder', problem, rng);
  if (E.isLeft(theta0)) return [theta0, afterInit];
  const finish = E.map(toTrainedAutoencoder(config));

  const objective: TrainingObjective = {
    fullBatch: validObjective.right,
    minibatch: (theta, batch) => evaluateObjective(config, regularization, selectRows(samples, batch), theta),
    sampleCount: samples.rows,
  };
  const [result, next] = minimizeWith('trainAutoencoder', optimizer, objective, theta0.right, afterInit, onProgress);
  return [pipe(result, finish), next];
};

/**
 * Returns the starting theta of a training run: `problem.initial` packed after its checks, or fresh
 * parameters drawn by `initializeAutoencoder` (which advances the generator) when it is absent.
 */
export const initialTheta = (
  functionName: string,
  problem: AutoencoderProblem,
  rng: Rng,
): [E.Either<InvalidArgumentError, Float64Array>, Rng] => {
  const [initialParams, afterInit] =
    problem.initial === undefined ? initializeAutoencoder(rng, problem.config) : [problem.initial, rng];
  return [packInitialParams(functionName, problem.config, initialParams), afterInit];
};

/** Turns an optimiser's result into the trained autoencoder it describes. */
export const toTrainedAutoencoder =
  (config: AutoencoderConfig) =>
  (optimization: OptimizationResult): TrainedAutoencoder => ({
    config,
    params: unpackParams(config, optimization.theta),
    optimization,
  });

/**
 * Packs starting parameters into theta after checking their shapes against the architecture and their
 * entries for NaN and infinity. `functionName` names the public caller in error messages.
 */
export const packInitialParams = (
  functionName: string,
  config: AutoencoderConfig,
  params: AutoencoderParams,
): E.Either<InvalidArgumentError, Float64Array> => {
  const { inputSize: d, hiddenSize: h } = config;
  const shapeOk =
    params.W.rows === h &&
    params.W.cols === d &&
    params.b.length === h &&
    params.bDecoder.length === d &&
    (config.tied ? params.WDecoder === null : params.WDecoder !== null && params.WDecoder.rows === d && params.WDecoder.cols === h);
  if (!shapeOk) {
    const decoder = params.WDecoder === null ? 'WDecoder null' : `WDecoder ${params.WDecoder.rows} x ${params.WDecoder.cols}`;
    const expectedDecoder = config.tied ? 'WDecoder null' : `WDecoder ${d} x ${h}`;
    return E.left(
      invalidArgument(
        functionName,
        'problem.initial',
        `W ${params.W.rows} x ${params.W.cols}, b ${params.b.length}, ${decoder}, bDecoder ${params.bDecoder.length}`,
        `parameters of a ${config.tied ? 'tied' : 'untied'} ${d}-${h}-${d} autoencoder: W ${h} x ${d}, b ${h}, ` +
          `${expectedDecoder}, bDecoder ${d}`,
      ),
    );
  }
  const theta = packParams(config, params);
  const bad = firstNonFinite(theta);
  if (bad >= 0) {
    return E.left(invalidArgument(functionName, `problem.initial (parameter ${bad} of theta)`, theta[bad], 'a finite number'));
  }
  return E.right(theta);
};
