/**
 * Benchmark section 1: float64 matrix products AB and A^T B against ml-matrix and tfjs-core's CPU
 * backend (float32, the pure-JavaScript backend).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Matrix as MlMatrix } from 'ml-matrix';

import { type Matrix, unsafeMatrix } from '../src/linalg/matrix.js';
import { multiply, multiplyTransposeA } from '../src/linalg/products.js';
import { type Timing, filledMatrixData, measure } from './measure.js';

/** C = A B with A m x d, or C = A^T B with A stored d x m; C is m x n either way. */
export interface ProductCase {
  readonly label: string;
  readonly m: number;
  readonly n: number;
  readonly d: number;
  readonly form: 'AB' | 'AtB';
}

export interface ProductResult {
  readonly productCase: ProductCase;
  readonly ours: Timing;
  readonly mlMatrix: Timing;
  readonly tfjs: Timing;
  /** max |C_ours - C_ml-matrix|, both float64: a check that both computed the same product. */
  readonly maxDifferenceFromMlMatrix: number;
}

export const productCases = (quick: boolean): readonly ProductCase[] =>
  quick
    ? [
        { label: '500x784 . 784x196', m: 500, n: 196, d: 784, form: 'AB' },
        { label: '784x500 . 500x196 (A^T B)', m: 784, n: 196, d: 500, form: 'AtB' },
        { label: '256x256 . 256x256', m: 256, n: 256, d: 256, form: 'AB' },
      ]
    : [
        { label: '10000x784 . 784x196', m: 10000, n: 196, d: 784, form: 'AB' },
        { label: '784x10000 . 10000x196 (A^T B)', m: 784, n: 196, d: 10000, form: 'AtB' },
        { label: '784x784 . 784x784', m: 784, n: 784, d: 784, form: 'AB' },
      ];

/** Multiply-adds count two flops: 2 m n d. */
export const productFlops = (c: ProductCase): number => 2 * c.m * c.n * c.d;

const toMl = (a: Matrix): MlMatrix => {
  const out = new MlMatrix(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.set(i, j, a.data[i * a.cols + j]);
  }
  return out;
};

const maxDifference = (ours: Matrix, theirs: MlMatrix): number => {
  let worst = 0;
  for (let i = 0; i < ours.rows; i++) {
    for (let j = 0; j < ours.cols; j++) worst = Math.max(worst, Math.abs(ours.data[i * ours.cols + j] - theirs.get(i, j)));
  }
  return worst;
};

/**
 * Times one case for the three JavaScript libraries. The A^T B form uses each library's own way of
 * not materialising A^T: `multiplyTransposeA` here, `transposeMultiply` in ml-matrix, and
 * `matMul(a, b, transposeA = true)` in tfjs.
 */
const runCase = (c: ProductCase, repeats: number): ProductResult => {
  const a = c.form === 'AB' ? unsafeMatrix(c.m, c.d, filledMatrixData(c.m * c.d, 1)) : unsafeMatrix(c.d, c.m, filledMatrixData(c.m * c.d, 1));
  const b = unsafeMatrix(c.d, c.n, filledMatrixData(c.d * c.n, 2));
  const ourProduct = c.form === 'AB' ? () => multiply(a, b) : () => multiplyTransposeA(a, b);

  const aMl = toMl(a);
  const bMl = toMl(b);
  const mlProduct = c.form === 'AB' ? () => aMl.mmul(bMl) : () => aMl.transposeMultiply(bMl);

  const aTf = tf.tensor2d(Float32Array.from(a.data), [a.rows, a.cols]);
  const bTf = tf.tensor2d(Float32Array.from(b.data), [b.rows, b.cols]);
  const tfProduct = (): void => {
    const product = tf.matMul(aTf, bTf, c.form === 'AtB', false);
    product.dataSync();
    product.dispose();
  };

  const result: ProductResult = {
    productCase: c,
    ours: measure(ourProduct, repeats),
    mlMatrix: measure(mlProduct, repeats),
    tfjs: measure(tfProduct, repeats),
    maxDifferenceFromMlMatrix: maxDifference(ourProduct(), mlProduct()),
  };
  aTf.dispose();
  bTf.dispose();
  return result;
};

export const runProducts = (cases: readonly ProductCase[], repeats: number, log: (line: string) => void): ProductResult[] =>
  cases.map((c) => {
    log(`products: ${c.label}`);
    return runCase(c, repeats);
  });
