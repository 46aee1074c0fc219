/**
 * Every sampler the agent runs, the blocked-loop watchdog among them, in one
 * list. Adding a signal = writing one file with a SamplerFactory and adding
 * it here. Order does not matter: the loop monitor beats before any of them.
 */
import type { SamplerFactory } from '../sampler.js';
import { cpuPressure } from './cpu-pressure.js';
import { activeResources } from './resources.js';
import { eventLoopDelay } from './eventloop-delay.js';
import { eventLoopUtilization } from './eventloop-utilization.js';
import { gc } from './gc.js';
import { heap } from './heap.js';
import { threadCpu } from './thread-cpu.js';
import { threadPool } from './threadpool.js';
import { watchdog } from '../watchdog/watchdog.js';

export const SAMPLERS: readonly SamplerFactory[] = [
  eventLoopDelay,
  eventLoopUtilization,
  threadPool,
  threadCpu,
  activeResources,
  gc,
  heap,
  cpuPressure,
  watchdog,
];
