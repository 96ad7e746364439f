/**
 * The checks that experiments measuring held-out samples share: the test samples must be usable, and
 * the number of examples drawn in the figure must be a count.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, requireFiniteNonEmpty, requireShape } from '../linalg/matrix.js';

/**
 * Returns an error when `test` is empty, has a NaN or infinite entry, or has a different number of
 * columns than `train`, or when `exampleCount` is not an integer >= 0; undefined when all are valid.
 * The error names `functionName` and the argument (`test` or `settings.exampleCount`).
 */
export const validateHeldOut = (
  functionName: string,
  train: Matrix,
  test: Matrix,
  exampleCount: number,
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
  return undefined;
};
