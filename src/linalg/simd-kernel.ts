/**
 * The innermost loop of the matrix products, compiled to a WebAssembly function that uses 128-bit SIMD.
 *
 * Why WebAssembly: V8 compiles the JavaScript 4 x 4 register tile of `products.ts` to scalar code, one
 * multiply or add per instruction plus an index computation, an overflow check and a bounds check for
 * every typed-array load. That reached about 5 GFLOP/s on an AMD EPYC (Zen 5, Node 20). WebAssembly's
 * f64x2 instructions multiply and add two doubles at once. Its memory accesses need no bounds-check
 * instructions, because the engine reserves guard pages instead. So the same tile reached 13-22 GFLOP/s
 * there (process CPU time, on the product shapes of `npm run bench`).
 *
 * The module is assembled here from named instructions rather than loaded from a binary file, so the
 * kernel can be read and changed in this file. It is about 600 bytes, and assembling and compiling it
 * took under 10 ms on that machine. Where WebAssembly or its SIMD extension is missing,
 * {@link loadSimdKernel} returns null and the products use their JavaScript kernel, which computes
 * bit-identical results.
 */

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/**
 * The compiled kernel and its memory. Offsets are in bytes from the start of `heap`'s buffer, and the
 * layout constants below give the place of each operand.
 */
export interface SimdKernel {
  /** View of the kernel's whole memory as doubles: the packed operands and the C block. */
  readonly heap: Float64Array;
  /**
   * Adds to a 4-row block of C the products of one packed 4 x depth strip of the left operand with
   * `stripCount` packed depth x 4 strips of the right operand, in one call:
   *
   *   for s < stripCount, i < 4, j < 4:
   *     C[cOffset + i cRowBytes + 32 s + 8 j] += sum_{p < depth} a[4 p + i] b_s[4 p + j]
   *
   * where a starts at `aOffset` and strip b_s at `bOffset + 32 depth s`, both interleaved by the
   * summation index p as `packStrip` in `products.ts` writes them. Each sum is accumulated from 0 in
   * the order p = 0, 1, ..., depth - 1 and then added to C, exactly as the JavaScript tile does, with
   * separate multiply and add roundings (no fused multiply-add), so both kernels give the same bits.
   *
   * NOTE: requires depth >= 1 and stripCount >= 1 (the loops test their counters at the bottom).
   */
  readonly multiplyStrips: (
    aOffset: number,
    bOffset: number,
    cOffset: number,
    depth: number,
    cRowBytes: number,
    stripCount: number,
  ) => void;
}

// -------------------------------------------------------------------------------------------------
// Memory layout
// -------------------------------------------------------------------------------------------------

/** Rows (and columns) of a register tile: 4 x 4 doubles, held as 8 f64x2 accumulators. */
export const SIMD_TILE = 4;

/** Largest depth of one packed strip, the length of the summation block. */
export const SIMD_DEPTH_BLOCK = 256;

/**
 * Largest number of C columns per block of the driver. A packed right panel of 256 x 512 doubles takes
 * 1 MiB. A width of 1024 measured no faster on the autoencoder's products (AMD EPYC, 1 MiB L2 cache).
 */
export const SIMD_COLUMN_BLOCK = 512;

/** Largest number of C rows held in the kernel's memory at once (a 1024 x 512 block of 4 MiB). */
export const SIMD_ROW_BLOCK = 1024;

const BYTES_PER_DOUBLE = 8;

/** Byte offset of the packed left strip (4 x 256 doubles, 8 KiB). */
export const SIMD_LEFT_OFFSET = 0;
/** Byte offset of the packed right panel (256 x 512 doubles). */
export const SIMD_RIGHT_OFFSET = SIMD_LEFT_OFFSET + SIMD_TILE * SIMD_DEPTH_BLOCK * BYTES_PER_DOUBLE;
/** Byte offset of the C block (1024 x 512 doubles). */
export const SIMD_RESULT_OFFSET = SIMD_RIGHT_OFFSET + SIMD_DEPTH_BLOCK * SIMD_COLUMN_BLOCK * BYTES_PER_DOUBLE;
const MEMORY_BYTES = SIMD_RESULT_OFFSET + SIMD_ROW_BLOCK * SIMD_COLUMN_BLOCK * BYTES_PER_DOUBLE;
const PAGE_BYTES = 65536;

// -------------------------------------------------------------------------------------------------
// Binary encoding (WebAssembly core specification 2.0, chapter 5, and the fixed-width SIMD proposal)
// -------------------------------------------------------------------------------------------------

type Bytes = readonly number[];

/** Unsigned LEB128, the encoding of every index, count and size in a module. */
const unsignedLeb = (value: number): Bytes => {
  const out: number[] = [];
  let rest = value;
  do {
    const low = rest & 0x7f;
    rest >>>= 7;
    out.push(rest === 0 ? low : low | 0x80);
  } while (rest !== 0);
  return out;
};

/** Signed LEB128, the encoding of `i32.const` immediates. */
const signedLeb = (value: number): Bytes => {
  const out: number[] = [];
  let rest = value;
  for (;;) {
    const low = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (low & 0x40) === 0) || (rest === -1 && (low & 0x40) !== 0);
    out.push(done ? low : low | 0x80);
    if (done) return out;
  }
};

/** A vector: its length, then its items. */
const vector = (items: readonly Bytes[]): Bytes => [...unsignedLeb(items.length), ...items.flat()];
const name = (text: string): Bytes => vector(Array.from(text, (ch) => [ch.charCodeAt(0)]));
const section = (id: number, content: Bytes): Bytes => [id, ...unsignedLeb(content.length), ...content];

const I32 = 0x7f;
const V128 = 0x7b;
const EMPTY_BLOCK_TYPE = 0x40;
const SIMD_PREFIX = 0xfd;
/** Alignment hint of a memory access, as a power of two. Only 8-byte alignment is promised (doubles). */
const ALIGN_8 = 3;

/** The instructions the kernel uses, each returning its encoding. */
const op = {
  localGet: (index: number): Bytes => [0x20, ...unsignedLeb(index)],
  localSet: (index: number): Bytes => [0x21, ...unsignedLeb(index)],
  localTee: (index: number): Bytes => [0x22, ...unsignedLeb(index)],
  i32Const: (value: number): Bytes => [0x41, ...signedLeb(value)],
  i32Add: [0x6a] as Bytes,
  i32Sub: [0x6b] as Bytes,
  loop: [0x03, EMPTY_BLOCK_TYPE] as Bytes,
  end: [0x0b] as Bytes,
  brIf: (depth: number): Bytes => [0x0d, ...unsignedLeb(depth)],
  v128Load: (offset: number): Bytes => [SIMD_PREFIX, 0x00, ALIGN_8, ...unsignedLeb(offset)],
  v128Store: (offset: number): Bytes => [SIMD_PREFIX, 0x0b, ALIGN_8, ...unsignedLeb(offset)],
  /** Loads one double and copies it into both lanes. */
  v128Load64Splat: (offset: number): Bytes => [SIMD_PREFIX, 0x0a, ALIGN_8, ...unsignedLeb(offset)],
  v128Zero: [SIMD_PREFIX, 0x0c, ...new Array<number>(16).fill(0)] as Bytes,
  f64x2Add: [SIMD_PREFIX, ...unsignedLeb(0xf0)] as Bytes,
  f64x2Mul: [SIMD_PREFIX, ...unsignedLeb(0xf2)] as Bytes,
};

// -------------------------------------------------------------------------------------------------
// The kernel
// -------------------------------------------------------------------------------------------------

// Parameters and locals of `multiplyStrips`, by index.
const A = 0;
const B = 1;
const C = 2;
const DEPTH = 3;
const C_ROW_BYTES = 4;
const STRIPS = 5;
const P = 6;
const A_POINTER = 7;
const C_ROW = 8;
const I32_LOCALS = 3;
/** acc(i, half) contains C entries (i, 2 half) and (i, 2 half + 1) of the current tile. */
const ACCUMULATOR = 9;
const accumulator = (row: number, half: number): number => ACCUMULATOR + 2 * row + half;
const B_LOW = ACCUMULATOR + 2 * SIMD_TILE;
const B_HIGH = B_LOW + 1;
const A_SPLAT = B_HIGH + 1;
const V128_LOCALS = 2 * SIMD_TILE + 3;

/**
 * The body of `multiplyStrips`, in the WebAssembly text format's terms:
 *
 *   loop (one iteration per right strip s)
 *     acc(i, h) = 0;  aPointer = a;  p = depth
 *     loop (one iteration per summation index)
 *       bLow, bHigh = the 4 doubles b_s[4 p .. 4 p + 3]
 *       for i < 4: aSplat = (a_i, a_i);  acc(i, 0) += aSplat * bLow;  acc(i, 1) += aSplat * bHigh
 *       aPointer += 32;  b += 32;  p -= 1;  repeat while p != 0
 *     for i < 4: C row i of the tile += acc(i, 0), acc(i, 1)
 *     c += 32;  strips -= 1;  repeat while strips != 0
 *
 * `b` runs on from strip to strip because the strips are packed one after another.
 */
const kernelBody = (): Bytes => {
  const code: Bytes[] = [];
  const emit = (...instructions: Bytes[]): void => {
    code.push(...instructions);
  };

  emit(op.loop);
  for (let i = 0; i < SIMD_TILE; i++) {
    emit(op.v128Zero, op.localSet(accumulator(i, 0)), op.v128Zero, op.localSet(accumulator(i, 1)));
  }
  emit(op.localGet(A), op.localSet(A_POINTER), op.localGet(DEPTH), op.localSet(P));

  emit(op.loop);
  emit(op.localGet(B), op.v128Load(0), op.localSet(B_LOW));
  emit(op.localGet(B), op.v128Load(16), op.localSet(B_HIGH));
  for (let i = 0; i < SIMD_TILE; i++) {
    emit(op.localGet(A_POINTER), op.v128Load64Splat(BYTES_PER_DOUBLE * i), op.localTee(A_SPLAT));
    emit(op.localGet(B_LOW), op.f64x2Mul, op.localGet(accumulator(i, 0)), op.f64x2Add, op.localSet(accumulator(i, 0)));
    emit(op.localGet(A_SPLAT), op.localGet(B_HIGH), op.f64x2Mul);
    emit(op.localGet(accumulator(i, 1)), op.f64x2Add, op.localSet(accumulator(i, 1)));
  }
  const stepBytes = SIMD_TILE * BYTES_PER_DOUBLE;
  emit(op.localGet(A_POINTER), op.i32Const(stepBytes), op.i32Add, op.localSet(A_POINTER));
  emit(op.localGet(B), op.i32Const(stepBytes), op.i32Add, op.localSet(B));
  emit(op.localGet(P), op.i32Const(1), op.i32Sub, op.localTee(P), op.brIf(0), op.end);

  emit(op.localGet(C), op.localSet(C_ROW));
  for (let i = 0; i < SIMD_TILE; i++) {
    for (let half = 0; half < 2; half++) {
      // Store address, then the old value at the same address plus the accumulator.
      emit(op.localGet(C_ROW), op.localGet(C_ROW), op.v128Load(16 * half));
      emit(op.localGet(accumulator(i, half)), op.f64x2Add, op.v128Store(16 * half));
    }
    emit(op.localGet(C_ROW), op.localGet(C_ROW_BYTES), op.i32Add, op.localSet(C_ROW));
  }
  emit(op.localGet(C), op.i32Const(stepBytes), op.i32Add, op.localSet(C));
  emit(op.localGet(STRIPS), op.i32Const(1), op.i32Sub, op.localTee(STRIPS), op.brIf(0), op.end);
  emit(op.end);

  const locals = vector([
    [...unsignedLeb(I32_LOCALS), I32],
    [...unsignedLeb(V128_LOCALS), V128],
  ]);
  return [...locals, ...code.flat()];
};

/** The module: one function `multiplyStrips` of six i32 parameters, and its memory, both exported. */
const kernelModule = (): Uint8Array => {
  const body = kernelBody();
  const functionType = [0x60, ...vector([[I32], [I32], [I32], [I32], [I32], [I32]]), ...vector([])];
  const pages = Math.ceil(MEMORY_BYTES / PAGE_BYTES);
  const EXPORT_FUNCTION = 0x00;
  const EXPORT_MEMORY = 0x02;
  const LIMITS_MINIMUM_ONLY = 0x00;
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, vector([functionType])),
    ...section(3, vector([unsignedLeb(0)])),
    ...section(5, vector([[LIMITS_MINIMUM_ONLY, ...unsignedLeb(pages)]])),
    ...section(
      7,
      vector([
        [...name('multiplyStrips'), EXPORT_FUNCTION, ...unsignedLeb(0)],
        [...name('memory'), EXPORT_MEMORY, ...unsignedLeb(0)],
      ]),
    ),
    ...section(10, vector([[...unsignedLeb(body.length), ...body]])),
  ]);
};

// -------------------------------------------------------------------------------------------------
// Loading
// -------------------------------------------------------------------------------------------------

/** The part of the WebAssembly JavaScript API used here (the ES2022 type library does not declare it). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

interface KernelExports {
  readonly multiplyStrips: SimdKernel['multiplyStrips'];
  readonly memory: { readonly buffer: ArrayBuffer };
}

/**
 * Compiles and instantiates the kernel with its own 5 MiB memory, or returns null when the runtime
 * has no WebAssembly or no SIMD extension (`validate` then rejects the module).
 *
 * NOTE: a kernel is a scratch workspace: a caller that keeps one must not interleave two products on
 * it. `products.ts` keeps one per module instance, which is safe because a product runs to completion
 * before JavaScript on the same thread runs anything else (each worker thread loads its own modules).
 */
export const loadSimdKernel = (): SimdKernel | null => {
  const api = (globalThis as { readonly WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) return null;
  const bytes = kernelModule();
  if (!api.validate(bytes)) return null;
  const exports = new api.Instance(new api.Module(bytes), {}).exports as unknown as KernelExports;
  return { heap: new Float64Array(exports.memory.buffer), multiplyStrips: exports.multiplyStrips };
};
