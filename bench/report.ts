/**
 * Renders the benchmark results as the Markdown of docs/BENCHMARKS.md, with the targets checked.
 */
import type { AutoencoderResult } from './autoencoder.js';
import type { EigenAccuracy, EigenResult } from './eigen.js';
import type { MainJobResult } from './main-job.js';
import type { MachineInfo, Timing } from './measure.js';
import type { NumpyOutcome } from './numpy.js';
import { type ProductResult, productFlops } from './products.js';

export interface BenchmarkRun {
  readonly command: string;
  readonly quick: boolean;
  readonly repeats: number;
  readonly machine: MachineInfo;
  readonly loadAtStart: number;
  readonly loadAtEnd: number;
  readonly durationSeconds: number;
  readonly products: readonly ProductResult[];
  readonly eigen: readonly EigenResult[];
  readonly eigenNotes: readonly string[];
  readonly autoencoder: AutoencoderResult | null;
  readonly autoencoderNote: string | null;
  readonly numpy: NumpyOutcome;
  /** max |g_numpy - g_ours| / max |g_ours|, when numpy ran. */
  readonly numpyGradientDifference: number | null;
  readonly mainJob: MainJobResult | null;
  /** Whether this library's products ran on the WebAssembly SIMD kernel rather than the JavaScript one. */
  readonly simdKernel: boolean;
}

// Targets of the benchmark, as ratios measured in one run.
const PRODUCT_SPEEDUP_TARGET = 6;
const EIGEN_TIME_RATIO_TARGET = 2;
const EIGEN_ACCURACY_TARGET = 1e-14;
const EIGEN_TARGET_SIDES = [256, 784];
const AUTOENCODER_TFJS_SPEEDUP_TARGET = 5;
const AUTOENCODER_NUMPY_RATIO_TARGET = 6;
const MAIN_JOB_RSS_TARGET_MIB = 2048;

const gflops = (flops: number, t: Timing): number => flops / (t.cpuMs * 1e6);
const fixed = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const scientific = (value: number): string => value.toExponential(1);
const ms = (t: Timing): string => (t.cpuMs >= 100 ? t.cpuMs.toFixed(0) : t.cpuMs.toFixed(1));
const verdict = (met: boolean): string => (met ? 'met' : '**not met**');
const JACOBI_TIME_REASON =
  'cyclic Jacobi does about five times the arithmetic of tridiagonalisation + QL (about 12 n flops per rotation, ' +
  'n^2 / 2 rotations per sweep, 8-12 sweeps), and its rotations run as scalar JavaScript. Each sweep also streams ' +
  'the n x n matrix and V through the cache, which probably makes it more sensitive than ml-matrix to other ' +
  'processes on the machine (see the load average above).';
const JACOBI_ACCURACY_REASON =
  'not established. The speed changes left the solver\'s results bit for bit unchanged, so this is the rounding ' +
  'of its rotations on this matrix.';

/** Appends the known reason for a missed target. */
const withReason = (line: string, met: boolean, reason: string): string => (met ? line : `${line} Reason: ${reason}`);

const productSection = (run: BenchmarkRun, numpyProducts: Map<string, Timing>): string[] => {
  const lines = [
    '## 1. Matrix products',
    '',
    'GFLOP/s = 2 m n d / CPU time. This library, ml-matrix and numpy compute in float64, tfjs-cpu in float32.',
    'The A^T B form uses each library\'s way of not forming A^T: `multiplyTransposeA` here, ml-matrix',
    '`transposeMultiply`, tfjs `matMul(a, b, true, false)`, numpy `a.T @ b` (a BLAS transpose flag).',
    '',
    '| product | this library | ml-matrix | tfjs-cpu | numpy | speed-up vs ml-matrix | speed-up vs tfjs-cpu | numpy / this library |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of run.products) {
    const flops = productFlops(r.productCase);
    const ours = gflops(flops, r.ours);
    const numpy = numpyProducts.get(r.productCase.label);
    const numpyRate = numpy === undefined ? Number.NaN : gflops(flops, numpy);
    lines.push(
      `| ${r.productCase.label} | ${fixed(ours)} | ${fixed(gflops(flops, r.mlMatrix))} | ${fixed(gflops(flops, r.tfjs))} | ` +
        `${fixed(numpyRate)} | ${fixed(ours / gflops(flops, r.mlMatrix), 1)}x | ${fixed(ours / gflops(flops, r.tfjs), 1)}x | ` +
        `${fixed(numpyRate / ours, 1)}x |`,
    );
  }
  lines.push('', `Largest difference from ml-matrix's float64 result: ${run.products.map((r) => scientific(r.maxDifferenceFromMlMatrix)).join(', ')}.`, '');
  return lines;
};

const accuracyCell = (a: EigenAccuracy): string => `${scientific(a.residual)} / ${scientific(a.orthogonality)}`;

const eigenSection = (run: BenchmarkRun, numpyEigen: Map<string, Timing & EigenAccuracy>): string[] => {
  const lines = [
    '## 2. Symmetric eigendecomposition',
    '',
    'CPU milliseconds (median). This library: cyclic Jacobi; ml-matrix: `EigenvalueDecomposition` with',
    '`assumeSymmetric` (Householder tridiagonalisation + QL); mathjs: `eigs` (Jacobi); numpy: `linalg.eigh` (LAPACK).',
    'Sample covariances are (1/N) X_c^T X_c of N = 2n standard normal samples.',
    '',
    '| matrix | n | this library (sweeps) | ml-matrix | mathjs | numpy | this library / ml-matrix |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of run.eigen) {
    const numpy = numpyEigen.get(r.label);
    const mathjs = r.mathjs.ran ? ms(r.mathjs.timing) : 'skipped';
    lines.push(
      `| ${r.label} | ${r.n} | ${ms(r.ours)} (${r.oursSweeps}) | ${ms(r.mlMatrix)} | ${mathjs} | ` +
        `${numpy === undefined ? 'n/a' : ms(numpy)} | ${fixed(r.ours.cpuMs / r.mlMatrix.cpuMs)}x |`,
    );
  }
  lines.push(
    '',
    'Accuracy: max |A v - lambda v| / ||A||_F and max |V^T V - I| (residual / orthogonality).',
    '',
    '| matrix | this library | ml-matrix | mathjs | numpy |',
    '|---|---|---|---|---|',
  );
  for (const r of run.eigen) {
    const numpy = numpyEigen.get(r.label);
    lines.push(
      `| ${r.label} | ${accuracyCell(r.oursAccuracy)} | ${accuracyCell(r.mlMatrixAccuracy)} | ` +
        `${r.mathjs.ran ? accuracyCell(r.mathjs.accuracy) : 'skipped'} | ${numpy === undefined ? 'n/a' : accuracyCell(numpy)} |`,
    );
  }
  const skipped = run.eigen.flatMap((r) => (r.mathjs.ran ? [] : [`mathjs skipped for the ${r.label}: ${r.mathjs.reason}.`]));
  lines.push('');
  for (const note of [...run.eigenNotes, ...skipped]) lines.push(`- ${note}`);
  lines.push('');
  return lines;
};

const autoencoderSection = (run: BenchmarkRun): string[] => {
  const lines = ['## 3. Sparse autoencoder loss and gradient', ''];
  const r = run.autoencoder;
  if (r === null) return [...lines, run.autoencoderNote ?? 'Not run.', ''];
  const numpy = run.numpy.ok ? run.numpy.result.autoencoder : null;
  lines.push(
    `One full-batch evaluation of J and its gradient, 784-196-784, sigmoid units, untied weights, squared error,`,
    `lambda = 3e-3, beta = 3, rho = 0.1, on the first ${r.sampleCount} MNIST training digits, at Glorot-initialised weights.`,
    'This library: `evaluateObjective`; tfjs-cpu: the same loss in tfjs operations through `tf.valueAndGrads`',
    '(float32); numpy: forward and backward written by hand (float64).',
    '',
    '| implementation | CPU ms | wall ms | loss | time / this library |',
    '|---|---:|---:|---:|---:|',
    `| this library | ${ms(r.ours)} | ${r.ours.wallMs.toFixed(0)} | ${r.oursLoss.toPrecision(10)} | 1 |`,
    `| tfjs-cpu | ${ms(r.tfjs)} | ${r.tfjs.wallMs.toFixed(0)} | ${r.tfjsLoss.toPrecision(10)} | ${fixed(r.tfjs.cpuMs / r.ours.cpuMs)} |`,
  );
  if (numpy !== null) {
    lines.push(`| numpy | ${ms(numpy)} | ${numpy.wallMs.toFixed(0)} | ${numpy.loss.toPrecision(10)} | ${fixed(numpy.cpuMs / r.ours.cpuMs)} |`);
  }
  lines.push(
    '',
    `Gradient agreement, max |g - g_this| / max |g_this|: tfjs-cpu ${scientific(r.tfjsGradientDifference)} (float32)` +
      (run.numpyGradientDifference === null ? '.' : `, numpy ${scientific(run.numpyGradientDifference)}.`),
    '',
  );
  return lines;
};

const mainJobSection = (run: BenchmarkRun): string[] => {
  const lines = ['## 4. Main job', ''];
  const job = run.mainJob;
  if (job === null) return [...lines, 'Not run in quick mode.', ''];
  if (!job.ran) return [...lines, `Not measured: ${job.reason}`, ''];
  return [
    ...lines,
    `\`${job.command}\` (default sizes): wall ${job.wallSeconds.toFixed(0)} s, CPU ${fixed(job.cpuSeconds, 0)} s, ` +
      `peak resident memory ${fixed(job.peakRssMiB, 0)} MiB (${job.method}).`,
    '',
  ];
};

const targetSection = (run: BenchmarkRun): string[] => {
  const lines = ['## Targets', ''];
  if (run.quick) lines.push('Quick mode runs smaller sizes than the targets are stated for; these lines are indicative only.', '');
  for (const r of run.products) {
    const flops = productFlops(r.productCase);
    const ml = gflops(flops, r.ours) / gflops(flops, r.mlMatrix);
    const tfjs = gflops(flops, r.ours) / gflops(flops, r.tfjs);
    const met = Math.min(ml, tfjs) >= PRODUCT_SPEEDUP_TARGET;
    const reason = run.simdKernel
      ? 'unexpected on the WebAssembly kernel; compare the wall-clock table for interference from other processes.'
      : 'WebAssembly SIMD was unavailable, so the scalar JavaScript kernel ran.';
    lines.push(
      withReason(
        `- Product ${r.productCase.label}: ${fixed(ml, 1)}x ml-matrix, ${fixed(tfjs, 1)}x tfjs-cpu ` +
          `(target >= ${PRODUCT_SPEEDUP_TARGET}x each): ${verdict(met)}.`,
        met,
        reason,
      ),
    );
  }
  for (const r of run.eigen.filter((e) => EIGEN_TARGET_SIDES.includes(e.n) || run.quick)) {
    const ratio = r.ours.cpuMs / r.mlMatrix.cpuMs;
    const accurate = r.oursAccuracy.residual <= EIGEN_ACCURACY_TARGET && r.oursAccuracy.orthogonality <= EIGEN_ACCURACY_TARGET;
    const fast = ratio <= EIGEN_TIME_RATIO_TARGET;
    lines.push(
      withReason(
        `- Jacobi, ${r.label}: ${fixed(ratio)}x ml-matrix's time (target <= ${EIGEN_TIME_RATIO_TARGET}x): ${verdict(fast)}; ` +
          `residual ${scientific(r.oursAccuracy.residual)}, orthogonality ${scientific(r.oursAccuracy.orthogonality)} ` +
          `(target <= 1e-14 each): ${verdict(accurate)}; ml-matrix's orthogonality ${scientific(r.mlMatrixAccuracy.orthogonality)}.`,
        fast,
        JACOBI_TIME_REASON,
      ),
    );
    if (!accurate) lines.push(`  Accuracy reason: ${JACOBI_ACCURACY_REASON}`);
  }
  const ae = run.autoencoder;
  if (ae !== null) {
    const tfjs = ae.tfjs.cpuMs / ae.ours.cpuMs;
    lines.push(`- Autoencoder: ${fixed(tfjs, 1)}x faster than tfjs-cpu (target >= ${AUTOENCODER_TFJS_SPEEDUP_TARGET}x): ${verdict(tfjs >= AUTOENCODER_TFJS_SPEEDUP_TARGET)}.`);
    const numpy = run.numpy.ok ? run.numpy.result.autoencoder : null;
    if (numpy !== null) {
      const ratio = ae.ours.cpuMs / numpy.cpuMs;
      const met = ratio <= AUTOENCODER_NUMPY_RATIO_TARGET;
      lines.push(
        withReason(
          `- Autoencoder: ${fixed(ratio, 1)}x numpy's time (target <= ${AUTOENCODER_NUMPY_RATIO_TARGET}x): ${verdict(met)}.`,
          met,
          'its five matrix products dominate, and they run on 128-bit WebAssembly SIMD without fused ' +
            'multiply-add, against OpenBLAS with the wider vectors and fused multiply-add of the processor.',
        ),
      );
    }
  }
  if (run.mainJob !== null && run.mainJob.ran) {
    const rss = run.mainJob.peakRssMiB;
    lines.push(`- Main job peak resident memory ${fixed(rss, 0)} MiB (target < ${MAIN_JOB_RSS_TARGET_MIB} MiB): ${verdict(rss < MAIN_JOB_RSS_TARGET_MIB)}.`);
  }
  lines.push('');
  return lines;
};

const wallClockSection = (run: BenchmarkRun): string[] => {
  const lines = [
    '## Wall-clock medians',
    '',
    'For reference, the wall-clock medians (ms) of the same runs. They include time spent waiting for a core',
    'when other processes were running, which the ratios above leave out.',
    '',
    '| case | this library | ml-matrix | tfjs-cpu | mathjs | numpy |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  const numpyProducts = run.numpy.ok ? run.numpy.result.products : [];
  const numpyEigen = run.numpy.ok ? run.numpy.result.eigen : [];
  const wall = (t: Timing | undefined): string => (t === undefined ? '' : t.wallMs.toFixed(0));
  for (const r of run.products) {
    const numpy = numpyProducts.find((p) => p.label === r.productCase.label);
    lines.push(`| ${r.productCase.label} | ${wall(r.ours)} | ${wall(r.mlMatrix)} | ${wall(r.tfjs)} | | ${wall(numpy)} |`);
  }
  for (const r of run.eigen) {
    const numpy = numpyEigen.find((p) => p.label === r.label);
    lines.push(`| eigen ${r.label} | ${wall(r.ours)} | ${wall(r.mlMatrix)} | | ${r.mathjs.ran ? wall(r.mathjs.timing) : ''} | ${wall(numpy)} |`);
  }
  lines.push('');
  return lines;
};

export const renderBenchmarks = (run: BenchmarkRun): string => {
  const m = run.machine;
  const numpyLine = run.numpy.ok
    ? Object.entries(run.numpy.result.blas)
        .map(([key, value]) => `${key} ${value}`)
        .join(', ')
    : `skipped: ${run.numpy.reason}`;
  const numpyProducts = new Map(run.numpy.ok ? run.numpy.result.products.map((p) => [p.label, p] as const) : []);
  const numpyEigen = new Map(run.numpy.ok ? run.numpy.result.eigen.map((p) => [p.label, p] as const) : []);
  return [
    run.quick ? '# Benchmarks (quick mode)' : '# Benchmarks',
    '',
    'This library against its JavaScript peers and numpy, measured side by side in one process and one run',
    `by \`${run.command}\`, which writes this file. Each case runs once to warm up, then ${run.repeats} times; tables`,
    'show medians of process CPU time, and every ratio compares CPU times from this one run. The JavaScript',
    'libraries and numpy (pinned to one BLAS thread) all compute on one core.',
    '',
    `- Date: ${m.date}; commit ${m.gitCommit}; run time ${run.durationSeconds.toFixed(0)} s.`,
    `- Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB.toFixed(0)} GiB; ${m.os}.`,
    `- Node ${m.node} (V8 ${m.v8}); ml-matrix 6.15.1, @tensorflow/tfjs-core and tfjs-backend-cpu 4.22.0, mathjs 15.2.0.`,
    run.simdKernel
      ? '- This library\'s products ran on its WebAssembly SIMD kernel (`src/linalg/simd-kernel.ts`).'
      : '- This library\'s products ran on its JavaScript kernel: this runtime has no WebAssembly SIMD.',
    `- numpy: ${numpyLine}. OPENBLAS_NUM_THREADS=1, OMP_NUM_THREADS=1, MKL_NUM_THREADS=1; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for that process.`,
    `- Load average (1 min): ${run.loadAtStart.toFixed(1)} at the start, ${run.loadAtEnd.toFixed(1)} at the end, on ${m.cores} cores. ` +
      'A load above the core count means other processes shared the machine: wall-clock times are then inflated, CPU times less so.',
    '',
    ...productSection(run, numpyProducts),
    ...eigenSection(run, numpyEigen),
    ...autoencoderSection(run),
    ...mainJobSection(run),
    ...targetSection(run),
    ...wallClockSection(run),
  ].join('\n');
};
