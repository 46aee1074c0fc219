/**
 * Busy-loop events as the collector keeps and serves them: what the agent
 * sends when its loop stayed busy (utilization above its threshold for
 * seconds) without one stall long enough to be a block (one OTLP log record
 * named BUSY_EVENT.name, see @loopscope/agent/names).
 */
import type { BlockFrame } from '@loopscope/agent/names';
import type { Sender } from './model.js';

/** One of the hottest stacks sampled while busy. */
export interface BusyStack {
  readonly fingerprint: string;
  readonly label: string;
  readonly samples: number;
}

export interface BusyEvent {
  /** When the busy run began, ms since the epoch (agent clock). */
  readonly timeMs: number;
  /** How long the loop had been busy when the agent sent the event, ms. */
  readonly durationMs: number;
  /** Event-loop utilization over that time, 0-1. */
  readonly utilization: number;
  /** The threshold it stayed above; undefined when the agent did not say. */
  readonly thresholdUtilization: number | undefined;
  /** Stacks sampled while busy that had JavaScript on them. */
  readonly samples: number;
  /** Of those, how many had the hottest stack. */
  readonly hottestSamples: number;
  /** The hottest stack's fingerprint (as a block event's: one culprit, one fingerprint). */
  readonly fingerprint: string;
  /** The hottest stack's place: `_key (bcryptjs/dist/bcrypt.js:1217)`. */
  readonly label: string;
  /** The application's frame that called into that package: `verifyPassword (src/auth.js:12)`. */
  readonly caller: string | undefined;
  /** Up to MAX_HOTTEST stacks, hottest first. */
  readonly hottest: readonly BusyStack[];
  /** The hottest stack, innermost first. */
  readonly frames: readonly BlockFrame[];
}

/** The busy-loop events of one sender in one export. */
export interface SenderBusy {
  readonly sender: Sender;
  readonly events: readonly BusyEvent[];
}
