/**
 * What happens to a captured stack once the stall is over (on the main
 * thread, outside the pause): source maps, a stable fingerprint, and the
 * V8-style text other log backends display.
 */
import { createHash } from 'node:crypto';
import { findSourceMap } from 'node:module';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame } from './capture.js';

/** Frames the fingerprint covers, counted from the top, Node's own frames left out. */
export const FINGERPRINT_FRAMES = 5;

/**
 * The frame's original location when the app runs with `--enable-source-maps`
 * (Node keeps the maps it loaded; `findSourceMap` finds nothing otherwise).
 */
export function sourceMapped(frame: Frame): Frame {
  if (!frame.file || frame.file.startsWith('node:')) return frame;
  try {
    const entry = findSourceMap(frame.file)?.findEntry(frame.line - 1, frame.column - 1);
    if (!entry || !('originalSource' in entry)) return frame;
    return {
      function: frame.function,
      file: entry.originalSource,
      line: entry.originalLine + 1,
      column: entry.originalColumn + 1,
    };
  } catch {
    return frame;
  }
}

/** The file as a path relative to the working directory when it lies inside it. */
function stablePath(file: string, cwd: string): string {
  let path = file;
  if (path.startsWith('file:')) {
    try {
      path = fileURLToPath(path);
    } catch {
      return file;
    }
  }
  if (!isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  return rel.startsWith('..') ? path : rel;
}

/**
 * Hex digest of the top application frames (function, file, line), so the
 * same blocking code has the same fingerprint on every instance and restart:
 * Node's own frames (which change between Node versions) and columns are left
 * out, and files inside the working directory are taken relative to it.
 */
export function fingerprint(frames: readonly Frame[], cwd = process.cwd()): string {
  const top = frames
    .filter((f) => f.file !== '' && !f.file.startsWith('node:'))
    .slice(0, FINGERPRINT_FRAMES)
    .map((f) => `${f.function}@${stablePath(f.file, cwd)}:${f.line}`);
  const key = top.length > 0 ? top.join('\n') : frames.map((f) => f.function).join('\n');
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** The stack as V8 prints it ("    at fn (file:line:column)"), for `code.stacktrace`. */
export function stackText(frames: readonly Frame[]): string {
  return frames
    .map((f) => `    at ${f.function} (${f.file ? `${f.file}:${f.line}:${f.column}` : 'native'})`)
    .join('\n');
}
