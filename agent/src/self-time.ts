/**
 * Loop time the agent itself spends, so the event-loop delay sampler reports
 * the application's stalls, not ours: ticks of the shared timer, probe and GC
 * callbacks (usually ~0.05 ms, a few ms when V8 compiles them or collects
 * garbage they made), and collections with their export (a warm collection
 * plus protobuf export is ~1-2 ms of loop time; the first ones, while the
 * exporter code compiles and protobufjs builds its types, ~25-75 ms).
 *
 * A collection is one macrotask: our observable callbacks, the SDK's
 * aggregation in microtasks, the exporter's serialisation and the request,
 * whose socket writes run in process.nextTick callbacks; the response
 * likewise, from Node's "response headers parsed" to the SDK's result
 * callback. markSelfTime() opens a span that stays open through a chain of
 * hops alternating microtasks and process.nextTick and closes at its
 * end. Node runs all queued nextTicks before any microtask, and a microtask
 * hop runs after the microtasks queued before it, so each hop lets one more
 * generation of the SDK's await chain run inside the span. It never leaves
 * the macrotask, so nothing of
 * the application's (timers, I/O callbacks) can run inside a span.
 */
import { performance } from 'node:perf_hooks';

/**
 * Hops a span stays open after its last mark. Measured: the SDK reaches the
 * export 2 hops after our last observable callback; the request's writes
 * follow within a few more.
 */
const HOPS = 8;

let closed = 0;
let spanStart: number | undefined;
let remaining = 0;

const resolved = Promise.resolve();

function step(): void {
  if (--remaining > 0) {
    // A promise reaction, not queueMicrotask(): that one wraps each call in an AsyncResource.
    if (remaining % 2 === 0) process.nextTick(step);
    else void resolved.then(step);
    return;
  }
  closed += performance.now() - spanStart!;
  spanStart = undefined;
}

/** Agent work that began at `from` and continues through this macrotask's ticks and microtasks. */
export function markSelfTime(from: number): void {
  if (spanStart === undefined) {
    spanStart = from;
    process.nextTick(step);
  }
  remaining = HOPS;
}

/** A synchronous piece of agent work that took `ms`. */
export function addSelfTime(ms: number): void {
  closed += ms;
}

/** Runs `fn`, counting its time as the agent's. */
export function asSelfTime<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    const start = performance.now();
    try {
      fn(...args);
    } finally {
      addSelfTime(performance.now() - start);
    }
  };
}

/** Total agent work so far, ms (an open span counts up to now). */
export function selfTimeMs(): number {
  return closed + (spanStart === undefined ? 0 : performance.now() - spanStart);
}
