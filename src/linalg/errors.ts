/**
 * Tagged error values returned (inside fp-ts `Either`) by every public function that validates its input.
 *
 * Each error names the function, the argument, the offending value and what is allowed, so a caller can
 * print `error.message` as it is or branch on `_tag`.
 */

/** An argument with the wrong shape, a non-finite entry or a hyperparameter out of range. */
export interface InvalidArgumentError {
  readonly _tag: 'InvalidArgumentError';
  /** Name of the public function that rejected the call, e.g. `fitPca`. */
  readonly functionName: string;
  /** Name of the rejected argument or option path, e.g. `options.rho`. */
  readonly argument: string;
  /** The rejected value, rendered as text. */
  readonly value: string;
  /** The allowed values of the argument, e.g. `a number in (0, 1)`. */
  readonly expected: string;
  readonly message: string;
}

/** An iterative method that reached its iteration cap before its convergence test passed. */
export interface NotConvergedError {
  readonly _tag: 'NotConvergedError';
  readonly functionName: string;
  /** Iterations (or sweeps) performed before giving up. */
  readonly iterations: number;
  /** The quantity that had to fall below `tolerance`, measured at the last iteration. */
  readonly residual: number;
  readonly tolerance: number;
  readonly message: string;
}

/** A loss or gradient that became NaN or infinite during training. */
export interface NonFiniteLossError {
  readonly _tag: 'NonFiniteLossError';
  readonly functionName: string;
  /** Iteration at which the non-finite value appeared. */
  readonly iteration: number;
  /** The non-finite loss, or the last loss when only the gradient was non-finite. */
  readonly loss: number;
  readonly message: string;
}

export type LibraryError = InvalidArgumentError | NotConvergedError | NonFiniteLossError;

/** Renders a value for an error message without dumping whole arrays. */
export const describeValue = (value: unknown): string => {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  // Strings are taken as already rendered (a shape such as "3 x 4", or a quoted user input).
  if (typeof value === 'string') return value;
  if (value instanceof Float64Array) return `Float64Array(length ${value.length})`;
  if (Array.isArray(value)) return `array(length ${value.length})`;
  return String(value);
};

/** Builds an {@link InvalidArgumentError} whose message reads `fn: argument must be expected, got value.` */
export const invalidArgument = (
  functionName: string,
  argument: string,
  value: unknown,
  expected: string,
): InvalidArgumentError => {
  const rendered = describeValue(value);
  return {
    _tag: 'InvalidArgumentError',
    functionName,
    argument,
    value: rendered,
    expected,
    message: `${functionName}: ${argument} must be ${expected}, got ${rendered}.`,
  };
};

/** Builds a NotConvergedError; `unit` names what `iterations` counts (sweeps for the Jacobi solver). */
export const notConverged = (
  functionName: string,
  iterations: number,
  residual: number,
  tolerance: number,
  advice: string,
  unit = 'iteration',
): NotConvergedError => ({
  _tag: 'NotConvergedError',
  functionName,
  iterations,
  residual,
  tolerance,
  message:
    `${functionName}: did not converge after ${iterations} ${iterations === 1 ? unit : `${unit}s`} ` +
    `(residual ${residual.toExponential(3)}, tolerance ${tolerance.toExponential(3)}). ${advice}`,
});

export const nonFiniteLoss = (functionName: string, iteration: number, loss: number): NonFiniteLossError => ({
  _tag: 'NonFiniteLossError',
  functionName,
  iteration,
  loss,
  message:
    `${functionName}: the loss or its gradient became non-finite (loss ${loss}) at iteration ${iteration}; ` +
    'the returned parameters are the last finite ones. Lower the learning rate (gradient descent and SGD), or ' +
    'check the data and the starting parameters for extreme values.',
});
