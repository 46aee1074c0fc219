/**
 * Blocked-loop events as the collector keeps and serves them: what the
 * agent's watchdog sends for each stall it captured (one OTLP log record
 * named BLOCK_EVENT.name, see @loopscope/agent/names).
 */
import type { Sender } from './model.js';
import type { StallContext } from './block-anatomy.js';

import type { BlockFrame } from '@loopscope/agent/names';

/** One frame, as the agent sends it (declared once, in the agent's names). */
export type { BlockFrame };

/** Anatomy and request context are optional (StallContext): older agents send none. */
export interface BlockEvent extends StallContext {
  /** When the stall began, ms since the epoch (agent clock). */
  readonly timeMs: number;
  readonly durationMs: number;
  readonly thresholdMs: number;
  /** Main-thread time the capture took; undefined when the agent did not say. */
  readonly pauseMs: number | undefined;
  /** From the watchdog's request to the capture running. */
  readonly delayMs: number | undefined;
  readonly fingerprint: string;
  /** Innermost first. */
  readonly frames: readonly BlockFrame[];
}

/** The block events of one sender in one export. */
export interface SenderBlocks {
  readonly sender: Sender;
  readonly events: readonly BlockEvent[];
}
