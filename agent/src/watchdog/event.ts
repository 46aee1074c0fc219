/** The log record sent for a captured stall (keys in names.ts, read by the collector too). */
import { SeverityNumber, type LogRecord } from '@opentelemetry/api-logs';
import { BLOCK_EVENT } from '../names.js';
import type { Frame } from './capture.js';
import { fingerprint, label, stackText } from './frames.js';

export interface CapturedStall {
  /** Wall-clock time the stall began, ms since the epoch. */
  readonly startEpochMs: number;
  readonly durationMs: number;
  readonly thresholdMs: number;
  /** Main-thread time the capture took. */
  readonly pauseMs: number;
  /** From the watchdog's request to the capture running. */
  readonly delayMs: number;
  /** Innermost first, already source-mapped. */
  readonly frames: readonly Frame[];
}

const A = BLOCK_EVENT.attributes;
const round = (ms: number): number => Math.round(ms * 1000) / 1000;

const at = (f: Frame): string => `${f.function} (${f.file}:${f.line}:${f.column})`;

/** "fn (file:line:col)", or "fn (native) from caller (file:line:col)" when the stall is in native code. */
function where(frames: readonly Frame[], located: Frame | undefined): string {
  const top = frames[0];
  if (!top) return '';
  if (top === located) return ` in ${at(top)}`;
  return ` in ${top.function} (native)${located ? ` from ${at(located)}` : ''}`;
}

export function blockRecord(stall: CapturedStall): LogRecord {
  const located = stall.frames.find((f) => f.file !== '');
  return {
    eventName: BLOCK_EVENT.name,
    timestamp: stall.startEpochMs,
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: `event loop blocked for ${Math.round(stall.durationMs)} ms${where(stall.frames, located)}`,
    attributes: {
      [A.durationMs]: round(stall.durationMs),
      [A.thresholdMs]: stall.thresholdMs,
      [A.pauseMs]: round(stall.pauseMs),
      [A.delayMs]: round(stall.delayMs),
      [A.fingerprint]: fingerprint(stall.frames),
      [A.label]: label(stall.frames),
      [A.frames]: stall.frames.map((f) => ({ ...f })),
      [A.stacktrace]: stackText(stall.frames),
      ...(located && {
        [A.function]: located.function,
        [A.file]: located.file,
        [A.line]: located.line,
        [A.column]: located.column,
      }),
    },
  };
}
