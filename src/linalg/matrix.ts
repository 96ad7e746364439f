/**
 * The immutable dense matrix used everywhere in the library, and its checked constructors.
 *
 * A matrix is `rows x cols` float64 numbers in row-major order: entry (i, j) sits at `data[i * cols + j]`.
 * A data set of N samples of dimension D is an N x D matrix with one sample per row.
 *
 * NOTE: `data` is typed read-only, and no function of this library writes into a matrix it did not just
 * allocate. Code that casts the read-only type away and writes into `data` breaks every other holder.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from './errors.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** A `Float64Array` seen through a type without its mutating methods or writable index. */
export type ReadonlyFloat64Array = Omit<
  Float64Array,
  'set' | 'fill' | 'copyWithin' | 'reverse' | 'sort' | number
> & { readonly [index: number]: number };

/** A dense `rows x cols` matrix of float64 entries in row-major order. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major entries: (i, j) is `data[i * cols + j]`, length `rows * cols`. */
  readonly data: ReadonlyFloat64Array;
}

// -------------------------------------------------------------------------------------------------
// Constructors
// -------------------------------------------------------------------------------------------------

/**
 * Wraps a freshly allocated buffer as a matrix without copying or checking it.
 *
 * NOTE: for kernels that just filled `data` themselves: the caller must not keep a writable reference,
 * and `data.length` must equal `rows * cols`.
 */
export const unsafeMatrix = (rows: number, cols: number, data: Float64Array): Matrix => ({ rows, cols, data });

const isSize = (n: number): boolean => Number.isInteger(n) && n >= 0;

/**
 * Builds a `rows x cols` matrix from row-major entries, copying them.
 *
 * Rejects sizes that are not non-negative integers, a length other than `rows * cols` and
 * non-finite entries (NaN or infinity), naming the first offending index.
 *
 * @example
 * fromArray(2, 2, [1, 2, 3, 4]) // Right({ rows: 2, cols: 2, data: [1, 2, 3, 4] })
 */
export const fromArray = (
  rows: number,
  cols: number,
  data: ArrayLike<number>,
): E.Either<InvalidArgumentError, Matrix> => {
  if (!isSize(rows)) return E.left(invalidArgument('fromArray', 'rows', rows, 'a non-negative integer'));
  if (!isSize(cols)) return E.left(invalidArgument('fromArray', 'cols', cols, 'a non-negative integer'));
  if (data.length !== rows * cols) {
    return E.left(
      invalidArgument('fromArray', 'data.length', data.length, `rows * cols = ${rows} * ${cols} = ${rows * cols}`),
    );
  }
  const copy = Float64Array.from(data);
  const bad = firstNonFinite(copy);
  if (bad >= 0) {
    return E.left(invalidArgument('fromArray', `data[${bad}]`, copy[bad], 'a finite number'));
  }
  return E.right(unsafeMatrix(rows, cols, copy));
};

/**
 * Builds a matrix from an array of equally long rows.
 *
 * An empty array gives a 0 x 0 matrix. Rejects ragged rows and non-finite entries.
 *
 * @example
 * fromRows([[1, 2], [3, 4]]) // Right(2 x 2 matrix)
 */
export const fromRows = (rowArrays: ReadonlyArray<ArrayLike<number>>): E.Either<InvalidArgumentError, Matrix> => {
  const rows = rowArrays.length;
  const cols = rows === 0 ? 0 : rowArrays[0].length;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = rowArrays[i];
    if (row.length !== cols) {
      return E.left(invalidArgument('fromRows', `rows[${i}].length`, row.length, `${cols}, the length of rows[0]`));
    }
    for (let j = 0; j < cols; j++) data[i * cols + j] = row[j];
  }
  return fromArray(rows, cols, data);
};

/** Returns the `rows x cols` zero matrix. Sizes must be non-negative integers (not checked). */
export const zeros = (rows: number, cols: number): Matrix => unsafeMatrix(rows, cols, new Float64Array(rows * cols));

/** Returns the `n x n` identity matrix. */
export const identity = (n: number): Matrix => {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return unsafeMatrix(n, n, data);
};

/** Returns the square matrix with `values` on its diagonal. */
export const diagonal = (values: ArrayLike<number>): Matrix => {
  const n = values.length;
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = values[i];
  return unsafeMatrix(n, n, data);
};

// -------------------------------------------------------------------------------------------------
// Access
// -------------------------------------------------------------------------------------------------

/** Returns entry (i, j). Indices are not checked; out-of-range indices read `undefined`. */
export const get = (m: Matrix, i: number, j: number): number => m.data[i * m.cols + j];

/** Returns a copy of row `i` (length `cols`). */
export const getRow = (m: Matrix, i: number): Float64Array => Float64Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));

/** Returns a copy of column `j` (length `rows`). */
export const getColumn = (m: Matrix, j: number): Float64Array => {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
};

/** Returns rows `indices[0], indices[1], ...` of `m` as a new `indices.length x cols` matrix. */
export const selectRows = (m: Matrix, indices: ArrayLike<number>): Matrix => {
  const cols = m.cols;
  const out = new Float64Array(indices.length * cols);
  for (let r = 0; r < indices.length; r++) {
    out.set(m.data.subarray(indices[r] * cols, (indices[r] + 1) * cols), r * cols);
  }
  return unsafeMatrix(indices.length, cols, out);
};

/** Returns rows `start` (inclusive) to `end` (exclusive) as a new matrix. */
export const sliceRows = (m: Matrix, start: number, end: number): Matrix =>
  unsafeMatrix(end - start, m.cols, Float64Array.from(m.data.subarray(start * m.cols, end * m.cols)));

/** Returns columns `start` (inclusive) to `end` (exclusive) as a new `rows x (end - start)` matrix. */
export const sliceColumns = (m: Matrix, start: number, end: number): Matrix => {
  const width = end - start;
  const out = new Float64Array(m.rows * width);
  for (let i = 0; i < m.rows; i++) {
    out.set(m.data.subarray(i * m.cols + start, i * m.cols + end), i * width);
  }
  return unsafeMatrix(m.rows, width, out);
};

/** Returns the rows as plain arrays, for printing and JSON. */
export const toRows = (m: Matrix): number[][] => {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
};

// -------------------------------------------------------------------------------------------------
// Validation helpers shared by the public functions of every layer
// -------------------------------------------------------------------------------------------------

/** Returns the index of the first NaN or infinite entry, or -1 when all entries are finite. */
export const firstNonFinite = (values: ArrayLike<number>): number => {
  for (let i = 0; i < values.length; i++) {
    // `x - x` is NaN exactly when x is NaN or infinite, and avoids a call per entry.
    const x = values[i];
    if (x - x !== 0) return i;
  }
  return -1;
};

/**
 * Checks that `m` has at least one row and column and only finite entries.
 * Returns the matrix unchanged, or an error naming `functionName`, `argument`, the row and the column.
 */
export const requireFiniteNonEmpty = (
  functionName: string,
  argument: string,
  m: Matrix,
): E.Either<InvalidArgumentError, Matrix> => {
  if (m.data.length !== m.rows * m.cols) return E.left(inconsistentLength(functionName, argument, m));
  if (m.rows === 0 || m.cols === 0) {
    return E.left(invalidArgument(functionName, argument, shapeOf(m), 'a matrix with at least one row and one column'));
  }
  const bad = firstNonFinite(m.data);
  if (bad >= 0) {
    const i = Math.floor(bad / m.cols);
    const j = bad % m.cols;
    return E.left(invalidArgument(functionName, `${argument}[${i}, ${j}]`, m.data[bad], 'a finite number'));
  }
  return E.right(m);
};

/** Checks that `m` is `rows x cols`; a `cols` or `rows` of `undefined` accepts any size. */
export const requireShape = (
  functionName: string,
  argument: string,
  m: Matrix,
  rows: number | undefined,
  cols: number | undefined,
): E.Either<InvalidArgumentError, Matrix> => {
  if (m.data.length !== m.rows * m.cols) return E.left(inconsistentLength(functionName, argument, m));
  const rowsOk = rows === undefined || m.rows === rows;
  const colsOk = cols === undefined || m.cols === cols;
  if (rowsOk && colsOk) return E.right(m);
  const expected =
    rows === undefined
      ? `a matrix with ${cols} columns`
      : cols === undefined
        ? `a matrix with ${rows} rows`
        : `a ${rows} x ${cols} matrix`;
  return E.left(invalidArgument(functionName, argument, `a ${shapeOf(m)} matrix`, expected));
};

/** The error for a hand-built matrix whose buffer length does not match its shape. */
const inconsistentLength = (functionName: string, argument: string, m: Matrix): InvalidArgumentError =>
  invalidArgument(
    functionName,
    `${argument}.data.length`,
    m.data.length,
    `rows * cols = ${m.rows * m.cols} for a ${shapeOf(m)} matrix (build matrices with fromArray or fromRows)`,
  );

/** Renders the shape of `m` as `rows x cols`. */
export const shapeOf = (m: Matrix): string => `${m.rows} x ${m.cols}`;
