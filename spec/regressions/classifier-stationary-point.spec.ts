/**
 * fast-check found this case for the classifier's gradient check: all weights and inputs 0 and every
 * class equally often among the labels. The network outputs p = 1/K for every sample, so the mean of
 * p - onehot over the batch is exactly 0 and the point is stationary. The analytic and numerical
 * gradients are then both about 0, and their relative error (1 here) carries no information. The
 * check must compare them against the central difference's noise instead.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { layerParameterCount } from '../../src/classifier/layers.js';
import { classifierObjective } from '../../src/classifier/network.js';
import { unsafeMatrix } from '../../src/linalg/matrix.js';
import { numericalGradient } from '../../src/nn/gradient-check.js';

const EPS = Number.EPSILON;

describe('classifier gradient at a stationary point', () => {
  it('zero weights with balanced labels give a zero gradient', () => {
    const sizes = [5, 3, 2, 3];
    const samples = unsafeMatrix(3, 5, new Float64Array(15));
    const objective = classifierObjective(sizes, 0, samples, [1, 2, 0]);
    if (E.isLeft(objective)) throw new Error(objective.left.message);
    const theta = new Float64Array(layerParameterCount(sizes));

    const { loss, gradient } = objective.right(theta);
    const numeric = numericalGradient((t) => objective.right(t).loss, theta);

    // Every output delta is (1/3 - onehot) / 3, whose column sums are 1/9 + 1/9 - 2/9 in some order:
    // a few EPS of rounding at most.
    for (const g of gradient) expect(Math.abs(g)).toBeLessThanOrEqual(4 * EPS);
    // Central differences of a loss of ln 3 round to EPS^(2/3) ln 3 per coordinate at worst.
    for (const g of numeric) expect(Math.abs(g)).toBeLessThanOrEqual(EPS ** (2 / 3) * 2 * loss);
  });
});
