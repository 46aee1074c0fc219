/**
 * The capture function: the watchdog thread has the main thread run it,
 * through the inspector, while the loop is blocked. V8 runs it from an
 * interrupt inside the blocking code, on top of that code's stack, so it must
 * be quick, never throw and run no code of the app: it reads V8's call sites
 * with a private Error.prepareStackTrace (restored before returning) instead
 * of formatting `stack`, which would run the app's or Node's source-map
 * formatting inside the pause. Source maps are applied after the stall.
 */

import type { BlockFrame } from '../names.js';

/** The wire type of a frame, declared once in names.ts. */
export type Frame = BlockFrame;

export const MAX_FRAMES = 32;

function toFrame(site: NodeJS.CallSite): Frame {
  return {
    function: site.getFunctionName() ?? site.getMethodName() ?? '<anonymous>',
    file: site.getFileName() ?? '',
    line: site.getLineNumber() ?? 0,
    column: site.getColumnNumber() ?? 0,
  };
}

/** The JavaScript stack below `below` (excluded with everything above it). */
export function stackBelow(below: () => void): Frame[] {
  // Restored exactly as found, even when it was not set at all.
  const prepare = Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace');
  const limit = Error.stackTraceLimit;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    // One more than kept: the first site is the inspector's expression that called `below`.
    Error.stackTraceLimit = MAX_FRAMES + 1;
    Error.prepareStackTrace = (_error, sites) => sites;
    Error.captureStackTrace(holder, below);
    const sites = holder.stack ?? [];
    return sites
      .filter((site, i) => i > 0 || site.getFileName())
      .slice(0, MAX_FRAMES)
      .map(toFrame);
  } finally {
    if (prepare) Object.defineProperty(Error, 'prepareStackTrace', prepare);
    else Reflect.deleteProperty(Error, 'prepareStackTrace');
    Error.stackTraceLimit = limit;
  }
}

/**
 * Installs `fn` as the capture function under `Symbol.for(key)` on
 * globalThis, where the watchdog's inspector expression finds it. Returns
 * the uninstaller.
 */
export function installCaptureFunction(key: string, fn: () => void): () => void {
  const symbol = Symbol.for(key);
  Object.defineProperty(globalThis, symbol, {
    value: fn,
    configurable: true,
    enumerable: false,
    writable: false,
  });
  return () => {
    if ((globalThis as Record<symbol, unknown>)[symbol] === fn) {
      delete (globalThis as Record<symbol, unknown>)[symbol];
    }
  };
}
