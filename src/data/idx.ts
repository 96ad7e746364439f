/**
 * Reader for IDX files, the binary format in which MNIST is distributed.
 *
 * Layout (all integers big-endian):
 *
 * | bytes            | content                                                                 |
 * |------------------|-------------------------------------------------------------------------|
 * | 0-1              | zero                                                                    |
 * | 2                | type code of the entries: 0x08 unsigned byte (the only one read here)  |
 * | 3                | number of dimensions d (1 for MNIST labels, 3 for MNIST images)         |
 * | 4 .. 4 + 4d - 1  | the size of each dimension as a uint32, outermost first                 |
 * | 4 + 4d ..        | the entries in row-major order, exactly the product of the sizes        |
 *
 * So MNIST label files start with the magic number 0x00000801 and image files with 0x00000803.
 * Every error is an {@link IdxError} value naming the file, what was found and what was expected.
 */
import { constants as bufferConstants } from 'node:buffer';
import { type FileHandle, open, readFile } from 'node:fs/promises';

import * as E from 'fp-ts/lib/Either.js';

// -------------------------------------------------------------------------------------------------
// Types
// -------------------------------------------------------------------------------------------------

/** A `Uint8Array` seen through a type without its mutating methods or writable index. */
export type ReadonlyUint8Array = Omit<Uint8Array, 'set' | 'fill' | 'copyWithin' | 'reverse' | 'sort' | number> & {
  readonly [index: number]: number;
};

/** The cause of an {@link IdxError}, for callers that branch on it rather than on the message. */
export type IdxErrorReason =
  | 'header-too-short'
  | 'bad-magic'
  | 'unsupported-type'
  | 'too-large'
  | 'truncated'
  | 'oversized'
  | 'out-of-range'
  | 'not-found'
  | 'read-failed';

/** A file that is not a well-formed unsigned-byte IDX file, or that could not be read. */
export interface IdxError {
  readonly _tag: 'IdxError';
  readonly reason: IdxErrorReason;
  /** The file name or path the bytes came from. */
  readonly source: string;
  /** `source: what was found, what was expected`. */
  readonly message: string;
}

/** The header of an IDX file: the dimensions and where the entries start. */
export interface IdxHeader {
  /** Size of each dimension, outermost first, e.g. `[60000, 28, 28]` for the MNIST training images. */
  readonly dimensions: readonly number[];
  /** Byte offset of the first entry: `4 + 4 * dimensions.length`. */
  readonly payloadOffset: number;
  /** Number of entries (and bytes, one per entry): the product of the dimensions. */
  readonly payloadLength: number;
}

/** The dimensions and the unsigned-byte entries of an IDX file. */
export interface IdxArray {
  /** Size of each dimension, outermost first. */
  readonly dimensions: readonly number[];
  /** Entries in row-major order, `product(dimensions)` bytes. */
  readonly data: ReadonlyUint8Array;
}

// -------------------------------------------------------------------------------------------------
// Constants
// -------------------------------------------------------------------------------------------------

const UNSIGNED_BYTE = 0x08;

/** Names of the IDX type codes, used to say which unsupported type a file has. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: '16-bit integer',
  0x0c: '32-bit integer',
  0x0d: '32-bit float',
  0x0e: '64-bit float',
};

/**
 * Largest payload accepted, in bytes: the largest buffer this Node.js version can allocate
 * (`buffer.constants.MAX_LENGTH`, 2^32 on 64-bit Node.js 20). A larger product of dimensions
 * cannot be read into memory, and keeping the running product below it (at most 2^53) keeps it exact.
 */
export const MAX_IDX_PAYLOAD_BYTES: number = Math.min(bufferConstants.MAX_LENGTH, Number.MAX_SAFE_INTEGER);

// -------------------------------------------------------------------------------------------------
// Errors
// -------------------------------------------------------------------------------------------------

const idxError = (reason: IdxErrorReason, source: string, message: string): IdxError => ({
  _tag: 'IdxError',
  reason,
  source,
  message: `${source}: ${message}`,
});

const hex = (value: number, digits: number): string => `0x${value.toString(16).padStart(digits, '0')}`;

const describeDimensions = (dimensions: readonly number[]): string => dimensions.join(' x ');

const describeType = (code: number): string => TYPE_NAMES[code] ?? 'not an IDX type';

// -------------------------------------------------------------------------------------------------
// Parsing bytes
// -------------------------------------------------------------------------------------------------

/**
 * Parses the header of an IDX file from its first bytes (at least `4 + 4 * d` of them for d dimensions).
 *
 * Rejects fewer bytes than the header needs, non-zero bytes 0-1, a type code other than 0x08, zero
 * dimensions, and dimensions whose product exceeds {@link MAX_IDX_PAYLOAD_BYTES}. It does not look at
 * the payload: {@link checkPayloadLength} compares the file's size with the header.
 */
export const parseIdxHeader = (bytes: Uint8Array, source: string): E.Either<IdxError, IdxHeader> => {
  if (bytes.length < 4) {
    return E.left(
      idxError(
        'header-too-short',
        source,
        `too short for an IDX header: ${bytes.length} bytes, expected at least 4 ` +
          '(two zero bytes, a type code and the number of dimensions).',
      ),
    );
  }
  const prefix = (bytes[0] << 8) | bytes[1];
  if (prefix !== 0) {
    // A gzip stream starts with 0x1f 0x8b; MNIST is usually downloaded as .gz files.
    const hint = prefix === 0x1f8b ? ' The file looks gzip-compressed: decompress it first.' : '';
    return E.left(
      idxError('bad-magic', source, `not an IDX file: bytes 0-1 are ${hex(prefix, 4)}, expected 0x0000.${hint}`),
    );
  }
  const typeCode = bytes[2];
  if (typeCode !== UNSIGNED_BYTE) {
    return E.left(
      idxError(
        'unsupported-type',
        source,
        `unsupported IDX type code ${hex(typeCode, 2)} (${describeType(typeCode)}), ` +
          `expected ${hex(UNSIGNED_BYTE, 2)} (unsigned byte).`,
      ),
    );
  }
  const dimensionCount = bytes[3];
  if (dimensionCount === 0) {
    return E.left(idxError('bad-magic', source, 'the IDX header declares 0 dimensions, expected at least 1.'));
  }
  const payloadOffset = 4 + 4 * dimensionCount;
  if (bytes.length < payloadOffset) {
    return E.left(
      idxError(
        'header-too-short',
        source,
        `too short for an IDX header with ${dimensionCount} dimensions: ` +
          `${bytes.length} bytes, expected at least ${payloadOffset}.`,
      ),
    );
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, payloadOffset);
  const dimensions: number[] = [];
  for (let k = 0; k < dimensionCount; k++) dimensions.push(view.getUint32(4 + 4 * k, false));

  // A zero dimension makes the product 0 even after the others overflowed to Infinity (Infinity * 0 is NaN).
  // Otherwise the running product is exact up to the cap (at most 2^53) and may round only after passing it.
  // Rounding is monotone, so a product above the cap never comes back below it.
  let payloadLength = dimensions.includes(0) ? 0 : 1;
  for (let k = 0; k < dimensionCount && payloadLength > 0; k++) payloadLength *= dimensions[k];
  if (payloadLength > MAX_IDX_PAYLOAD_BYTES) {
    return E.left(
      idxError(
        'too-large',
        source,
        `IDX dimensions ${describeDimensions(dimensions)} describe ${payloadLength} bytes, ` +
          `more than the ${MAX_IDX_PAYLOAD_BYTES} bytes Node.js can hold in one buffer.`,
      ),
    );
  }
  return E.right({ dimensions, payloadOffset, payloadLength });
};

/**
 * Checks that a file of `fileLength` bytes contains exactly the header and the payload that `header`
 * describes: fewer bytes are a truncated file, more are trailing bytes that a well-formed IDX file
 * does not have (often two files concatenated, or the wrong file).
 */
export const checkPayloadLength = (
  header: IdxHeader,
  fileLength: number,
  source: string,
): E.Either<IdxError, IdxHeader> => {
  const found = fileLength - header.payloadOffset;
  const need =
    `dimensions ${describeDimensions(header.dimensions)} need ${header.payloadLength} bytes ` +
    `after the ${header.payloadOffset}-byte header`;
  if (found < header.payloadLength) {
    return E.left(idxError('truncated', source, `truncated IDX payload: ${need}, found ${found}.`));
  }
  if (found > header.payloadLength) {
    const extra = found - header.payloadLength;
    return E.left(
      idxError('oversized', source, `${extra} unexpected bytes after the IDX payload: ${need}, found ${found}.`),
    );
  }
  return E.right(header);
};

/**
 * Parses a whole unsigned-byte IDX file held in memory.
 *
 * `source` names the file in error messages. The returned `data` is a view into `bytes`, not a copy:
 * it shares memory with the argument, so neither should be written afterwards.
 *
 * @example
 * parseIdx(Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 2, 7, 9), 'labels') // Right({ dimensions: [2], data: [7, 9] })
 */
export const parseIdx = (bytes: Uint8Array, source: string): E.Either<IdxError, IdxArray> => {
  const header = parseIdxHeader(bytes, source);
  if (E.isLeft(header)) return header;
  const checked = checkPayloadLength(header.right, bytes.length, source);
  if (E.isLeft(checked)) return checked;
  const { dimensions, payloadOffset, payloadLength } = checked.right;
  return E.right({ dimensions, data: bytes.subarray(payloadOffset, payloadOffset + payloadLength) });
};

// -------------------------------------------------------------------------------------------------
// Reading files
// -------------------------------------------------------------------------------------------------

const readFailure = (path: string, cause: unknown): IdxError => {
  const missing = typeof cause === 'object' && cause !== null && 'code' in cause && cause.code === 'ENOENT';
  if (missing) return idxError('not-found', path, 'file not found.');
  const detail = cause instanceof Error ? cause.message : String(cause);
  return idxError('read-failed', path, `failed to read the file: ${detail}`);
};

/**
 * Reads and parses a whole unsigned-byte IDX file. A missing file gives an `IdxError` with reason
 * `not-found` whose message names `path`; other I/O failures give reason `read-failed`.
 */
export const readIdxFile = async (path: string): Promise<E.Either<IdxError, IdxArray>> => {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    return E.left(readFailure(path, cause));
  }
  return parseIdx(bytes, path);
};

/** Reads exactly `target.length` bytes at `position`, or returns how many it got before the end of file. */
const readFully = async (
  handle: FileHandle,
  target: Uint8Array,
  position: number,
): Promise<number> => {
  let filled = 0;
  while (filled < target.length) {
    const { bytesRead } = await handle.read(target, filled, target.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
};

/**
 * Reads only the header of an IDX file and checks it against the file's size, without reading the payload.
 * Fails like {@link readIdxFile} on a malformed header, a truncated or oversized file, or a missing file.
 */
export const readIdxHeader = async (path: string): Promise<E.Either<IdxError, IdxHeader>> => {
  try {
    const handle = await open(path, 'r');
    try {
      return await readHeaderFrom(handle, path);
    } finally {
      await handle.close();
    }
  } catch (cause) {
    return E.left(readFailure(path, cause));
  }
};

const readHeaderFrom = async (
  handle: FileHandle,
  path: string,
): Promise<E.Either<IdxError, IdxHeader>> => {
  // The fourth byte gives the number of dimensions d, and with it the header length 4 + 4d <= 1024.
  const start = new Uint8Array(4);
  const startLength = await readFully(handle, start, 0);
  const headerLength = startLength === 4 ? 4 + 4 * start[3] : startLength;
  const headerBytes = new Uint8Array(headerLength);
  const headerRead = await readFully(handle, headerBytes, 0);
  const header = parseIdxHeader(headerBytes.subarray(0, headerRead), path);
  if (E.isLeft(header)) return header;
  const { size } = await handle.stat();
  return checkPayloadLength(header.right, size, path);
};

/**
 * Reads items `offset, offset + 1, ..., offset + count - 1` along the first dimension of an IDX file
 * (images 100..199 of an image file, say), reading only their bytes and the header.
 *
 * Returns dimensions `[count, ...dimensions.slice(1)]` and a fresh buffer. `offset` and `count` must be
 * non-negative integers with `offset + count` at most the first dimension; otherwise the error has reason
 * `out-of-range` and states how many items the file has.
 */
export const readIdxItems = async (
  path: string,
  offset: number,
  count: number,
): Promise<E.Either<IdxError, IdxArray>> => {
  try {
    const handle = await open(path, 'r');
    try {
      const header = await readHeaderFrom(handle, path);
      if (E.isLeft(header)) return header;
      const { dimensions, payloadOffset } = header.right;
      const itemCount = dimensions[0];
      const validRange =
        Number.isSafeInteger(offset) && Number.isSafeInteger(count) && offset >= 0 && count >= 0;
      if (!validRange || offset + count > itemCount) {
        return E.left(
          idxError(
            'out-of-range',
            path,
            `requested ${count} items from offset ${offset}, but the file has ${itemCount} items ` +
              '(offset and count must be non-negative integers with offset + count at most the item count).',
          ),
        );
      }
      let itemLength = 1;
      for (let k = 1; k < dimensions.length; k++) itemLength *= dimensions[k];
      const data = new Uint8Array(count * itemLength);
      const position = payloadOffset + offset * itemLength;
      const got = await readFully(handle, data, position);
      if (got < data.length) {
        // Only reachable if the file shrank between the size check and this read.
        return E.left(
          idxError('truncated', path, `truncated IDX payload: expected ${data.length} bytes at ${position}, found ${got}.`),
        );
      }
      return E.right({ dimensions: [count, ...dimensions.slice(1)], data });
    } finally {
      await handle.close();
    }
  } catch (cause) {
    return E.left(readFailure(path, cause));
  }
};
