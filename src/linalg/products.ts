/**
 * Matrix products AB, A^T B and A B^T on row-major float64 matrices.
 *
 * All three share one register-blocked kernel: C is computed in 4 x 4 tiles, each tile held in 16 local
 * variables while the shared dimension is swept. Before the sweep, four rows of the left operand and four
 * columns of the right operand are copied ("packed") into small contiguous buffers, interleaved by the
 * summation index, so the inner loop reads both operands sequentially whatever their layout. This is why
 * the transposed forms cost the same as AB and never materialise a transpose.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from './errors.js';
import { type Matrix, type ReadonlyFloat64Array, shapeOf, unsafeMatrix } from './matrix.js';

/**
 * Length of the shared-dimension block. Two packed panels of 4 x 256 float64 take 16 KiB together,
 * which stays in a 32 KiB L1 data cache while the tile is accumulated.
 */
const DEPTH_BLOCK = 256;

/** Width of a register tile; 4 x 4 accumulators plus 8 operands fit the 16 SIMD registers of x86-64. */
const TILE = 4;

/**
 * Strided view of an operand: element (i, k) of the logical left matrix, or (k, j) of the logical right
 * matrix, is `data[first * strideFirst + second * strideSecond]`.
 */
interface Operand {
  readonly data: ReadonlyFloat64Array;
  readonly strideFirst: number;
  readonly strideSecond: number;
}

/**
 * Copies a 4-wide strip of a logical matrix into `panel`, interleaved by the summation index:
 * `panel[4 * p + t] = operand(first + t, depthStart + p)`. Strip lanes past `count` are zero-filled so
 * the kernel can always run a full 4 x 4 tile.
 */
const packStrip = (
  panel: Float64Array,
  operand: Operand,
  first: number,
  count: number,
  depthStart: number,
  depth: number,
): void => {
  const { data, strideFirst, strideSecond } = operand;
  // The depth index runs outermost so that an operand whose strip is contiguous in memory (the columns
  // of a row-major right operand) is read four neighbouring entries at a time.
  for (let p = 0; p < depth; p++) {
    const base = first * strideFirst + (depthStart + p) * strideSecond;
    for (let t = 0; t < TILE; t++) {
      panel[TILE * p + t] = t < count ? data[base + t * strideFirst] : 0;
    }
  }
};

/**
 * Computes C = L R for an m x d logical left operand and a d x n logical right operand, writing the
 * m x n result into a fresh row-major buffer.
 */
const blockedProduct = (left: Operand, right: Operand, m: number, n: number, d: number): Float64Array => {
  const c = new Float64Array(m * n);
  const rowStrips = Math.ceil(m / TILE);
  const colStrips = Math.ceil(n / TILE);
  const leftPanel = new Float64Array(TILE * DEPTH_BLOCK);
  // All column strips of the right operand for one depth block, packed once and reused by every row strip.
  const rightPanels = new Float64Array(colStrips * TILE * DEPTH_BLOCK);

  for (let depthStart = 0; depthStart < d; depthStart += DEPTH_BLOCK) {
    const depth = Math.min(DEPTH_BLOCK, d - depthStart);
    for (let js = 0; js < colStrips; js++) {
      const panel = rightPanels.subarray(js * TILE * depth, (js + 1) * TILE * depth);
      packStrip(panel, right, js * TILE, Math.min(TILE, n - js * TILE), depthStart, depth);
    }

    for (let is = 0; is < rowStrips; is++) {
      const i0 = is * TILE;
      const rowCount = Math.min(TILE, m - i0);
      packStrip(leftPanel, left, i0, rowCount, depthStart, depth);

      for (let js = 0; js < colStrips; js++) {
        const j0 = js * TILE;
        const colCount = Math.min(TILE, n - j0);
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        let pa = 0;
        let pb = js * TILE * depth;
        // Inner loop: 8 sequential loads and 16 multiply-adds per step, no branches and no allocation.
        for (let p = 0; p < depth; p++) {
          const a0 = leftPanel[pa], a1 = leftPanel[pa + 1], a2 = leftPanel[pa + 2], a3 = leftPanel[pa + 3];
          const b0 = rightPanels[pb], b1 = rightPanels[pb + 1], b2 = rightPanels[pb + 2], b3 = rightPanels[pb + 3];
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
          c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
          c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
          pa += TILE;
          pb += TILE;
        }
        if (rowCount === TILE && colCount === TILE) {
          let o = i0 * n + j0;
          c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03;
          o += n;
          c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13;
          o += n;
          c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23;
          o += n;
          c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
        } else {
          const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
          for (let r = 0; r < rowCount; r++) {
            for (let s = 0; s < colCount; s++) c[(i0 + r) * n + j0 + s] += tile[TILE * r + s];
          }
        }
      }
    }
  }
  return c;
};

const asLeft = (a: Matrix, transposed: boolean): Operand =>
  transposed ? { data: a.data, strideFirst: 1, strideSecond: a.cols } : { data: a.data, strideFirst: a.cols, strideSecond: 1 };

// The right operand's strip runs along its columns j, and its depth along its rows k.
const asRight = (b: Matrix, transposed: boolean): Operand =>
  transposed ? { data: b.data, strideFirst: b.cols, strideSecond: 1 } : { data: b.data, strideFirst: 1, strideSecond: b.cols };

const mismatch = (name: string, a: Matrix, b: Matrix, need: string): RangeError =>
  new RangeError(`${name}: inner dimensions differ (${need}); got A ${shapeOf(a)} and B ${shapeOf(b)}.`);

/**
 * Returns AB for an m x d matrix A and a d x n matrix B (an m x n matrix).
 *
 * @throws RangeError when `a.cols !== b.rows`: a programming error, since callers validate shapes at
 * their public boundary. Use {@link matmul} for an `Either` instead.
 */
export const multiply = (a: Matrix, b: Matrix): Matrix => {
  if (a.cols !== b.rows) throw mismatch('multiply', a, b, 'A.cols must equal B.rows');
  return unsafeMatrix(a.rows, b.cols, blockedProduct(asLeft(a, false), asRight(b, false), a.rows, b.cols, a.cols));
};

/**
 * Returns A^T B for a d x m matrix A and a d x n matrix B (an m x n matrix), without forming A^T.
 * With A and B holding N samples as rows, this is the sum over samples of a_n b_n^T, the shape of a
 * weight gradient.
 *
 * @throws RangeError when `a.rows !== b.rows`.
 */
export const multiplyTransposeA = (a: Matrix, b: Matrix): Matrix => {
  if (a.rows !== b.rows) throw mismatch('multiplyTransposeA', a, b, 'A.rows must equal B.rows');
  return unsafeMatrix(a.cols, b.cols, blockedProduct(asLeft(a, true), asRight(b, false), a.cols, b.cols, a.rows));
};

/**
 * Returns A B^T for an m x d matrix A and an n x d matrix B (an m x n matrix), without forming B^T.
 * With X holding samples as rows and W holding features as rows, X W^T gives every feature's response
 * to every sample.
 *
 * @throws RangeError when `a.cols !== b.cols`.
 */
export const multiplyTransposeB = (a: Matrix, b: Matrix): Matrix => {
  if (a.cols !== b.cols) throw mismatch('multiplyTransposeB', a, b, 'A.cols must equal B.cols');
  return unsafeMatrix(a.rows, b.rows, blockedProduct(asLeft(a, false), asRight(b, true), a.rows, b.rows, a.cols));
};

/** Options of {@link matmul}: which operands enter the product transposed (both default to `false`). */
export interface MatmulOptions {
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

/**
 * Returns op(A) op(B), where op transposes its operand when the matching option is set, or an error
 * naming both shapes when the inner dimensions differ.
 *
 * @example
 * matmul(x, w, { transposeB: true }) // Right(X W^T), N x H for X of N x D and W of H x D
 */
export const matmul = (a: Matrix, b: Matrix, options: MatmulOptions = {}): E.Either<InvalidArgumentError, Matrix> => {
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  const m = transposeA ? a.cols : a.rows;
  const d = transposeA ? a.rows : a.cols;
  const dB = transposeB ? b.cols : b.rows;
  const n = transposeB ? b.rows : b.cols;
  if (d !== dB) {
    const opA = transposeA ? 'A^T' : 'A';
    const opB = transposeB ? 'B^T' : 'B';
    return E.left(
      invalidArgument(
        'matmul',
        'b',
        `${opB} with ${dB} rows (B is ${shapeOf(b)})`,
        `a matrix whose ${opB} has ${d} rows to match the ${d} columns of ${opA} (A is ${shapeOf(a)})`,
      ),
    );
  }
  return E.right(unsafeMatrix(m, n, blockedProduct(asLeft(a, transposeA), asRight(b, transposeB), m, n, d)));
};

/** Returns A x for an m x d matrix A and a vector x of length d (a fresh vector of length m). */
export const multiplyVector = (a: Matrix, x: ArrayLike<number>): Float64Array => {
  if (a.cols !== x.length) {
    throw new RangeError(`multiplyVector: A.cols must equal x.length; got A ${shapeOf(a)} and x of length ${x.length}.`);
  }
  const out = new Float64Array(a.rows);
  const { data, cols } = a;
  for (let i = 0; i < a.rows; i++) {
    let sum = 0;
    const base = i * cols;
    for (let k = 0; k < cols; k++) sum += data[base + k] * x[k];
    out[i] = sum;
  }
  return out;
};
