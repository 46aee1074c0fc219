/**
 * Flush on SIGTERM and SIGINT without changing how the app exits.
 *
 * A listener on a signal replaces Node's default (exit), so:
 * - if the app has its own listener, the app decides: we only flush and the
 *   process goes on as the app wants;
 * - if it has none, we shut the exporter down (last export, bounded by the
 *   export timeout), remove our listener and re-raise the signal, so the
 *   process dies by that signal exactly as it would have without us. A
 *   second signal during the flush re-raises at once.
 * An app listener that calls process.exit() synchronously exits before the
 * flush can be sent; nothing in-process can prevent that.
 */
import { describeError, log } from './log.js';
import { settleWithin } from './timeout.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface SignalFlush {
  /** Exports what is pending; the app keeps running. */
  flush(): Promise<void>;
  /** Final export before the process dies. */
  shutdown(): Promise<void>;
  timeoutMs: number;
}

export function flushOnSignals(target: SignalFlush): () => void {
  let exiting = false;

  const uninstall = (): void => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };

  const reraise = (signal: NodeJS.Signals): void => {
    uninstall();
    try {
      process.kill(process.pid, signal);
    } catch (err) {
      log.error(`could not re-raise ${signal}: ${describeError(err)}`);
    }
  };

  function handler(signal: NodeJS.Signals): void {
    const appListens = process.listeners(signal).some((l) => l !== handler);
    if (appListens) {
      void settleWithin(target.flush(), target.timeoutMs);
      return;
    }
    if (exiting) {
      reraise(signal);
      return;
    }
    exiting = true;
    void settleWithin(target.shutdown(), target.timeoutMs, true).then(() => reraise(signal));
  }

  for (const signal of SIGNALS) process.on(signal, handler);
  return uninstall;
}
