/**
 * Matrix products AB, A^T B and A B^T on row-major float64 matrices.
 *
 * All three share one register-blocked kernel: C is computed in 4 x 4 tiles, each tile held in 16
 * accumulators while the shared dimension is swept. Before the sweep, four rows of the left operand and
 * four columns of the right operand are copied ("packed") into small contiguous buffers, interleaved by
 * the summation index, so the inner loop reads both operands sequentially whatever their layout. This is
 * why the transposed forms cost the same as AB and never materialise a transpose.
 *
 * The tile runs as WebAssembly SIMD code (`simd-kernel.ts`, about four times faster) when the runtime
 * supports it and the product is large enough to pay for the set-up, and as the JavaScript loop below
 * otherwise. Both sum in the same order with the same roundings, so the result does not depend on which
 * one ran.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from './errors.js';
import { type Matrix, type ReadonlyFloat64Array, shapeOf, unsafeMatrix } from './matrix.js';
import {
  SIMD_COLUMN_BLOCK,
  SIMD_DEPTH_BLOCK,
  SIMD_LEFT_OFFSET,
  SIMD_RESULT_OFFSET,
  SIMD_RIGHT_OFFSET,
  SIMD_ROW_BLOCK,
  SIMD_TILE,
  type SimdKernel,
  loadSimdKernel,
} from './simd-kernel.js';

/**
 * Length of the shared-dimension block. Two packed panels of 4 x 256 float64 take 16 KiB together,
 * which stays in a 32 KiB L1 data cache while the tile is accumulated. It equals the WebAssembly
 * kernel's block, because the block boundaries fix the summation order.
 */
const DEPTH_BLOCK = SIMD_DEPTH_BLOCK;

/** Width of a register tile (4 x 4 accumulators), the same in both kernels. */
const TILE = SIMD_TILE;

/**
 * Smallest m n d (multiply-adds) sent to the WebAssembly kernel. Below about 32^3 its fixed costs
 * (clearing and copying the C block, one call per row strip) are not repaid, and the products in the
 * unit tests, most of them smaller, keep exercising the JavaScript kernel.
 */
const SIMD_MIN_WORK = 32 * 32 * 32;

/** The WebAssembly kernel, or null where the runtime lacks WebAssembly SIMD. See {@link loadSimdKernel}. */
const simdKernel: SimdKernel | null = loadSimdKernel();

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
  if (count === TILE) {
    // Full strips, nearly all of them: four unrolled copies with no lane test. On a 10000 x 784 left
    // operand this measured 3.9 times faster than the general loop below (1.2 times on its transpose,
    // where memory traffic dominates), which matters once the tile itself runs as SIMD code.
    const lane1 = strideFirst;
    const lane2 = 2 * strideFirst;
    const lane3 = 3 * strideFirst;
    let source = first * strideFirst + depthStart * strideSecond;
    for (let p = 0, target = 0; p < depth; p++, target += TILE, source += strideSecond) {
      panel[target] = data[source];
      panel[target + 1] = data[source + lane1];
      panel[target + 2] = data[source + lane2];
      panel[target + 3] = data[source + lane3];
    }
    return;
  }
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
const blockedProduct = (left: Operand, right: Operand, m: number, n: number, d: number): Float64Array =>
  simdKernel !== null && m * n * d >= SIMD_MIN_WORK
    ? simdBlockedProduct(simdKernel, left, right, m, n, d)
    : scalarBlockedProduct(left, right, m, n, d);

/** {@link blockedProduct} with the tile computed in JavaScript. */
const scalarBlockedProduct = (left: Operand, right: Operand, m: number, n: number, d: number): Float64Array => {
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

/**
 * {@link blockedProduct} with the tile computed by the WebAssembly kernel, whose memory holds one packed
 * left strip, one packed right panel and one block of C at a time.
 *
 * C is computed in blocks of at most SIMD_ROW_BLOCK (1024) rows and SIMD_COLUMN_BLOCK (512) columns.
 * For each block, every depth block of the right operand is packed once (up to 256 x 512 doubles,
 * 1 MiB), then each 4-row strip of the left operand is packed and multiplied with the whole panel in one
 * kernel call. The C block stays in the kernel's memory until all depth blocks have been added, so each
 * entry is copied out once and the sums run in the same order as in {@link scalarBlockedProduct}. The
 * right panel is packed again for each row block, which costs d n copies per 1024 rows of C against
 * 1024 d n multiply-adds.
 */
const simdBlockedProduct = (
  kernel: SimdKernel,
  left: Operand,
  right: Operand,
  m: number,
  n: number,
  d: number,
): Float64Array => {
  const c = new Float64Array(m * n);
  const { heap, multiplyStrips } = kernel;
  const leftPanel = heap.subarray(SIMD_LEFT_OFFSET / 8, SIMD_RIGHT_OFFSET / 8);
  const resultStart = SIMD_RESULT_OFFSET / 8;

  for (let i0 = 0; i0 < m; i0 += SIMD_ROW_BLOCK) {
    const rows = Math.min(SIMD_ROW_BLOCK, m - i0);
    const rowStrips = Math.ceil(rows / TILE);
    for (let j0 = 0; j0 < n; j0 += SIMD_COLUMN_BLOCK) {
      const cols = Math.min(SIMD_COLUMN_BLOCK, n - j0);
      const colStrips = Math.ceil(cols / TILE);
      // Row stride of the C block, padded to whole strips: the kernel always writes full 4 x 4 tiles.
      const stride = colStrips * TILE;
      heap.fill(0, resultStart, resultStart + rowStrips * TILE * stride);

      for (let depthStart = 0; depthStart < d; depthStart += DEPTH_BLOCK) {
        const depth = Math.min(DEPTH_BLOCK, d - depthStart);
        for (let js = 0; js < colStrips; js++) {
          const panelStart = SIMD_RIGHT_OFFSET / 8 + js * TILE * depth;
          const panel = heap.subarray(panelStart, panelStart + TILE * depth);
          packStrip(panel, right, j0 + js * TILE, Math.min(TILE, cols - js * TILE), depthStart, depth);
        }
        for (let is = 0; is < rowStrips; is++) {
          packStrip(leftPanel, left, i0 + is * TILE, Math.min(TILE, rows - is * TILE), depthStart, depth);
          const tileRow = SIMD_RESULT_OFFSET + is * TILE * stride * 8;
          multiplyStrips(SIMD_LEFT_OFFSET, SIMD_RIGHT_OFFSET, tileRow, depth, stride * 8, colStrips);
        }
      }

      // A plain loop: `c.set(heap.subarray(...))` per row measured five times slower, mostly in
      // creating the views.
      for (let r = 0; r < rows; r++) {
        const source = resultStart + r * stride;
        const target = (i0 + r) * n + j0;
        for (let j = 0; j < cols; j++) c[target + j] = heap[source + j];
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
