/**
 * `npm run bench`: measures this library against ml-matrix, tfjs-core's CPU backend, mathjs and numpy in
 * one process and one run, and writes docs/BENCHMARKS.md.
 *
 *   npm run bench                    full sizes and the main job (about 20-25 minutes on a shared 2-core machine)
 *   npm run bench -- --quick         small sizes, under a minute, printed only (what CI runs)
 *   npm run bench -- --repeats 7     timed repeats per case after the warm-up (default 5)
 *   npm run bench -- --out FILE      write the Markdown to FILE instead (in either mode)
 *   npm run bench -- --no-main-job   skip the main job in full mode
 *
 * The run fails (exit code 1) when a result is wrong rather than slow: a product that differs from
 * ml-matrix's, an eigendecomposition with a large residual, or a loss that differs from numpy's. So the
 * quick mode in CI checks that the benchmark and the kernels it drives still work.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as E from 'fp-ts/lib/Either.js';

import { loadMnist } from '../src/data/mnist.js';
import { covariance } from '../src/linalg/ops.js';
import { loadSimdKernel } from '../src/linalg/simd-kernel.js';
import { type AutoencoderResult, AUTOENCODER_CONFIG, AUTOENCODER_REGULARIZATION, initialTheta, relativeMaxDifference, runAutoencoder } from './autoencoder.js';
import { type EigenCase, runEigen, sampleCovariance } from './eigen.js';
import { type MainJobResult, runMainJob } from './main-job.js';
import { currentLoad, machineInfo } from './measure.js';
import { type NumpyAutoencoderCase, runNumpy } from './numpy.js';
import { productCases, runProducts } from './products.js';
import { type BenchmarkRun, renderBenchmarks } from './report.js';

interface Options {
  readonly quick: boolean;
  readonly repeats: number;
  readonly out: string | null;
  readonly mainJob: boolean;
}

const USAGE = 'usage: npm run bench -- [--quick] [--repeats N (>= 5)] [--out FILE] [--no-main-job]';
const MIN_REPEATS = 5;

const parseOptions = (args: readonly string[]): Options => {
  let quick = false;
  let repeats = MIN_REPEATS;
  let out: string | null = null;
  let mainJob = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--no-main-job') mainJob = false;
    else if (arg === '--repeats' && i + 1 < args.length) repeats = Number(args[++i]);
    else if (arg === '--out' && i + 1 < args.length) out = args[++i];
    else throw new Error(`unknown or incomplete option '${arg}'; ${USAGE}`);
  }
  if (!Number.isInteger(repeats) || repeats < MIN_REPEATS) throw new Error(`--repeats must be an integer >= ${MIN_REPEATS}; ${USAGE}`);
  return { quick, repeats, out, mainJob };
};

// Sizes of the two modes.
const FULL_EIGEN_SIDES = [64, 196, 256, 784];
const QUICK_EIGEN_SIDES = [64, 128];
/** mathjs `eigs` at these sides at most (full mode still skips a side estimated above a minute). */
const FULL_MATHJS_MAX_SIDE = 784;
const QUICK_MATHJS_MAX_SIDE = 64;
/** MNIST training images for the pixel covariance and for the autoencoder. */
const FULL_DIGITS = 10_000;
const QUICK_DIGITS = 500;

// Limits of the correctness checks (not of speed).
/** Products of d <= 10,000 terms in [-0.5, 0.5): entries are O(sqrt(d)), rounding differences O(d EPS). */
const PRODUCT_DIFFERENCE_LIMIT = 1e-9;
/** Any working eigensolver gets within 1e-12 relative residual and orthogonality on these matrices. */
const EIGEN_ACCURACY_LIMIT = 1e-12;
/** Two float64 evaluations of the same loss agree to rounding; float32 tfjs to about 1e-6 relative. */
const NUMPY_LOSS_LIMIT = 1e-10;
const TFJS_LOSS_LIMIT = 1e-4;

const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

const loadDigits = async (count: number) => {
  const loaded = await loadMnist({ split: 'train', count });
  return E.isLeft(loaded) ? { ok: false as const, reason: `MNIST not loaded: ${loaded.left.message}` } : { ok: true as const, images: loaded.right.images };
};

/** Returns the failed correctness checks. */
const failedChecks = (run: BenchmarkRun): string[] => {
  const failures: string[] = [];
  for (const r of run.products) {
    if (!(r.maxDifferenceFromMlMatrix <= PRODUCT_DIFFERENCE_LIMIT)) failures.push(`product ${r.productCase.label} differs from ml-matrix by ${r.maxDifferenceFromMlMatrix}`);
  }
  for (const r of run.eigen) {
    const { residual, orthogonality } = r.oursAccuracy;
    if (!(residual <= EIGEN_ACCURACY_LIMIT && orthogonality <= EIGEN_ACCURACY_LIMIT)) failures.push(`eigen ${r.label}: residual ${residual}, orthogonality ${orthogonality}`);
  }
  const ae = run.autoencoder;
  if (ae !== null) {
    const tfjs = Math.abs(ae.tfjsLoss - ae.oursLoss) / ae.oursLoss;
    if (!(tfjs <= TFJS_LOSS_LIMIT)) failures.push(`autoencoder loss differs from tfjs by ${tfjs} relative`);
    const numpy = run.numpy.ok ? run.numpy.result.autoencoder : null;
    if (numpy !== null) {
      const relative = Math.abs(numpy.loss - ae.oursLoss) / ae.oursLoss;
      if (!(relative <= NUMPY_LOSS_LIMIT)) failures.push(`autoencoder loss differs from numpy by ${relative} relative`);
    }
  }
  return failures;
};

const main = async (): Promise<number> => {
  const options = parseOptions(process.argv.slice(2));
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const started = performance.now();
  const loadAtStart = currentLoad();
  await tf.setBackend('cpu');
  await tf.ready();

  const products = runProducts(productCases(options.quick), options.repeats, log);

  const digits = await loadDigits(options.quick ? QUICK_DIGITS : FULL_DIGITS);
  const eigenCases: EigenCase[] = (options.quick ? QUICK_EIGEN_SIDES : FULL_EIGEN_SIDES).map((n) => ({
    label: `sample covariance, n = ${n}`,
    matrix: sampleCovariance(n, n),
  }));
  const eigenNotes: string[] = [];
  if (options.quick) eigenNotes.push('Quick mode leaves out n = 196, 256, 784 and the MNIST pixel covariance.');
  else if (!digits.ok) eigenNotes.push(`MNIST pixel covariance left out: ${digits.reason}`);
  else {
    const pixelCovariance = covariance(digits.images);
    if (E.isRight(pixelCovariance)) {
      eigenCases.push({ label: `MNIST pixel covariance (${FULL_DIGITS} digits)`, matrix: pixelCovariance.right.covariance });
    }
  }
  const eigen = runEigen(eigenCases, options.repeats, options.quick ? QUICK_MATHJS_MAX_SIDE : FULL_MATHJS_MAX_SIDE, log);

  const theta = initialTheta();
  const autoencoder: AutoencoderResult | null = digits.ok ? runAutoencoder(digits.images, theta, options.repeats, log) : null;

  log('numpy reference');
  const scratch = mkdtempSync(join(tmpdir(), 'bench-numpy-'));
  const numpyAutoencoder: NumpyAutoencoderCase | null = digits.ok
    ? {
        samples: digits.images.data as Float64Array,
        sampleCount: digits.images.rows,
        inputSize: AUTOENCODER_CONFIG.inputSize,
        hiddenSize: AUTOENCODER_CONFIG.hiddenSize,
        theta,
        lambda: AUTOENCODER_REGULARIZATION.lambda,
        beta: AUTOENCODER_REGULARIZATION.sparsity?.beta ?? 0,
        rho: AUTOENCODER_REGULARIZATION.sparsity?.rho ?? 0,
      }
    : null;
  const numpy = (() => {
    try {
      return runNumpy(
        {
          repeats: options.repeats,
          products: products.map((r) => r.productCase),
          eigen: eigenCases.map((c) => ({ label: c.label, n: c.matrix.rows, matrix: c.matrix.data as Float64Array })),
          autoencoder: numpyAutoencoder,
        },
        scratch,
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  })();
  if (!numpy.ok) log(`numpy skipped: ${numpy.reason}`);
  const numpyGradient = numpy.ok ? numpy.result.autoencoder?.gradient : undefined;
  const numpyGradientDifference = numpyGradient !== undefined && autoencoder !== null ? relativeMaxDifference(numpyGradient, autoencoder.oursGradient) : null;

  const mainJob: MainJobResult | null = !options.quick && options.mainJob ? runMainJob(root, log) : null;

  const run: BenchmarkRun = {
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    quick: options.quick,
    repeats: options.repeats,
    machine: machineInfo(),
    loadAtStart,
    loadAtEnd: currentLoad(),
    durationSeconds: (performance.now() - started) / 1000,
    products,
    eigen,
    eigenNotes,
    autoencoder,
    autoencoderNote: digits.ok ? null : digits.reason,
    numpy,
    numpyGradientDifference,
    mainJob,
    simdKernel: loadSimdKernel() !== null,
  };
  const markdown = renderBenchmarks(run);
  const target = options.out ?? (options.quick ? null : join(root, 'docs', 'BENCHMARKS.md'));
  if (target === null) process.stdout.write(`${markdown}\n`);
  else {
    writeFileSync(target, `${markdown}\n`);
    log(`wrote ${target}`);
  }

  const failures = failedChecks(run);
  for (const failure of failures) log(`check failed: ${failure}`);
  return failures.length === 0 ? 0 : 1;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
