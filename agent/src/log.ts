/**
 * The agent's own messages. They go to stderr with a `[loopscope]` prefix and
 * never throw: a closed or broken stderr must not take the host app down.
 * Repeated problems (a sampler failing every tick) are logged once per key so
 * a persistent fault cannot flood the app's logs.
 */

import { redactKnown } from './redact.js';

const PREFIX = '[loopscope]';
const seen = new Set<string>();

function write(level: 'info' | 'warn' | 'error', message: string): void {
  try {
    // Every message, whatever built it: a URL or header value may carry a secret.
    process.stderr.write(`${PREFIX} ${level}: ${redactKnown(message)}\n`);
  } catch {
    // Nowhere left to report to; staying silent is the only safe choice.
  }
}

export const log = {
  info: (message: string): void => write('info', message),
  warn: (message: string): void => write('warn', message),
  error: (message: string): void => write('error', message),
  /** Logs `message` only the first time `key` is seen in this process. */
  once(key: string, level: 'info' | 'warn' | 'error', message: string): void {
    if (seen.has(key)) return;
    seen.add(key);
    write(level, message);
  },
};

/** A short, single-line description of anything thrown. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
