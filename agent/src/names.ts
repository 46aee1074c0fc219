/**
 * Every metric loopscope emits, declared once. The agent registers
 * instruments from these entries; the collector's conversion tests, the
 * dashboard and rule generators and the docs read the same entries, so no
 * metric name is typed twice anywhere in the repository.
 */

export type InstrumentKind = 'histogram' | 'gauge' | 'counter' | 'updowncounter';

export interface MetricDef {
  /** OpenTelemetry instrument name. */
  readonly name: string;
  /** UCUM unit as OpenTelemetry expects it (`s`, `By`, `1`, `{request}`). */
  readonly unit: string;
  readonly kind: InstrumentKind;
  readonly description: string;
  /** Attribute keys the metric carries, if any. */
  readonly attributes?: readonly string[];
}

const def = <T extends MetricDef>(d: T): T => d;

export const ATTR = {
  eventloopState: 'nodejs.eventloop.state',
  requestType: 'loopscope.request.type',
  resourceType: 'v8js.resource.type',
  gcType: 'v8js.gc.type',
  heapSpace: 'v8js.heap.space.name',
  threadName: 'loopscope.thread.name',
  blockCause: 'loopscope.block.cause',
} as const;

/**
 * What a stall's time went to (loopscope.block.cause): `code` the main
 * thread on a CPU running JavaScript (CPU minus GC), `gc` V8's GC pauses,
 * `cpu_starved` runnable but waiting for a CPU (run-queue wait, CFS
 * throttling included), `syscall` off the CPU, blocked in the kernel.
 */
export const BLOCK_CAUSES = ['code', 'gc', 'cpu_starved', 'syscall'] as const;
export type BlockCause = (typeof BLOCK_CAUSES)[number];

export const METRICS = {
  eventloopDelay: def({
    name: 'nodejs.eventloop.delay',
    unit: 's',
    kind: 'histogram',
    description:
      'Event-loop delay: per tick of the agent timer, the longest stall of the loop (time outside the kernel poll, minus time the agent itself used).',
  }),
  eventloopDelayMin: def({
    name: 'nodejs.eventloop.delay.min',
    unit: 's',
    kind: 'gauge',
    description: 'Event loop minimum delay.',
  }),
  eventloopDelayMax: def({
    name: 'nodejs.eventloop.delay.max',
    unit: 's',
    kind: 'gauge',
    description: 'Event loop maximum delay.',
  }),
  eventloopDelayMean: def({
    name: 'nodejs.eventloop.delay.mean',
    unit: 's',
    kind: 'gauge',
    description: 'Event loop mean delay.',
  }),
  eventloopDelayStddev: def({
    name: 'nodejs.eventloop.delay.stddev',
    unit: 's',
    kind: 'gauge',
    description: 'Event loop standard deviation delay.',
  }),
  eventloopDelayP50: def({
    name: 'nodejs.eventloop.delay.p50',
    unit: 's',
    kind: 'gauge',
    description: 'Event loop 50 percentile delay.',
  }),
  eventloopDelayP90: def({
    name: 'nodejs.eventloop.delay.p90',
    unit: 's',
    kind: 'gauge',
    description: 'Event loop 90 percentile delay.',
  }),
  eventloopDelayP99: def({
    name: 'nodejs.eventloop.delay.p99',
    unit: 's',
    kind: 'gauge',
    description: 'Event loop 99 percentile delay.',
  }),
  eventloopUtilization: def({
    name: 'nodejs.eventloop.utilization',
    unit: '1',
    kind: 'gauge',
    description: 'Share of wall time the event loop spent outside the kernel poll (0..1).',
  }),
  eventloopTime: def({
    name: 'nodejs.eventloop.time',
    unit: 's',
    kind: 'counter',
    description: 'Cumulative time the event loop spent active or idle.',
    attributes: [ATTR.eventloopState],
  }),
  eventloopIterations: def({
    name: 'loopscope.eventloop.iterations',
    unit: '{iteration}',
    kind: 'counter',
    description: 'Event-loop iterations (uvMetricsInfo.loopCount; Node >= 20.18 / 22.8).',
  }),
  eventloopEventsWaiting: def({
    name: 'loopscope.eventloop.events_waiting',
    unit: '{event}',
    kind: 'gauge',
    description:
      'Mean number of events already waiting when the loop reached the poll, per iteration, since the previous collection (uvMetricsInfo.eventsWaiting is cumulative).',
  }),
  eventloopBlocks: def({
    name: 'loopscope.eventloop.blocks',
    unit: '{block}',
    kind: 'counter',
    description: 'Event-loop stalls longer than the block threshold, seen by the watchdog.',
  }),
  eventloopBlockDuration: def({
    name: 'loopscope.eventloop.block.duration',
    unit: 's',
    kind: 'histogram',
    description: 'Full duration of each event-loop stall longer than the block threshold.',
  }),
  eventloopBlockTime: def({
    name: 'loopscope.eventloop.block.time',
    unit: 's',
    kind: 'counter',
    description:
      'Time of event-loop stalls longer than the block threshold, split by what it went to (code, gc, cpu_starved, syscall); every stall, captured or not.',
    attributes: [ATTR.blockCause],
  }),
  mainthreadCpuWait: def({
    name: 'loopscope.mainthread.cpu_wait.time',
    unit: 's',
    kind: 'counter',
    description:
      'Time the main thread was runnable but waiting for a CPU (run-queue wait, CFS throttling included; Linux schedstat).',
  }),
  cgroupCpuThrottledTime: def({
    name: 'loopscope.cgroup.cpu.throttled.time',
    unit: 's',
    kind: 'counter',
    description:
      "Time the process's cgroup was throttled by its CPU quota (cpu.stat throttled_usec or throttled_time; Linux, when a quota is set).",
  }),
  cgroupCpuThrottledPeriods: def({
    name: 'loopscope.cgroup.cpu.throttled.periods',
    unit: '{period}',
    kind: 'counter',
    description:
      "CFS periods in which the process's cgroup was throttled (cpu.stat nr_throttled; Linux, when a quota is set).",
  }),
  cgroupCpuPeriods: def({
    name: 'loopscope.cgroup.cpu.periods',
    unit: '{period}',
    kind: 'counter',
    description:
      "CFS periods in which the process's cgroup ran (cpu.stat nr_periods; Linux, when a quota is set).",
  }),
  cgroupCpuLimit: def({
    name: 'loopscope.cgroup.cpu.limit',
    unit: '{cpu}',
    kind: 'gauge',
    description: "CPU limit of the process's cgroup: quota / period (Linux, when a quota is set).",
  }),
  threadpoolSize: def({
    name: 'loopscope.threadpool.size',
    unit: '{thread}',
    kind: 'gauge',
    description: 'libuv thread-pool size (UV_THREADPOOL_SIZE or 4).',
  }),
  threadpoolQueueDelay: def({
    name: 'loopscope.threadpool.queue_delay',
    unit: 's',
    kind: 'histogram',
    description:
      'Round trip of a tiny crypto probe task through the libuv thread pool: queue wait plus loop delay.',
  }),
  threadpoolWait: def({
    name: 'loopscope.threadpool.wait',
    unit: 's',
    kind: 'histogram',
    description:
      "Thread-pool wait of the probe task: its round trip minus the loop's active time during the flight (near zero with an idle pool, whatever the loop does).",
  }),
  threadsCpuTime: def({
    name: 'loopscope.threads.cpu.time',
    unit: 's',
    kind: 'counter',
    description:
      'CPU time of the threads other than the main thread (/proc/self/task), by thread name (libuv-worker, node-V8Worker, ...; Node < 26 names them all node). Linux only.',
    attributes: [ATTR.threadName],
  }),
  threadpoolPending: def({
    name: 'loopscope.threadpool.pending',
    unit: '{request}',
    kind: 'gauge',
    description:
      'In-flight thread-pool requests visible in process.getActiveResourcesInfo(), by type.',
    attributes: [ATTR.requestType],
  }),
  resourceActive: def({
    name: 'v8js.resource.active',
    unit: '{resource}',
    kind: 'gauge',
    description: 'Active handles and requests keeping the event loop alive, by type.',
    attributes: [ATTR.resourceType],
  }),
  gcDuration: def({
    name: 'v8js.gc.duration',
    unit: 's',
    kind: 'histogram',
    description: 'Garbage-collection pause durations, every entry counted.',
    attributes: [ATTR.gcType],
  }),
  heapUsed: def({
    name: 'v8js.memory.heap.used',
    unit: 'By',
    kind: 'gauge',
    description: 'V8 heap memory used.',
  }),
  heapLimit: def({
    name: 'v8js.memory.heap.limit',
    unit: 'By',
    kind: 'gauge',
    description: 'V8 heap size limit.',
  }),
  heapSpaceSize: def({
    name: 'v8js.memory.heap.space.size',
    unit: 'By',
    kind: 'gauge',
    description: 'V8 heap space size, by space.',
    attributes: [ATTR.heapSpace],
  }),
  heapSpaceUsed: def({
    name: 'v8js.memory.heap.space.used',
    unit: 'By',
    kind: 'gauge',
    description: 'V8 heap space used, by space.',
    attributes: [ATTR.heapSpace],
  }),
} as const satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;

/** Histogram bucket boundaries (seconds) for loop and pool delays: 0.5 ms .. 10 s, ~1.5x steps, fine enough for p99 by interpolation. */
export const DELAY_BUCKETS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1,
  0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10,
];

/** GC pauses are shorter: 0.1 ms .. 1 s. */
export const GC_BUCKETS_SECONDS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];

/** OTel instrumentation scope all agent metrics are reported under. */
export const SCOPE_NAME = '@loopscope/agent';

/**
 * One stack frame of a captured stall, as the agent sends it in
 * BLOCK_EVENT.attributes.frames and the collector stores and serves it.
 */
export interface BlockFrame {
  readonly function: string;
  /** Path for CommonJS, file: URL for ES modules, `node:...` for Node's own code (source-mapped when it could). */
  readonly file: string;
  /** 1-based; 0 when unknown (native code). */
  readonly line: number;
  /** 1-based; 0 when unknown. */
  readonly column: number;
}

/**
 * A stall's anatomy as a block event carries it (BLOCK_EVENT's cpuMs ...
 * cause attributes), ms: computed by the agent (watchdog/anatomy.ts), read
 * and served by the collector.
 */
export interface BlockAnatomy {
  readonly cpuMs: number;
  readonly gcMs: number;
  readonly cpuWaitMs: number;
  readonly throttledMs: number;
  readonly offCpuMs: number;
  readonly cause: BlockCause;
}

/**
 * The OpenTelemetry log record (an event) the blocked-loop watchdog sends for
 * each stall whose stack it captured; the collector reads the same keys.
 */
export const BLOCK_EVENT = {
  name: 'loopscope.eventloop.block',
  attributes: {
    /** Full duration of the stall, ms (double). */
    durationMs: 'loopscope.block.duration_ms',
    /** The threshold the stall exceeded, ms. */
    thresholdMs: 'loopscope.block.threshold_ms',
    /** How long taking the stack stopped the main thread, ms (the inspector's own dispatch, ~0.1-0.3 ms, is in the delay). */
    pauseMs: 'loopscope.block.capture_pause_ms',
    /** From the watchdog's request to the capture running, ms: long when the thread was in native code (the stack then shows where JavaScript resumed). */
    delayMs: 'loopscope.block.capture_delay_ms',
    /** Hex digest of the culprit's frames (watchdog/frames.ts): equal for the same blocking code everywhere. */
    fingerprint: 'loopscope.block.fingerprint',
    /** The stall's name: innermost frame with a place in the app or a named package, the innermost frame beside it. */
    label: 'loopscope.block.label',
    /** Array of {function, file, line, column} maps, innermost first (source-mapped when possible). */
    frames: 'loopscope.block.frames',
    /** The stack as V8 prints it (OpenTelemetry semantic convention). */
    stacktrace: 'code.stacktrace',
    /** The innermost frame with a source location, as OpenTelemetry's code.* attributes. */
    function: 'code.function.name',
    file: 'code.file.path',
    line: 'code.line.number',
    column: 'code.column.number',
    /** Stall anatomy, ms (see agent/README.md "Stall anatomy"): cpu + cpu_wait + off_cpu = duration. */
    cpuMs: 'loopscope.block.cpu_ms',
    /** GC pauses inside the stall (part of cpu_ms). */
    gcMs: 'loopscope.block.gc_ms',
    /** Runnable, waiting for a CPU. */
    cpuWaitMs: 'loopscope.block.cpu_wait_ms',
    /** The part of cpu_wait_ms the cgroup's CPU quota explains. */
    throttledMs: 'loopscope.block.throttled_ms',
    /** Off the CPU: blocked in the kernel (sync I/O, child processes, Atomics.wait, page faults). */
    offCpuMs: 'loopscope.block.off_cpu_ms',
    /** The dominant of BLOCK_CAUSES. */
    cause: 'loopscope.block.cause',
    /** HTTP requests in flight (started, not finished) while the loop was stalled. */
    requestsInFlight: 'loopscope.block.requests_in_flight',
    /** Name of the OpenTelemetry span active in the blocked code. */
    spanName: 'loopscope.block.span_name',
    /** Route of the request being served (semantic convention). */
    route: 'http.route',
    /** Method of the request being served (semantic convention). */
    method: 'http.request.method',
    /** Path of the request being served, without the query string (semantic convention). */
    path: 'url.path',
  },
} as const;

/**
 * The OpenTelemetry log record (an event) the watchdog sends when the loop
 * stayed busy (utilization above LOOPSCOPE_HOT_LOOP_UTILIZATION for
 * LOOPSCOPE_HOT_LOOP_SECONDS) without one stall long enough to be a block:
 * the hottest of a few stacks sampled while it was busy. Frames, fingerprint
 * and label are built as for BLOCK_EVENT, so one culprit is one fingerprint
 * in both.
 */
export const BUSY_EVENT = {
  name: 'loopscope.eventloop.busy',
  attributes: {
    /** How long the loop had been busy when the event was sent, ms. */
    durationMs: 'loopscope.busy.duration_ms',
    /** Event-loop utilization over that time (0-1, the agent's own work left out). */
    utilization: 'loopscope.busy.utilization',
    /** The utilization threshold it stayed above. */
    thresholdUtilization: 'loopscope.busy.threshold_utilization',
    /** Stacks sampled while busy that had JavaScript on them. */
    samples: 'loopscope.busy.samples',
    /** Of those, how many had the hottest stack's fingerprint. */
    hottestSamples: 'loopscope.busy.hottest_samples',
    /** Up to 3 `{fingerprint, label, samples}` maps, hottest first. */
    hottest: 'loopscope.busy.hottest',
    /** The hottest stack's fingerprint (watchdog/frames.ts, as BLOCK_EVENT's). */
    fingerprint: 'loopscope.busy.fingerprint',
    /** The hottest stack's label (as BLOCK_EVENT's). */
    label: 'loopscope.busy.label',
    /** The application's frame that called into the package the label names: `verifyPassword (src/auth.js:12)`. */
    caller: 'loopscope.busy.caller',
    /** The hottest stack: {function, file, line, column} maps, innermost first (BlockFrame). */
    frames: 'loopscope.busy.frames',
    stacktrace: BLOCK_EVENT.attributes.stacktrace,
    function: BLOCK_EVENT.attributes.function,
    file: BLOCK_EVENT.attributes.file,
    line: BLOCK_EVENT.attributes.line,
    column: BLOCK_EVENT.attributes.column,
  },
} as const;
