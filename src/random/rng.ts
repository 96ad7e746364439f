/**
 * A pure, seeded pseudo-random generator: xoshiro128** (Blackman and Vigna, "Scrambled linear
 * pseudorandom number generators", ACM TOMS 2021), seeded through splitmix32.
 *
 * A generator is an immutable value. Every draw takes a generator and returns the drawn values together
 * with the advanced generator, so the same seed always gives bit-identical results and no function
 * depends on hidden global state.
 *
 * @example
 * const [u, next] = uniform(rngFromSeed(42)); // u in [0, 1); `next` continues the stream
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import { type Matrix, unsafeMatrix } from '../linalg/matrix.js';

// -------------------------------------------------------------------------------------------------
// Types and constructors
// -------------------------------------------------------------------------------------------------

/** The state of a xoshiro128** generator: four unsigned 32-bit words, not all zero. */
export interface Rng {
  readonly state: readonly [number, number, number, number];
}

/** Largest seed accepted: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffffffff;

/** splitmix32 step: a bijective scramble of a 32-bit counter, used only to expand the seed. */
const splitmix32 = (x: number): number => {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
};

/**
 * Returns the generator for `seed`, an integer in [0, 2^32 - 1].
 *
 * The four state words are splitmix32 of seed, seed + 1, seed + 2 and seed + 3 (mod 2^32). Because
 * splitmix32 is a bijection, the words differ and the state is never all zero.
 */
export const rngFromSeed = (seed: number): Rng => {
  const s = seed >>> 0;
  return {
    state: [splitmix32(s), splitmix32((s + 1) >>> 0), splitmix32((s + 2) >>> 0), splitmix32((s + 3) >>> 0)],
  };
};

/** Like {@link rngFromSeed}, but rejects a seed that is not an integer in [0, 2^32 - 1]. */
export const parseSeed = (seed: number): E.Either<InvalidArgumentError, Rng> =>
  Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED
    ? E.right(rngFromSeed(seed))
    : E.left(invalidArgument('parseSeed', 'seed', seed, `an integer in [0, ${MAX_SEED}]`));

// -------------------------------------------------------------------------------------------------
// The stepping kernel
// -------------------------------------------------------------------------------------------------

/**
 * A private mutable copy of a generator's state, advanced in place by the draw functions below and
 * frozen back into an {@link Rng} when they return.
 */
class Stream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(rng: Rng) {
    [this.s0, this.s1, this.s2, this.s3] = rng.state;
  }

  /** Next unsigned 32-bit output of xoshiro128**. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Next double in [0, 1) with 53 random bits, built from two 32-bit outputs. */
  nextDouble(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992; // (high * 2^26 + low) / 2^53
  }

  freeze(): Rng {
    return { state: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0] };
  }
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

// -------------------------------------------------------------------------------------------------
// Draws
// -------------------------------------------------------------------------------------------------

/** Draws one number uniformly from [0, 1). */
export const uniform = (rng: Rng): [number, Rng] => {
  const stream = new Stream(rng);
  const u = stream.nextDouble();
  return [u, stream.freeze()];
};

/** Draws `count` numbers uniformly from [low, high). */
export const uniforms = (rng: Rng, count: number, low = 0, high = 1): [Float64Array, Rng] => {
  const stream = new Stream(rng);
  const out = new Float64Array(count);
  const width = high - low;
  for (let i = 0; i < count; i++) out[i] = low + width * stream.nextDouble();
  return [out, stream.freeze()];
};

/**
 * Draws `count` independent normal numbers with the given mean and standard deviation.
 *
 * Uses the Box-Muller transform: for u1 in (0, 1] and u2 in [0, 1), sqrt(-2 ln u1) cos(2 pi u2) and
 * sqrt(-2 ln u1) sin(2 pi u2) are two independent standard normals. Taking u1 = 1 - U keeps ln finite.
 */
export const normals = (rng: Rng, count: number, mean = 0, standardDeviation = 1): [Float64Array, Rng] => {
  const stream = new Stream(rng);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - stream.nextDouble()));
    const angle = 2 * Math.PI * stream.nextDouble();
    out[i] = mean + standardDeviation * radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = mean + standardDeviation * radius * Math.sin(angle);
  }
  return [out, stream.freeze()];
};

/** Draws an integer uniformly from {0, 1, ..., n - 1} for 1 <= n <= 2^32, without modulo bias. */
const integerBelow = (stream: Stream, n: number): number => {
  // Rejection sampling: discard outputs from the incomplete last block of n values.
  const limit = 4294967296 - (4294967296 % n);
  for (;;) {
    const x = stream.nextUint32();
    if (x < limit) return x % n;
  }
};

/**
 * Draws an integer uniformly from {0, 1, ..., n - 1}.
 *
 * @throws RangeError when `n` is not an integer in [1, 2^32], for which no draw exists.
 */
export const uniformInteger = (rng: Rng, n: number): [number, Rng] => {
  if (!(Number.isInteger(n) && n >= 1 && n <= 4294967296)) {
    throw new RangeError(`uniformInteger: n must be an integer in [1, 4294967296], got ${n}.`);
  }
  const stream = new Stream(rng);
  const k = integerBelow(stream, n);
  return [k, stream.freeze()];
};

/** Draws a uniformly random permutation of 0, 1, ..., n - 1 (Fisher-Yates shuffle). */
export const permutation = (rng: Rng, n: number): [Uint32Array, Rng] => {
  const stream = new Stream(rng);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = integerBelow(stream, i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return [out, stream.freeze()];
};

/**
 * Draws a `fanOut x fanIn` weight matrix for a layer with `fanIn` inputs and `fanOut` outputs from
 * U(-r, r) with r = sqrt(6 / (fanIn + fanOut)) (Glorot and Bengio, AISTATS 2010), so that the variance
 * of the activations stays roughly constant from layer to layer.
 */
export const glorotUniform = (rng: Rng, fanOut: number, fanIn: number): [Matrix, Rng] => {
  const r = Math.sqrt(6 / (fanIn + fanOut));
  const [values, next] = uniforms(rng, fanOut * fanIn, -r, r);
  return [unsafeMatrix(fanOut, fanIn, values), next];
};
