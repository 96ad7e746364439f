import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';

import {
  MAX_SEED,
  glorotUniform,
  normals,
  parseSeed,
  permutation,
  rngFromSeed,
  uniform,
  uniformInteger,
  uniforms,
} from '../../src/random/rng.js';

const seed = fc.integer({ min: 0, max: MAX_SEED });

/** Sample size for the moment checks: standard errors of about 1/sqrt(20000) = 0.007. */
const SAMPLE_COUNT = 20_000;

describe('rngFromSeed', () => {
  it('gives identical bytes for the same seed', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const [a] = uniforms(rngFromSeed(s), 50);
        const [b] = uniforms(rngFromSeed(s), 50);
        expect(Buffer.from(a.buffer)).toEqual(Buffer.from(b.buffer));
      }),
      { numRuns: 30 },
    );
  });

  it('gives different streams for neighbouring seeds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_SEED - 1 }), (s) => {
        const [a] = uniforms(rngFromSeed(s), 4);
        const [b] = uniforms(rngFromSeed(s + 1), 4);
        expect(Array.from(a)).not.toEqual(Array.from(b));
      }),
      { numRuns: 30 },
    );
  });

  it('does not change the generator it is given', () => {
    const rng = rngFromSeed(7);
    const state = [...rng.state];
    uniforms(rng, 10);
    expect([...rng.state]).toEqual(state);
  });

  it('continues the stream through the returned generator', () => {
    const [first, next] = uniforms(rngFromSeed(3), 5);
    const [second] = uniforms(next, 5);
    const [all] = uniforms(rngFromSeed(3), 10);
    expect([...first, ...second]).toEqual(Array.from(all));
  });

  it('parseSeed rejects values outside the 32-bit range', () => {
    expect(E.isRight(parseSeed(0))).toBe(true);
    const bad = parseSeed(-1);
    expect(E.isLeft(bad)).toBe(true);
    expect(E.isLeft(bad) ? bad.left.message : '').toBe('parseSeed: seed must be an integer in [0, 4294967295], got -1.');
    expect(E.isLeft(parseSeed(1.5))).toBe(true);
  });
});

describe('distributions', () => {
  it('uniform draws lie in [0, 1) with mean 1/2 and variance 1/12', () => {
    const [u] = uniforms(rngFromSeed(11), SAMPLE_COUNT);
    let mean = 0;
    for (const x of u) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      mean += x / SAMPLE_COUNT;
    }
    let variance = 0;
    for (const x of u) variance += (x - mean) ** 2 / SAMPLE_COUNT;
    // Five standard errors: sd of the mean is sqrt(1/12 / N) = 0.002; of the variance about 0.0006.
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * 0.002);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * 0.0006);
  });

  it('normal draws have the requested mean and standard deviation', () => {
    const [z] = normals(rngFromSeed(12), SAMPLE_COUNT, 2, 3);
    let mean = 0;
    for (const x of z) mean += x / SAMPLE_COUNT;
    let variance = 0;
    for (const x of z) variance += (x - mean) ** 2 / SAMPLE_COUNT;
    // Five standard errors: 3 / sqrt(N) = 0.021 for the mean, 9 sqrt(2 / N) = 0.09 for the variance.
    expect(Math.abs(mean - 2)).toBeLessThan(5 * 0.021);
    expect(Math.abs(variance - 9)).toBeLessThan(5 * 0.09);
  });

  it('an odd count of normals is filled completely', () => {
    const [z] = normals(rngFromSeed(1), 5);
    expect(z.every((x) => x !== 0 && Number.isFinite(x))).toBe(true);
  });

  it('uniformInteger stays in range', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 1, max: 1000 }), (s, n) => {
        const [k] = uniformInteger(rngFromSeed(s), n);
        expect(Number.isInteger(k)).toBe(true);
        expect(k).toBeGreaterThanOrEqual(0);
        expect(k).toBeLessThan(n);
      }),
    );
  });

  it('single uniform draws match the bulk stream', () => {
    const [a, next] = uniform(rngFromSeed(5));
    const [b] = uniform(next);
    expect([a, b]).toEqual(Array.from(uniforms(rngFromSeed(5), 2)[0]));
  });
});

describe('permutation', () => {
  it('contains every index exactly once', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: 200 }), (s, n) => {
        const [p] = permutation(rngFromSeed(s), n);
        expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      { numRuns: 50 },
    );
  });

  it('puts each element in each position about equally often', () => {
    // 3! = 6 orders, 6000 draws: each expected 1000 times, sd sqrt(6000 * 1/6 * 5/6) = 29.
    const counts = new Map<string, number>();
    let rng = rngFromSeed(21);
    for (let i = 0; i < 6000; i++) {
      const [p, next] = permutation(rng, 3);
      rng = next;
      counts.set(p.join(''), (counts.get(p.join('')) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(5 * 29);
  });
});

describe('glorotUniform', () => {
  it('draws a fanOut x fanIn matrix inside +-sqrt(6 / (fanIn + fanOut))', () => {
    const [w] = glorotUniform(rngFromSeed(2), 4, 8);
    expect([w.rows, w.cols]).toEqual([4, 8]);
    const r = Math.sqrt(6 / 12);
    for (const x of w.data) expect(Math.abs(x)).toBeLessThanOrEqual(r);
  });
});
