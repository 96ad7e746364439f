/**
 * Benchmark section 2: symmetric eigendecomposition of sample covariances and of the MNIST pixel
 * covariance, against ml-matrix (Householder tridiagonalisation + QL) and mathjs `eigs` (Jacobi).
 */
import * as E from 'fp-ts/lib/Either.js';
import { eigs } from 'mathjs';
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';

import { symmetricEigen } from '../src/linalg/jacobi.js';
import { type Matrix, unsafeMatrix } from '../src/linalg/matrix.js';
import { covariance, frobeniusNorm } from '../src/linalg/ops.js';
import { multiply, multiplyTransposeA } from '../src/linalg/products.js';
import { normals, rngFromSeed } from '../src/random/rng.js';
import { type Timing, measure } from './measure.js';

export interface EigenCase {
  readonly label: string;
  readonly matrix: Matrix;
}

/** Accuracy of a computed A = V Lambda V^T. */
export interface EigenAccuracy {
  /** max_ij |(A V - V Lambda)_ij| / ||A||_F. */
  readonly residual: number;
  /** max_ij |(V^T V - I)_ij|. */
  readonly orthogonality: number;
}

export type MathjsOutcome =
  | { readonly ran: true; readonly timing: Timing; readonly accuracy: EigenAccuracy }
  | { readonly ran: false; readonly reason: string };

export interface EigenResult {
  readonly label: string;
  readonly n: number;
  readonly ours: Timing;
  readonly oursSweeps: number;
  readonly oursAccuracy: EigenAccuracy;
  readonly mlMatrix: Timing;
  readonly mlMatrixAccuracy: EigenAccuracy;
  readonly mathjs: MathjsOutcome;
}

/** mathjs runs only where one decomposition is expected to take at most a minute. */
const MATHJS_TIME_LIMIT_MS = 60_000;

/** Returns the sample covariance (1/N) X_c^T X_c of N = 2 n standard normal samples of dimension n. */
export const sampleCovariance = (n: number, seed: number): Matrix => {
  const [values] = normals(rngFromSeed(seed), 2 * n * n);
  const result = covariance(unsafeMatrix(2 * n, n, values));
  if (E.isLeft(result)) throw new Error(`covariance failed: ${result.left.message}`);
  return result.right.covariance;
};

/** Computes the residual and orthogonality of eigenvalues `values` and eigenvectors in the columns of `vectors`. */
export const eigenAccuracy = (a: Matrix, values: ArrayLike<number>, vectors: Matrix): EigenAccuracy => {
  const n = a.rows;
  const av = multiply(a, vectors);
  let residual = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      residual = Math.max(residual, Math.abs(av.data[i * n + k] - vectors.data[i * n + k] * values[k]));
    }
  }
  const gram = multiplyTransposeA(vectors, vectors);
  let orthogonality = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) orthogonality = Math.max(orthogonality, Math.abs(gram.data[i * n + k] - (i === k ? 1 : 0)));
  }
  return { residual: residual / frobeniusNorm(a), orthogonality };
};

const fromColumns = (n: number, column: (k: number) => ArrayLike<number>): Matrix => {
  const data = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const v = column(k);
    for (let i = 0; i < n; i++) data[i * n + k] = v[i];
  }
  return unsafeMatrix(n, n, data);
};

const runOurs = (a: Matrix) => {
  const result = symmetricEigen(a);
  if (E.isLeft(result)) throw new Error(`symmetricEigen failed: ${result.left.message}`);
  return result.right;
};

const runMathjs = (a: Matrix, rows: number[][], repeats: number, estimateMs: number | null): MathjsOutcome => {
  const n = a.rows;
  if (estimateMs !== null && estimateMs > MATHJS_TIME_LIMIT_MS) {
    return { ran: false, reason: `estimated ${(estimateMs / 1000).toFixed(0)} s per run (n^3 scaling from the previous size)` };
  }
  const decompose = () => eigs(rows);
  const timing = measure(decompose, repeats);
  const result = decompose();
  const values = result.eigenvectors.map((entry) => Number(entry.value));
  const vectors = fromColumns(n, (k) => result.eigenvectors[k].vector as number[]);
  return { ran: true, timing, accuracy: eigenAccuracy(a, values, vectors) };
};

/**
 * Runs the cases in the given order (increasing n), estimating mathjs's time at each size from the
 * previous one as t (n / n_prev)^3, so that a size it cannot finish within a minute is skipped.
 */
export const runEigen = (
  cases: readonly EigenCase[],
  repeats: number,
  mathjsMaxSide: number,
  log: (line: string) => void,
): EigenResult[] => {
  let previous: { readonly n: number; readonly ms: number } | null = null;
  return cases.map(({ label, matrix: a }) => {
    log(`eigen: ${label}`);
    const n = a.rows;
    const rows = Array.from({ length: n }, (_, i) => Array.from(a.data.subarray(i * n, (i + 1) * n)));

    const ours = measure(() => runOurs(a), repeats);
    const decomposition = runOurs(a);

    const mlInput = new MlMatrix(rows);
    const mlDecompose = () => new EigenvalueDecomposition(mlInput, { assumeSymmetric: true });
    const mlMatrix = measure(mlDecompose, repeats);
    const ml = mlDecompose();
    const mlVectors = fromColumns(n, (k) => ml.eigenvectorMatrix.getColumn(k));

    let mathjs: MathjsOutcome;
    if (n > mathjsMaxSide) {
      mathjs = { ran: false, reason: `n > ${mathjsMaxSide} in this mode` };
    } else {
      // The first (smallest) case runs without an estimate.
      const estimate = previous === null ? null : previous.ms * (n / previous.n) ** 3;
      mathjs = runMathjs(a, rows, repeats, estimate);
      if (mathjs.ran) previous = { n, ms: mathjs.timing.cpuMs };
    }

    return {
      label,
      n,
      ours,
      oursSweeps: decomposition.sweeps,
      oursAccuracy: eigenAccuracy(a, decomposition.values, decomposition.vectors),
      mlMatrix,
      mlMatrixAccuracy: eigenAccuracy(a, ml.realEigenvalues, mlVectors),
      mathjs,
    };
  });
};
