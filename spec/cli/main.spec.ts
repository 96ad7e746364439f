/**
 * The main job as a process: exit codes, the output-folder check and the files a small run writes.
 * The job runs from source through tsx, so no build is needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'autoencoder-cli-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const runJob = (args: string[]) =>
  spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'src', 'cli', 'main.ts'), ...args], {
    cwd: scratch,
    encoding: 'utf8',
    timeout: 120_000,
  });

describe('main job', () => {
  it('rejects an output path that is a file before any work', () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, '');
    const result = runJob(['--only', 'whitening', '--train-count', '50', '--out', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`option '--out <dir>' argument '${file}' is invalid`);
    expect(result.stderr).not.toContain('Loading');
  });

  it('rejects an output folder under a file', () => {
    const result = runJob(['--only', 'whitening', '--out', join(scratch, 'a-file', 'sub')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/not a (directory|folder)/);
  });

  it('writes the report and figure of a small whitening run', () => {
    const out = join(scratch, 'out');
    const result = runJob(['--only', 'whitening', '--train-count', '60', '--test-count', '5', '--no-progress', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toEqual(['report.json', 'report.md', 'whitening.png']);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.seed).toBe(1);
    expect(report.data.trainCount).toBe(60);
    expect(report.whitening.zca.covarianceError).toBeLessThanOrEqual(1e-8);
    expect(report.pca).toBeUndefined();
  });
});

describe('main job clean-up', () => {
  it('removes temporary files of finished processes', () => {
    const out = join(scratch, 'stale');
    const first = runJob(['--only', 'whitening', '--train-count', '30', '--no-progress', '--out', out]);
    expect(first.status, first.stderr).toBe(0);
    // Process id 2^22 + 1 exceeds Linux's pid_max limit, so no running process owns this file.
    const stale = join(out, 'report.md.4194305.0123456789ab.tmp');
    writeFileSync(stale, 'partial');
    // Names of the same shape that the job did not write stay: a user file and a folder.
    writeFileSync(join(out, 'notes.4194305.cafe.tmp'), 'mine');
    mkdirSync(join(out, 'report.json.4194305.0123456789ab.tmp'));
    const second = runJob(['--only', 'whitening', '--train-count', '30', '--no-progress', '--out', out]);
    expect(second.status, second.stderr).toBe(0);
    const files = readdirSync(out);
    expect(files).not.toContain('report.md.4194305.0123456789ab.tmp');
    expect(files).toContain('notes.4194305.cafe.tmp');
    expect(files).toContain('report.json.4194305.0123456789ab.tmp');
  });

  it('rejects a folder with the name of an output file before any work', () => {
    const out = join(scratch, 'blocked');
    mkdirSync(join(out, 'report.md'), { recursive: true });
    const result = runJob(['--only', 'whitening', '--train-count', '30', '--no-progress', '--out', out]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('report.md exists and is not a file');
    expect(result.stderr).not.toContain('Loading');
  });
});
