/**
 * startWatchdog: the blocked-loop watchdog alone, without the samplers,
 * through the same runner and context (its own loop monitor and timer).
 * Kept apart from watchdog.ts, which the sampler registry imports, so that
 * the runner and the registry do not import each other.
 */
import type { Meter } from '@opentelemetry/api';
import type { LoggerProvider } from '@opentelemetry/api-logs';
import { reportFailure } from '../errors.js';
import { resolveSamplerOptions } from '../options.js';
import { createSamplerContext, runSamplers } from '../run-samplers.js';
import { resolveBlockOptions, type BlockOptions } from './block-options.js';
import { NOOP_WATCHDOG, watchdog, type Watchdog, type WatchdogSampler } from './watchdog.js';

/**
 * Starts the blocked-loop watchdog alone (its own loop monitor and timer)
 * on `meter` (metrics) and `loggerProvider` (events; the global one, a
 * no-op unless the app registered one, when not given). Invalid options are
 * reported once and leave it off.
 */
export function startWatchdog(
  options: BlockOptions | undefined,
  meter: Meter,
  loggerProvider?: LoggerProvider,
): Watchdog {
  try {
    resolveBlockOptions(options);
    const ctx = createSamplerContext(meter, resolveSamplerOptions(options), loggerProvider);
    let created: WatchdogSampler | undefined;
    const run = runSamplers(meter, ctx, [
      (c) => (created = watchdog(c) as WatchdogSampler | undefined),
    ]);
    if (!created) return NOOP_WATCHDOG;
    const dog = created;
    return { stop: () => run.stop(), stats: () => dog.stats() };
  } catch (err) {
    reportFailure('LOOPSCOPE_AGENT_WATCHDOG_OFF', err);
    return NOOP_WATCHDOG;
  }
}
