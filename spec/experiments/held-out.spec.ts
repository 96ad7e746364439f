import { describe, expect, it } from 'vitest';

import { validateHeldOut } from '../../src/experiments/held-out.js';
import { unsafeMatrix, zeros } from '../../src/linalg/matrix.js';

const train = zeros(5, 3);

describe('validateHeldOut', () => {
  it('accepts usable test samples and a count', () => {
    expect(validateHeldOut('runSomething', train, zeros(2, 3), 0)).toBeUndefined();
    expect(validateHeldOut('runSomething', train, zeros(2, 3), 10)).toBeUndefined();
  });

  const badCounts = [-1, Number.NaN, 2.5, Number.POSITIVE_INFINITY];
  for (const count of badCounts) {
    it(`rejects example count ${count}`, () => {
      const error = validateHeldOut('runSomething', train, zeros(2, 3), count);
      expect(error?.argument).toBe('settings.exampleCount');
      expect(error?.message).toContain('runSomething');
    });
  }

  it('rejects test samples of another width', () => {
    expect(validateHeldOut('runSomething', train, zeros(2, 4), 1)?.argument).toBe('test');
  });

  it('rejects empty or non-finite test samples', () => {
    expect(validateHeldOut('runSomething', train, zeros(0, 3), 1)?.argument).toBe('test');
    const withNaN = unsafeMatrix(1, 3, Float64Array.of(0, Number.NaN, 0));
    expect(validateHeldOut('runSomething', train, withNaN, 1)?.argument).toContain('test');
  });
});
