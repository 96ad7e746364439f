import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import type { InvalidArgumentError } from '../../src/linalg/errors.js';
import { type Matrix, fromArray, fromRows } from '../../src/linalg/matrix.js';
import {
  type GrayImage,
  type TileOptions,
  type TileScaling,
  grayImage,
  stackVertically,
  tileImages,
  upscale,
} from '../../src/report/image-grid.js';
import { right } from '../support/either.js';

const expectError = <A>(result: E.Either<InvalidArgumentError, A>): InvalidArgumentError => {
  if (E.isRight(result)) throw new Error('expected an InvalidArgumentError');
  return result.left;
};

const pixel = (image: GrayImage, x: number, y: number): number => image.data[y * image.width + x];

// Small grids keep each run fast while covering single tiles, single rows and a partly filled last row.
const MAX_TILES = 10;
const MAX_TILE_SIDE = 4;
const MAX_COLUMNS = 5;
const MAX_PADDING = 3;
// Tile values of up to 1e6 in magnitude, with a spread of at least 1e-3 between a tile's extremes:
// far above the spacing of doubles near 1e6 (about 1.2e-10), so the extremes stay distinct.
const MAX_MAGNITUDE = 1e6;
const MIN_SPREAD = 1e-3;

interface GridCase {
  readonly images: Matrix;
  readonly height: number;
  readonly width: number;
  readonly columns: number;
  readonly padding: number;
}

/** A grid case whose values are drawn by `value`; the matrix is N x (h w) with w >= minWidth. */
const gridCaseArbitrary = (value: fc.Arbitrary<number>, minWidth = 1): fc.Arbitrary<GridCase> =>
  fc
    .record({
      count: fc.integer({ min: 1, max: MAX_TILES }),
      height: fc.integer({ min: 1, max: MAX_TILE_SIDE }),
      width: fc.integer({ min: minWidth, max: MAX_TILE_SIDE }),
      columns: fc.integer({ min: 1, max: MAX_COLUMNS }),
      padding: fc.integer({ min: 0, max: MAX_PADDING }),
    })
    .chain(({ count, height, width, columns, padding }) =>
      fc
        .array(value, { minLength: count * height * width, maxLength: count * height * width })
        .map((values) => ({ images: right(fromArray(count, height * width, values)), height, width, columns, padding })),
    );

/** Tiles of at least 2 pixels whose last pixel is the first plus a spread of at least MIN_SPREAD. */
const nonConstantTilesArbitrary: fc.Arbitrary<GridCase> = fc
  .record({
    grid: gridCaseArbitrary(fc.double({ min: -MAX_MAGNITUDE, max: MAX_MAGNITUDE, noNaN: true }), 2),
    spread: fc.double({ min: MIN_SPREAD, max: MAX_MAGNITUDE, noNaN: true }),
  })
  .map(({ grid, spread }) => {
    const { rows, cols } = grid.images;
    const values = Float64Array.from(grid.images.data);
    for (let n = 0; n < rows; n++) values[(n + 1) * cols - 1] = values[n * cols] + spread;
    return { ...grid, images: right(fromArray(rows, cols, values)) };
  });

/** Returns the scaled values of tile n, read back from the grid. */
const tileValues = (grid: GrayImage, gridCase: GridCase, n: number): number[] => {
  const { height, width, padding } = gridCase;
  const columns = Math.min(gridCase.columns, gridCase.images.rows);
  const left = padding + (n % columns) * (width + padding);
  const top = padding + Math.floor(n / columns) * (height + padding);
  const values: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) values.push(pixel(grid, left + x, top + y));
  }
  return values;
};

const tile = (gridCase: GridCase, scaling: TileScaling, background?: number): GrayImage =>
  right(
    tileImages(gridCase.images, {
      height: gridCase.height,
      width: gridCase.width,
      columns: gridCase.columns,
      padding: gridCase.padding,
      scaling,
      background,
    }),
  );

describe('tileImages', () => {
  // With c = min(columns, N) grid columns, r = ceil(N / c) grid rows and padding p:
  // width c (w + p) + p and height r (h + p) + p.
  it('grid size follows the formula', () => {
    fc.assert(
      fc.property(gridCaseArbitrary(fc.double({ min: 0, max: 1, noNaN: true })), (gridCase) => {
        const count = gridCase.images.rows;
        const columns = Math.min(gridCase.columns, count);
        const rows = Math.ceil(count / columns);

        const grid = tile(gridCase, 'fixed01');

        expect(grid.width).toBe(columns * (gridCase.width + gridCase.padding) + gridCase.padding);
        expect(grid.height).toBe(rows * (gridCase.height + gridCase.padding) + gridCase.padding);
        expect(grid.data.length).toBe(grid.width * grid.height);
      }),
      { numRuns: 50 },
    );
  });

  it('fixed01 places row n at its grid cell', () => {
    fc.assert(
      fc.property(gridCaseArbitrary(fc.double({ min: 0, max: 1, noNaN: true })), (gridCase) => {
        const grid = tile(gridCase, 'fixed01');

        for (let n = 0; n < gridCase.images.rows; n++) {
          const row = Array.from(gridCase.images.data.subarray(n * gridCase.images.cols, (n + 1) * gridCase.images.cols));
          expect(tileValues(grid, gridCase, n)).toEqual(row);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('pixels outside tiles have the background', () => {
    fc.assert(
      fc.property(
        gridCaseArbitrary(fc.double({ min: 0, max: 1, noNaN: true })),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (gridCase, background) => {
          const { height, width, padding } = gridCase;
          const count = gridCase.images.rows;
          const columns = Math.min(gridCase.columns, count);
          const grid = tile(gridCase, 'fixed01', background);

          const inTile = new Uint8Array(grid.width * grid.height);
          for (let n = 0; n < count; n++) {
            const left = padding + (n % columns) * (width + padding);
            const top = padding + Math.floor(n / columns) * (height + padding);
            for (let y = 0; y < height; y++) inTile.fill(1, (top + y) * grid.width + left, (top + y) * grid.width + left + width);
          }
          for (let i = 0; i < inTile.length; i++) {
            if (inTile[i] === 0) expect(grid.data[i]).toBe(background);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('fixed01 clamps to [0, 1]', () => {
    const images = right(fromRows([[-2, 0.25, 1.5, 1]]));

    const grid = right(tileImages(images, { height: 2, width: 2, columns: 1, padding: 0, scaling: 'fixed01' }));

    expect(Array.from(grid.data)).toEqual([0, 0.25, 1, 1]);
  });

  it('per-image maps each tile onto [0, 1]', () => {
    fc.assert(
      fc.property(nonConstantTilesArbitrary, (gridCase) => {
        const grid = tile(gridCase, 'per-image');

        for (let n = 0; n < gridCase.images.rows; n++) {
          const values = tileValues(grid, gridCase, n);
          expect(Math.min(...values)).toBe(0);
          expect(Math.max(...values)).toBe(1);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('per-image preserves the order within a tile', () => {
    fc.assert(
      fc.property(nonConstantTilesArbitrary, (gridCase) => {
        const grid = tile(gridCase, 'per-image');
        const length = gridCase.images.cols;

        for (let n = 0; n < gridCase.images.rows; n++) {
          const scaled = tileValues(grid, gridCase, n);
          const original = gridCase.images.data.subarray(n * length, (n + 1) * length);
          for (let i = 0; i < length; i++) {
            for (let j = 0; j < length; j++) {
              if (original[i] < original[j]) expect(scaled[i]).toBeLessThanOrEqual(scaled[j]);
            }
          }
        }
      }),
      { numRuns: 30 },
    );
  });

  it('per-image maps a constant tile to 0.5', () => {
    const images = right(fromRows([[3, 3, 3, 3], [0, 1, 2, 3]]));

    const grid = right(tileImages(images, { height: 2, width: 2, columns: 2, padding: 0, scaling: 'per-image' }));

    expect(Array.from(grid.data)).toEqual([0.5, 0.5, 0, 1 / 3, 0.5, 0.5, 2 / 3, 1]);
  });

  it('per-image handles ranges beyond the largest double', () => {
    // max - min = 3.4e308 overflows; the halved form keeps the extremes at exactly 0 and 1 and the middle at 0.5.
    const images = right(fromRows([[-1.7e308, 0, 1.7e308]]));

    const grid = right(tileImages(images, { height: 1, width: 3, columns: 1, padding: 0, scaling: 'per-image' }));

    expect(Array.from(grid.data)).toEqual([0, 0.5, 1]);
  });

  it('per-image handles a subnormal range', () => {
    const images = right(fromRows([[0, Number.MIN_VALUE]]));

    const grid = right(tileImages(images, { height: 1, width: 2, columns: 1, padding: 0, scaling: 'per-image' }));

    expect(Array.from(grid.data)).toEqual([0, 1]);
  });

  it('per-image-symmetric keeps 0 at mid-grey', () => {
    const images = right(fromRows([[-2, 0, 1, 0.5], [0, 0, 0, 0], [0, 4, 2, 0]]));

    const grid = right(
      tileImages(images, { height: 1, width: 4, columns: 1, padding: 0, scaling: 'per-image-symmetric' }),
    );

    expect(Array.from(grid.data)).toEqual([0, 0.5, 0.75, 0.625, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 0.75, 0.5]);
  });

  it('per-image-symmetric stays in [0, 1] and keeps signs weakly', () => {
    fc.assert(
      fc.property(gridCaseArbitrary(fc.double({ min: -MAX_MAGNITUDE, max: MAX_MAGNITUDE, noNaN: true })), (gridCase) => {
        const grid = tile(gridCase, 'per-image-symmetric');

        for (let n = 0; n < gridCase.images.rows; n++) {
          const scaled = tileValues(grid, gridCase, n);
          const original = gridCase.images.data.subarray(n * gridCase.images.cols, (n + 1) * gridCase.images.cols);
          for (let i = 0; i < scaled.length; i++) {
            expect(scaled[i]).toBeGreaterThanOrEqual(0);
            expect(scaled[i]).toBeLessThanOrEqual(1);
            // Weakly: a value far smaller than the tile's max |value| rounds to exactly 0.5.
            if (original[i] > 0) expect(scaled[i]).toBeGreaterThanOrEqual(0.5);
            if (original[i] < 0) expect(scaled[i]).toBeLessThanOrEqual(0.5);
            if (original[i] === 0) expect(scaled[i]).toBe(0.5);
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it('per-image-symmetric rounds a relatively tiny value to 0.5', () => {
    // Counterexample found by fast-check: 5e-324 / 8.9e-308 / 2 is about 2.8e-17, below half an ulp of 0.5.
    const images = right(fromRows([[-8.900295434028806e-308, 5e-324]]));

    const grid = right(
      tileImages(images, { height: 1, width: 2, columns: 1, padding: 0, scaling: 'per-image-symmetric' }),
    );

    expect(Array.from(grid.data)).toEqual([0, 0.5]);
  });

  it('global uses one range for all tiles', () => {
    const images = right(fromRows([[0, 1], [1, 4]]));

    const grid = right(tileImages(images, { height: 1, width: 2, columns: 1, padding: 0, scaling: 'global' }));

    expect(Array.from(grid.data)).toEqual([0, 0.25, 0.25, 1]);
  });

  it('global maps constant data to 0.5', () => {
    const images = right(fromRows([[7, 7], [7, 7]]));

    const grid = right(tileImages(images, { height: 1, width: 2, columns: 2, padding: 0, scaling: 'global' }));

    expect(Array.from(grid.data)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('defaults to padding 1 and a white background', () => {
    const images = right(fromRows([[0]]));

    const grid = right(tileImages(images, { height: 1, width: 1, columns: 1, scaling: 'fixed01' }));

    expect(grid.width).toBe(3);
    expect(grid.height).toBe(3);
    expect(Array.from(grid.data)).toEqual([1, 1, 1, 1, 0, 1, 1, 1, 1]);
  });

  it('does not modify the matrix', () => {
    const values = [-3, 0.5, 2, 8, 1, 1];
    const images = right(fromArray(3, 2, values));
    const before = Float64Array.from(images.data);

    for (const scaling of ['per-image', 'per-image-symmetric', 'global', 'fixed01'] as const) {
      tileImages(images, { height: 1, width: 2, columns: 2, scaling });
    }

    expect(Float64Array.from(images.data)).toEqual(before);
  });

  it('rejects invalid input', () => {
    const images = right(fromRows([[0, 1, 2, 3]]));
    const valid: TileOptions = { height: 2, width: 2, columns: 1, scaling: 'per-image' };
    const cases: ReadonlyArray<readonly [Matrix, TileOptions, string]> = [
      [images, { ...valid, width: 3 }, 'images'],
      [images, { ...valid, height: 0 }, 'options.height'],
      [images, { ...valid, width: 1.5 }, 'options.width'],
      [images, { ...valid, columns: 0 }, 'options.columns'],
      [images, { ...valid, padding: -1 }, 'options.padding'],
      [images, { ...valid, background: 2 }, 'options.background'],
      [images, { ...valid, background: Number.NaN }, 'options.background'],
      [images, { ...valid, scaling: 'log' as TileScaling }, 'options.scaling'],
      [{ rows: 0, cols: 4, data: new Float64Array(0) }, valid, 'images'],
      [{ rows: 1, cols: 4, data: Float64Array.of(0, Number.NaN, 0, 0) }, valid, 'images[0, 1]'],
    ];
    for (const [matrix, options, argument] of cases) {
      const error = expectError(tileImages(matrix, options));

      expect(error.functionName).toBe('tileImages');
      expect(error.argument).toBe(argument);
    }
  });
});

describe('stackVertically', () => {
  const image = (width: number, height: number, value: number): GrayImage =>
    right(grayImage(width, height, new Float64Array(width * height).fill(value)));

  it('stacks with a gap and centres narrower images', () => {
    const top = image(4, 1, 0);
    const bottom = image(2, 2, 0.5);

    const stacked = right(stackVertically([top, bottom], { gap: 1, background: 1 }));

    expect(stacked.width).toBe(4);
    expect(stacked.height).toBe(4);
    expect(Array.from(stacked.data)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 0.5, 0.5, 1, 1, 0.5, 0.5, 1]);
  });

  it('height is the sum of heights plus the gaps', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ width: fc.integer({ min: 1, max: 6 }), height: fc.integer({ min: 1, max: 6 }) }),
          { minLength: 1, maxLength: 5 },
        ),
        fc.integer({ min: 0, max: MAX_PADDING }),
        (sizes, gap) => {
          const images = sizes.map(({ width, height }) => image(width, height, 0));

          const stacked = right(stackVertically(images, { gap }));

          expect(stacked.width).toBe(Math.max(...sizes.map((size) => size.width)));
          expect(stacked.height).toBe(sizes.reduce((sum, size) => sum + size.height, 0) + gap * (sizes.length - 1));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('puts the odd margin pixel on the right', () => {
    const stacked = right(stackVertically([image(4, 1, 0), image(1, 1, 0.5)], { gap: 0, background: 1 }));

    expect(Array.from(stacked.data.subarray(4, 8))).toEqual([1, 0.5, 1, 1]);
  });

  it('rejects invalid input', () => {
    const valid = image(2, 2, 0);

    expect(expectError(stackVertically([])).argument).toBe('images');
    expect(expectError(stackVertically([valid], { gap: -1 })).argument).toBe('options.gap');
    expect(expectError(stackVertically([valid], { background: -0.1 })).argument).toBe('options.background');
    expect(
      expectError(stackVertically([valid, { width: 2, height: 2, data: new Float64Array(3) }])).argument,
    ).toBe('images[1].data.length');
  });
});

describe('upscale', () => {
  it('copies pixel (x, y) to the block at (f x, f y)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        (width, height, factor, values) => {
          const image = right(grayImage(width, height, Array.from(values.take(width * height))));

          const large = right(upscale(image, factor));

          expect(large.width).toBe(width * factor);
          expect(large.height).toBe(height * factor);
          for (let y = 0; y < large.height; y++) {
            for (let x = 0; x < large.width; x++) {
              expect(pixel(large, x, y)).toBe(pixel(image, Math.floor(x / factor), Math.floor(y / factor)));
            }
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('factor 1 returns an equal copy', () => {
    const image = right(grayImage(2, 1, [0.25, 0.75]));

    const copy = right(upscale(image, 1));

    expect(copy).toEqual(image);
    expect(copy.data).not.toBe(image.data);
  });

  it('rejects a factor that is not a positive integer', () => {
    const image = right(grayImage(1, 1, [0]));

    for (const factor of [0, -1, 1.5, Number.NaN]) {
      expect(expectError(upscale(image, factor)).argument).toBe('factor');
    }
  });
});

describe('grayImage', () => {
  it('copies its data', () => {
    const data = [0.1, 0.2];

    const image = right(grayImage(2, 1, data));
    data[0] = 0.9;

    expect(image.data[0]).toBe(0.1);
  });

  it('rejects a length other than width * height', () => {
    const error = expectError(grayImage(2, 2, [0, 0, 0]));

    expect(error.message).toContain('width * height = 2 * 2 = 4');
  });
});
