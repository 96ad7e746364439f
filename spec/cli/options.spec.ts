import { describe, expect, it } from 'vitest';

import { parseArguments } from '../../src/cli/options.js';
import { DEFAULT_SIZES, EXPERIMENTS, FULL_SIZES } from '../../src/cli/settings.js';

/** Parses `argv` and returns the outcome with everything commander printed. */
const parse = (argv: string[]) => {
  let out = '';
  let err = '';
  const outcome = parseArguments(argv, { writeOut: (t) => (out += t), writeErr: (t) => (err += t) });
  return { outcome, out, err };
};

describe('parseArguments', () => {
  it('applies the default sizes', () => {
    const { outcome } = parse([]);
    expect(outcome.kind).toBe('run');
    if (outcome.kind !== 'run') return;
    expect(outcome.settings.trainCount).toBe(DEFAULT_SIZES.trainCount);
    expect(outcome.settings.sparseIterations).toBe(DEFAULT_SIZES.sparseIterations);
    expect(outcome.settings.experiments).toEqual([...EXPERIMENTS]);
    expect(outcome.settings.outputDirectory).toBe('out');
    expect(outcome.settings.seed).toBe(1);
  });

  it('applies the full sizes, with explicit options taking precedence', () => {
    const { outcome } = parse(['--full', '--sparse-iterations', '7']);
    if (outcome.kind !== 'run') throw new Error('expected settings');
    expect(outcome.settings.trainCount).toBe(FULL_SIZES.trainCount);
    expect(outcome.settings.sparseIterations).toBe(7);
  });

  it('selects experiments with --only', () => {
    const { outcome } = parse(['--only', 'whitening,pca']);
    if (outcome.kind !== 'run') throw new Error('expected settings');
    expect(outcome.settings.experiments).toEqual(['whitening', 'pca']);
  });

  const rejected: Array<[string[], RegExp]> = [
    [['--bogus'], /unknown option '--bogus'/],
    [['--seed', 'abc'], /option '--seed <n>' argument 'abc' is invalid\. expected an integer in \[0, 4294967295\]/],
    [['--seed', '1.5'], /--seed <n>.*expected an integer/],
    [['--train-count', '70000'], /--train-count <n>' argument '70000' is invalid\. expected an integer in \[2, 60000\]/],
    [['--test-count', '0'], /--test-count <n>.*\[1, 10000\]/],
    [['--epsilon', '-1'], /--epsilon <x>' argument '-1' is invalid\. expected a finite number >= 0/],
    [['--only', 'pca,deep'], /unknown experiment "deep"; expected a comma-separated list of pca, sparse, whitening/],
    [['extra'], /too many arguments/],
    [['--deep-layers', '784,800'], /--deep-layers <sizes>' argument '784,800' is invalid\. expected comma-separated layer sizes falling/],
    [['--deep-layers', '784,30,40'], /--deep-layers <sizes>' argument '784,30,40' is invalid/],
    [['--deep-layers', '784,0x1e'], /--deep-layers <sizes>' argument '784,0x1e' is invalid/],
    [['--deep-layers', '784,1e1'], /--deep-layers <sizes>' argument '784,1e1' is invalid/],
    [['--deep-layers', '784,30.0'], /--deep-layers <sizes>' argument '784,30.0' is invalid/],
  ];

  for (const [argv, message] of rejected) {
    it(`rejects ${argv.join(' ')} with exit code 2`, () => {
      const { outcome, err } = parse(argv);
      expect(outcome).toEqual({ kind: 'exit', code: 2 });
      expect(err).toMatch(message);
    });
  }

  it('prints help and exits 0 for --help', () => {
    const { outcome, out } = parse(['--help']);
    expect(outcome).toEqual({ kind: 'exit', code: 0 });
    expect(out).toContain('--sparse-iterations <n>');
    expect(out).toContain('--full');
  });
});

describe('parseArguments edge cases', () => {
  it('rejects a hexadecimal epsilon', () => {
    const { outcome, err } = parse(['--epsilon', '0x10']);
    expect(outcome).toEqual({ kind: 'exit', code: 2 });
    expect(err).toMatch(/--epsilon <x>' argument '0x10' is invalid/);
  });

  it('accepts an exponent epsilon', () => {
    const { outcome } = parse(['--epsilon', '1e-5']);
    expect(outcome.kind).toBe('run');
    expect(outcome.kind === 'run' ? outcome.settings.epsilon : Number.NaN).toBe(1e-5);
  });

  it('rejects too few images for the pca experiment', () => {
    const { outcome, err } = parse(['--train-count', '16', '--only', 'pca']);
    expect(outcome).toEqual({ kind: 'exit', code: 2 });
    expect(err).toMatch(/--train-count <n>' argument '16' is invalid\. expected at least 17 images/);
  });

  it('allows few images when pca is not run', () => {
    expect(parse(['--train-count', '16', '--only', 'whitening']).outcome.kind).toBe('run');
  });

  const tooFew: Array<[string[], RegExp]> = [
    [['--only', 'deep-autoencoder', '--deep-train-count', '50'], /'--deep-train-count <n>' argument '50' is invalid\. expected at least 100 images/],
    [['--only', 'denoising', '--denoising-train-count', '99'], /'--denoising-train-count <n>' argument '99' is invalid\. expected at least 100 images, one minibatch of the denoising/],
    [['--only', 'pretraining', '--pretraining-train-count', '1'], /'--pretraining-train-count <n>' argument '1' is invalid\. expected at least 100 images/],
  ];
  for (const [argv, message] of tooFew) {
    it(`rejects fewer images than a minibatch: ${argv[2]}`, () => {
      const { outcome, err } = parse(argv);
      expect(outcome).toEqual({ kind: 'exit', code: 2 });
      expect(err).toMatch(message);
    });
  }

  it('allows a small count for an experiment not run', () => {
    expect(parse(['--deep-train-count', '50', '--only', 'pca']).outcome.kind).toBe('run');
  });

  it('accepts exactly one minibatch of images', () => {
    expect(parse(['--deep-train-count', '100', '--only', 'deep-autoencoder']).outcome.kind).toBe('run');
  });
});
