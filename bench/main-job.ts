/**
 * Benchmark section 4: the default main job (`node dist/cli/main.js`) as a child process, its wall
 * time, CPU time and peak resident memory (by GNU time when present). It builds dist/ first with
 * `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type MainJobResult =
  | {
      readonly ran: true;
      readonly command: string;
      readonly wallSeconds: number;
      readonly cpuSeconds: number;
      readonly peakRssMiB: number;
      /** Measurement method of the peak (GNU time's maximum resident set size), or the reason for none. */
      readonly method: string;
    }
  | { readonly ran: false; readonly reason: string };

const GNU_TIME = '/usr/bin/time';

/** Reads "Label: value" lines of `time -v` output. */
const field = (report: string, label: string): string | undefined =>
  report
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.startsWith(label))
    ?.slice(label.length + 1)
    .trim();

/** Parses GNU time's "h:mm:ss" or "m:ss.ss" elapsed time into seconds. */
const parseElapsed = (text: string): number =>
  text
    .split(':')
    .map(Number)
    .reduce((total, part) => total * 60 + part, 0);

export const runMainJob = (root: string, log: (line: string) => void): MainJobResult => {
  log('main job: npm run build');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) return { ran: false, reason: `npm run build failed: ${(build.stdout + build.stderr).trim().slice(0, 500)}` };

  const out = mkdtempSync(join(tmpdir(), 'bench-main-job-'));
  const args = ['dist/cli/main.js', '--out', out];
  const command = `node ${args.slice(0, 2).join(' ')} <tmpdir>`;
  log(`main job: ${command} (several minutes)`);
  try {
    if (existsSync(GNU_TIME)) {
      const child = spawnSync(GNU_TIME, ['-v', process.execPath, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
      if (child.status !== 0) return { ran: false, reason: `main job exited with ${child.status}: ${child.stderr.trim().slice(-500)}` };
      const report = child.stderr;
      const user = Number(field(report, 'User time (seconds)'));
      const system = Number(field(report, 'System time (seconds)'));
      const rssKiB = Number(field(report, 'Maximum resident set size (kbytes)'));
      const elapsed = field(report, 'Elapsed (wall clock) time (h:mm:ss or m:ss)');
      return {
        ran: true,
        command,
        wallSeconds: elapsed === undefined ? Number.NaN : parseElapsed(elapsed),
        cpuSeconds: user + system,
        peakRssMiB: rssKiB / 1024,
        method: '/usr/bin/time -v, maximum resident set size',
      };
    }
    const started = performance.now();
    const child = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
    const wallSeconds = (performance.now() - started) / 1000;
    if (child.status !== 0) return { ran: false, reason: `main job exited with ${child.status}: ${child.stderr.trim().slice(-500)}` };
    return {
      ran: true,
      command,
      wallSeconds,
      cpuSeconds: Number.NaN,
      peakRssMiB: Number.NaN,
      method: `not measured: ${GNU_TIME} is missing`,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
};
