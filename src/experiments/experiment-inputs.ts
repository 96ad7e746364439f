/**
 * The input checks shared by the experiments that measure held-out samples: the test samples must be
 * usable, the number of examples drawn in the figure must be a count, and the weight decay must be a
 * valid coefficient. Checking them first names the experiment's own argument in the error, not that
 * of an inner training function.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, requireFiniteNonEmpty, requireShape } from '../linalg/matrix.js';

/**
 * Returns an error when `test` is empty, has a NaN or infinite entry, or has a different number of
 * columns than `train`, when `exampleCount` is not an integer >= 0, or when `lambda` is not a finite
 * number >= 0; undefined when all are valid. The error names `functionName` and the argument (`test`,
 * `settings.exampleCount` or `settings.lambda`).
 */
export const validateExperimentInputs = (
  functionName: string,
  train: Matrix,
  test: Matrix,
  exampleCount: number,
  lambda: number,
): InvalidArgumentError | undefined => {
  const checkedTest = pipe(
    requireFiniteNonEmpty(functionName, 'test', test),
    E.chain((m) => requireShape(functionName, 'test', m, undefined, train.cols)),
  );
  if (E.isLeft(checkedTest)) return checkedTest.left;
  if (!Number.isSafeInteger(exampleCount) || exampleCount < 0) {
    return invalidArgument(
      functionName,
      'settings.exampleCount',
      exampleCount,
      'an integer >= 0 (it is capped at the number of test samples)',
    );
  }
  if (!Number.isFinite(lambda) || lambda < 0) {
    return invalidArgument(functionName, 'settings.lambda', lambda, 'a finite weight-decay coefficient >= 0');
  }
  return undefined;
};
