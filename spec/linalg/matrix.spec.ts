import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import {
  diagonal,
  fromArray,
  fromRows,
  getColumn,
  getRow,
  identity,
  requireFiniteNonEmpty,
  requireShape,
  selectRows,
  sliceColumns,
  sliceRows,
  toRows,
  unsafeMatrix,
} from '../../src/linalg/matrix.js';

const leftMessage = <A>(result: E.Either<{ message: string }, A>): string =>
  E.isLeft(result) ? result.left.message : 'expected an error, got a value';

describe('fromArray', () => {
  it('copies its input', () => {
    const source = [1, 2, 3, 4];
    const m = E.getOrElseW(() => null)(fromArray(2, 2, source));
    source[0] = 99;
    expect(m?.data[0]).toBe(1);
  });

  it('rejects a length that does not match the shape', () => {
    expect(leftMessage(fromArray(2, 3, [1, 2]))).toBe('fromArray: data.length must be rows * cols = 2 * 3 = 6, got 2.');
  });

  it('rejects NaN and infinity naming the index', () => {
    expect(leftMessage(fromArray(1, 3, [1, Number.NaN, 3]))).toContain('data[1] must be a finite number, got NaN');
    expect(leftMessage(fromArray(1, 2, [1, -Infinity]))).toContain('data[1] must be a finite number, got -Infinity');
  });

  it('rejects negative and fractional sizes', () => {
    expect(leftMessage(fromArray(-1, 2, []))).toContain('rows must be a non-negative integer, got -1');
    expect(leftMessage(fromArray(1, 1.5, [1]))).toContain('cols must be a non-negative integer, got 1.5');
  });
});

describe('fromRows', () => {
  it('builds a row-major matrix', () => {
    const m = E.getOrElseW(() => null)(fromRows([[1, 2, 3], [4, 5, 6]]));
    expect(m?.rows).toBe(2);
    expect(m?.cols).toBe(3);
    expect(Array.from(m?.data ?? [])).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects ragged rows', () => {
    expect(leftMessage(fromRows([[1, 2], [3]]))).toBe('fromRows: rows[1].length must be 2, the length of rows[0], got 1.');
  });

  it('gives a 0 x 0 matrix for no rows', () => {
    const m = E.getOrElseW(() => null)(fromRows([]));
    expect([m?.rows, m?.cols]).toEqual([0, 0]);
  });
});

describe('access and slicing', () => {
  const m = unsafeMatrix(3, 3, Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9));

  it('reads rows and columns as copies', () => {
    expect(Array.from(getRow(m, 1))).toEqual([4, 5, 6]);
    expect(Array.from(getColumn(m, 2))).toEqual([3, 6, 9]);
    const row = getRow(m, 0);
    row[0] = 100;
    expect(m.data[0]).toBe(1);
  });

  it('selects and slices', () => {
    expect(toRows(selectRows(m, [2, 0]))).toEqual([[7, 8, 9], [1, 2, 3]]);
    expect(toRows(sliceRows(m, 1, 2))).toEqual([[4, 5, 6]]);
    expect(toRows(sliceColumns(m, 1, 3))).toEqual([[2, 3], [5, 6], [8, 9]]);
  });

  it('builds identity and diagonal matrices', () => {
    expect(toRows(identity(2))).toEqual([[1, 0], [0, 1]]);
    expect(toRows(diagonal([2, 3]))).toEqual([[2, 0], [0, 3]]);
  });
});

describe('validation helpers', () => {
  it('name the row and column of a non-finite entry', () => {
    const m = unsafeMatrix(2, 2, Float64Array.of(1, 2, 3, Number.POSITIVE_INFINITY));
    expect(leftMessage(requireFiniteNonEmpty('fitPca', 'x', m))).toBe('fitPca: x[1, 1] must be a finite number, got Infinity.');
  });

  it('reject empty matrices', () => {
    expect(leftMessage(requireFiniteNonEmpty('fitPca', 'x', unsafeMatrix(0, 3, new Float64Array(0))))).toContain(
      'at least one row and one column, got 0 x 3',
    );
  });

  it('state the expected and actual shape', () => {
    const m = unsafeMatrix(2, 3, new Float64Array(6));
    expect(leftMessage(requireShape('whiten', 'x', m, undefined, 4))).toBe(
      'whiten: x must be a matrix with 4 columns, got a 2 x 3 matrix.',
    );
    expect(E.isRight(requireShape('whiten', 'x', m, 2, 3))).toBe(true);
  });
});
