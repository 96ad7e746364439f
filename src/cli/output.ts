/**
 * File output of the main job: the output-folder check, clean-up of interrupted writes, and PNG writing.
 */
import { lstatSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import * as E from 'fp-ts/lib/Either.js';

import type { GrayImage } from '../report/image-grid.js';
import { encodePng } from '../report/png.js';
import { writeFileAtomic } from '../report/write-atomic.js';

/** Raised for a failure that ends the run with a message and the given exit code. */
export class RunFailure extends Error {
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
 * NOTE: on Node 20.20.2, `mkdir(path, { recursive: true })` never settles for a missing path under /proc
 * (it retries forever on ENOENT), so each missing level is created with a plain mkdir, which fails at once.
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

/** Reports whether `name` is one of the files the job writes: the two reports and the PNG figures. */
const isOutputName = (name: string): boolean => name === 'report.md' || name === 'report.json' || name.endsWith('.png');

/**
 * Returns the first entry of `directory` that has the name of an output file but is not a file, or
 * undefined. A folder of that name would make the final rename of that output fail.
 */
const blockedOutputName = (directory: string): string | undefined =>
  readdirSync(directory).find((name) => {
    if (!isOutputName(name)) return false;
    try {
      return !statSync(join(directory, name)).isFile();
    } catch {
      // A dangling symbolic link: the rename replaces the link itself.
      return false;
    }
  });

/**
 * Creates the output folder, writes and removes a probe file in it, and checks that no entry with an
 * output file's name is a folder. An unusable `--out` thus stops the job with exit code 2 before any
 * data is loaded or any model is trained.
 */
export const checkOutputDirectory = async (directory: string): Promise<void> => {
  const probe = join(directory, `.write-check-${process.pid}.tmp`);
  try {
    if (directory.trim() === '') throw new Error('the folder name is empty');
    await createDirectories(directory);
    await writeFile(probe, '');
    await rm(probe, { force: true });
    const blocked = blockedOutputName(directory);
    if (blocked !== undefined) throw new Error(`${join(directory, blocked)} exists and is not a file`);
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
export const removeStaleTemporaryFiles = (directory: string): void => {
  // Only names that writeFileAtomic makes for an output file, so that other files are never touched.
  const pattern = /^(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;
  for (const name of readdirSync(directory)) {
    const match = pattern.exec(name);
    if (match === null || !isOutputName(match[1]) || isRunning(Number(match[2]))) continue;
    const path = join(directory, name);
    if (lstatSync(path).isFile()) rmSync(path, { force: true });
  }
};

/** Returns the value of a Right, or ends the run with the Left's message prefixed by `context`. */
export const unwrap = <A>(result: E.Either<{ readonly message: string }, A>, context: string): A => {
  if (E.isLeft(result)) throw new RunFailure(`${context}: ${result.left.message}`);
  return result.right;
};

/** Encodes a figure as PNG and writes it atomically to `directory/name`; returns `name`. */
export const writePng = async (directory: string, name: string, image: E.Either<{ readonly message: string }, GrayImage>) => {
  const bytes = unwrap(E.chainW(encodePng)(image), `drawing ${name}`);
  await writeFileAtomic(join(directory, name), bytes);
  return name;
};

/** Seconds since `start`, a value of `performance.now()`. */
export const elapsedSeconds = (start: number): number => (performance.now() - start) / 1000;

