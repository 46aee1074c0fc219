/** The log record sent for a busy loop (keys in names.ts, BUSY_EVENT). */
import { SeverityNumber, type LogRecord } from '@opentelemetry/api-logs';
import { BUSY_EVENT } from '../names.js';
import type { Frame } from './capture.js';
import { fingerprint, label, ownerOf, placeFrame, stackText } from './frames.js';

export interface BusyLoop {
  /** Wall-clock time the busy run began, ms since the epoch. */
  readonly startEpochMs: number;
  readonly durationMs: number;
  readonly utilization: number;
  readonly thresholdUtilization: number;
  /** Stacks sampled while busy, each innermost first and source-mapped; empty ones left out. */
  readonly samples: readonly (readonly Frame[])[];
}

/** Stacks listed in `hottest`. */
const MAX_LISTED = 3;
const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

interface Group {
  readonly fingerprint: string;
  /** The sample that stands for the group: one whose innermost frame is its place, if any. */
  frames: readonly Frame[];
  count: number;
}

const placedOnTop = (frames: readonly Frame[]): boolean => {
  const top = frames[0];
  return top !== undefined && placeFrame(frames) === top;
};

function groups(samples: readonly (readonly Frame[])[]): Group[] {
  const byPrint = new Map<string, Group>();
  for (const frames of samples) {
    const print = fingerprint(frames);
    const group = byPrint.get(print);
    if (!group) byPrint.set(print, { fingerprint: print, frames, count: 1 });
    else {
      group.count++;
      if (!placedOnTop(group.frames) && placedOnTop(frames)) group.frames = frames;
    }
  }
  // Stable: among equal counts, the first sampled stays first.
  return [...byPrint.values()].sort((a, b) => b.count - a.count);
}

/**
 * The application's frame that called into the package the stack's place is
 * in: `verifyPassword (src/auth.js:12)`; undefined when the place is the
 * application's own code or nothing has a place.
 */
export function callerOf(frames: readonly Frame[], cwd = process.cwd()): string | undefined {
  const owners = frames.map((f) => ownerOf(f, cwd));
  const at = owners.findIndex((o) => o.kind === 'app' || o.kind === 'package');
  if (owners[at]?.kind !== 'package') return undefined;
  const app = owners.findIndex((o, i) => i > at && o.kind === 'app');
  const frame = frames[app];
  const owner = owners[app];
  if (!frame || owner?.kind !== 'app') return undefined;
  return `${frame.function} (${owner.module}:${frame.line})`;
}

/** The event, or undefined when no sample had a JavaScript stack. */
export function busyRecord(busy: BusyLoop): LogRecord | undefined {
  const all = groups(busy.samples);
  const top = all[0];
  if (!top) return undefined;
  const A = BUSY_EVENT.attributes;
  const name = label(top.frames);
  const caller = callerOf(top.frames);
  // The place, not the innermost frame: a sample often lands in a getter or builtin the
  // hot function calls, and the group's first sample stands for them all.
  const located = placeFrame(top.frames) ?? top.frames.find((f) => f.file !== '');
  const percent = Math.round(busy.utilization * 100);
  const seconds = (busy.durationMs / 1000).toFixed(1);
  return {
    eventName: BUSY_EVENT.name,
    timestamp: busy.startEpochMs,
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body:
      `event loop busy (${percent}% for ${seconds} s, no single stall over the threshold): ` +
      `saturated by ${name}${caller ? ` called from ${caller}` : ''} ` +
      `(${top.count} of ${busy.samples.length} samples)`,
    attributes: {
      [A.durationMs]: Math.round(busy.durationMs),
      [A.utilization]: round(busy.utilization, 3),
      [A.thresholdUtilization]: busy.thresholdUtilization,
      [A.samples]: busy.samples.length,
      [A.hottestSamples]: top.count,
      [A.hottest]: all.slice(0, MAX_LISTED).map((g) => ({
        fingerprint: g.fingerprint,
        label: label(g.frames),
        samples: g.count,
      })),
      [A.fingerprint]: top.fingerprint,
      [A.label]: name,
      ...(caller && { [A.caller]: caller }),
      [A.frames]: top.frames.map((f) => ({ ...f })),
      [A.stacktrace]: stackText(top.frames),
      ...(located && {
        [A.function]: located.function,
        [A.file]: located.file,
        [A.line]: located.line,
        [A.column]: located.column,
      }),
    },
  };
}
