/** Unwrapping of fp-ts Either values in tests, where a Left is a failure of the test. */
import * as E from 'fp-ts/lib/Either.js';

const describeLeft = (left: unknown): string =>
  typeof left === 'object' && left !== null && 'message' in left ? String(left.message) : JSON.stringify(left);

/** Returns the Right value, or throws an Error whose message names the Left. */
export const right = <L, R>(result: E.Either<L, R>): R => {
  if (E.isLeft(result)) throw new Error(`expected Right, got Left: ${describeLeft(result.left)}`);
  return result.right;
};
