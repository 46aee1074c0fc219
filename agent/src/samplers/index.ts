/**
 * Every sampler the agent runs, in one list. Adding a signal = writing one
 * file with a SamplerFactory and adding it here.
 */
import type { SamplerFactory } from '../sampler.js';
import { activeResources } from './resources.js';
import { eventLoopDelay } from './eventloop-delay.js';
import { eventLoopUtilization } from './eventloop-utilization.js';
import { gc } from './gc.js';
import { heap } from './heap.js';
import { threadCpu } from './thread-cpu.js';
import { threadPool } from './threadpool.js';

export const SAMPLERS: readonly SamplerFactory[] = [
  eventLoopDelay,
  eventLoopUtilization,
  threadPool,
  threadCpu,
  activeResources,
  gc,
  heap,
];
