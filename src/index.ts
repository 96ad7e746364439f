/**
 * Public entry point of the library: the pure functions of the numeric core (linear algebra and random
 * numbers), the models (activations, losses, the KL penalty, the autoencoder, PCA and whitening), the
 * optimisers and training loops, and the experiment pipelines. File and terminal code (data loading,
 * figures, the command line) is not exported here.
 */

// Layer 1: numbers
export * from './linalg/errors.js';
export * from './linalg/matrix.js';
export * from './linalg/products.js';
export * from './linalg/ops.js';
export {
  type SymmetricEigen,
  type SymmetricEigenOptions,
  DEFAULT_MAX_SWEEPS,
  DEFAULT_SYMMETRY_TOLERANCE,
  symmetricEigen,
  reconstructFromEigen,
} from './linalg/jacobi.js';
export { RANK_TOLERANCE, orthonormalBasis, principalAngles, maxPrincipalAngle } from './linalg/subspace.js';
export * from './random/rng.js';

// Layer 2: models
export {
  type ActivationName,
  ACTIVATION_NAMES,
  isActivationName,
  sigmoid,
  relu,
  activate,
  derivativeFromOutput,
} from './nn/activation.js';
export {
  type LossName,
  LOSS_NAMES,
  isLossName,
  softplus,
  crossEntropyTerm,
  squaredError,
  crossEntropyFromPreActivation,
} from './nn/loss.js';
export { RHO_HAT_MIN, RHO_HAT_MAX, klDivergence, klDivergenceDerivative, sparsityPenalty } from './nn/kl.js';
export { DEFAULT_RELATIVE_STEP, numericalGradient, relativeGradientError } from './nn/gradient-check.js';
export {
  type AutoencoderConfig,
  type AutoencoderParams,
  type ParameterLayout,
  validateConfig,
  parameterLayout,
  parameterCount,
  packParams,
  unpackParams,
  initializeAutoencoder,
} from './autoencoder/params.js';
export {
  type SparsityPenalty,
  type Regularization,
  NO_REGULARIZATION,
  validateRegularization,
} from './autoencoder/regularization.js';
export { encode, decode, reconstruct, meanReconstructionError, hiddenActivationMeans } from './autoencoder/autoencoder.js';
export {
  type ObjectiveValue,
  autoencoderObjective,
  evaluateObjective,
  evaluateObjectiveWithTarget,
} from './autoencoder/objective.js';
export { type Eigenbasis, fitEigenbasis, numericalZeroThreshold } from './pca/eigenbasis.js';
export * from './pca/pca.js';
export * from './pca/whitening.js';

// Layer 3: learning
export type {
  Evaluation,
  Objective,
  MinibatchObjective,
  Progress,
  ProgressCallback,
  StopReason,
  OptimizationResult,
  TrainingFailure,
} from './optim/types.js';
export {
  type GradientDescentOptions,
  type GradientDescentState,
  gradientDescentStep,
  initialGradientDescentState,
  minimizeGradientDescent,
} from './optim/gradient-descent.js';
export { type SgdOptions, type SgdState, sgdStep, minimizeSgd } from './optim/sgd.js';
export {
  type LbfgsOptions,
  type LbfgsState,
  DEFAULT_MEMORY,
  lbfgsDirection,
  lbfgsStep,
  initialLbfgsState,
  minimizeLbfgs,
} from './optim/lbfgs.js';
export { type LineSearchOptions, type LineSearchStep, strongWolfeLineSearch } from './optim/line-search.js';
export * from './train/train-autoencoder.js';

// Layer 4: experiments
export * from './experiments/progress.js';
export * from './experiments/pca-vs-linear-autoencoder.js';
export * from './experiments/sparse-autoencoder.js';
export * from './experiments/whitening.js';

// Deep networks: softmax classifier, RBM, layer-wise pretraining, deep and denoising autoencoders
export * from './nn/softmax.js';
export * from './classifier/layers.js';
export * from './classifier/network.js';
export * from './rbm/rbm.js';
export * from './autoencoder/corruption.js';
export * from './autoencoder/deep-params.js';
export * from './autoencoder/deep.js';
export * from './train/train-rbm.js';
export * from './train/pretrain.js';
export * from './train/fine-tune.js';
export * from './train/train-denoising.js';
export * from './train/train-deep-autoencoder.js';
export * from './experiments/pretraining.js';
export * from './experiments/denoising.js';
export * from './experiments/deep-autoencoder.js';

// Natural-image patches
export * from './patches/sampler.js';
export * from './patches/normalize.js';
export * from './patches/gabor.js';
export * from './experiments/patch-features.js';
export * from './experiments/patch-whitening.js';
