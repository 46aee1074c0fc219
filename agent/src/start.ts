/**
 * startAgent: the agent's own MeterProvider (never registered globally, so an
 * app with its own OpenTelemetry SDK is untouched), exporting over OTLP/HTTP,
 * with the samplers as its first component. Never throws and never rejects:
 * bad configuration is one message and a no-op handle.
 */
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { AgentComponent } from './component.js';
import { createMetricExporter } from './export/exporter.js';
import { report, reportFailure } from './errors.js';
import { registerLoopscopeMetrics, type LoopscopeMetrics } from './run-samplers.js';
import { SCOPE_NAME } from './names.js';
import {
  isDisabled,
  resolveOptions,
  unknownOptions,
  type AgentOptions,
  type ResolvedOptions,
} from './options.js';
import { buildResource } from './resource.js';
import { flushOnSignals } from './signals.js';
import { settleWithin } from './timeout.js';
import { VERSION } from './version.js';
import { createBlockLogsProvider } from './watchdog/logs-export.js';

export interface AgentHandle {
  /** Stops sampling and sends the last export (bounded by the export timeout). Never rejects. */
  shutdown(): Promise<void>;
}

const NOOP: AgentHandle = { shutdown: () => Promise.resolve() };

/** One agent per process, even if both `--import` and `startAgent()` are used. */
const RUNNING = Symbol.for('@loopscope/agent.running');
type Global = { [RUNNING]?: AgentHandle };

function samplers(options: ResolvedOptions): AgentComponent {
  let metrics: LoopscopeMetrics | undefined;
  return {
    start: (meter, logs) => (metrics = registerLoopscopeMetrics(meter, options, logs)),
    stop: () => metrics?.stop(),
  };
}

function start(code: AgentOptions): AgentHandle {
  const warning = unknownOptions(code, process.env);
  if (warning) report('LOOPSCOPE_AGENT_UNKNOWN_SETTING', warning);
  if (isDisabled(code)) return NOOP;
  const options = resolveOptions(code);

  const resource = buildResource(options);
  const provider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: createMetricExporter(options),
        exportIntervalMillis: options.exportIntervalMs,
        exportTimeoutMillis: options.exportTimeoutMs,
      }),
    ],
  });
  // Block events go to the same collector; undefined when the watchdog sends none.
  const logs = createBlockLogsProvider(options, resource);
  const flushAll = (): Promise<void> =>
    Promise.all([provider.forceFlush(), logs?.forceFlush()]).then(() => {});
  const shutdownAll = (): Promise<void> =>
    Promise.all([provider.shutdown(), logs?.shutdown()]).then(() => {});
  const meter = provider.getMeter(SCOPE_NAME, VERSION);
  const components: AgentComponent[] = [samplers(options)];
  for (const component of components) component.start(meter, logs);

  const stopComponents = async (): Promise<void> => {
    for (const component of components) {
      try {
        await component.stop();
      } catch (err) {
        reportFailure('LOOPSCOPE_AGENT_STOP_FAILED', err, 'stopping a component failed: ');
      }
    }
  };
  const uninstallSignals = options.handleSignals
    ? flushOnSignals({
        flush: flushAll,
        shutdown: () => stopComponents().then(shutdownAll),
        timeoutMs: options.shutdownFlushMs,
      })
    : () => {};

  let done: Promise<void> | undefined;
  const handle: AgentHandle = {
    shutdown() {
      done ??= (async () => {
        uninstallSignals();
        await stopComponents();
        const outcome = await settleWithin(shutdownAll(), options.exportTimeoutMs);
        if (outcome === 'timeout') {
          const detail = `last export did not finish within ${options.exportTimeoutMs} ms`;
          report('LOOPSCOPE_AGENT_FLUSH_TIMEOUT', detail);
        }
        if ((globalThis as Global)[RUNNING] === handle) delete (globalThis as Global)[RUNNING];
      })();
      return done;
    },
  };
  return handle;
}

export function startAgent(options: AgentOptions = {}): Promise<AgentHandle> {
  const global = globalThis as Global;
  const running = global[RUNNING];
  if (running) {
    report('LOOPSCOPE_AGENT_ALREADY_RUNNING', 'the agent is already running in this process');
    return Promise.resolve(running);
  }
  try {
    const handle = start(options);
    if (handle !== NOOP) global[RUNNING] = handle;
    return Promise.resolve(handle);
  } catch (err) {
    reportFailure('LOOPSCOPE_AGENT_START_FAILED', err);
    return Promise.resolve(NOOP);
  }
}
