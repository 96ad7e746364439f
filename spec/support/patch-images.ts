/**
 * Images for the patch experiments' tests: synthetic photographs (smooth random plane waves plus pixel
 * noise, so that neighbouring pixels are correlated as in natural images) and images of pure noise.
 */
import type { SourceImage } from '../../src/patches/sampler.js';
import { normals, rngFromSeed, uniforms } from '../../src/random/rng.js';

/** Side of the synthetic images: room for a few hundred distinct 3 x 3 and 4 x 4 patches. */
export const IMAGE_SIDE = 24;

/**
 * Builds a synthetic "photograph": two random plane waves plus pixel noise, squashed into [0, 1].
 * Neighbouring pixels are correlated, as in natural images, so the patch covariance has a spread of
 * eigenvalues.
 */
export const syntheticImage = (seed: number): SourceImage => {
  const [params, next] = normals(rngFromSeed(seed), 6);
  const [noise] = normals(next, IMAGE_SIDE * IMAGE_SIDE, 0, 0.3);
  const data = new Float64Array(IMAGE_SIDE * IMAGE_SIDE);
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      const wave = Math.sin(params[0] * x + params[1] * y + params[2]) + Math.cos(params[3] * x - params[4] * y + params[5]);
      data[y * IMAGE_SIDE + x] = 1 / (1 + Math.exp(-(wave + noise[y * IMAGE_SIDE + x])));
    }
  }
  return { width: IMAGE_SIDE, height: IMAGE_SIDE, data, name: `synthetic-${seed}` };
};

/** Two synthetic images of IMAGE_SIDE x IMAGE_SIDE pixels. */
export const syntheticImages = [syntheticImage(1), syntheticImage(2)];

/** Builds a 20 x 20 image of independent uniform pixels: patches without any structure. */
export const noiseImage = (seed: number): SourceImage => {
  const [data] = uniforms(rngFromSeed(seed), 20 * 20);
  return { width: 20, height: 20, data, name: `noise-${seed}` };
};
