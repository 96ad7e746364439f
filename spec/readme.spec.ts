/** Runs the README's usage example against the public entry point, so the example cannot rot. */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { describe, expect, it } from 'vitest';

import { fitWhitening, fromRows, rngFromSeed, trainAutoencoder, whiten } from '../src/index.js';

describe('README example', () => {
  it('whitens and trains as shown', () => {
    const x = pipe(
      fromRows([[0.1, 0.9, 0.3], [0.4, 0.2, 0.8], [0.7, 0.5, 0.1], [0.2, 0.6, 0.6]]),
      E.getOrElseW((error) => {
        throw new Error(error.message);
      }),
    );
    const whitened = pipe(
      fitWhitening(x, { method: 'zca', epsilon: 1e-5 }),
      E.chainW((model) => whiten(model, x)),
    );
    const [trained, nextRng] = trainAutoencoder(
      {
        config: { inputSize: 3, hiddenSize: 2, tied: false, hiddenActivation: 'sigmoid', outputActivation: 'sigmoid', loss: 'cross-entropy' },
        regularization: { lambda: 1e-4, sparsity: { rho: 0.1, beta: 3 } },
        samples: x,
      },
      { kind: 'lbfgs', maxIterations: 200 },
      rngFromSeed(42),
    );

    expect(E.isRight(whitened)).toBe(true);
    expect(E.isRight(whitened) ? [whitened.right.rows, whitened.right.cols] : []).toEqual([4, 3]);
    expect(E.isRight(trained)).toBe(true);
    expect(nextRng.state).not.toEqual(rngFromSeed(42).state);
  });
});
