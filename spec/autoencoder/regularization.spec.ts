import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import type { AutoencoderConfig } from '../../src/autoencoder/params.js';
import {
  NO_REGULARIZATION,
  addSparsityAndSigmoidDerivativeInPlace,
  addWeightDecay,
  validateRegularization,
} from '../../src/autoencoder/regularization.js';
import { klDivergenceDerivative } from '../../src/nn/kl.js';

const config: AutoencoderConfig = {
  inputSize: 3,
  hiddenSize: 2,
  tied: false,
  hiddenActivation: 'sigmoid',
  outputActivation: 'sigmoid',
  loss: 'cross-entropy',
};

describe('validateRegularization', () => {
  it('accepts no regularization and a typical sparse setting', () => {
    expect(E.isRight(validateRegularization('fit', config, NO_REGULARIZATION))).toBe(true);
    expect(E.isRight(validateRegularization('fit', config, { lambda: 3e-3, sparsity: { rho: 0.1, beta: 3 } }))).toBe(true);
  });

  it('accepts beta = 0 and lambda = 0', () => {
    expect(E.isRight(validateRegularization('fit', config, { lambda: 0, sparsity: { rho: 0.5, beta: 0 } }))).toBe(true);
  });

  it('rejects sparsity without sigmoid hidden units', () => {
    for (const hiddenActivation of ['tanh', 'identity', 'relu'] as const) {
      const result = validateRegularization('fit', { ...config, hiddenActivation }, { lambda: 0, sparsity: { rho: 0.05, beta: 1 } });
      if (E.isRight(result)) throw new Error(`expected ${hiddenActivation} to be rejected`);
      expect(result.left.argument).toBe('regularization.sparsity');
      expect(result.left.value).toContain(hiddenActivation);
    }
  });

  it('rejects a NaN lambda and an infinite beta', () => {
    const nanLambda = validateRegularization('fit', config, { lambda: Number.NaN, sparsity: null });
    const infiniteBeta = validateRegularization('fit', config, { lambda: 0, sparsity: { rho: 0.1, beta: Infinity } });
    if (E.isRight(nanLambda) || E.isRight(infiniteBeta)) throw new Error('expected both settings to be rejected');
    expect(nanLambda.left.argument).toBe('regularization.lambda');
    expect(nanLambda.left.value).toBe('NaN');
    expect(infiniteBeta.left.argument).toBe('regularization.sparsity.beta');
    expect(infiniteBeta.left.message).toBe('fit: regularization.sparsity.beta must be a finite number >= 0, got Infinity.');
  });
});

describe('addWeightDecay', () => {
  it('adds lambda W and returns ||W||^2', () => {
    const gradient = Float64Array.of(9, 1, 1, 9);
    const squaredNorm = addWeightDecay(gradient, 1, Float64Array.of(2, -4), 0.5);
    expect(squaredNorm).toBe(20);
    expect(Array.from(gradient)).toEqual([9, 2, -1, 9]);
  });
});

describe('addSparsityAndSigmoidDerivativeInPlace', () => {
  it('adds the scaled KL derivative before multiplying by y (1 - y)', () => {
    // Two samples and two hidden units. The outputs are dyadic, so y (1 - y) is exact and both sides round the same products.
    const outputs = Float64Array.of(0.5, 0.25, 0.75, 0.5);
    const rhoHat = Float64Array.of(0.625, 0.375);
    const delta = Float64Array.of(1, -1, 0.5, 2);
    const sparsity = { rho: 0.25, beta: 2 };
    addSparsityAndSigmoidDerivativeInPlace(delta, outputs, rhoHat, sparsity, 0.5);

    const term = (j: number): number => 0.5 * 2 * klDivergenceDerivative(0.25, rhoHat[j]);
    expect(delta[0]).toBe((1 + term(0)) * 0.25);
    expect(delta[1]).toBe((-1 + term(1)) * 0.1875);
    expect(delta[2]).toBe((0.5 + term(0)) * 0.1875);
    expect(delta[3]).toBe((2 + term(1)) * 0.25);
  });
});
