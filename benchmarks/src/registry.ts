/** Every benchmark the CLI runs, in order. */
import { cpuAndMemory, memoryOnly } from './cpu/index.js';
import type { Report } from './report.js';
import { collectionCosts } from './samplers/index.js';
import { underLoad } from './load/index.js';
import { collectorIngest } from './collector/index.js';
import { accuracy } from './accuracy/index.js';
import { gatewayBench } from './collector/gateway.js';
import { hostileBench } from './collector/hostile.js';

export interface Settings {
  readonly quick: boolean;
  readonly rounds?: number;
  /** Node major lines (accuracy); default: every supported line. */
  readonly lines?: readonly string[];
}

export interface Benchmark {
  readonly about: string;
  run(settings: Settings): Promise<Report[]>;
}

export const BENCHMARKS = {
  cpu: {
    about:
      'idle CPU per second and memory: loopscope vs prom-client vs OTel runtime (also reports memory)',
    run: (s) => cpuAndMemory(s),
  },
  samplers: {
    about:
      'per-collection cost of each agent sampler, with 0 and 10,000 sockets, beside prom-client and OTel',
    run: async (s) => [await collectionCosts(s)],
  },
  load: {
    about:
      'Fastify hello-world under autocannon: agent vs none, watchdog on vs off, A/A; pause per capture',
    run: async (s) => [await underLoad(s)],
  },
  collector: {
    about:
      'collector ingest (exports/s, p99 at 1,000/s, /metrics render, RSS per sender) vs Pushgateway',
    run: async (s) => [await collectorIngest(s)],
  },
  accuracy: {
    about:
      'event-loop delay and pool probe accuracy per Node line (20, 22, 24, 26): loopscope vs monitorEventLoopDelay as prom-client and OTel set it',
    run: async (s) => [await accuracy(s)],
  },
  gateway: {
    about:
      'collector as a remote-write gateway into VictoriaMetrics: exports/s, CPU, p99 at 1,000/s, RSS per sender, 2 replicas',
    run: async (s) => [await gatewayBench(s)],
  },
  hostile: {
    about:
      'collector CLI, default settings, under the hostile inputs of issue 15 items 1-4: RSS, peak RSS, loop stall of one large request',
    run: async (s) => [await hostileBench(s)],
  },
  memory: {
    about: 'heap and RSS overhead of each tool on an idle app (skipped by "all": cpu reports it)',
    run: async (s) => [await memoryOnly(s)],
  },
} satisfies Record<string, Benchmark>;

export type BenchmarkName = keyof typeof BENCHMARKS;

/** What runs without names: every benchmark once (memory comes from the cpu runs). */
export const DEFAULT_RUN: readonly BenchmarkName[] = [
  'cpu',
  'samplers',
  'load',
  'collector',
  'accuracy',
];
