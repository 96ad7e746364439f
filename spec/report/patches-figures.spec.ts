import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import { runPatchFeatures } from '../../src/experiments/patch-features.js';
import { type PatchWhiteningResult, runPatchWhitening } from '../../src/experiments/patch-whitening.js';
import { ignoreProgress } from '../../src/experiments/progress.js';
import { unsafeMatrix } from '../../src/linalg/matrix.js';
import { rngFromSeed } from '../../src/random/rng.js';
import type { GrayImage } from '../../src/report/image-grid.js';
import {
  patchEigenvectorFigure,
  patchFigureNames,
  patchFigures,
  patchFilterFigure,
  patchWhiteningFigure,
} from '../../src/report/patches-figures.js';
import { right } from '../support/either.js';
import { noiseImage } from '../support/patch-images.js';

const images = [noiseImage(1), noiseImage(2)];

/** Width or height of a grid of n tiles of side s with 1 pixel of padding around and between them. */
const gridSide = (n: number, s: number): number => n * s + n + 1;

const inUnitRange = (image: GrayImage): boolean => image.data.every((v) => v >= 0 && v <= 1);

const whitening = (): PatchWhiteningResult =>
  right(
    runPatchWhitening(
      images,
      { patchSize: 4, sampleCount: 100, retainedVariance: 0.9, epsilon: 0.1, comparisonEpsilon: 1e-3, exampleCount: 5, eigenvectorCount: 3 },
      rngFromSeed(1),
      ignoreProgress,
    )[0],
  );

const features = () =>
  right(
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
        gaborBank: { size: 4, orientations: 2, wavelengths: [2], phases: 2, centreOffsets: [0], envelopeWidth: 0.56, aspectRatio: 0.5 },
      },
      rngFromSeed(2),
      ignoreProgress,
    )[0],
  );

describe('patchWhiteningFigure', () => {
  it('stacks four groups of tiles, magnified', () => {
    const image = right(patchWhiteningFigure(whitening()));
    // 4 x 4 patches are magnified 12 times to reach about 48 screen pixels; groups are 6 rows apart.
    const magnification = 12;

    expect(image.width).toBe(magnification * gridSide(5, 4));
    expect(image.height).toBe(magnification * (4 * gridSide(1, 4) + 3 * 6));
    expect(inUnitRange(image)).toBe(true);
  });
});

describe('patchEigenvectorFigure', () => {
  it('draws one tile per eigenvector', () => {
    const image = right(patchEigenvectorFigure(whitening()));

    expect(image.width).toBe(12 * gridSide(3, 4));
    expect(image.height).toBe(12 * gridSide(1, 4));
    expect(inUnitRange(image)).toBe(true);
  });
});

describe('patchFilterFigure', () => {
  it('lays 25 filters out in a 5 x 5 grid', () => {
    const image = right(patchFilterFigure(unsafeMatrix(25, 64, new Float64Array(25 * 64).fill(0.5))));

    expect(image.width).toBe(6 * gridSide(5, 8));
    expect(image.height).toBe(6 * gridSide(5, 8));
  });

  it('rejects rows that are not square patches', () => {
    const result = patchFilterFigure(unsafeMatrix(2, 15, new Float64Array(30)));

    expect(E.isLeft(result) ? result.left.message : '').toContain('cols = s^2');
  });
});

describe('patchFigures', () => {
  it('draws every figure under its report name', () => {
    const f = features();
    const figures = patchFigures(whitening(), f);
    const names = patchFigureNames(f);

    expect(figures.map((figure) => figure.name)).toEqual([
      names.whitening,
      names.eigenvectors,
      ...names.filters,
      names.overcompleteFilters,
      names.randomFilters,
    ]);
    expect(names.filters).toEqual(['patches-filters-h4-beta-0.png', 'patches-filters-h4-beta-3.png']);
    expect(new Set(figures.map((figure) => figure.name)).size).toBe(figures.length);
    for (const figure of figures) expect(E.isRight(figure.image)).toBe(true);
  });
});
