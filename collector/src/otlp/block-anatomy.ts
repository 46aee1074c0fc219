/**
 * The stall anatomy and request context a block event may carry (agent
 * README, "Stall anatomy" and "Which request"), read from its attributes
 * and the log record's own trace_id/span_id. Every field is optional: older
 * agents send none. A present but malformed value rejects the record, as the
 * other block attributes do.
 */
import {
  BLOCK_CAUSES,
  BLOCK_EVENT,
  type BlockAnatomy,
  type BlockCause,
} from '@loopscope/agent/names';
import { PointRejected } from './errors.js';
import type { AttrValue } from './model.js';

const A = BLOCK_EVENT.attributes;
/** Longest route, path, method or span name kept, characters. */
export const MAX_REQUEST_TEXT = 512;

/** Declared once with the event's keys in the agent's names.ts. */
export type { BlockAnatomy };

export interface BlockRequest {
  readonly inFlight?: number;
  readonly method?: string;
  readonly path?: string;
  readonly route?: string;
  readonly spanName?: string;
  /** 32 lowercase hex digits. */
  readonly traceId?: string;
  /** 16 lowercase hex digits. */
  readonly spanId?: string;
}

export interface StallContext {
  readonly anatomy?: BlockAnatomy;
  readonly request?: BlockRequest;
}

function reject(message: string): never {
  throw new PointRejected(message, 'malformed');
}

function ms(attrs: Readonly<Record<string, AttrValue>>, key: string): number | undefined {
  const v = attrs[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    reject(`${key} must be a finite number >= 0`);
  return v;
}

function str(attrs: Readonly<Record<string, AttrValue>>, key: string): string | undefined {
  const v = attrs[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > MAX_REQUEST_TEXT)
    reject(`${key} must be a string of at most ${MAX_REQUEST_TEXT} characters`);
  return v;
}

/** A trace or span id: bytes (protobuf) or hex (OTLP/JSON); all zeros or absent = none. */
function id(raw: unknown, bytes: number, what: string): string | undefined {
  let hex: string | undefined;
  // protobufjs gives an absent bytes field its default, an empty array.
  if (Array.isArray(raw) && raw.length === 0) return undefined;
  if (raw instanceof Uint8Array) {
    if (raw.length === 0) return undefined;
    if (raw.length !== bytes) reject(`${what} must be ${bytes} bytes`);
    hex = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex');
  } else if (typeof raw === 'string') {
    if (raw === '') return undefined;
    if (!new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(raw))
      reject(`${what} must be ${bytes * 2} hex digits`);
    hex = raw.toLowerCase();
  } else if (raw !== undefined && raw !== null) reject(`${what} must be bytes or hex`);
  return hex === undefined || /^0+$/.test(hex) ? undefined : hex;
}

export function readStallContext(
  attrs: Readonly<Record<string, AttrValue>>,
  record: Readonly<Record<string, unknown>>,
): StallContext {
  const out: { anatomy?: BlockAnatomy; request?: BlockRequest } = {};
  const cause = attrs[A.cause];
  if (cause !== undefined) {
    if (typeof cause !== 'string' || !(BLOCK_CAUSES as readonly string[]).includes(cause))
      reject(`${A.cause} must be one of ${BLOCK_CAUSES.join(', ')}`);
    out.anatomy = {
      cpuMs: ms(attrs, A.cpuMs) ?? 0,
      gcMs: ms(attrs, A.gcMs) ?? 0,
      cpuWaitMs: ms(attrs, A.cpuWaitMs) ?? 0,
      throttledMs: ms(attrs, A.throttledMs) ?? 0,
      offCpuMs: ms(attrs, A.offCpuMs) ?? 0,
      cause: cause as BlockCause,
    };
  }
  const inFlight = ms(attrs, A.requestsInFlight);
  const request: Record<string, string | number> = {};
  if (inFlight !== undefined) request.inFlight = Math.round(inFlight);
  for (const [field, key] of [
    ['method', A.method],
    ['path', A.path],
    ['route', A.route],
    ['spanName', A.spanName],
  ] as const) {
    const v = str(attrs, key);
    if (v !== undefined) request[field] = v;
  }
  const traceId = id(record.traceId, 16, 'traceId');
  const spanId = id(record.spanId, 8, 'spanId');
  if (traceId) request.traceId = traceId;
  if (spanId) request.spanId = spanId;
  if (Object.keys(request).length > 0) out.request = request;
  return out;
}
