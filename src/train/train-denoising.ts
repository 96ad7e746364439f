/**
 * Training loop of a denoising autoencoder: the network encodes a corrupted copy x~ of each sample, and
 * the loss compares its reconstruction x^(x~) with the clean sample x, never with x~.
 *
 * When the corruption is drawn depends on the optimiser:
 * - L-BFGS and gradient descent minimise one deterministic full-batch objective, which their line
 *   search and curvature pairs require. The corrupted copy X~ of the training set is therefore drawn
 *   once per training run, before the first iteration.
 * - SGD corrupts each minibatch afresh when it evaluates it. Every sample is visited once per epoch,
 *   so every sample gets a new corruption in every epoch, as in Vincent et al. (ICML 2008).
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import type { Corruption } from '../autoencoder/corruption.js';
import { type ObjectiveValue, autoencoderObjective, evaluateObjectiveWithTarget } from '../autoencoder/objective.js';
import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type ReadonlyFloat64Array, selectRows } from '../linalg/matrix.js';
import { minimizeGradientDescent } from '../optim/gradient-descent.js';
import { minimizeLbfgs } from '../optim/lbfgs.js';
import { minimizeSgd } from '../optim/sgd.js';
import type { ProgressCallback, TrainingFailure } from '../optim/types.js';
import { type Rng, rngFromSeed, uniformInteger } from '../random/rng.js';
import {
  type AutoencoderProblem,
  type OptimizerSettings,
  type TrainedAutoencoder,
  initialTheta,
  toTrainedAutoencoder,
} from './train-autoencoder.js';

/** Number of distinct 32-bit seeds, the range of the seed that starts the noise stream of SGD. */
const SEED_COUNT = 2 ** 32;

/**
 * Trains a denoising autoencoder on the clean samples `problem.samples` (N x D, one sample per row),
 * with `corruption` producing its inputs, and returns the trained parameters with the advanced
 * generator.
 *
 * The generator first draws the initial parameters (unless `problem.initial` is given). Then, for
 * L-BFGS and gradient descent, it draws the one corrupted copy of the training set. For SGD it draws a
 * 32-bit seed that starts a separate noise stream, and then the minibatch order of every epoch, so that
 * noise and order come from different streams. The progress callback is called once per iteration (per
 * epoch for SGD). With the same generator the result is bit-identical.
 *
 * Regularization works as in `trainAutoencoder`. The sparsity penalty's rhoHat is the mean activation
 * over the corrupted inputs (of the batch, for SGD).
 *
 * Errors: `InvalidArgumentError` for an invalid architecture, regulariser, clean data, starting
 * parameters or optimiser option. With the cross-entropy loss the clean data must lie in [0, 1], while
 * corrupted inputs may leave that range. `TrainingFailure` when the loss or gradient becomes NaN or
 * infinite.
 *
 * @throws RangeError when `corruption` returns a matrix of another shape than its input, which breaks
 * the contract of {@link Corruption}.
 *
 * @example
 * const [result, next] = trainDenoisingAutoencoder(
 *   { config, regularization: NO_REGULARIZATION, samples: x },
 *   E.getOrElseW(() => { throw new Error('invalid nu'); })(maskingNoise(0.25)),
 *   { kind: 'sgd', batchSize: 100, epochs: 5, learningRate: 0.1, momentum: 0.9 },
 *   rngFromSeed(1),
 * );
 */
export const trainDenoisingAutoencoder = (
  problem: AutoencoderProblem,
  corruption: Corruption,
  optimizer: OptimizerSettings,
  rng: Rng,
  onProgress?: ProgressCallback,
): [E.Either<InvalidArgumentError | TrainingFailure, TrainedAutoencoder>, Rng] => {
  const { config, regularization, samples } = problem;
  // Validates the architecture, the regulariser and the clean samples as targets of the loss.
  const valid = autoencoderObjective(config, regularization, samples);
  if (E.isLeft(valid)) return [valid, rng];

  const [theta0, afterInit] = initialTheta('trainDenoisingAutoencoder', problem, rng);
  if (E.isLeft(theta0)) return [theta0, afterInit];
  const finish = E.map(toTrainedAutoencoder(config));

  switch (optimizer.kind) {
    case 'lbfgs':
    case 'gradient-descent': {
      const [corrupted, afterNoise] = corruption(afterInit, samples);
      const objective = (theta: ReadonlyFloat64Array): ObjectiveValue =>
        evaluateObjectiveWithTarget(config, regularization, corrupted, samples, theta);
      const result =
        optimizer.kind === 'lbfgs'
          ? minimizeLbfgs(objective, theta0.right, optimizer, onProgress)
          : minimizeGradientDescent(objective, theta0.right, optimizer, onProgress);
      return [pipe(result, finish), afterNoise];
    }
    case 'sgd': {
      const [noiseSeed, afterSeed] = uniformInteger(afterInit, SEED_COUNT);
      // NOTE: the noise generator advances inside the objective. minimizeSgd evaluates the batches one at
      // a time in a fixed order, so the sequence of draws, and hence the result, is still fixed by the seed.
      let noise = rngFromSeed(noiseSeed);
      const minibatchObjective = (theta: ReadonlyFloat64Array, batch: Uint32Array): ObjectiveValue => {
        const clean = selectRows(samples, batch);
        const [corrupted, next] = corruption(noise, clean);
        noise = next;
        return evaluateObjectiveWithTarget(config, regularization, corrupted, clean, theta);
      };
      const [result, afterSgd] = minimizeSgd(
        minibatchObjective,
        theta0.right,
        afterSeed,
        { ...optimizer, sampleCount: samples.rows },
        onProgress,
      );
      return [pipe(result, finish), afterSgd];
    }
    default:
      return [
        E.left(
          invalidArgument(
            'trainDenoisingAutoencoder',
            'optimizer.kind',
            String((optimizer as { kind: unknown }).kind),
            "'lbfgs', 'gradient-descent' or 'sgd'",
          ),
        ),
        afterInit,
      ];
  }
};
