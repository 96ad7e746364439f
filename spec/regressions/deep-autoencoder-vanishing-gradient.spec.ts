/**
 * A deep autoencoder whose gradient almost vanishes, found by fast-check against the gradient check of
 * the unrolled network. Its parameters are mostly subnormal or zero and its inputs are zero, so the
 * gradient norm is 5.7e-5 while the objective is 0.125. A central difference is accurate to about
 * EPS^(2/3) |J| per coordinate whatever the gradient, so the relative error of the whole vector rose to
 * 1.05e-8, just above the 1e-8 pass mark. The fault was in the test's generator, which now draws
 * parameters of magnitude at least 0.1; the analytic gradient was right, as this case checks with an
 * absolute tolerance.
 */
import { describe, expect, it } from 'vitest';

import { evaluateDeepObjectiveWithTarget } from '../../src/autoencoder/deep.js';
import type { DeepAutoencoderConfig } from '../../src/autoencoder/deep-params.js';
import { unsafeMatrix } from '../../src/linalg/matrix.js';
import { numericalGradient } from '../../src/nn/gradient-check.js';

/** Accuracy of a central difference at step cbrt(EPS), relative to the objective: about 3.7e-11. */
const CENTRAL_DIFFERENCE_ACCURACY = Math.cbrt(Number.EPSILON) ** 2;

describe('deep autoencoder gradient near zero', () => {
  it('agrees with central differences to their absolute accuracy', () => {
    const config: DeepAutoencoderConfig = {
      encoderSizes: [1, 1, 6],
      hiddenActivation: 'tanh',
      codeActivation: 'identity',
      outputActivation: 'sigmoid',
      loss: 'squared-error',
    };
    const lambda = 3.2552347283290624e-116;
    const input = unsafeMatrix(2, 1, Float64Array.of(0, 0));
    const target = unsafeMatrix(2, 1, Float64Array.of(0, 0.9996347155216201));
    const theta = Float64Array.of(
      -4e-323, -4.815438567063246e-141, -1.5e-323, -4.5036665637001847e-209, 2.00756253433047e-222,
      -9.483247554646555e-46, -5.331702488602648e-151, -8.559378198063609e-151, -2e-323, -0.9999999999999993,
      -4e-323, -0.9999999999999988, -2.3617443853784452e-110, -5e-324, 0, 5e-324, 0.9999999999999994, -6.4e-323,
      2e-323, 8.33018966305338e-244, -0.9999999999999994, -3.456444733610864e-43, 0,
    );

    const value = evaluateDeepObjectiveWithTarget(config, lambda, input, target, theta);
    const numeric = numericalGradient((t) => evaluateDeepObjectiveWithTarget(config, lambda, input, target, t).loss, theta);

    // 16 times the accuracy leaves room for the few roundings of each difference quotient.
    const tolerance = 16 * CENTRAL_DIFFERENCE_ACCURACY * Math.max(1, Math.abs(value.loss));
    for (let i = 0; i < theta.length; i++) {
      expect(Math.abs(value.gradient[i] - numeric[i]), `gradient[${i}]`).toBeLessThanOrEqual(tolerance);
    }
  });
});
