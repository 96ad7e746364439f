/**
 * Turns experiment progress events into a progress bar on stderr (cli-progress) when stderr is a
 * terminal, and into a line per phase plus a line every tenth of the iterations otherwise, so that logs
 * of non-interactive runs stay short.
 */
import cliProgress from 'cli-progress';

import type { ExperimentProgress, ExperimentProgressCallback } from '../experiments/progress.js';

/** A progress sink: the callback to give the experiments, and `stop` to call when a run ends. */
export interface ProgressReporter {
  readonly onProgress: ExperimentProgressCallback;
  readonly stop: () => void;
}

const silentReporter: ProgressReporter = { onProgress: () => undefined, stop: () => undefined };

const formatLoss = (loss: number): string => (Number.isFinite(loss) ? loss.toPrecision(6) : String(loss));

const terminalReporter = (): ProgressReporter => {
  const bar = new cliProgress.SingleBar(
    {
      format: '{phase} |{bar}| {value}/{total} loss {loss} | {duration_formatted}',
      stream: process.stderr,
      // A hidden cursor would stay hidden after Ctrl-C, because the job installs no signal handler.
      hideCursor: false,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let currentPhase: string | undefined;
  let running = false;
  const onProgress = (event: ExperimentProgress): void => {
    if (event.phase !== currentPhase) {
      if (running) bar.stop();
      running = false;
      currentPhase = event.phase;
      if (event.training === undefined) {
        process.stderr.write(`${event.phase}\n`);
        return;
      }
    }
    if (event.training === undefined) return;
    if (!running) {
      bar.start(event.training.maxIterations, 0, { phase: event.phase, loss: '-' });
      running = true;
    }
    bar.update(event.training.iteration, { loss: formatLoss(event.training.loss) });
  };
  return {
    onProgress,
    stop: () => {
      if (running) bar.stop();
      running = false;
    },
  };
};

const lineReporter = (): ProgressReporter => {
  let currentPhase: string | undefined;
  const onProgress = (event: ExperimentProgress): void => {
    if (event.phase !== currentPhase) {
      currentPhase = event.phase;
      process.stderr.write(`${event.phase}\n`);
    }
    const training = event.training;
    if (training === undefined) return;
    const step = Math.max(1, Math.round(training.maxIterations / 10));
    if (training.iteration % step === 0) {
      process.stderr.write(
        `  iteration ${training.iteration}/${training.maxIterations}, loss ${formatLoss(training.loss)}\n`,
      );
    }
  };
  return { onProgress, stop: () => undefined };
};

/** Chooses the reporter: none when disabled, a bar on a terminal, plain lines otherwise. */
export const createProgressReporter = (enabled: boolean): ProgressReporter => {
  if (!enabled) return silentReporter;
  return process.stderr.isTTY ? terminalReporter() : lineReporter();
};
