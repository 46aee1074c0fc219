/**
 * A part of the running agent. startAgent starts each component on the
 * agent's Meter (and LoggerProvider, when one exists) and stops them on
 * shutdown; adding one is one line in start.ts.
 */
import type { Meter } from '@opentelemetry/api';
import type { LoggerProvider } from '@opentelemetry/api-logs';

export interface AgentComponent {
  start(meter: Meter, loggerProvider?: LoggerProvider): void;
  stop(): void | Promise<void>;
}
