import { describe, expect, it } from 'vitest';

import { validateExperimentInputs } from '../../src/experiments/experiment-inputs.js';
import { unsafeMatrix, zeros } from '../../src/linalg/matrix.js';

const train = zeros(5, 3);

describe('validateExperimentInputs', () => {
  it('accepts usable test samples and a count', () => {
    expect(validateExperimentInputs('runSomething', train, zeros(2, 3), 0, 0)).toBeUndefined();
    expect(validateExperimentInputs('runSomething', train, zeros(2, 3), 10, 0)).toBeUndefined();
  });

  const badCounts = [-1, Number.NaN, 2.5, Number.POSITIVE_INFINITY];
  for (const count of badCounts) {
    it(`rejects example count ${count}`, () => {
      const error = validateExperimentInputs('runSomething', train, zeros(2, 3), count, 0);
      expect(error?.argument).toBe('settings.exampleCount');
      expect(error?.message).toContain('runSomething');
    });
  }

  for (const lambda of [-1e-3, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`rejects weight decay ${lambda}`, () => {
      const error = validateExperimentInputs('runSomething', train, zeros(2, 3), 1, lambda);
      expect(error?.argument).toBe('settings.lambda');
      expect(error?.message).toContain('must be a finite weight-decay coefficient >= 0');
    });
  }

  it('rejects test samples of another width', () => {
    const error = validateExperimentInputs('runSomething', train, zeros(2, 4), 1, 0);
    expect(error?.argument).toBe('test');
    expect(error?.message).toContain('runSomething: test');
  });

  it('rejects empty or non-finite test samples', () => {
    expect(validateExperimentInputs('runSomething', train, zeros(0, 3), 1, 0)?.argument).toBe('test');
    const withNaN = unsafeMatrix(1, 3, Float64Array.of(0, Number.NaN, 0));
    expect(validateExperimentInputs('runSomething', train, withNaN, 1, 0)?.argument).toContain('test');
  });
});
