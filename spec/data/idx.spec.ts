import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type IdxArray,
  type IdxError,
  parseIdx,
  parseIdxHeader,
  readIdxFile,
  readIdxHeader,
  readIdxItems,
} from '../../src/data/idx.js';

/** Builds the bytes of an IDX file; every field can be set to a wrong value. */
const idxBytes = (options: {
  readonly dimensions: readonly number[];
  readonly payload?: ArrayLike<number>;
  readonly typeCode?: number;
  readonly prefix?: readonly [number, number];
  readonly trailing?: number;
}): Uint8Array => {
  const { dimensions, typeCode = 0x08, prefix = [0, 0], trailing = 0 } = options;
  const length = dimensions.reduce((a, b) => a * b, 1);
  const payload = options.payload ?? Array.from({ length }, (_, i) => (i * 7) % 256);
  const header = new Uint8Array(4 + 4 * dimensions.length);
  const view = new DataView(header.buffer);
  header[0] = prefix[0];
  header[1] = prefix[1];
  header[2] = typeCode;
  header[3] = dimensions.length;
  dimensions.forEach((size, k) => view.setUint32(4 + 4 * k, size, false));
  const bytes = new Uint8Array(header.length + payload.length + trailing);
  bytes.set(header, 0);
  bytes.set(Array.from(payload), header.length);
  return bytes;
};

const expectError = (result: E.Either<IdxError, unknown>): IdxError => {
  if (E.isRight(result)) throw new Error(`expected an IdxError, got ${JSON.stringify(result.right)}`);
  return result.left;
};

const expectArray = (result: E.Either<IdxError, IdxArray>): IdxArray => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

// Up to 3 dimensions of size 0..6 keep payloads below 216 bytes while covering empty and 1-sized axes.
const MAX_DIMENSION_COUNT = 3;
const MAX_DIMENSION_SIZE = 6;

const idxArrayArbitrary = fc
  .array(fc.integer({ min: 0, max: MAX_DIMENSION_SIZE }), { minLength: 1, maxLength: MAX_DIMENSION_COUNT })
  .chain((dimensions) => {
    const length = dimensions.reduce((a, b) => a * b, 1);
    return fc
      .uint8Array({ minLength: length, maxLength: length })
      .map((payload) => ({ dimensions, payload }));
  });

describe('parseIdx', () => {
  it('round trip: parsing a built file returns its dimensions and payload', () => {
    fc.assert(
      fc.property(idxArrayArbitrary, ({ dimensions, payload }) => {
        const parsed = expectArray(parseIdx(idxBytes({ dimensions, payload }), 'built.idx'));

        expect(parsed.dimensions).toEqual(dimensions);
        expect(Array.from(parsed.data)).toEqual(Array.from(payload));
      }),
      { numRuns: 100 },
    );
  });

  it('reads an MNIST-like labels header', () => {
    const parsed = expectArray(parseIdx(Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 2, 7, 9), 'labels'));

    expect(parsed.dimensions).toEqual([2]);
    expect(Array.from(parsed.data)).toEqual([7, 9]);
  });

  it('does not modify its input', () => {
    const bytes = idxBytes({ dimensions: [2, 3] });
    const before = Uint8Array.from(bytes);

    parseIdx(bytes, 'built.idx');

    expect(bytes).toEqual(before);
  });

  it('accepts a zero-sized dimension', () => {
    const parsed = expectArray(parseIdx(idxBytes({ dimensions: [0, 28, 28] }), 'empty.idx'));

    expect(parsed.dimensions).toEqual([0, 28, 28]);
    expect(parsed.data.length).toBe(0);
  });

  it('rejects fewer than 4 bytes', () => {
    for (const length of [0, 1, 2, 3]) {
      const error = expectError(parseIdx(new Uint8Array(length), 'short.idx'));

      expect(error.reason).toBe('header-too-short');
      expect(error.message).toContain('short.idx');
      expect(error.message).toContain(`${length} bytes`);
    }
  });

  it('rejects a header cut inside the dimensions', () => {
    const bytes = idxBytes({ dimensions: [2, 3, 4] }).subarray(0, 10);

    const error = expectError(parseIdx(bytes, 'cut.idx'));

    expect(error.reason).toBe('header-too-short');
    expect(error.message).toContain('3 dimensions');
    expect(error.message).toContain('10 bytes, expected at least 16');
  });

  it('rejects non-zero leading bytes', () => {
    const error = expectError(parseIdx(idxBytes({ dimensions: [2], prefix: [0x12, 0x34] }), 'magic.idx'));

    expect(error.reason).toBe('bad-magic');
    expect(error.message).toContain('magic.idx');
    expect(error.message).toContain('0x1234');
    expect(error.message).toContain('expected 0x0000');
  });

  it('hints at gzip for a compressed file', () => {
    const error = expectError(parseIdx(idxBytes({ dimensions: [2], prefix: [0x1f, 0x8b] }), 'labels.gz'));

    expect(error.reason).toBe('bad-magic');
    expect(error.message).toContain('gzip');
  });

  it('rejects an unsupported type code', () => {
    const error = expectError(parseIdx(idxBytes({ dimensions: [2], typeCode: 0x0d }), 'floats.idx'));

    expect(error.reason).toBe('unsupported-type');
    expect(error.message).toContain('floats.idx');
    expect(error.message).toContain('0x0d (32-bit float)');
    expect(error.message).toContain('expected 0x08 (unsigned byte)');
  });

  it('rejects zero dimensions', () => {
    const error = expectError(parseIdx(Uint8Array.of(0, 0, 8, 0), 'scalar.idx'));

    expect(error.reason).toBe('bad-magic');
    expect(error.message).toContain('0 dimensions');
  });

  it('rejects a truncated payload with both byte counts', () => {
    const bytes = idxBytes({ dimensions: [3, 4] });

    const error = expectError(parseIdx(bytes.subarray(0, bytes.length - 5), 'truncated.idx'));

    expect(error.reason).toBe('truncated');
    expect(error.message).toContain('truncated.idx');
    expect(error.message).toContain('need 12 bytes');
    expect(error.message).toContain('found 7');
  });

  it('rejects trailing bytes and counts them', () => {
    const error = expectError(parseIdx(idxBytes({ dimensions: [3, 4], trailing: 5 }), 'long.idx'));

    expect(error.reason).toBe('oversized');
    expect(error.message).toContain('long.idx');
    expect(error.message).toContain('5 unexpected bytes');
    expect(error.message).toContain('need 12 bytes');
    expect(error.message).toContain('found 17');
  });

  it('rejects dimensions whose product exceeds the cap', () => {
    // 2^16 cubed is 2^48 bytes, above any buffer Node.js can allocate but still exact in float64.
    const bytes = idxBytes({ dimensions: [65536, 65536, 65536], payload: [] });

    const error = expectError(parseIdxHeader(bytes, 'huge.idx'));

    expect(error.reason).toBe('too-large');
    expect(error.message).toContain('65536 x 65536 x 65536');
  });

  it('rejects a product that overflows float64', () => {
    // 255 dimensions of 2^32 - 1: the running product overflows to Infinity.
    const dimensions = Array.from({ length: 255 }, () => 0xffffffff);

    const error = expectError(parseIdxHeader(idxBytes({ dimensions, payload: [] }), 'overflow.idx'));

    expect(error.reason).toBe('too-large');
  });

  it('gives 0 bytes for a zero dimension after an overflow', () => {
    const dimensions = [...Array.from({ length: 254 }, () => 0xffffffff), 0];

    const header = parseIdxHeader(idxBytes({ dimensions, payload: [] }), 'zero.idx');

    expect(header).toEqual(E.right(expect.objectContaining({ payloadLength: 0 })));
  });

  it('reads a view at a non-zero byte offset', () => {
    const bytes = idxBytes({ dimensions: [2, 2], payload: [1, 2, 3, 4] });
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);

    const parsed = expectArray(parseIdx(padded.subarray(3), 'offset.idx'));

    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4]);
  });
});

describe('reading IDX files', () => {
  let directory = '';

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'idx-spec-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('readIdxFile reads a written file', async () => {
    const path = join(directory, 'images.idx');
    await writeFile(path, idxBytes({ dimensions: [2, 2, 3] }));

    const parsed = expectArray(await readIdxFile(path));

    expect(parsed.dimensions).toEqual([2, 2, 3]);
    expect(Array.from(parsed.data)).toEqual(Array.from({ length: 12 }, (_, i) => (i * 7) % 256));
  });

  it('readIdxFile names a missing path', async () => {
    const path = join(directory, 'missing.idx');

    const error = expectError(await readIdxFile(path));

    expect(error.reason).toBe('not-found');
    expect(error.message).toContain(path);
  });

  it('readIdxFile reports a directory as unreadable', async () => {
    const error = expectError(await readIdxFile(directory));

    expect(error.reason).toBe('read-failed');
    expect(error.message).toContain(directory);
  });

  it('readIdxHeader checks the size without the payload', async () => {
    const good = join(directory, 'good.idx');
    const truncated = join(directory, 'truncated-file.idx');
    await writeFile(good, idxBytes({ dimensions: [5, 3] }));
    await writeFile(truncated, idxBytes({ dimensions: [5, 3] }).subarray(0, 20));

    const header = await readIdxHeader(good);
    const error = expectError(await readIdxHeader(truncated));

    expect(header).toEqual(E.right({ dimensions: [5, 3], payloadOffset: 12, payloadLength: 15 }));
    expect(error.reason).toBe('truncated');
    expect(error.message).toContain('found 8');
  });

  it('readIdxHeader rejects a file shorter than 4 bytes', async () => {
    const path = join(directory, 'tiny.idx');
    await writeFile(path, Uint8Array.of(0, 0));

    const error = expectError(await readIdxHeader(path));

    expect(error.reason).toBe('header-too-short');
  });

  it('readIdxHeader names a missing path', async () => {
    const path = join(directory, 'absent.idx');

    const error = expectError(await readIdxHeader(path));

    expect(error.reason).toBe('not-found');
    expect(error.message).toContain(path);
  });

  it('readIdxItems equals the slice of the whole file', async () => {
    const path = join(directory, 'items.idx');
    const itemCount = 7;
    const itemLength = 6;
    await writeFile(path, idxBytes({ dimensions: [itemCount, 2, 3] }));
    const whole = expectArray(await readIdxFile(path));

    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: itemCount }).chain((offset) =>
          fc.integer({ min: 0, max: itemCount - offset }).map((count) => ({ offset, count })),
        ),
        async ({ offset, count }) => {
          const items = expectArray(await readIdxItems(path, offset, count));

          expect(items.dimensions).toEqual([count, 2, 3]);
          expect(Array.from(items.data)).toEqual(
            Array.from(whole.data.subarray(offset * itemLength, (offset + count) * itemLength)),
          );
        },
      ),
      { numRuns: 30 },
    );
  });

  it('readIdxItems rejects a range past the end', async () => {
    const path = join(directory, 'range.idx');
    await writeFile(path, idxBytes({ dimensions: [4, 2] }));

    for (const [offset, count] of [
      [0, 5],
      [3, 2],
      [-1, 1],
      [0.5, 1],
    ]) {
      const error = expectError(await readIdxItems(path, offset, count));

      expect(error.reason).toBe('out-of-range');
      expect(error.message).toContain('the file has 4 items');
    }
  });
});
