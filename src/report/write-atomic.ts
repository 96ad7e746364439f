/**
 * Atomic file writes for reports: a reader sees either the old file or the complete new one, never a
 * partly written file, even if the process dies during the write.
 *
 * The contents go to a temporary file in the target's directory, which is flushed to disk and then
 * renamed over the target. POSIX rename(2) replaces the target atomically within one file system.
 * NOTE: tested on Linux only. Atomic replacement is a POSIX guarantee, not checked on other systems.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Returns a fresh name next to `path`: `${path}.${pid}.${12 hex digits}.tmp`. */
const temporaryPath = (path: string): string => `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;

/**
 * Writes `contents` (UTF-8 for a string) to `path` atomically, creating missing parent directories.
 *
 * On failure the temporary file is removed and the promise rejects with an `Error` whose message names
 * `path` and whose `cause` is the original error.
 *
 * NOTE: the directory itself is not flushed after the rename, so after a power loss the target may still
 * contain the old contents. It never contains partial contents.
 */
export const writeFileAtomic = async (path: string, contents: string | Uint8Array): Promise<void> => {
  const temporary = temporaryPath(path);
  try {
    await mkdir(dirname(path), { recursive: true });
    // 'wx' fails rather than writing into a file that already exists under the temporary name.
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(contents);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (cause) {
    // The temporary file or its folder may not exist (ENOTDIR when a parent is a file). The original
    // failure is the one to report, so a failed clean-up is ignored.
    await rm(temporary, { force: true }).catch(() => undefined);
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`writeFileAtomic: failed to write ${path}: ${detail}`, { cause });
  }
};

/** Converts typed arrays (a Float64Array of losses, say) to plain arrays, which JSON would write as objects. */
const typedArraysAsArrays = (_key: string, value: unknown): unknown =>
  ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as unknown as ArrayLike<number>) : value;

/**
 * Writes `value` as JSON with 2-space indentation and a trailing newline, atomically (see
 * {@link writeFileAtomic}). Typed arrays are written as arrays of numbers.
 *
 * As in `JSON.stringify`, NaN and infinities become `null`. Rejects a value that JSON cannot represent
 * at the top level (`undefined`, a function) with a `TypeError`, and a circular value with the error
 * `JSON.stringify` raises.
 */
export const writeJsonAtomic = async (path: string, value: unknown): Promise<void> => {
  const text = JSON.stringify(value, typedArraysAsArrays, 2) as string | undefined;
  if (text === undefined) {
    throw new TypeError(`writeJsonAtomic: cannot write ${path}: the value (${typeof value}) has no JSON representation.`);
  }
  await writeFileAtomic(path, `${text}\n`);
};
