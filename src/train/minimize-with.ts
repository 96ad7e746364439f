/**
 * The optimiser settings shared by the training loops, and the one place that runs the optimiser they
 * name: L-BFGS and gradient descent on the full-batch objective, SGD on minibatches.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import type { ReadonlyFloat64Array } from '../linalg/matrix.js';
import { type GradientDescentOptions, minimizeGradientDescent } from '../optim/gradient-descent.js';
import { type LbfgsOptions, minimizeLbfgs } from '../optim/lbfgs.js';
import { minimizeSgd } from '../optim/sgd.js';
import type {
  MinibatchObjective,
  Objective,
  OptimizationResult,
  ProgressCallback,
  TrainingFailure,
} from '../optim/types.js';
import type { Rng } from '../random/rng.js';

/** The optimiser that minimises the objective, with its options. */
export type OptimizerSettings =
  | ({ readonly kind: 'lbfgs' } & LbfgsOptions)
  | ({ readonly kind: 'gradient-descent' } & GradientDescentOptions)
  | {
      readonly kind: 'sgd';
      /** Samples per minibatch, an integer in [1, N]. The KL penalty then uses each batch's rhoHat. */
      readonly batchSize: number;
      readonly epochs: number;
      readonly learningRate: number;
      readonly momentum?: number;
    };

/** The two forms of one training objective over N samples. */
export interface TrainingObjective {
  /** The objective on all N samples, for L-BFGS and gradient descent. */
  readonly fullBatch: Objective;
  /** The objective on the samples whose row indices are in the batch, for SGD. */
  readonly minibatch: MinibatchObjective;
  /** N, the number of training samples. */
  readonly sampleCount: number;
}

/**
 * Minimises `objective` from theta0 with the optimiser of `optimizer`. Only SGD draws from the
 * generator (its batch order); the full-batch optimisers return it unchanged. A missing `optimizer` or
 * an unknown `optimizer.kind` gives an `InvalidArgumentError` that names `functionName`.
 */
export const minimizeWith = (
  functionName: string,
  optimizer: OptimizerSettings,
  objective: TrainingObjective,
  theta0: ReadonlyFloat64Array,
  rng: Rng,
  onProgress?: ProgressCallback,
): [E.Either<InvalidArgumentError | TrainingFailure, OptimizationResult>, Rng] => {
  const expected = "'lbfgs', 'gradient-descent' or 'sgd'";
  // The types rule this out in TypeScript, but callers in plain JavaScript can pass anything.
  if (typeof optimizer !== 'object' || optimizer === null) {
    return [E.left(invalidArgument(functionName, 'optimizer', String(optimizer), `an object whose kind is ${expected}`)), rng];
  }
  switch (optimizer.kind) {
    case 'lbfgs':
      return [minimizeLbfgs(objective.fullBatch, theta0, optimizer, onProgress), rng];
    case 'gradient-descent':
      return [minimizeGradientDescent(objective.fullBatch, theta0, optimizer, onProgress), rng];
    case 'sgd':
      return minimizeSgd(objective.minibatch, theta0, rng, { ...optimizer, sampleCount: objective.sampleCount }, onProgress);
    default: {
      const kind = String((optimizer as { kind: unknown }).kind);
      return [E.left(invalidArgument(functionName, 'optimizer.kind', kind, expected)), rng];
    }
  }
};
