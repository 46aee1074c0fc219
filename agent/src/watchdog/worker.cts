/**
 * The watchdog thread. CommonJS on purpose: on Node 20 an ESM worker did not
 * start evaluating while the main thread was blocked, which is exactly when
 * this thread has work to do.
 *
 * It sleeps in Atomics.wait until the main thread's heartbeat is overdue by
 * threshold + heartbeat period (the loop has then been stalled for at least
 * the threshold), and then, at most N times a minute, connects an inspector
 * session to the main thread and evaluates the capture function there. V8
 * runs it from an interrupt inside the blocking JavaScript, on top of the
 * blocking stack; no microtask or timer of the app runs in between. The
 * session is closed right after: while one is connected, every console.log
 * of the app also goes through V8's console (3x slower, measured).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS file, see above
import inspector = require('node:inspector');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS file, see above
import threads = require('node:worker_threads');
import type { NoStacksMessage, WatchdogWorkerData } from './shared-memory.js';

const data = threads.workerData as WatchdogWorkerData;
const port = threads.parentPort;
const i32 = new Int32Array(data.shared);
const i64 = new BigInt64Array(data.shared);
const beat32 = new Int32Array(data.heartbeat);
const beat64 = new BigInt64Array(data.heartbeat);
const { seq: SEQ, beatNs: BEAT_NS } = data.beat;
const { stop: STOP, capturing: CAPTURING, skipped: SKIPPED, hotSamples: HOT } = data.i32;
const overdueNs = BigInt(Math.round((data.thresholdMs + data.heartbeatMs) * 1e6));
const expression = `globalThis[Symbol.for(${JSON.stringify(data.captureKey)})]?.()`;
/** The same call, asking for a busy-loop sample rather than a stall's stack. */
const sampleExpression = `globalThis[Symbol.for(${JSON.stringify(data.captureKey)})]?.(true)`;
const MINUTE_MS = 60_000;
/** Times (ms) of the captures of the last minute, oldest first. */
const recent: number[] = [];
/** The heartbeat a stall was last seen after: one capture attempt per stall. */
let handledSeq = -1;
/** When the next busy-loop sample is due (ms), 0 when none is wanted. */
let nextSampleAt = 0;

const nowMs = (): number => Number(process.hrtime.bigint() / 1_000_000n);

function underLimit(): boolean {
  const now = nowMs();
  while (recent.length > 0 && now - recent[0]! >= MINUTE_MS) recent.shift();
  return recent.length < data.maxCapturesPerMinute;
}

function stopTakingStacks(reason: string): void {
  const message: NoStacksMessage = { type: 'no-stacks', reason };
  port?.postMessage(message);
  port?.close();
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A gap of 0.5x-1.5x the interval: samples at a fixed period could keep landing on one phase of a periodic workload. */
const sampleGap = (): number => data.sampleIntervalMs * (0.5 + Math.random());

/** Ms until the next busy-loop sample is due (<= 0: now), or Infinity when none is wanted. */
function sampleDueIn(): number {
  if (Atomics.load(i32, HOT) <= 0) {
    nextSampleAt = 0;
    return Infinity;
  }
  const now = nowMs();
  if (nextSampleAt === 0) nextSampleAt = now + sampleGap();
  return nextSampleAt - now;
}

/** Sleeps until the heartbeat is overdue; returns when a capture has started or the thread should end. */
function watch(): void {
  for (;;) {
    if (Atomics.load(i32, STOP) === 1) {
      port?.close();
      return;
    }
    const seq = Atomics.load(beat32, SEQ);
    const due = sampleDueIn();
    if (due <= 0) {
      Atomics.sub(i32, HOT, 1);
      nextSampleAt = nowMs() + sampleGap();
      capture(sampleExpression);
      return;
    }
    // Armed from the first heartbeat on: before it, the loop has not started (the app is still loading).
    if (seq === 0 || seq === handledSeq) {
      Atomics.wait(beat32, SEQ, seq, Math.max(1, Math.min(data.heartbeatMs, due)));
      continue;
    }
    const age = process.hrtime.bigint() - Atomics.load(beat64, BEAT_NS);
    if (age < overdueNs) {
      Atomics.wait(beat32, SEQ, seq, Math.max(1, Math.min(Number(overdueNs - age) / 1e6, due)));
      continue;
    }
    handledSeq = seq;
    if (!underLimit()) {
      Atomics.add(i32, SKIPPED, 1);
      continue;
    }
    recent.push(nowMs());
    capture(expression);
    return;
  }
}

function capture(what: string): void {
  // Raised before `stop` is read: the main thread at exit sets `stop` and then waits
  // while `capturing` is up, so either it waits for this session or none connects.
  Atomics.store(i32, CAPTURING, 1);
  if (Atomics.load(i32, STOP) === 1) {
    Atomics.store(i32, CAPTURING, 0);
    Atomics.notify(i32, CAPTURING);
    port?.close();
    return;
  }
  let session: inspector.Session;
  try {
    session = new inspector.Session();
    session.connectToMainThread();
  } catch (err) {
    Atomics.store(i32, CAPTURING, 0);
    stopTakingStacks(`the inspector cannot connect to the main thread (${describe(err)})`);
    return;
  }
  // The connection is made on the main thread together with the evaluation, in one interrupt.
  Atomics.store(i64, data.i64.requestNs, process.hrtime.bigint());
  session.post(
    'Runtime.evaluate',
    { expression: what, silent: true, returnByValue: true },
    (err) => {
      session.disconnect();
      Atomics.store(i32, CAPTURING, 0);
      Atomics.notify(i32, CAPTURING);
      if (err) {
        stopTakingStacks(`the inspector refused to run the capture (${describe(err)})`);
        return;
      }
      setImmediate(watch);
    },
  );
}

// An inspector request alone does not keep this thread alive while it waits for the reply.
port?.on('message', () => {});
// A first capture right away, outside any stall (the main thread discards it): the first one
// compiles the inspector's and our code paths, and costs the main thread ~5 ms more than later ones.
capture(expression);
