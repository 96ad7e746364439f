/**
 * A line search that finds a step satisfying the strong Wolfe conditions, after Nocedal and Wright,
 * "Numerical Optimization" (2nd ed., Springer 2006), Algorithm 3.5 (bracketing) and Algorithm 3.6 (zoom).
 *
 * From a point theta along a direction p, write phi(alpha) = E(theta + alpha p) and
 * phi'(alpha) = grad E(theta + alpha p)^T p. For a descent direction, phi'(0) < 0. A step alpha > 0 is
 * accepted when both strong Wolfe conditions hold, with constants 0 < c1 < c2 < 1:
 *
 *   sufficient decrease:  phi(alpha) <= phi(0) + c1 alpha phi'(0),
 *   curvature:            |phi'(alpha)| <= c2 |phi'(0)|.
 *
 * The first keeps the step from being too long for the decrease it buys, and the second from being
 * too short: it demands that most of the initial slope has been used up. For a function bounded below
 * along p, such steps exist. The curvature condition also guarantees s^T y > 0 for the step s and the
 * gradient change y, which keeps the L-BFGS Hessian approximation positive definite.
 */
import * as E from 'fp-ts/lib/Either.js';

import { type InvalidArgumentError, invalidArgument } from '../linalg/errors.js';
import type { ReadonlyFloat64Array } from '../linalg/matrix.js';
import {
  type EvaluatedPoint,
  type Objective,
  checkPositiveInteger,
  dot,
  evaluatedPoint,
  isFinitePoint,
} from './types.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** Options of the line search; each one may be left out for its default. */
export interface LineSearchOptions {
  /** Sufficient-decrease constant c1, in (0, 1). Default 1e-4. */
  readonly c1?: number;
  /** Curvature constant c2, in (c1, 1). Default 0.9, loose enough to accept a quasi-Newton unit step often. */
  readonly c2?: number;
  /** Maximum number of objective calls per search, an integer >= 1. Default 20, like `maxls` in SciPy's L-BFGS-B. */
  readonly maxEvaluations?: number;
}

/** Validated line-search constants with every default filled in; build them with {@link lineSearchSettings}. */
export interface LineSearchSettings {
  readonly c1: number;
  readonly c2: number;
  readonly maxEvaluations: number;
}

/** An accepted step alpha and the point theta + alpha p where both strong Wolfe conditions hold. */
export interface LineSearchStep {
  readonly step: number;
  readonly point: EvaluatedPoint;
  /** phi'(alpha) = grad E(theta + alpha p)^T p. */
  readonly slope: number;
  /** Objective calls this search made. */
  readonly evaluations: number;
}

/**
 * The reason a search found no acceptable step.
 *
 * - `not-descent`: phi'(0) >= 0 (or NaN), so p is no descent direction and no call was made.
 * - `max-evaluations`: the call budget ran out.
 * - `interval-too-small`: the bracket shrank to neighbouring floating-point numbers, typically because
 *   loss differences near a minimum are below rounding error.
 * - `non-finite`: every trial gave a NaN or infinite loss or gradient.
 */
export type LineSearchFailureReason = 'not-descent' | 'max-evaluations' | 'interval-too-small' | 'non-finite';

/** A search that ended without an acceptable step. */
export interface LineSearchFailure {
  readonly _tag: 'LineSearchFailure';
  readonly reason: LineSearchFailureReason;
  readonly evaluations: number;
  /** The trial with the lowest finite loss, if any trial went below phi(0); its gradient is finite too. */
  readonly best: EvaluatedPoint | undefined;
  /** Loss at the last trial, phi(0) when no call was made; NaN or infinite for a `non-finite` failure. */
  readonly lastLoss: number;
  readonly message: string;
}

// -------------------------------------------------------------------------------------------------
// Settings
// -------------------------------------------------------------------------------------------------

/** Defaults of {@link LineSearchOptions}. c2 = 0.9 lets a quasi-Newton method accept its unit step often. */
export const DEFAULT_LINE_SEARCH_SETTINGS: LineSearchSettings = { c1: 1e-4, c2: 0.9, maxEvaluations: 20 };

/**
 * Validates line-search options and fills in the defaults. Errors name `functionName` and the option
 * as `path.c1`, `path.c2` or `path.maxEvaluations`, so that an optimiser can report them as its own.
 */
export const lineSearchSettings = (
  options: LineSearchOptions = {},
  functionName = 'lineSearchSettings',
  path = 'options',
): E.Either<InvalidArgumentError, LineSearchSettings> => {
  const c1 = options.c1 ?? DEFAULT_LINE_SEARCH_SETTINGS.c1;
  const c2 = options.c2 ?? DEFAULT_LINE_SEARCH_SETTINGS.c2;
  const maxEvaluations = options.maxEvaluations ?? DEFAULT_LINE_SEARCH_SETTINGS.maxEvaluations;
  if (!(c1 > 0 && c1 < 1)) return E.left(invalidArgument(functionName, `${path}.c1`, c1, 'a number in (0, 1)'));
  if (!(c2 > c1 && c2 < 1)) {
    return E.left(invalidArgument(functionName, `${path}.c2`, c2, `a number in (c1, 1) = (${c1}, 1)`));
  }
  const invalid = checkPositiveInteger(functionName, `${path}.maxEvaluations`, maxEvaluations);
  return invalid === undefined ? E.right({ c1, c2, maxEvaluations }) : E.left(invalid);
};

// -------------------------------------------------------------------------------------------------
// The search
// -------------------------------------------------------------------------------------------------

/** Factor by which the bracketing phase lengthens a trial step that is still too short. */
const EXPANSION = 4;

/**
 * Fraction of the bracket kept clear at each end when the zoom phase picks its next trial. It makes
 * every zoom step shrink the bracket to at most 90% of its width, so the zoom cannot stall at one end.
 */
const SAFEGUARD = 0.1;

/** A trial step with phi(alpha) (the point's loss) and phi'(alpha) (`slope`). */
interface Trial {
  readonly step: number;
  readonly point: EvaluatedPoint;
  readonly slope: number;
  /** Whether the loss, the gradient and the slope are all finite. */
  readonly finite: boolean;
}

/** The fixed inputs of one search and its running tallies, local to {@link strongWolfeLineSearch}. */
interface Search {
  readonly objective: Objective;
  readonly origin: Trial;
  readonly direction: ReadonlyFloat64Array;
  readonly settings: LineSearchSettings;
  evaluations: number;
  finiteTrials: number;
  best: EvaluatedPoint | undefined;
  lastLoss: number;
}

/**
 * Searches along `direction` (p, length P) from `start` (theta with its loss and gradient) for a step
 * alpha that satisfies the strong Wolfe conditions, beginning with the trial `initialStep`.
 *
 * Bracketing phase: trial steps grow by a factor of 4 until one is acceptable, or until the interval
 * between the last two trials must contain an acceptable step. That happens when the newest trial
 * violates sufficient decrease, does not lower the loss, or has phi' >= 0. Zoom phase: the bracket
 * shrinks around the minimiser of the cubic that matches phi and phi' at its two ends, kept 10% of the
 * bracket width away from either end, or at the midpoint when that cubic has no minimiser. A NaN or
 * infinite trial counts as a step that is too long.
 *
 * Returns the accepted step, or a `LineSearchFailure` after `settings.maxEvaluations` calls or when the
 * bracket collapses. The failure still carries the best point seen.
 *
 * NOTE: a kernel for validated input. `initialStep` must be a finite number > 0 and `direction` must have
 * the length of `start.theta`, and neither is checked.
 */
export const strongWolfeLineSearch = (
  objective: Objective,
  start: EvaluatedPoint,
  direction: ReadonlyFloat64Array,
  initialStep: number,
  settings: LineSearchSettings,
): E.Either<LineSearchFailure, LineSearchStep> => {
  const slope = dot(start.gradient, direction);
  const origin: Trial = { step: 0, point: start, slope, finite: true };
  const search: Search = {
    objective,
    origin,
    direction,
    settings,
    evaluations: 0,
    finiteTrials: 0,
    best: undefined,
    lastLoss: start.loss,
  };
  if (!(slope < 0)) return E.left(failure(search, 'not-descent'));
  return bracket(search, initialStep);
};

/** Algorithm 3.5: grows the trial step until it is acceptable or an acceptable step is bracketed. */
const bracket = (search: Search, initialStep: number): E.Either<LineSearchFailure, LineSearchStep> => {
  let previous = search.origin;
  let step = initialStep;
  for (;;) {
    if (search.evaluations >= search.settings.maxEvaluations) return E.left(failure(search, 'max-evaluations'));
    const trial = evaluateTrial(search, step);
    // Algorithm 3.5 compares with the previous loss only from the second trial on. Doing it for the
    // first trial too changes nothing unless c1 alpha phi'(0) rounds to zero, because sufficient
    // decrease already implies phi(alpha) < phi(0).
    if (!hasSufficientDecrease(search, trial) || trial.point.loss >= previous.point.loss) {
      return zoom(search, previous, trial);
    }
    if (hasStrongCurvature(search, trial)) return E.right(accepted(search, trial));
    if (trial.slope >= 0) return zoom(search, trial, previous);
    previous = trial;
    step *= EXPANSION;
  }
};

/**
 * Algorithm 3.6: shrinks the bracket between `low` and `high` until a trial is acceptable.
 *
 * Invariants: `low` satisfies sufficient decrease and has the lowest loss of all such trials so far,
 * and phi'(low) (high - low) < 0, so phi decreases from `low` into the bracket.
 */
const zoom = (search: Search, lowStart: Trial, highStart: Trial): E.Either<LineSearchFailure, LineSearchStep> => {
  let low = lowStart;
  let high = highStart;
  for (;;) {
    if (search.evaluations >= search.settings.maxEvaluations) return E.left(failure(search, 'max-evaluations'));
    const right = Math.max(low.step, high.step);
    if (right - Math.min(low.step, high.step) <= Number.EPSILON * right) {
      return E.left(failure(search, 'interval-too-small'));
    }
    const trial = evaluateTrial(search, interpolate(low, high));
    if (!hasSufficientDecrease(search, trial) || trial.point.loss >= low.point.loss) {
      high = trial;
    } else {
      if (hasStrongCurvature(search, trial)) return E.right(accepted(search, trial));
      if (trial.slope * (high.step - low.step) >= 0) high = low;
      low = trial;
    }
  }
};

/** Evaluates the objective at theta + alpha p and records the call in the tallies of `search`. */
const evaluateTrial = (search: Search, step: number): Trial => {
  const x = search.origin.point.theta;
  const p = search.direction;
  const theta = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) theta[i] = x[i] + step * p[i];
  const point = evaluatedPoint(theta, search.objective(theta));
  const slope = dot(point.gradient, p);
  const finite = isFinitePoint(point) && Number.isFinite(slope);
  search.evaluations++;
  search.lastLoss = point.loss;
  if (finite) {
    search.finiteTrials++;
    if (point.loss < (search.best ?? search.origin.point).loss) search.best = point;
  }
  return { step, point, slope, finite };
};

const hasSufficientDecrease = (search: Search, trial: Trial): boolean => {
  const { origin, settings } = search;
  return trial.finite && trial.point.loss <= origin.point.loss + settings.c1 * trial.step * origin.slope;
};

const hasStrongCurvature = (search: Search, trial: Trial): boolean =>
  Math.abs(trial.slope) <= -search.settings.c2 * search.origin.slope;

/**
 * Picks the next zoom trial: the minimiser of the cubic that interpolates phi and phi' at both ends,
 * clamped to the middle 80% of the bracket. When the cubic has no finite minimiser (for instance when
 * one end is a non-finite trial), the trial is the midpoint.
 */
const interpolate = (low: Trial, high: Trial): number => {
  const left = Math.min(low.step, high.step);
  const width = Math.abs(high.step - low.step);
  const minimiser = cubicMinimiser(low, high);
  if (!Number.isFinite(minimiser)) return left + 0.5 * width;
  return Math.min(left + (1 - SAFEGUARD) * width, Math.max(left + SAFEGUARD * width, minimiser));
};

/**
 * Returns the minimiser of the cubic through (a, phi(a)) and (b, phi(b)) with slopes phi'(a) and
 * phi'(b), or NaN when it has none. The formula is the one Nocedal and Wright give for the zoom phase:
 *
 *   d1 = phi'(a) + phi'(b) - 3 (phi(a) - phi(b)) / (a - b),
 *   d2 = sign(b - a) sqrt(d1^2 - phi'(a) phi'(b)),
 *   alpha = b - (b - a) (phi'(b) + d2 - d1) / (phi'(b) - phi'(a) + 2 d2).
 *
 * A negative radicand means the cubic is monotone. For a quadratic phi the formula returns its exact
 * minimiser.
 */
const cubicMinimiser = (a: Trial, b: Trial): number => {
  const d1 = a.slope + b.slope - (3 * (a.point.loss - b.point.loss)) / (a.step - b.step);
  const radicand = d1 * d1 - a.slope * b.slope;
  if (!(radicand >= 0)) return Number.NaN;
  const d2 = Math.sign(b.step - a.step) * Math.sqrt(radicand);
  return b.step - ((b.step - a.step) * (b.slope + d2 - d1)) / (b.slope - a.slope + 2 * d2);
};

const accepted = (search: Search, trial: Trial): LineSearchStep => ({
  step: trial.step,
  point: trial.point,
  slope: trial.slope,
  evaluations: search.evaluations,
});

const REASON_TEXT: Record<LineSearchFailureReason, string> = {
  'not-descent': 'the direction is not a descent direction',
  'max-evaluations': 'the evaluation budget ran out',
  'interval-too-small': 'the bracket shrank below floating-point resolution',
  'non-finite': 'every trial loss or gradient was NaN or infinite',
};

/** Builds the failure; a search whose trials were all non-finite reports that as its reason. */
const failure = (search: Search, reason: LineSearchFailureReason): LineSearchFailure => {
  const actualReason = search.evaluations > 0 && search.finiteTrials === 0 ? 'non-finite' : reason;
  return {
    _tag: 'LineSearchFailure',
    reason: actualReason,
    evaluations: search.evaluations,
    best: search.best,
    lastLoss: search.lastLoss,
    message:
      `strongWolfeLineSearch: no step satisfies the strong Wolfe conditions after ${search.evaluations} ` +
      `evaluations because ${REASON_TEXT[actualReason]}.`,
  };
};
