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

/** Who a frame's code belongs to. */
export type Owner =
  | { readonly kind: 'native' }
  | { readonly kind: 'node'; readonly module: string }
  | { readonly kind: 'package'; readonly name: string; readonly module: string }
  | { readonly kind: 'app'; readonly module: string };

const NODE_MODULES = '/node_modules/';

export function ownerOf(frame: Frame, cwd = process.cwd()): Owner {
  if (frame.file === '') return { kind: 'native' };
  if (frame.file.startsWith('node:')) return { kind: 'node', module: frame.file };
  const path = stablePath(frame.file, cwd).split('\\').join('/');
  // A leading slash so `node_modules/x` relative to the working directory is found too.
  const full = path.startsWith('/') ? path : `/${path}`;
  const at = full.lastIndexOf(NODE_MODULES);
  if (at < 0) return { kind: 'app', module: path };
  const inside = full.slice(at + NODE_MODULES.length);
  const parts = inside.split('/');
  const size = parts[0]?.startsWith('@') ? 2 : 1;
  return {
    kind: 'package',
    name: parts.slice(0, size).join('/'),
    module: parts.slice(size).join('/'),
  };
}

/** Where a frame is, as a label shows it: `bcryptjs/dist/bcrypt.js:1217`, `src/app.js:12`, `native`. */
function place(frame: Frame, owner: Owner): string {
  switch (owner.kind) {
    case 'native':
      return 'native';
    case 'node':
      return owner.module;
    case 'package':
      return `${owner.name}/${owner.module}:${frame.line}`;
    case 'app':
      return `${owner.module}:${frame.line}`;
  }
}

/**
 * A frame in a fingerprint: function and module for built-in and dependency
 * code (their line numbers change with versions and with where in a loop
 * the capture landed), function, file and line for the application's own.
 */
function key(frame: Frame, owner: Owner): string {
  switch (owner.kind) {
    case 'native':
      return `${frame.function} (native)`;
    case 'node':
      return `${frame.function}@${owner.module}`;
    case 'package':
      return `${frame.function}@${owner.name}/${owner.module}`;
    case 'app':
      return `${frame.function}@${owner.module}:${frame.line}`;
  }
}

const located = (o: Owner): boolean => o.kind === 'app' || o.kind === 'package';

/**
 * Hex digest of the frames that name the culprit, so one blocking code is one
 * fingerprint on every instance, restart, Node version and entry point:
 * - when no frame has a place, the innermost frame (native or Node's own
 *   code), by function and module;
 * - the place: the innermost frame in the application (function, file
 *   relative to the working directory, line) or else in a named package (the
 *   package's name: which of its functions the capture landed in, and on
 *   which line, is chance: bcryptjs's `_key` and `_encipher`, lines 1217 and
 *   1218 of one loop);
 * - for a package, the application's frame that called into it (function,
 *   file, line), so two call sites stay two rows.
 * Frames further out (async entry points, Node's own frames) are left out.
 */
export function fingerprint(frames: readonly Frame[], cwd = process.cwd()): string {
  const owners = frames.map((f) => ownerOf(f, cwd));
  const parts: string[] = [];
  const top = frames[0];
  const topOwner = owners[0];
  const at = owners.findIndex(located);
  // Native and Node code on top of a place is where the capture landed inside the
  // culprit's work (`replace`, `push`, timers); it counts only when nothing has a place.
  if (top && topOwner && at < 0) parts.push(key(top, topOwner));
  const placeOwner = owners[at];
  if (placeOwner?.kind === 'app') parts.push(key(frames[at] as Frame, placeOwner));
  if (placeOwner?.kind === 'package') {
    parts.push(`package ${placeOwner.name}`);
    const app = owners.findIndex((o, i) => i > at && o.kind === 'app');
    if (app > 0) parts.push(key(frames[app] as Frame, owners[app] as Owner));
  }
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16);
}

/**
 * The frame a stack is placed at: the innermost one with a source location in
 * the application or a named package (Node's and V8's frames on top of it,
 * such as the `performance` getter, are where a sample landed inside it).
 */
export function placeFrame(frames: readonly Frame[], cwd = process.cwd()): Frame | undefined {
  return frames.find((f) => located(ownerOf(f, cwd)));
}

/**
 * A stall's name in a list: the innermost frame with a source location in
 * the application or a named package, with the innermost frame beside it
 * when that is another one: `stringify (native) ← lowdb/lib/_stringify.js:5`,
 * `_key (bcryptjs/dist/bcrypt.js:1217)`.
 */
export function label(frames: readonly Frame[], cwd = process.cwd()): string {
  const top = frames[0];
  if (!top) return '';
  const owners = frames.map((f) => ownerOf(f, cwd));
  const at = owners.findIndex(located);
  const placeFrame = frames[at];
  const placeOwner = owners[at];
  const inner = `${top.function} (${place(top, owners[0] as Owner)})`;
  if (!placeFrame || !placeOwner) return inner;
  const where = `${placeFrame.function} (${place(placeFrame, placeOwner)})`;
  return at === 0 ? where : `${inner} ← ${where}`;
}

/** The stack as V8 prints it ("    at fn (file:line:column)"), for `code.stacktrace`. */
export function stackText(frames: readonly Frame[]): string {
  return frames
    .map((f) => `    at ${f.function} (${f.file ? `${f.file}:${f.line}:${f.column}` : 'native'})`)
    .join('\n');
}
