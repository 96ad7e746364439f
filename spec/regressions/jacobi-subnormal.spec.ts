/**
 * Inputs with subnormal entries (below 2.2e-308) that fast-check produced against the symmetricEigen
 * properties. Each one exposed a fault in a test rather than in the solver: an oracle that throws, a
 * reference formula or a norm that underflows, or a scaling law that is not exact for subnormals. They
 * pin down what the solver returns for such input.
 */
import { describe, expect, it } from 'vitest';

import { symmetricEigen } from '../../src/linalg/jacobi.js';
import { type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import { right } from '../support/either.js';

const square = (n: number, entries: number[]): Matrix => unsafeMatrix(n, n, Float64Array.from(entries));

describe('symmetricEigen on subnormal entries', () => {
  it('ignores a subnormal off-diagonal pair', () => {
    // ml-matrix 6.15.1 throws a TypeError on this matrix. The off-diagonal pair is 5e-324, far below
    // EPS * ||A||_F, so no rotation is needed and the eigenvalues are the sorted diagonal.
    const a = square(4, [0, 0, 0, 0, 0, 0, -5e-324, 0, 0, -5e-324, -1, 0, 0, 0, 0, 0]);

    const eig = right(symmetricEigen(a));

    expect(Array.from(eig.values)).toEqual([0, 0, 0, -1]);
    expect(eig.sweeps).toBe(0);
  });

  it('returns a subnormal diagonal exactly', () => {
    // The closed form (p + r) / 2 +- |p - r| / 2 rounds 5e-324 / 2; the solver only sorts the diagonal.
    const eig = right(symmetricEigen(square(2, [0, 0, 0, 5e-324])));

    expect(Array.from(eig.values)).toEqual([5e-324, 0]);
  });

  it('rotates a pair of entries near the subnormal range', () => {
    // [[0, b], [b, 0]] has eigenvalues +-|b| with eigenvectors (1, -+1) / sqrt(2). The squares of b
    // underflow to 0, which the solver's internal scaling avoids.
    const b = -2.3319132616157334e-306;
    const eig = right(symmetricEigen(square(2, [0, b, b, 0])));

    expect(eig.values[0]).toBe(-b);
    expect(eig.values[1]).toBe(b);
    for (const entry of eig.vectors.data) expect(Math.abs(Math.abs(entry) - Math.SQRT1_2)).toBeLessThanOrEqual(2 * Number.EPSILON);
  });

  it('decomposes after inexact subnormal scaling', () => {
    // Scaling this matrix by 2^-10 is inexact (1.275e-321 loses bits), so the exact power-of-two law
    // does not apply, but both copies must still give the eigenvalues +-1.1868783374443489e-13 and 0.
    const entries = new Array<number>(49).fill(0);
    entries[3] = -1.1868783374443489e-13;
    entries[21] = -1.1868783374443489e-13;
    entries[24] = 1.275e-321;
    for (const factor of [1, 2 ** -10]) {
      const eig = right(symmetricEigen(square(7, entries.map((x) => x * factor))));
      const expected = 1.1868783374443489e-13 * factor;

      expect(Math.abs(eig.values[0] - expected)).toBeLessThanOrEqual(4 * Number.EPSILON * expected);
      expect(Math.abs(eig.values[6] + expected)).toBeLessThanOrEqual(4 * Number.EPSILON * expected);
      for (let k = 1; k < 6; k++) expect(Math.abs(eig.values[k])).toBeLessThanOrEqual(4 * Number.EPSILON * expected);
    }
  });
});
