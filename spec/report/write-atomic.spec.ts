import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { writeFileAtomic, writeJsonAtomic } from '../../src/report/write-atomic.js';

describe('writeFileAtomic', () => {
  let root = '';
  let caseNumber = 0;

  /** Returns a fresh, empty folder for one test, so leftover temporary files are easy to spot. */
  const freshDirectory = async (): Promise<string> => {
    caseNumber += 1;
    const directory = join(root, `case-${caseNumber}`);
    await mkdir(directory);
    return directory;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'write-atomic-spec-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes a string exactly', async () => {
    const directory = await freshDirectory();
    const path = join(directory, 'report.md');
    const text = '# Results\n\nloss 0.25 — café\n';

    await writeFileAtomic(path, text);

    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await readdir(directory)).toEqual(['report.md']);
  });

  it('writes bytes exactly', async () => {
    const directory = await freshDirectory();
    const path = join(directory, 'image.bin');
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) % 256);

    await writeFileAtomic(path, bytes);

    expect(new Uint8Array(await readFile(path))).toEqual(bytes);
    expect(await readdir(directory)).toEqual(['image.bin']);
  });

  it('replaces an existing file', async () => {
    const directory = await freshDirectory();
    const path = join(directory, 'data.json');
    await writeFile(path, 'an old and longer content');

    await writeFileAtomic(path, 'new');

    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(directory)).toEqual(['data.json']);
  });

  it('creates missing directories', async () => {
    const directory = await freshDirectory();
    const path = join(directory, 'a', 'b', 'out.txt');

    await writeFileAtomic(path, 'x');

    expect(await readFile(path, 'utf8')).toBe('x');
  });

  it('failure names the path and leaves no temporary file', async () => {
    const directory = await freshDirectory();
    // Renaming a file over a non-empty directory fails on every platform.
    const path = join(directory, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'inside.txt'), 'keep');

    await expect(writeFileAtomic(path, 'x')).rejects.toThrow(`writeFileAtomic: failed to write ${path}`);

    expect(await readdir(directory)).toEqual(['taken']);
    expect(await readFile(join(path, 'inside.txt'), 'utf8')).toBe('keep');
  });

  it('failure keeps the original error as cause', async () => {
    const directory = await freshDirectory();
    const blocker = join(directory, 'file');
    await writeFile(blocker, '');
    // The parent of the target is a regular file, so creating the directory fails.
    const path = join(blocker, 'child.txt');

    const error = await writeFileAtomic(path, 'x').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(path);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(await readdir(directory)).toEqual(['file']);
  });
});

describe('writeJsonAtomic', () => {
  let root = '';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'write-json-spec-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes 2-space JSON with a trailing newline', async () => {
    const path = join(root, 'result.json');

    await writeJsonAtomic(path, { loss: 0.5, sizes: [1, 2] });

    expect(await readFile(path, 'utf8')).toBe('{\n  "loss": 0.5,\n  "sizes": [\n    1,\n    2\n  ]\n}\n');
  });

  it('writes typed arrays as arrays', async () => {
    const path = join(root, 'typed.json');

    await writeJsonAtomic(path, { losses: Float64Array.of(0.25, 0.125), labels: Uint8Array.of(5, 0) });

    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ losses: [0.25, 0.125], labels: [5, 0] });
  });

  it('rejects undefined', async () => {
    const path = join(root, 'nothing.json');

    await expect(writeJsonAtomic(path, undefined)).rejects.toThrow(TypeError);
    await expect(readFile(path)).rejects.toThrow();
  });
});
