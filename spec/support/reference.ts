/**
 * Reference computations shared by several spec files, written from the definitions with plain loops
 * and independent of the library code they check.
 */
import { identity, type Matrix, unsafeMatrix } from '../../src/linalg/matrix.js';
import type { ActivationName } from '../../src/nn/activation.js';

/** Computes f(u) for an activation from its definition. */
export const referenceActivation = (name: ActivationName, u: number): number => {
  if (name === 'sigmoid') return 1 / (1 + Math.exp(-u));
  if (name === 'tanh') return Math.tanh(u);
  if (name === 'identity') return u;
  return Math.max(0, u);
};

/** Builds A = B^T B + I from an n x n matrix B, so that every eigenvalue of A is at least 1. */
export const spdFrom = (n: number, entries: ReadonlyArray<number>): number[] => {
  const a: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) sum += entries[k * n + i] * entries[k * n + j];
      a.push(sum);
    }
  }
  return a;
};

/**
 * Multiplies plane rotations G(p, q, angle) over all pairs p < q into an n x n matrix. The product is
 * orthogonal for any angles, so generated inputs need no discarding, and it covers all rotations of R^n.
 */
export const orthogonalFromAngles = (n: number, angles: ArrayLike<number>): Matrix => {
  const q = Float64Array.from(identity(n).data);
  let next = 0;
  for (let p = 0; p < n; p++) {
    for (let r = p + 1; r < n; r++) {
      const c = Math.cos(angles[next]);
      const s = Math.sin(angles[next]);
      next++;
      for (let i = 0; i < n; i++) {
        const x = q[i * n + p];
        const y = q[i * n + r];
        q[i * n + p] = c * x - s * y;
        q[i * n + r] = s * x + c * y;
      }
    }
  }
  return unsafeMatrix(n, n, q);
};
