/** The log record sent for a captured stall (keys in names.ts, read by the collector too). */
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { SeverityNumber, type LogRecord } from '@opentelemetry/api-logs';
import { BLOCK_EVENT } from '../names.js';
import type { Anatomy } from './anatomy.js';
import type { Frame } from './capture.js';
import { fingerprint, label, stackText } from './frames.js';
import { pathOf, type RequestContext } from './requests.js';
import type { SpanInfo } from './trace-context.js';

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
  /** Where the time went; undefined without a thread clock. */
  readonly anatomy?: Anatomy | undefined;
  /** HTTP requests in flight at capture. */
  readonly requestsInFlight?: number;
  /** The request the blocked code served (request context). */
  readonly request?: RequestContext | undefined;
  /** The OpenTelemetry span active in the blocked code. */
  readonly span?: SpanInfo | undefined;
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

function anatomyAttributes(a: Anatomy | undefined): Record<string, number | string> {
  if (!a) return {};
  return {
    [A.cpuMs]: round(a.cpuMs),
    [A.gcMs]: round(a.gcMs),
    [A.cpuWaitMs]: round(a.cpuWaitMs),
    [A.throttledMs]: round(a.throttledMs),
    [A.offCpuMs]: round(a.offCpuMs),
    [A.cause]: a.cause,
  };
}

function requestAttributes(stall: CapturedStall): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  if (stall.requestsInFlight !== undefined) out[A.requestsInFlight] = stall.requestsInFlight;
  const route = stall.span?.route;
  if (route !== undefined) out[A.route] = route;
  if (stall.span?.name !== undefined) out[A.spanName] = stall.span.name;
  if (stall.request) {
    if (stall.request.method !== undefined) out[A.method] = stall.request.method;
    const path = pathOf(stall.request.url);
    if (path !== undefined) out[A.path] = path;
  }
  return out;
}

export function blockRecord(stall: CapturedStall): LogRecord {
  const located = stall.frames.find((f) => f.file !== '');
  return {
    // The span's ids go into the record's own trace_id/span_id fields; none: the root context.
    context: stall.span ? trace.setSpanContext(ROOT_CONTEXT, stall.span.spanContext) : ROOT_CONTEXT,
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
      ...anatomyAttributes(stall.anatomy),
      ...requestAttributes(stall),
    },
  };
}
