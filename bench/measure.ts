/**
 * Timing and machine description shared by the benchmark sections.
 *
 * Every timed case runs once to warm up (JIT compilation, page faults of first allocations), then
 * `repeats` more times, and reports the median. Both the process CPU time (user + system, from
 * `process.cpuUsage`) and the wall-clock time are recorded. Ratios between libraries use the CPU time,
 * because the benchmark machine may be shared: a process that waits for a core accrues wall time but no
 * CPU time. Every library measured here computes on one thread, so its CPU time is its compute time.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** Medians of one timed case, in milliseconds. */
export interface Timing {
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly repeats: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : 0.5 * (sorted[middle - 1] + sorted[middle]);
};

/** Runs `run` once untimed, then `repeats` times, and returns the median CPU and wall times. */
export const measure = (run: () => unknown, repeats: number): Timing => {
  run();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    run();
    const wallEnd = performance.now();
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
    wall.push(wallEnd - wallStart);
  }
  return { cpuMs: median(cpu), wallMs: median(wall), repeats };
};

/** The machine and software a benchmark ran on. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly v8: string;
  readonly os: string;
  readonly date: string;
  readonly gitCommit: string;
}

const cpuModelName = (): string => {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('model name'));
    if (line !== undefined) return line.split(':')[1].trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return cpus()[0]?.model ?? 'unknown';
};

const gitCommit = (): string => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
};

export const machineInfo = (): MachineInfo => ({
  cpuModel: cpuModelName(),
  cores: cpus().length,
  memoryGiB: totalmem() / 2 ** 30,
  node: process.version,
  v8: process.versions.v8,
  os: `${process.platform} ${process.arch}`,
  date: new Date().toISOString(),
  gitCommit: gitCommit(),
});

/** The 1-minute load average, the number of processes that were running or waiting for a core. */
export const currentLoad = (): number => loadavg()[0];

/** Deterministic pseudo-random numbers in [-0.5, 0.5) (Park-Miller), for operands whose values do not matter. */
export const filledMatrixData = (length: number, seed: number): Float64Array => {
  const out = new Float64Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 16807) % 2147483647;
    out[i] = state / 2147483647 - 0.5;
  }
  return out;
};
