/**
 * Blocked-loop events as the collector keeps and serves them: what the
 * agent's watchdog sends for each stall it captured (one OTLP log record
 * named BLOCK_EVENT.name, see @loopscope/agent/names).
 */
import type { Sender } from '../otlp/model.js';
import type { StallContext } from './anatomy.js';

export interface BlockFrame {
  readonly function: string;
  /** Path, file: URL or `node:` module as the agent saw it (source-mapped when it could). */
  readonly file: string;
  /** 1-based; 0 when unknown (native code). */
  readonly line: number;
  readonly column: number;
}

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
