/**
 * The sweeps of the cyclic Jacobi eigensolver: plane rotations that drive a symmetric matrix towards
 * diagonal form in place and accumulate the eigenvectors. symmetricEigen (jacobi.ts) validates and
 * scales the input before the sweeps and sorts the result after them.
 *
 * The rotation formulas and their update form are Rutishauser's ("The Jacobi method for real symmetric
 * matrices", Numer. Math. 9, 1966), derived below where they are used.
 */

/**
 * The iteration stops when off(A) <= JACOBI_CONVERGENCE_TOLERANCE * ||A||_F, where off(A) is the Frobenius
 * norm of the off-diagonal part. The sorted diagonal then differs from the eigenvalues by at most
 * off(A) (Weyl's inequality), which is the size of the rounding error already made in forming A.
 * The test is reachable although it requires one unit of roundoff: each rotation updates an
 * off-diagonal entry by a correction proportional to the entry itself, so the rounding error it adds
 * shrinks with the entries instead of leaving a floor of size EPS * ||A||_F.
 */
export const JACOBI_CONVERGENCE_TOLERANCE = Number.EPSILON;

// -------------------------------------------------------------------------------------------------
// The sweeps
// -------------------------------------------------------------------------------------------------

/**
 * Buffers of one solve, allocated once so that no rotation allocates. `work` is the full symmetric
 * n x n matrix (both triangles, row-major), driven towards diagonal form in place. `eigenvectorRows`
 * contains V^T, one eigenvector per row, so that a rotation of columns p and q of V updates two
 * contiguous rows. The small arrays are scratch space for {@link rotateGroup}.
 */
export interface Workspace {
  readonly n: number;
  readonly work: Float64Array;
  readonly eigenvectorRows: Float64Array;
  /** t, s and tau of the latest rotation, written by {@link computeRotation}. */
  readonly rotation: Float64Array;
  /** The (GROUP_SIZE + 1)^2 entries of A on the indices p, q, ..., q + GROUP_SIZE - 1. */
  readonly block: Float64Array;
  /** s and tau of each rotation in a group, 0 for a skipped pair. */
  readonly sines: Float64Array;
  readonly halfTangents: Float64Array;
}

/**
 * Number of rotations (p, q), (p, q + 1), ... fused into one pass over the rows. Of the widths 1, 2, 4
 * and 8, 4 was fastest in a measurement at n = 784 (Node 20 on x86-64): 8 runs out of registers.
 */
const GROUP_SIZE = 4;
const BLOCK_SIZE = GROUP_SIZE + 1;

/** Allocates the workspace of one solve on the symmetric n x n `work`, starting from V = I. */
export const jacobiWorkspace = (n: number, work: Float64Array): Workspace => {
  const eigenvectorRows = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eigenvectorRows[i * n + i] = 1;
  return {
    n,
    work,
    eigenvectorRows,
    rotation: new Float64Array(3),
    block: new Float64Array(BLOCK_SIZE * BLOCK_SIZE),
    sines: new Float64Array(GROUP_SIZE),
    halfTangents: new Float64Array(GROUP_SIZE),
  };
};

export interface SweepOutcome {
  readonly converged: boolean;
  readonly sweeps: number;
  /** off(A) / ||A||_F when the loop stopped. */
  readonly relativeOffDiagonalNorm: number;
}

/**
 * Runs cyclic sweeps over the pairs (p, q), p < q, in row order (p ascending, then q ascending) until
 * off(A) <= tol ||A||_F or `maxSweeps` sweeps have run.
 *
 * NOTE: while the rotations (p, q) of one p run, column p of `work` is stale: only row p is kept
 * current, and it is copied into column p when they are done. Every rotation (p, q) rotates columns p
 * and q. Mirroring column p at once would write one entry in every row of the n x n matrix per
 * rotation, a strided write that misses the cache once the matrix outgrows it. Deferring it cut the CPU
 * time at n = 784 from 9.4 s to 6.9 s (Node 20, AMD EPYC with a 1 MiB L2 cache), and changed nothing
 * measurable at n = 256. No rotation of the same p reads column p except through the entries (q, p),
 * which belong to its principal block and are read from row p instead ({@link loadBlock},
 * {@link rotate}). The copy changes no value, so the results are the same bit for bit.
 */
export const runJacobiSweeps = (workspace: Workspace, maxSweeps: number): SweepOutcome => {
  const { n, work } = workspace;
  // ||A||_F is invariant under orthogonal similarity, so it is computed once.
  let frobeniusSquared = 0;
  for (let k = 0; k < n * n; k++) frobeniusSquared += work[k] * work[k];
  const frobenius = Math.sqrt(frobeniusSquared);
  const target = JACOBI_CONVERGENCE_TOLERANCE * frobenius;
  // A pair with |a_pq| <= skipThreshold is left alone. If every pair is below it, then
  // off(A) <= sqrt(n (n - 1)) * skipThreshold < tol ||A||_F, so the convergence test passes and a sweep
  // that rotates nothing cannot repeat. The `<=` also skips a_pq = 0, for which theta is undefined.
  const skipThreshold = target / n;

  let sweeps = 0;
  for (;;) {
    const off = offDiagonalNorm(work, n);
    if (off <= target) return { converged: true, sweeps, relativeOffDiagonalNorm: off / frobenius };
    if (sweeps === maxSweeps) return { converged: false, sweeps, relativeOffDiagonalNorm: off / frobenius };
    for (let p = 0; p < n - 1; p++) {
      let q = p + 1;
      for (; q + GROUP_SIZE <= n; q += GROUP_SIZE) rotateGroup(workspace, p, q, skipThreshold);
      for (; q < n; q++) {
        if (Math.abs(work[p * n + q]) > skipThreshold) rotate(workspace, p, q);
      }
      mirrorRowIntoColumn(work, n, p);
    }
    sweeps++;
  }
};

/** Copies row p of the n x n `work` into column p, making it symmetric again after the rotations (p, q). */
const mirrorRowIntoColumn = (work: Float64Array, n: number, p: number): void => {
  const rowP = p * n;
  for (let r = 0, rowR = 0; r < n; r++, rowR += n) work[rowR + p] = work[rowP + r];
};

/** Returns off(A), the Frobenius norm of the off-diagonal part of the symmetric n x n `work`. */
const offDiagonalNorm = (work: Float64Array, n: number): number => {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) sum += work[i * n + j] * work[i * n + j];
  }
  return Math.sqrt(2 * sum);
};

/**
 * Writes t, s and tau of the Jacobi rotation that zeroes a_pq into `out[0]`, `out[1]`, `out[2]`.
 *
 * The rotation is A <- J^T A J, where J is the identity except J_pp = J_qq = c, J_pq = s, J_qp = -s,
 * with c = cos(phi), s = sin(phi). The new off-diagonal entry is
 *   a'_pq = (c^2 - s^2) a_pq + c s (a_pp - a_qq),
 * so a'_pq = 0 when cot(2 phi) = (c^2 - s^2) / (2 c s) = (a_qq - a_pp) / (2 a_pq) =: theta.
 * With t = tan(phi) = s / c this reads (1 - t^2) / (2 t) = theta, i.e. t^2 + 2 theta t - 1 = 0.
 * The root of smaller magnitude, t = sign(theta) / (|theta| + sqrt(theta^2 + 1)), gives |phi| <= pi/4,
 * which the convergence proof of cyclic Jacobi needs. It is also free of cancellation, unlike the
 * textbook -theta + sqrt(theta^2 + 1). For |theta| above 1e150, theta^2 would overflow, and
 * sqrt(theta^2 + 1) = |theta| in floating point anyway, so t = 1 / (2 theta). Then
 * c = 1 / sqrt(t^2 + 1), s = t c and tau = s / (1 + c) = tan(phi / 2).
 *
 * NOTE: a_pq must be non-zero; sign(0) is taken as +1, so a_pp = a_qq gives t = 1 (phi = pi/4).
 */
const computeRotation = (app: number, aqq: number, apq: number, out: Float64Array): void => {
  const theta = (aqq - app) / (2 * apq);
  const absTheta = Math.abs(theta);
  const t = absTheta > 1e150 ? 0.5 / theta : (theta >= 0 ? 1 : -1) / (absTheta + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  out[0] = t;
  out[1] = s;
  out[2] = s / (1 + c);
};

/**
 * Applies the rotation (p, q) of {@link computeRotation} to A and V (V <- V J), in Rutishauser's
 * update form. Using a'_pq = 0 to eliminate (a_pp - a_qq) from the exact expressions gives
 *   a'_pp = a_pp - t a_pq,   a'_qq = a_qq + t a_pq,
 * and for r != p, q, since c = 1 - s tau:
 *   a'_rp = c a_rp - s a_rq = a_rp - s (a_rq + tau a_rp),
 *   a'_rq = s a_rp + c a_rq = a_rq + s (a_rp - tau a_rq).
 * Each new entry is the old one plus a small correction, so rounding stays relative to the
 * correction. Applied to V, the same form keeps the columns orthonormal to a few units of roundoff
 * over many sweeps.
 */
const rotate = (workspace: Workspace, p: number, q: number): void => {
  const { n, work, eigenvectorRows, rotation } = workspace;
  const rowP = p * n;
  const rowQ = q * n;
  const app = work[rowP + p];
  const aqq = work[rowQ + q];
  const apq = work[rowP + q];
  computeRotation(app, aqq, apq, rotation);
  const t = rotation[0];
  const s = rotation[1];
  const tau = rotation[2];

  // Rows p and q are updated contiguously, and each new value of row q is mirrored into column q, so
  // that the next rotation again reads current rows (column p waits for mirrorRowIntoColumn). The loop
  // runs over all r, with no branch for r = p or r = q: the four entries (p, p), (q, q), (p, q) and
  // (q, p) it computes wrongly (from the stale a_qp, or from entries it has just mirrored) are
  // overwritten below.
  for (let r = 0, rowR = 0; r < n; r++, rowR += n) {
    const arp = work[rowP + r];
    const arq = work[rowQ + r];
    const newP = arp - s * (arq + tau * arp);
    const newQ = arq + s * (arp - tau * arq);
    work[rowP + r] = newP;
    work[rowQ + r] = newQ;
    work[rowR + q] = newQ;
  }
  work[rowP + p] = app - t * apq;
  work[rowQ + q] = aqq + t * apq;
  work[rowP + q] = 0;
  work[rowQ + p] = 0;

  // V <- V J changes columns p and q of V, which are rows p and q of the transposed buffer.
  for (let r = 0; r < n; r++) {
    const vp = eigenvectorRows[rowP + r];
    const vq = eigenvectorRows[rowQ + r];
    eigenvectorRows[rowP + r] = vp - s * (vq + tau * vp);
    eigenvectorRows[rowQ + r] = vq + s * (vp - tau * vq);
  }
};

/**
 * Applies the consecutive rotations (p, q), (p, q + 1), (p, q + 2), (p, q + 3) of the cyclic order,
 * with the same results, bit for bit, as four calls of {@link rotate} (checked once by comparing both
 * paths on random matrices of sides 1 to 101), but in one pass over row p.
 *
 * Each rotation's angle depends on the previous rotations only through the 5 x 5 principal block of A
 * on the indices p, q, ..., q + 3, so the angles are found first by rotating a copy of that block. Then
 * one loop applies all four rotations to rows p, q, ..., q + 3 (and mirrors them into the columns),
 * and one loop to the eigenvector rows. Row p is read and written once instead of four times, which
 * measured about a third faster than four separate rotations at n = 784. A skipped pair gets s = 0 and
 * tau = 0, which leaves its rows exactly unchanged.
 */
const rotateGroup = (workspace: Workspace, p: number, q: number, skipThreshold: number): void => {
  const { block, sines, halfTangents } = workspace;
  loadBlock(workspace, p, q);
  let active = 0;
  let lastActive = 0;
  for (let i = 1; i < BLOCK_SIZE; i++) {
    if (Math.abs(block[i]) > skipThreshold) {
      rotateBlock(workspace, i);
      active++;
      lastActive = i;
    } else {
      sines[i - 1] = 0;
      halfTangents[i - 1] = 0;
    }
  }
  if (active === 0) return;
  // With a single active pair the earlier rotations were identities, so A is unchanged up to it and
  // the plain rotation gives the same result with half the row traffic (late sweeps are mostly this).
  if (active === 1) {
    rotate(workspace, p, q + lastActive - 1);
    return;
  }
  applyGroupToMatrix(workspace, p, q);
  storeBlock(workspace, p, q);
  applyGroupToEigenvectors(workspace, p, q);
};

/** Index into A of position i of the block on the indices p, q, q + 1, ..., q + GROUP_SIZE - 1. */
const blockIndex = (p: number, q: number, i: number): number => (i === 0 ? p : q + i - 1);

/**
 * Copies the principal block of A on the indices p, q, ..., q + 3 into `workspace.block`. Its column 0,
 * the entries (q + i, p), is taken from row p by symmetry, because column p is stale (see
 * {@link runJacobiSweeps}).
 */
const loadBlock = ({ n, work, block }: Workspace, p: number, q: number): void => {
  for (let i = 0; i < BLOCK_SIZE; i++) {
    const row = blockIndex(p, q, i) * n;
    for (let j = 0; j < BLOCK_SIZE; j++) block[i * BLOCK_SIZE + j] = work[row + blockIndex(p, q, j)];
  }
  for (let i = 1; i < BLOCK_SIZE; i++) block[i * BLOCK_SIZE] = block[i];
};

/** Copies `workspace.block` back into A, replacing the entries that the fused loop computed wrongly. */
const storeBlock = ({ n, work, block }: Workspace, p: number, q: number): void => {
  for (let i = 0; i < BLOCK_SIZE; i++) {
    const row = blockIndex(p, q, i) * n;
    for (let j = 0; j < BLOCK_SIZE; j++) work[row + blockIndex(p, q, j)] = block[i * BLOCK_SIZE + j];
  }
};

/**
 * Rotates block positions 0 and i (the pair (p, q + i - 1) of A) with the formulas of {@link rotate},
 * and records s and tau for the fused loops.
 */
const rotateBlock = ({ block, rotation, sines, halfTangents }: Workspace, i: number): void => {
  const rowI = i * BLOCK_SIZE;
  const a00 = block[0];
  const aii = block[rowI + i];
  const a0i = block[i];
  computeRotation(a00, aii, a0i, rotation);
  const t = rotation[0];
  const s = rotation[1];
  const tau = rotation[2];
  for (let j = 1; j < BLOCK_SIZE; j++) {
    if (j === i) continue;
    const a0j = block[j];
    const aij = block[rowI + j];
    const new0 = a0j - s * (aij + tau * a0j);
    const newI = aij + s * (a0j - tau * aij);
    block[j] = new0;
    block[j * BLOCK_SIZE] = new0;
    block[rowI + j] = newI;
    block[j * BLOCK_SIZE + i] = newI;
  }
  block[0] = a00 - t * a0i;
  block[rowI + i] = aii + t * a0i;
  block[i] = 0;
  block[rowI] = 0;
  sines[i - 1] = s;
  halfTangents[i - 1] = tau;
};

/**
 * Applies the four rotations of a group to rows p, q, ..., q + 3 of A and mirrors rows q, ..., q + 3
 * into their columns (column p waits, see {@link runJacobiSweeps}). The entries of the 5 x 5 block come
 * out wrong (the loop does not special-case them) and are replaced by {@link storeBlock}. Entries
 * outside the block are read before any write reaches them.
 */
const applyGroupToMatrix = ({ n, work, sines, halfTangents }: Workspace, p: number, q: number): void => {
  // Locals rather than array reads inside the loop, so the JIT can keep them in registers.
  const s1 = sines[0];
  const s2 = sines[1];
  const s3 = sines[2];
  const s4 = sines[3];
  const tau1 = halfTangents[0];
  const tau2 = halfTangents[1];
  const tau3 = halfTangents[2];
  const tau4 = halfTangents[3];
  const rowP = p * n;
  const row1 = q * n;
  const row2 = row1 + n;
  const row3 = row2 + n;
  const row4 = row3 + n;

  // Hand-unrolled: a loop over the four rotations inside this loop measured slower than four plain calls.
  for (let r = 0, rowR = 0; r < n; r++, rowR += n) {
    let x = work[rowP + r];
    const y1 = work[row1 + r];
    const new1 = y1 + s1 * (x - tau1 * y1);
    x -= s1 * (y1 + tau1 * x);
    const y2 = work[row2 + r];
    const new2 = y2 + s2 * (x - tau2 * y2);
    x -= s2 * (y2 + tau2 * x);
    const y3 = work[row3 + r];
    const new3 = y3 + s3 * (x - tau3 * y3);
    x -= s3 * (y3 + tau3 * x);
    const y4 = work[row4 + r];
    const new4 = y4 + s4 * (x - tau4 * y4);
    x -= s4 * (y4 + tau4 * x);
    work[rowP + r] = x;
    work[row1 + r] = new1;
    work[row2 + r] = new2;
    work[row3 + r] = new3;
    work[row4 + r] = new4;
    work[rowR + q] = new1;
    work[rowR + q + 1] = new2;
    work[rowR + q + 2] = new3;
    work[rowR + q + 3] = new4;
  }
};

/** Applies the four rotations of a group to eigenvector rows p, q, ..., q + 3 (V <- V J1 J2 J3 J4). */
const applyGroupToEigenvectors = (
  { n, eigenvectorRows: v, sines, halfTangents }: Workspace,
  p: number,
  q: number,
): void => {
  const s1 = sines[0];
  const s2 = sines[1];
  const s3 = sines[2];
  const s4 = sines[3];
  const tau1 = halfTangents[0];
  const tau2 = halfTangents[1];
  const tau3 = halfTangents[2];
  const tau4 = halfTangents[3];
  const rowP = p * n;
  const row1 = q * n;
  const row2 = row1 + n;
  const row3 = row2 + n;
  const row4 = row3 + n;
  for (let r = 0; r < n; r++) {
    let x = v[rowP + r];
    const y1 = v[row1 + r];
    v[row1 + r] = y1 + s1 * (x - tau1 * y1);
    x -= s1 * (y1 + tau1 * x);
    const y2 = v[row2 + r];
    v[row2 + r] = y2 + s2 * (x - tau2 * y2);
    x -= s2 * (y2 + tau2 * x);
    const y3 = v[row3 + r];
    v[row3 + r] = y3 + s3 * (x - tau3 * y3);
    x -= s3 * (y3 + tau3 * x);
    const y4 = v[row4 + r];
    v[row4 + r] = y4 + s4 * (x - tau4 * y4);
    x -= s4 * (y4 + tau4 * x);
    v[rowP + r] = x;
  }
};
