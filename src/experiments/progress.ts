/**
 * Progress events of the experiments. The numeric core only calls the callback it is given; the command
 * line turns the events into a progress bar.
 */
import type { Progress } from '../optim/types.js';

/** One progress report: which phase of which experiment, and the optimiser's own report when training. */
export interface ExperimentProgress {
  /** Short label of the running phase, e.g. `sparse autoencoder, beta = 0.1`. */
  readonly phase: string;
  /** Iteration report of the optimiser; absent for phases that do not iterate (eigendecomposition). */
  readonly training?: Progress;
}

export type ExperimentProgressCallback = (event: ExperimentProgress) => void;

/** A callback that ignores every event, for callers that want no progress. */
export const ignoreProgress: ExperimentProgressCallback = () => undefined;
