/**
 * Runs bench/numpy_kernels.py, the native-code reference, in a child process pinned to one BLAS thread.
 *
 * Matrices that both sides must share (covariances, the digits, theta) go through raw little-endian
 * float64 files in a temporary folder. The reference is skipped, with the reason, when `python3` or
 * numpy is missing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Timing } from './measure.js';

export interface NumpyProductCase {
  readonly label: string;
  readonly m: number;
  readonly n: number;
  readonly d: number;
  readonly form: 'AB' | 'AtB';
}

export interface NumpyEigenCase {
  readonly label: string;
  readonly n: number;
  readonly matrix: Float64Array;
}

export interface NumpyAutoencoderCase {
  readonly samples: Float64Array;
  readonly sampleCount: number;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly theta: Float64Array;
  readonly lambda: number;
  readonly beta: number;
  readonly rho: number;
}

export interface NumpyJob {
  readonly repeats: number;
  readonly products: readonly NumpyProductCase[];
  readonly eigen: readonly NumpyEigenCase[];
  readonly autoencoder: NumpyAutoencoderCase | null;
}

export interface NumpyResult {
  readonly blas: Readonly<Record<string, string | number>>;
  readonly products: readonly (Timing & { readonly label: string })[];
  readonly eigen: readonly (Timing & { readonly label: string; readonly residual: number; readonly orthogonality: number })[];
  readonly autoencoder: (Timing & { readonly loss: number; readonly gradient: Float64Array }) | null;
}

export type NumpyOutcome = { readonly ok: true; readonly result: NumpyResult } | { readonly ok: false; readonly reason: string };

const PYTHON = 'python3';

/**
 * Returns the child's environment: one thread for OpenBLAS, OpenMP and MKL. OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE are removed for this process only, because a machine may set them to force an old
 * kernel choice that slows a current OpenBLAS; the result records the kernel OpenBLAS then picked.
 */
const pinnedEnvironment = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
};

const writeRaw = (path: string, data: Float64Array): string => {
  writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return path;
};

const readRaw = (path: string): Float64Array => {
  const bytes = readFileSync(path);
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

/** Returns why numpy cannot run here, or null when it can. */
export const numpyUnavailable = (): string | null => {
  const probe = spawnSync(PYTHON, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8', env: pinnedEnvironment() });
  if (probe.error !== undefined) return `${PYTHON} not found (${probe.error.message})`;
  if (probe.status !== 0) return `numpy not importable: ${probe.stderr.trim().split('\n').pop() ?? ''}`;
  return null;
};

/** Runs the job in numpy, with its files in `directory`. */
export const runNumpy = (job: NumpyJob, directory: string): NumpyOutcome => {
  const unavailable = numpyUnavailable();
  if (unavailable !== null) return { ok: false, reason: unavailable };

  const gradientFile = join(directory, 'numpy-gradient.f64');
  const spec = {
    repeats: job.repeats,
    products: job.products,
    eigen: job.eigen.map((c, i) => ({ label: c.label, n: c.n, file: writeRaw(join(directory, `eigen-${i}.f64`), c.matrix) })),
    autoencoder:
      job.autoencoder === null
        ? null
        : {
            n: job.autoencoder.sampleCount,
            d: job.autoencoder.inputSize,
            h: job.autoencoder.hiddenSize,
            lambda: job.autoencoder.lambda,
            beta: job.autoencoder.beta,
            rho: job.autoencoder.rho,
            xFile: writeRaw(join(directory, 'samples.f64'), job.autoencoder.samples),
            thetaFile: writeRaw(join(directory, 'theta.f64'), job.autoencoder.theta),
            gradientFile,
          },
  };
  const jobFile = join(directory, 'job.json');
  writeFileSync(jobFile, JSON.stringify(spec));

  const script = new URL('./numpy_kernels.py', import.meta.url).pathname;
  const child = spawnSync(PYTHON, [script, jobFile], { encoding: 'utf8', env: pinnedEnvironment(), maxBuffer: 1 << 24 });
  if (child.error !== undefined) return { ok: false, reason: `${PYTHON} failed to start: ${child.error.message}` };
  if (child.status !== 0) return { ok: false, reason: `numpy_kernels.py exited with ${child.status}: ${child.stderr.trim()}` };

  const parsed = JSON.parse(child.stdout) as Omit<NumpyResult, 'autoencoder'> & {
    readonly autoencoder: (Timing & { readonly loss: number }) | null;
  };
  const autoencoder =
    parsed.autoencoder === null
      ? null
      : { ...parsed.autoencoder, gradient: readRaw(gradientFile) };
  return { ok: true, result: { ...parsed, autoencoder } };
};
