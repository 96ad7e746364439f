import { describe, expect, it } from 'vitest';

import { counted } from '../../src/report/counted.js';

describe('counted', () => {
  it('uses the singular for one', () => {
    expect(counted(1, 'epoch')).toBe('1 epoch');
  });

  it('uses the plural otherwise', () => {
    expect(counted(0, 'epoch')).toBe('0 epochs');
    expect(counted(2, 'epoch')).toBe('2 epochs');
  });

  it('takes an irregular plural', () => {
    expect(counted(3, 'matrix', 'matrices')).toBe('3 matrices');
  });
});
