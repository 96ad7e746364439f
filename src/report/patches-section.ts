/**
 * The `patches` section of the report: whitening of natural-image patches and the filters of sparse
 * autoencoders trained on them, as a JSON object for report.json and as Markdown for report.md, with a
 * sentence per claim saying whether it held.
 */
import type { PatchFeatureResult, PatchFeatureRun } from '../experiments/patch-features.js';
import type { PatchWhiteningResult } from '../experiments/patch-whitening.js';
import { type GaborBankSettings, noiseCorrelationBound } from '../patches/gabor.js';
import { type PatchFigureNames, patchFigureNames } from './patches-figures.js';

// -------------------------------------------------------------------------------------------------
// Acceptance thresholds of the claims
// -------------------------------------------------------------------------------------------------

/**
 * Largest entry of |Cov(whitened) - target| for patch whitening to count as exact. Whitened entries are
 * of order 1 and rounding leaves errors of order D EPS lambda_max / (lambda_min + epsilon), about 1e-14
 * here, so 1e-8 leaves a wide margin and still catches any wrong formula.
 */
export const MAX_PATCH_COVARIANCE_ERROR = 1e-8;

/**
 * Smallest margin by which the sparse filters' edge-likeness must exceed that of the non-sparse and the
 * random filters. For filters of pure noise, each best correlation has a spread of about
 * 1 / sqrt(63) = 0.13 (63 = 8^2 - 1 dimensions after the mean is removed), so the mean over 25 filters
 * varies by about 0.03; a margin of 0.1 is over three times that.
 */
export const MIN_EDGE_LIKENESS_MARGIN = 0.1;

/** Largest relative distance |meanActivation / rho - 1| at the strongest beta for the penalty to count as met. */
export const MAX_PATCH_ACTIVATION_GAP = 0.5;

/** The greyscale conversion of the photographs, as the report states it. */
export const GRAYSCALE_FORMULA = 'ITU-R BT.601 luma Y = (0.299 R + 0.587 G + 0.114 B) / 255 of the decoded 8-bit RGB values';

// -------------------------------------------------------------------------------------------------
// The JSON section
// -------------------------------------------------------------------------------------------------

/** One photograph the patches were cut from. */
export interface PatchImageEntry {
  readonly name: string;
  readonly source: string;
  readonly width: number;
  readonly height: number;
}

export interface PatchWhiteningMeasurementEntry {
  readonly covarianceError: number;
  readonly outputDimension: number;
  /** Mean correlation of a whitened patch with its original; absent when the output is not D-dimensional. */
  readonly similarity?: number;
  /** max |P - P^T|; absent for a non-square PCA transform. */
  readonly symmetryError?: number;
}

export interface PatchWhiteningSection {
  readonly patchSize: number;
  readonly sampleCount: number;
  readonly epsilon: number;
  readonly comparisonEpsilon: number;
  readonly retainedVariance: number;
  /** k, the PCA components that retain `retainedVariance` of the variance. */
  readonly components: number;
  readonly dimension: number;
  readonly leadingEigenvalues: number[];
  readonly smallestPositiveEigenvalue: number;
  readonly pca: PatchWhiteningMeasurementEntry;
  readonly pcaFull: PatchWhiteningMeasurementEntry;
  readonly zca: PatchWhiteningMeasurementEntry;
  readonly zcaComparison: PatchWhiteningMeasurementEntry;
  readonly figure: string;
  readonly eigenvectorFigure: string;
  readonly held: boolean;
}

export interface PatchFeatureEntry {
  readonly hiddenSize: number;
  readonly beta: number;
  readonly meanActivation: number;
  readonly activeFraction: number;
  readonly reconstructionError: number;
  readonly iterations: number;
  readonly finalLoss: number;
  readonly stopReason: string;
  readonly edgeLikeness: number;
  readonly figure: string;
}

export interface PatchFeatureSection {
  readonly patchSize: number;
  readonly sampleCount: number;
  readonly rho: number;
  readonly lambda: number;
  readonly maxIterations: number;
  readonly runs: PatchFeatureEntry[];
  readonly overcomplete: PatchFeatureEntry;
  readonly randomInitialEdgeLikeness: number;
  readonly randomInitialFigure: string;
  readonly gaborBank: GaborBankSettings & { readonly members: number };
  /** Mean activation falls as beta rises and, at the largest beta, lies within 50% of rho. */
  readonly sparsityHeld: boolean;
  /** The sparse filters beat the non-sparse and the random ones by at least {@link MIN_EDGE_LIKENESS_MARGIN}. */
  readonly edgeLikenessHeld: boolean;
}

/** The `patches` object of report.json. */
export interface PatchesSection {
  readonly images: PatchImageEntry[];
  readonly grayscale: string;
  readonly whitening: PatchWhiteningSection;
  readonly features: PatchFeatureSection;
}

/** The experiment results and settings that {@link patchesSection} builds on. */
export interface PatchesSectionInput {
  readonly images: readonly PatchImageEntry[];
  readonly whitening: PatchWhiteningResult;
  readonly features: PatchFeatureResult;
}

// -------------------------------------------------------------------------------------------------
// Building the section
// -------------------------------------------------------------------------------------------------

const measurementEntry = (m: PatchWhiteningResult['pca']): PatchWhiteningMeasurementEntry => ({
  covarianceError: m.covarianceError,
  outputDimension: m.outputDimension,
  ...(Number.isNaN(m.similarity) ? {} : { similarity: m.similarity }),
  ...(Number.isNaN(m.symmetryError) ? {} : { symmetryError: m.symmetryError }),
});

const whiteningEntry = (w: PatchWhiteningResult, names: PatchFigureNames): PatchWhiteningSection => {
  const positive = w.eigenvalues.filter((value) => value > 0);
  const errors = [w.pca, w.pcaFull, w.zca, w.zcaComparison].map((m) => m.covarianceError);
  return {
    patchSize: w.patchSize,
    sampleCount: w.sampleCount,
    epsilon: w.epsilon,
    comparisonEpsilon: w.comparisonEpsilon,
    retainedVariance: w.retainedVariance,
    components: w.components,
    dimension: w.eigenvalues.length,
    leadingEigenvalues: Array.from(w.eigenvalues.slice(0, 8)),
    smallestPositiveEigenvalue: positive.length > 0 ? positive[positive.length - 1] : 0,
    pca: measurementEntry(w.pca),
    pcaFull: measurementEntry(w.pcaFull),
    zca: measurementEntry(w.zca),
    zcaComparison: measurementEntry(w.zcaComparison),
    figure: names.whitening,
    eigenvectorFigure: names.eigenvectors,
    held: errors.every((error) => error <= MAX_PATCH_COVARIANCE_ERROR),
  };
};

const featureEntry = (run: PatchFeatureRun, figure: string): PatchFeatureEntry => ({
  hiddenSize: run.hiddenSize,
  beta: run.beta,
  meanActivation: run.meanActivation,
  activeFraction: run.activeFraction,
  reconstructionError: run.reconstructionError,
  iterations: run.iterations,
  finalLoss: run.finalLoss,
  stopReason: run.stopReason,
  edgeLikeness: run.edgeLikeness,
  figure,
});

/** The runs ordered by beta: the least sparse first, the sparsest last. */
const byBeta = (runs: readonly PatchFeatureEntry[]): PatchFeatureEntry[] => [...runs].sort((a, b) => a.beta - b.beta);

/**
 * Returns whether the mean activation falls as beta rises and lies within {@link MAX_PATCH_ACTIVATION_GAP}
 * of rho at the largest beta.
 */
export const patchSparsityHolds = (runs: readonly PatchFeatureEntry[], rho: number): boolean => {
  const sorted = byBeta(runs);
  const strongest = sorted[sorted.length - 1];
  const falling = sorted.every((run, i) => i === 0 || run.meanActivation < sorted[i - 1].meanActivation);
  return falling && strongest !== undefined && Math.abs(strongest.meanActivation / rho - 1) <= MAX_PATCH_ACTIVATION_GAP;
};

/**
 * Returns whether the sparsest run's filters (largest beta) score at least {@link MIN_EDGE_LIKENESS_MARGIN}
 * higher than the least sparse run's (smallest beta) and than the random initial weights.
 */
export const edgeLikenessHolds = (runs: readonly PatchFeatureEntry[], randomInitial: number): boolean => {
  const sorted = byBeta(runs);
  const sparse = sorted[sorted.length - 1];
  const nonSparse = sorted[0];
  if (sparse === undefined || sorted.length < 2) return false;
  return (
    sparse.edgeLikeness >= nonSparse.edgeLikeness + MIN_EDGE_LIKENESS_MARGIN &&
    sparse.edgeLikeness >= randomInitial + MIN_EDGE_LIKENESS_MARGIN
  );
};

const featureSection = (f: PatchFeatureResult, names: PatchFigureNames): PatchFeatureSection => {
  const runs = f.runs.map((run, i) => featureEntry(run, names.filters[i]));
  return {
    patchSize: f.patchSize,
    sampleCount: f.sampleCount,
    rho: f.rho,
    lambda: f.lambda,
    maxIterations: f.maxIterations,
    runs,
    overcomplete: featureEntry(f.overcomplete, names.overcompleteFilters),
    randomInitialEdgeLikeness: f.randomInitialEdgeLikeness,
    randomInitialFigure: names.randomFilters,
    gaborBank: { ...f.gaborBank, members: f.bankSize },
    sparsityHeld: patchSparsityHolds(runs, f.rho),
    edgeLikenessHeld: edgeLikenessHolds(runs, f.randomInitialEdgeLikeness),
  };
};

/**
 * Builds the `patches` section from the two experiment results. Figure names are those of
 * `patchFigureNames`, the names the figures are written under.
 */
export const patchesSection = (input: PatchesSectionInput): PatchesSection => {
  const names = patchFigureNames(input.features);
  return {
    images: input.images.map(({ name, source, width, height }) => ({ name, source, width, height })),
    grayscale: GRAYSCALE_FORMULA,
    whitening: whiteningEntry(input.whitening, names),
    features: featureSection(input.features, names),
  };
};

// -------------------------------------------------------------------------------------------------
// Markdown
// -------------------------------------------------------------------------------------------------

const exp = (x: number): string => x.toExponential(2);
const fixed = (x: number, digits = 3): string => x.toFixed(digits);
const verdict = (held: boolean): string => (held ? '**Held.**' : '**Did not hold.**');
const optional = (x: number | undefined, format: (x: number) => string): string => (x === undefined ? '-' : format(x));

const whiteningMarkdown = (w: PatchWhiteningSection, imageCount: number): string[] => [
  '### Whitening of natural-image patches',
  '',
  `${w.sampleCount} patches of ${w.patchSize} x ${w.patchSize} pixels were drawn at random from the ${imageCount} ` +
    `photographs, and each patch's mean was removed. PCA whitening keeps k = ${w.components} of the ${w.dimension} ` +
    `components to retain ${100 * w.retainedVariance}% of the variance. The eigenvalues of the covariance run from ` +
    `${fixed(w.leadingEigenvalues[0], 4)} down to ${exp(w.smallestPositiveEigenvalue)}, and one is 0 because every ` +
    'mean-removed patch sums to 0. The target covariance of whitened data is diag(lambda / (lambda + epsilon)) in ' +
    'the eigenbasis (PCA) or E diag(lambda / (lambda + epsilon)) E^T in pixel space (ZCA).',
  '',
  '| transform | epsilon | output dimension | max \\|Cov(u) - target\\| | max \\|P - P^T\\| | mean correlation with the original patch |',
  '|---|---|---|---|---|---|',
  `| PCA, k = ${w.components} | ${w.epsilon} | ${w.pca.outputDimension} | ${exp(w.pca.covarianceError)} | - | - |`,
  `| PCA, all components | ${w.epsilon} | ${w.pcaFull.outputDimension} | ${exp(w.pcaFull.covarianceError)} | - | ${optional(w.pcaFull.similarity, fixed)} |`,
  `| ZCA | ${w.epsilon} | ${w.zca.outputDimension} | ${exp(w.zca.covarianceError)} | ${optional(w.zca.symmetryError, exp)} | ${optional(w.zca.similarity, fixed)} |`,
  `| ZCA | ${w.comparisonEpsilon} | ${w.zcaComparison.outputDimension} | ${exp(w.zcaComparison.covarianceError)} | ${optional(w.zcaComparison.symmetryError, exp)} | ${optional(w.zcaComparison.similarity, fixed)} |`,
  '',
  `${verdict(w.held)} Whitened patches have their target covariance: every error above is at most ${MAX_PATCH_COVARIANCE_ERROR}.`,
  '',
  `PCA-whitened patches look like noise and ZCA-whitened patches keep their edges: read in pixel order, PCA-whitened ` +
    `coefficients correlate ${optional(w.pcaFull.similarity, fixed)} on average with the original patch, ZCA-whitened ` +
    `patches ${optional(w.zca.similarity, fixed)} (epsilon = ${w.epsilon}) and ${optional(w.zcaComparison.similarity, fixed)} ` +
    `(epsilon = ${w.comparisonEpsilon}). With pixels in [0, 1], epsilon = ${w.epsilon} exceeds most eigenvalues, so ` +
    `that ZCA transform changes the patches little; at epsilon = ${w.comparisonEpsilon} the flat regions fade and the ` +
    'edges stand out. Rows of the figure, top to bottom: the patches as sampled, PCA-whitened (all components, in ' +
    `eigenvalue order), ZCA-whitened with epsilon = ${w.epsilon} and with epsilon = ${w.comparisonEpsilon}; grey is 0.`,
  '',
  `![patches: original, PCA-whitened, ZCA-whitened](${w.figure})`,
  '',
  'The leading eigenvectors of the patch covariance, largest eigenvalue first, are smooth gradients and then waves of ' +
    'rising frequency, close to a two-dimensional Fourier basis:',
  '',
  `![leading eigenvectors of the patch covariance](${w.eigenvectorFigure})`,
  '',
];

const featureRow = (e: PatchFeatureEntry): string =>
  `| ${e.hiddenSize} | ${e.beta} | ${fixed(e.meanActivation, 4)} | ${fixed(100 * e.activeFraction, 1)}% | ` +
  `${fixed(e.reconstructionError, 4)} | ${e.iterations} (${e.stopReason}) | ${fixed(e.edgeLikeness)} | [${e.figure}](${e.figure}) |`;

const featureMarkdown = (f: PatchFeatureSection): string[] => {
  const sorted = byBeta(f.runs);
  const sparse = sorted[sorted.length - 1];
  const nonSparse = sorted[0];
  const bank = f.gaborBank;
  const lines = [
    '### Sparse autoencoders learn edge detectors from patches',
    '',
    `${f.sampleCount} patches of ${f.patchSize} x ${f.patchSize} pixels were normalised as in the UFLDL sparse ` +
      'autoencoder exercise (each patch\'s mean removed, values clipped at +-3 standard deviations of all values, then ' +
      `mapped to [0.1, 0.9]). Sigmoid autoencoders ${f.patchSize ** 2} -> H -> ${f.patchSize ** 2} (untied weights, ` +
      `sigmoid output, squared error, lambda = ${f.lambda}, rho = ${f.rho}) were trained with L-BFGS for at most ` +
      `${f.maxIterations} iterations; the runs with ${nonSparse?.hiddenSize ?? '-'} hidden units share their initial weights. ` +
      '"Active" counts hidden outputs above 0.5.',
    '',
    `Edge-likeness is the mean over a run's filters (the rows of W) of the best absolute correlation with a bank of ` +
      `${bank.members} Gabor functions: ${bank.orientations} orientations, wavelengths of ${bank.wavelengths.join(', ')} ` +
      `pixels, ${bank.phases} phases, centres within ${Math.max(...bank.centreOffsets.map(Math.abs))} pixels of the middle, ` +
      `envelope sigma = ${bank.envelopeWidth} lambda and aspect ratio ${bank.aspectRatio}. It is 1 for a filter that is a ` +
      `bank member; for filters of Gaussian noise its expected value is at most ` +
      `${fixed(noiseCorrelationBound(bank.members, bank.size), 2)} (a sub-Gaussian bound over the members).`,
    '',
    '| H | beta | mean activation (rho-hat) | active units per patch | reconstruction error | iterations | edge-likeness | figure |',
    '|---|---|---|---|---|---|---|---|',
    ...f.runs.map(featureRow),
    featureRow(f.overcomplete),
    `| ${nonSparse?.hiddenSize ?? '-'} | random initial weights | - | - | - | - | ${fixed(f.randomInitialEdgeLikeness)} | [${f.randomInitialFigure}](${f.randomInitialFigure}) |`,
    '',
    `${verdict(f.sparsityHeld)} The sparsity penalty sets the mean activation: it falls as beta rises and must lie ` +
      `within ${100 * MAX_PATCH_ACTIVATION_GAP}% of rho = ${f.rho} at the largest beta (it is ` +
      `${sparse === undefined ? '-' : fixed(sparse.meanActivation, 4)}). With ${f.overcomplete.hiddenSize} hidden units, more ` +
      `than the ${f.patchSize ** 2} pixels, the penalty holds it at ${fixed(f.overcomplete.meanActivation, 4)}.`,
    '',
    `${verdict(f.edgeLikenessHeld)} The sparse filters (beta = ${sparse?.beta ?? '-'}) are edge detectors: their ` +
      `edge-likeness ${sparse === undefined ? '-' : fixed(sparse.edgeLikeness)} must exceed that of the non-sparse filters ` +
      `(beta = ${nonSparse?.beta ?? '-'}, ${nonSparse === undefined ? '-' : fixed(nonSparse.edgeLikeness)}) and of the random ` +
      `initial weights (${fixed(f.randomInitialEdgeLikeness)}) by at least ${MIN_EDGE_LIKENESS_MARGIN}. The overcomplete ` +
      `layer scores ${fixed(f.overcomplete.edgeLikeness)}.`,
    '',
  ];
  for (const e of [...f.runs, f.overcomplete]) {
    lines.push(`Filters, H = ${e.hiddenSize}, beta = ${e.beta}:`, '', `![filters, H = ${e.hiddenSize}, beta = ${e.beta}](${e.figure})`, '');
  }
  lines.push('Random initial weights:', '', `![random initial filters](${f.randomInitialFigure})`, '');
  return lines;
};

/** Renders the section as Markdown lines, starting with a second-level heading. */
export const renderPatchesMarkdown = (section: PatchesSection): string[] => [
  '## Natural-image patches: whitening and sparse filters',
  '',
  `Patches were cut from ${section.images.length} greyscale photographs: ` +
    `${section.images.map((image) => `${image.name} (${image.width} x ${image.height})`).join(', ')}. ` +
    `Colour was converted with the ${section.grayscale}, scaled to [0, 1].`,
  '',
  ...whiteningMarkdown(section.whitening, section.images.length),
  ...featureMarkdown(section.features),
];
