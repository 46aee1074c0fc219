/**
 * Flush on SIGTERM and SIGINT without changing how the app exits: with the
 * agent loaded, every app exits on every signal exactly as it does without
 * it (same code or signal), at most the flush bound later.
 *
 * A listener on a signal replaces Node's default (exit), and libraries read
 * the listener list to decide: `signal-exit` (v3 and v4, used by lockfile,
 * proper-lockfile, write-file-atomic, execa, ...) re-raises the signal only
 * when its own listeners are the only ones. So our listener is prepended
 * (it runs first) and removes itself before anything else runs: every other
 * listener then sees the process as it is without the agent.
 * - Nobody else listens: the process would die by the signal. We send the
 *   last export (bounded by `shutdownFlushMs`) and re-raise the signal; a
 *   second signal meanwhile finds no listener and kills at once.
 * - The app listens: the app decides. We flush, and if a listener re-raises
 *   the signal on the process synchronously (what signal-exit does), that
 *   one `process.kill` is held until the flush settles (bounded), so the
 *   export gets out and the process still dies by that signal. Nothing else
 *   is held back: an app that calls process.exit() synchronously exits
 *   before the flush, as it would without us. An app that stays alive gets
 *   our listener back for the next signal.
 */
import { constants } from 'node:os';
import { reportFailure } from './errors.js';
import { settleWithin } from './timeout.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface SignalFlush {
  /** Exports what is pending; the app keeps running. */
  flush(): Promise<void>;
  /** Final export before the process dies. */
  shutdown(): Promise<void>;
  /** Longest wait for either on a signal (`shutdownFlushMs`). */
  timeoutMs: number;
}

type Kill = typeof process.kill;

/** `process.kill`'s signal argument as a name ('SIGTERM', 15 and undefined = SIGTERM). */
function signalName(sig: string | number | undefined): string | undefined {
  if (sig === undefined) return 'SIGTERM';
  if (typeof sig === 'string') return sig;
  return Object.entries(constants.signals).find(([, n]) => n === sig)?.[0];
}

export function flushOnSignals(target: SignalFlush): () => void {
  let active = true;
  let dying = false;

  const install = (): void => {
    for (const signal of SIGNALS) {
      if (!process.listeners(signal).includes(handler)) process.prependListener(signal, handler);
    }
  };
  const uninstall = (): void => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };

  const raise = (kill: Kill, pid: number, signal: string | number): void => {
    try {
      kill.call(process, pid, signal);
    } catch (err) {
      reportFailure('LOOPSCOPE_AGENT_SIGNAL_FAILED', err, `could not re-raise ${String(signal)}: `);
    }
  };

  /** Holds the app's own re-raise of `signal` until `flushing` settles (bounded), for the rest of this emit. */
  const holdReraise = (signal: NodeJS.Signals, flushing: Promise<unknown>): void => {
    // Kept as is (not bound) to be put back exactly; always called with `process` as `this`.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const realKill = process.kill;
    const held: Kill = function kill(this: unknown, pid: number, sig?: string | number) {
      if (pid === process.pid && signalName(sig) === signal && !dying) {
        dying = true;
        // Ref'd: the app has let go of the process; it must live until the re-raise.
        void settleWithin(flushing, target.timeoutMs, true).then(() =>
          raise(realKill, pid, sig ?? signal),
        );
        return true;
      }
      return realKill.call(process, pid, sig);
    };
    process.kill = held;
    // Listeners run synchronously in one emit; ours ran first, so this runs after all of them.
    queueMicrotask(() => {
      if (process.kill === held) process.kill = realKill;
      if (!dying && active) install();
    });
  };

  function handler(signal: NodeJS.Signals): void {
    uninstall();
    if (process.listenerCount(signal) === 0) {
      dying = true;
      void settleWithin(target.shutdown(), target.timeoutMs, true).then(() =>
        raise(process.kill.bind(process), process.pid, signal),
      );
      return;
    }
    // No timer of ours holds the process here: one that ends its own way may end before the flush.
    holdReraise(
      signal,
      target.flush().catch(() => {}),
    );
  }

  install();
  return () => {
    active = false;
    uninstall();
  };
}
