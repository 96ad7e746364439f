/**
 * The main job's report: one object holding every measured number, written as report.json, and its
 * Markdown rendering, report.md, with a sentence per claim of the chapter saying whether it held.
 */
import type { PcaExperimentResult } from '../experiments/pca-vs-linear-autoencoder.js';
import type { SparseRunResult } from '../experiments/sparse-autoencoder.js';
import type { WhiteningExperimentResult } from '../experiments/whitening.js';
import { type DeepAutoencoderSection, renderDeepAutoencoderMarkdown } from './deep-autoencoder-section.js';
import { type DenoisingSection, renderDenoisingMarkdown } from './denoising-section.js';
import { type PatchesSection, renderPatchesMarkdown } from './patches-section.js';
import { type PretrainingSection, renderPretrainingMarkdown } from './pretraining-section.js';

// -------------------------------------------------------------------------------------------------
// Acceptance thresholds of the claims
// -------------------------------------------------------------------------------------------------

/**
 * Largest principal angle (radians) at which the autoencoder counts as spanning the PCA subspace. The
 * angle shrinks with the gradient norm at which L-BFGS stops, so 1e-4 is reached well before the loss
 * stops changing in float64.
 */
export const MAX_PRINCIPAL_ANGLE = 1e-4;

/** Largest |reconstruction error / (half discarded variance) - 1| at which the two count as equal. */
export const MAX_RELATIVE_ERROR_GAP = 1e-6;

/** Largest relative distance |meanActivation / rho - 1| at the strongest beta for the penalty to count as met. */
export const MAX_ACTIVATION_GAP = 0.5;

/** Largest entry of |Cov(whitened) - target| for whitening to count as exact. */
export const MAX_COVARIANCE_ERROR = 1e-8;

// -------------------------------------------------------------------------------------------------
// The JSON document
// -------------------------------------------------------------------------------------------------

export interface PcaSection {
  readonly components: number;
  readonly trainCount: number;
  readonly maxPrincipalAngle: number;
  readonly principalAngles: number[];
  /** Training-set mean of (1/2)||x - x^||^2 of the linear autoencoder. */
  readonly reconstructionError: number;
  /** (1/2) sum of the discarded eigenvalues, on the same scale. */
  readonly discardedVariance: number;
  readonly pcaReconstructionError: number;
  readonly testReconstructionError: number;
  readonly pcaTestReconstructionError: number;
  readonly leadingEigenvalues: number[];
  readonly iterations: number;
  readonly stopReason: string;
  readonly finalGradientNorm: number;
  readonly figure: string;
  readonly held: boolean;
}

export interface SparseEntry {
  readonly beta: number;
  readonly rho: number;
  readonly lambda: number;
  readonly hiddenSize: number;
  readonly trainCount: number;
  readonly meanActivation: number;
  readonly activeFraction: number;
  readonly reconstructionError: number;
  readonly testReconstructionError: number;
  readonly iterations: number;
  readonly finalLoss: number;
  readonly figure: string;
}

export interface WhiteningSection {
  readonly epsilon: number;
  readonly trainCount: number;
  readonly zeroVarianceDirections: number;
  readonly smallestPositiveEigenvalue: number;
  readonly largestEigenvalue: number;
  readonly pca: { readonly covarianceError: number; readonly outputDimension: number };
  readonly zca: { readonly covarianceError: number; readonly symmetryError: number; readonly outputDimension: number };
  readonly figure: string;
  readonly held: boolean;
}

/** Everything report.json contains. Sections of experiments that were not run are absent. */
export interface ChapterReport {
  readonly seed: number;
  /** The MNIST images used; absent when only the patch experiment ran. */
  readonly data?: { readonly source: string; readonly trainCount: number; readonly testCount: number };
  readonly settings: Readonly<Record<string, unknown>>;
  readonly pca?: PcaSection;
  readonly sparse?: SparseEntry[];
  readonly sparseClaimHeld?: boolean;
  readonly whitening?: WhiteningSection;
  readonly patches?: PatchesSection;
  readonly pretraining?: PretrainingSection;
  readonly denoising?: DenoisingSection;
  readonly deepAutoencoder?: DeepAutoencoderSection;
  /** Wall-clock seconds per experiment. */
  readonly seconds: Readonly<Record<string, number>>;
}

// -------------------------------------------------------------------------------------------------
// Sections from experiment results
// -------------------------------------------------------------------------------------------------

export const pcaSection = (result: PcaExperimentResult, figure: string): PcaSection => {
  const held =
    result.maxPrincipalAngle <= MAX_PRINCIPAL_ANGLE &&
    Math.abs(result.autoencoderTrainError / result.halfDiscardedVariance - 1) <= MAX_RELATIVE_ERROR_GAP;
  return {
    components: result.components,
    trainCount: result.trainCount,
    maxPrincipalAngle: result.maxPrincipalAngle,
    principalAngles: Array.from(result.principalAngles),
    reconstructionError: result.autoencoderTrainError,
    discardedVariance: result.halfDiscardedVariance,
    pcaReconstructionError: result.pcaTrainError,
    testReconstructionError: result.autoencoderTestError,
    pcaTestReconstructionError: result.pcaTestError,
    leadingEigenvalues: Array.from(result.eigenvalues.slice(0, result.components + 4)),
    iterations: result.iterations,
    stopReason: result.stopReason,
    finalGradientNorm: result.finalGradientNorm,
    figure,
    held,
  };
};

export const sparseEntry = (run: SparseRunResult, lambda: number, trainCount: number, figure: string): SparseEntry => ({
  beta: run.beta,
  rho: run.rho,
  lambda,
  hiddenSize: run.hiddenSize,
  trainCount,
  meanActivation: run.meanActivation,
  activeFraction: run.activeFraction,
  reconstructionError: run.reconstructionError,
  testReconstructionError: run.testReconstructionError,
  iterations: run.iterations,
  finalLoss: run.finalLoss,
  figure,
});

/**
 * Checks the sparsity claim: the mean activation falls as beta rises and, at the largest beta, lies
 * within {@link MAX_ACTIVATION_GAP} of rho.
 */
export const sparseClaimHolds = (entries: readonly SparseEntry[]): boolean => {
  const sorted = [...entries].sort((a, b) => a.beta - b.beta);
  const falling = sorted.every((entry, i) => i === 0 || entry.meanActivation < sorted[i - 1].meanActivation);
  const strongest = sorted[sorted.length - 1];
  return falling && strongest !== undefined && Math.abs(strongest.meanActivation / strongest.rho - 1) <= MAX_ACTIVATION_GAP;
};

export const whiteningSection = (result: WhiteningExperimentResult, figure: string): WhiteningSection => ({
  epsilon: result.epsilon,
  trainCount: result.trainCount,
  zeroVarianceDirections: result.zeroVarianceDirections,
  smallestPositiveEigenvalue: result.smallestPositiveEigenvalue,
  largestEigenvalue: result.largestEigenvalue,
  pca: { covarianceError: result.pca.covarianceError, outputDimension: result.pca.outputDimension },
  zca: {
    covarianceError: result.zca.covarianceError,
    symmetryError: result.zca.symmetryError,
    outputDimension: result.zca.outputDimension,
  },
  figure,
  held: result.pca.covarianceError <= MAX_COVARIANCE_ERROR && result.zca.covarianceError <= MAX_COVARIANCE_ERROR,
});

// -------------------------------------------------------------------------------------------------
// Markdown
// -------------------------------------------------------------------------------------------------

const exp = (x: number): string => x.toExponential(2);
const fixed = (x: number, digits = 4): string => x.toFixed(digits);
const verdict = (held: boolean): string => (held ? '**Held.**' : '**Did not hold.**');

const stopReasonText = (reason: string): string => {
  switch (reason) {
    case 'line-search-failed':
      return 'no step lowered the loss any further in float64';
    case 'gradient-tolerance':
      return 'the gradient norm reached its tolerance';
    case 'loss-change-tolerance':
      return 'the loss stopped changing';
    case 'max-iterations':
      return 'the iteration budget ran out';
    default:
      return reason;
  }
};

const pcaMarkdown = (pca: PcaSection): string[] => [
  '## 1. A linear autoencoder spans the principal subspace',
  '',
  `A tied linear autoencoder with k = ${pca.components} hidden units (identity activations, squared error, ` +
    `no weight decay) was trained with L-BFGS on ${pca.trainCount} centred training digits and compared with ` +
    `PCA of the same data (Jacobi eigendecomposition of the 784 x 784 covariance). ` +
    `L-BFGS ran ${pca.iterations} iterations and stopped (${stopReasonText(pca.stopReason)}) at gradient norm ` +
    `${exp(pca.finalGradientNorm)}.`,
  '',
  '| quantity | value |',
  '|---|---|',
  `| largest principal angle between the two subspaces (radians) | ${exp(pca.maxPrincipalAngle)} |`,
  `| autoencoder reconstruction error, mean of (1/2)\\|\\|x - x^\\|\\|^2 (train) | ${pca.reconstructionError.toPrecision(12)} |`,
  `| half the sum of the discarded eigenvalues | ${pca.discardedVariance.toPrecision(12)} |`,
  `| relative gap | ${exp(Math.abs(pca.reconstructionError / pca.discardedVariance - 1))} |`,
  `| PCA reconstruction error (train) | ${pca.pcaReconstructionError.toPrecision(12)} |`,
  `| autoencoder / PCA reconstruction error (test) | ${fixed(pca.testReconstructionError)} / ${fixed(pca.pcaTestReconstructionError)} |`,
  '',
  `${verdict(pca.held)} The claim needs the largest angle at most ${exp(MAX_PRINCIPAL_ANGLE)} and the relative gap at ` +
    `most ${exp(MAX_RELATIVE_ERROR_GAP)}. The weight vectors themselves are not the eigenvectors, only a mix of them, as the ` +
    'figure shows (top: the leading eigenvectors; bottom: the rows of W; grey is 0).',
  '',
  `![principal components and linear autoencoder weights](${pca.figure})`,
  '',
];

const sparseMarkdown = (entries: readonly SparseEntry[], held: boolean): string[] => {
  const first = entries[0];
  const lines = [
    '## 2. The sparsity penalty makes hidden units specialise',
    '',
    `Sigmoid autoencoders 784 -> ${first.hiddenSize} -> 784 (untied weights, sigmoid output, squared error, ` +
      `lambda = ${first.lambda}, rho = ${first.rho}) were trained with L-BFGS for ${first.iterations} iterations on ` +
      `${first.trainCount} training digits, from the same initial weights, for each beta. A hidden unit counts as ` +
      'active for a sample when its output exceeds 0.5.',
    '',
    '| beta | mean activation (rho-hat) | active units per sample (share of H) | reconstruction error (train) | (test) | figure |',
    '|---|---|---|---|---|---|',
  ];
  for (const e of entries) {
    lines.push(
      `| ${e.beta} | ${fixed(e.meanActivation)} | ${fixed(100 * e.activeFraction, 1)}% | ${fixed(e.reconstructionError)} | ` +
        `${fixed(e.testReconstructionError)} | [${e.figure}](${e.figure}) |`,
    );
  }
  lines.push(
    '',
    `${verdict(held)} The claim needs the mean activation to fall as beta rises and to lie within ` +
      `${100 * MAX_ACTIVATION_GAP}% of rho at the largest beta.`,
    '',
  );
  for (const e of entries) lines.push(`Features at beta = ${e.beta}:`, '', `![weights, beta = ${e.beta}](${e.figure})`, '');
  return lines;
};

const zeroVarianceCauses = (w: WhiteningSection): string => {
  const d = w.zca.outputDimension;
  // N centred samples span at most N - 1 directions, so with N <= D at least D - N + 1 have no variance.
  return w.trainCount <= d
    ? `at least ${d - w.trainCount + 1} of them because ${w.trainCount} centred samples span at most ` +
        `${w.trainCount - 1} directions, the rest from constant pixels and pixels that vary only together`
    : 'constant border pixels, and pixels that vary only together';
};

const whiteningMarkdown = (w: WhiteningSection): string[] => [
  '## 3. Whitening gives the identity covariance',
  '',
  `PCA and ZCA whitening were fitted on ${w.trainCount} training digits with epsilon = ${w.epsilon}. The covariance has ` +
    `${w.zeroVarianceDirections} directions of zero variance (${zeroVarianceCauses(w)}); its other eigenvalues ` +
    `range from ${exp(w.smallestPositiveEigenvalue)} to ${fixed(w.largestEigenvalue)}. The target covariance of the ` +
    'whitened data is diag(lambda / (lambda + epsilon)) in the eigenbasis (PCA) or E diag(lambda / (lambda + epsilon)) ' +
    'E^T in pixel space (ZCA).',
  '',
  '| quantity | PCA | ZCA |',
  '|---|---|---|',
  `| max \\|Cov(u) - target\\| | ${exp(w.pca.covarianceError)} | ${exp(w.zca.covarianceError)} |`,
  `| output dimension | ${w.pca.outputDimension} | ${w.zca.outputDimension} |`,
  `| max \\|P - P^T\\| | - | ${exp(w.zca.symmetryError)} |`,
  '',
  `${verdict(w.held)} The claim needs both covariance errors at most ${exp(MAX_COVARIANCE_ERROR)}. In the figure, the rows ` +
    'are the original digits, their PCA-whitened coefficients laid out as 28 x 28 images (noise-like, since the ' +
    'coefficients follow eigenvalue order, not pixel order) and the ZCA-whitened digits (strokes and edges kept).',
  '',
  `![original, PCA-whitened and ZCA-whitened digits](${w.figure})`,
  '',
];

/** Renders the report as Markdown. */
export const renderMarkdown = (report: ChapterReport): string => {
  const data =
    report.data === undefined
      ? 'The shared MNIST images were not loaded, because no experiment that uses them ran; each section states its data.'
      : `MNIST: ${report.data.source}; ${report.data.trainCount} training and ${report.data.testCount} test ` +
        'images loaded, pixels scaled to [0, 1]; each section states how many of them it used, and the pretraining ' +
        'section loads its own labelled images.';
  const lines = [
    '# The autoencoder chapter, reproduced',
    '',
    `${data} Seed ${report.seed}. Every reconstruction error is the mean over samples of (1/2)||x - x^||^2.`,
    '',
  ];
  if (report.pca !== undefined) lines.push(...pcaMarkdown(report.pca));
  if (report.sparse !== undefined && report.sparse.length > 0) {
    lines.push(...sparseMarkdown(report.sparse, report.sparseClaimHeld ?? false));
  }
  if (report.whitening !== undefined) lines.push(...whiteningMarkdown(report.whitening));
  if (report.patches !== undefined) lines.push(...renderPatchesMarkdown(report.patches), '');
  if (report.pretraining !== undefined) lines.push(...renderPretrainingMarkdown(report.pretraining), '');
  if (report.denoising !== undefined) lines.push(...renderDenoisingMarkdown(report.denoising));
  if (report.deepAutoencoder !== undefined) lines.push(...renderDeepAutoencoderMarkdown(report.deepAutoencoder));
  lines.push('## Run time', '', '| experiment | seconds |', '|---|---|');
  for (const [name, seconds] of Object.entries(report.seconds)) lines.push(`| ${name} | ${seconds.toFixed(1)} |`);
  lines.push('');
  return lines.join('\n');
};
