import { describe, expect, it } from 'vitest';

import { runPatchFeatures } from '../../src/experiments/patch-features.js';
import { runPatchWhitening } from '../../src/experiments/patch-whitening.js';
import { ignoreProgress } from '../../src/experiments/progress.js';
import type { GaborBankSettings } from '../../src/patches/gabor.js';
import { rngFromSeed } from '../../src/random/rng.js';
import { patchFigureNames } from '../../src/report/patches-figures.js';
import {
  MIN_EDGE_LIKENESS_MARGIN,
  type PatchFeatureEntry,
  edgeLikenessHolds,
  patchSparsityHolds,
  patchesSection,
  renderPatchesMarkdown,
} from '../../src/report/patches-section.js';
import { right } from '../support/either.js';
import { noiseImage } from '../support/patch-images.js';

const images = [noiseImage(1), noiseImage(2)];

const bank: GaborBankSettings = {
  size: 4,
  orientations: 2,
  wavelengths: [2],
  phases: 2,
  centreOffsets: [0],
  envelopeWidth: 0.56,
  aspectRatio: 0.5,
};

const whitening = right(
  runPatchWhitening(
    images,
    { patchSize: 4, sampleCount: 100, retainedVariance: 0.9, epsilon: 0.1, comparisonEpsilon: 1e-3, exampleCount: 5, eigenvectorCount: 3 },
    rngFromSeed(1),
    ignoreProgress,
  )[0],
);

const features = right(
  runPatchFeatures(
    images,
    {
      patchSize: 4,
      sampleCount: 100,
      hiddenSize: 4,
      betas: [0, 3],
      overcompleteHiddenSize: 9,
      overcompleteBeta: 3,
      rho: 0.05,
      lambda: 1e-4,
      maxIterations: 2,
      gaborBank: bank,
    },
    rngFromSeed(2),
    ignoreProgress,
  )[0],
);

const section = patchesSection({
  images: images.map((image) => ({ name: image.name ?? '', source: 'memory', width: image.width, height: image.height })),
  whitening,
  features,
});

const entry = (beta: number, meanActivation: number, edgeLikeness: number): PatchFeatureEntry => ({
  hiddenSize: 25,
  beta,
  meanActivation,
  activeFraction: 0,
  reconstructionError: 0,
  iterations: 1,
  finalLoss: 0,
  stopReason: 'max-iterations',
  edgeLikeness,
  figure: 'f.png',
});

describe('patchesSection', () => {
  it('copies the measured numbers', () => {
    expect(section.whitening.components).toBe(whitening.components);
    expect(section.whitening.dimension).toBe(16);
    expect(section.whitening.zca.covarianceError).toBe(whitening.zca.covarianceError);
    expect(section.features.runs.map((run) => run.beta)).toEqual([0, 3]);
    expect(section.features.overcomplete.hiddenSize).toBe(9);
    expect(section.features.gaborBank.members).toBe(features.bankSize);
    expect(section.images.map((image) => image.name)).toEqual(['noise-1', 'noise-2']);
  });

  it('links the figures under their written names', () => {
    const names = patchFigureNames(features);

    expect(section.whitening.figure).toBe(names.whitening);
    expect(section.whitening.eigenvectorFigure).toBe(names.eigenvectors);
    expect(section.features.runs.map((run) => run.figure)).toEqual(names.filters);
    expect(section.features.overcomplete.figure).toBe(names.overcompleteFilters);
    expect(section.features.randomInitialFigure).toBe(names.randomFilters);
  });

  it('whitening holds on exact covariances', () => {
    expect(section.whitening.held).toBe(true);
  });

  it('serialises without NaN', () => {
    // JSON writes NaN as null; the section leaves undefined measurements out instead.
    expect(JSON.stringify(section)).not.toContain('null');
    expect(section.whitening.pca.symmetryError).toBeUndefined();
    expect(section.whitening.pca.similarity).toBeUndefined();
  });
});

describe('patchSparsityHolds', () => {
  it('requires falling activations and rho met', () => {
    const rho = 0.01;
    expect(patchSparsityHolds([entry(0, 0.5, 0), entry(0.1, 0.03, 0), entry(3, 0.011, 0)], rho)).toBe(true);
    expect(patchSparsityHolds([entry(3, 0.011, 0), entry(0, 0.5, 0)], rho)).toBe(true);
    expect(patchSparsityHolds([entry(0, 0.5, 0), entry(0.1, 0.6, 0), entry(3, 0.011, 0)], rho)).toBe(false);
    expect(patchSparsityHolds([entry(0, 0.5, 0), entry(3, 0.02, 0)], rho)).toBe(false);
    expect(patchSparsityHolds([], rho)).toBe(false);
  });
});

describe('edgeLikenessHolds', () => {
  it('requires sparse filters ahead by the margin', () => {
    const margin = MIN_EDGE_LIKENESS_MARGIN;
    const runs = [entry(0, 0.5, 0.5), entry(3, 0.01, 0.5 + margin + 0.01)];

    expect(edgeLikenessHolds(runs, 0.3)).toBe(true);
    expect(edgeLikenessHolds(runs, 0.55)).toBe(false);
    expect(edgeLikenessHolds([entry(0, 0.5, 0.8), entry(3, 0.01, 0.85)], 0.3)).toBe(false);
    expect(edgeLikenessHolds([entry(3, 0.01, 0.9)], 0.3)).toBe(false);
  });
});

describe('renderPatchesMarkdown', () => {
  const lines = renderPatchesMarkdown(section);
  const text = lines.join('\n');

  it('starts with a section heading', () => {
    expect(lines[0]).toBe('## Natural-image patches: whitening and sparse filters');
  });

  it('gives a verdict for each of the three claims', () => {
    const verdicts = lines.filter((line) => line.startsWith('**Held.**') || line.startsWith('**Did not hold.**'));
    expect(verdicts).toHaveLength(3);
  });

  it('links every figure', () => {
    const names = patchFigureNames(features);
    for (const name of [names.whitening, names.eigenvectors, ...names.filters, names.overcompleteFilters, names.randomFilters]) {
      expect(text).toContain(`](${name})`);
    }
  });

  it('states k and the grayscale formula', () => {
    expect(text).toContain(`k = ${whitening.components}`);
    expect(text).toContain('0.299 R + 0.587 G + 0.114 B');
  });

  it('prints no NaN or undefined', () => {
    expect(text).not.toContain('NaN');
    expect(text).not.toContain('undefined');
  });
});
