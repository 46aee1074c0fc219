/**
 * An OTLP/HTTP logs export (protobuf or JSON) -> the block events it
 * carries, per sender. Log records that are not loopscope block events are
 * counted and ignored (the collector is not a log store); block events that
 * cannot be used are rejected one by one, with the reason, for the
 * response's partial_success. A body that cannot be read at all throws
 * OtlpDecodeError (HTTP 400), as for metrics.
 */
import { BLOCK_EVENT } from '@loopscope/agent/names';
import type { DecodeLimits } from './decode.js';
import { LOGS_SHAPE, walkExport } from './walk.js';
import { PointRejected } from './errors.js';
import type { AttrValue } from './model.js';
import { readAttributes, readString, readUint64, type Where } from './values.js';
import { parseJson, parseProtobuf, type OtlpEncoding } from './wire.js';
import { Rejections } from '../rejections.js';
import { readStallContext } from './block-anatomy.js';
import type { BlockEvent, BlockFrame, SenderBlocks } from './block-model.js';
import { ExportLogsServiceRequest } from './logs-proto.js';

export interface DecodedLogs {
  readonly batches: SenderBlocks[];
  /** Block events accepted. */
  accepted: number;
  /** Log records that are not block events. */
  ignored: number;
  readonly rejections: Rejections;
}

/** Events carry a stack: attribute values may be longer than metric labels. */
const EVENT_ATTRIBUTE_LENGTH = 64 * 1024;
export const MAX_FRAMES = 64;
const MAX_TEXT = 2048;

const A = BLOCK_EVENT.attributes;

function reject(message: string): never {
  throw new PointRejected(message, 'malformed');
}

function number(
  attrs: Record<string, AttrValue>,
  key: string,
  required: boolean,
): number | undefined {
  const v = attrs[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    reject(
      `${key} must be a finite number >= 0, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`,
    );
  }
  return v;
}

function text(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length > MAX_TEXT)
    reject(`${what} must be a string of at most ${MAX_TEXT} characters`);
  return v;
}

function position(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    reject(`${what} must be a whole number >= 0`);
  return v;
}

/** The frames attribute arrives as JSON text: the shared attribute reader flattens nested values. */
function frames(raw: AttrValue | undefined): BlockFrame[] {
  if (typeof raw !== 'string') reject(`${A.frames} must be an array of frames`);
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    reject(`${A.frames} must be an array of frames`);
  }
  // Empty is legitimate: the agent captured the stall after JavaScript had
  // resumed, or while the loop was inside native code.
  if (!Array.isArray(list) || list.length > MAX_FRAMES) {
    reject(`${A.frames} must be an array of at most ${MAX_FRAMES} frames`);
  }
  return list.map((f: unknown, i) => {
    const at = `${A.frames}[${i}]`;
    if (typeof f !== 'object' || f === null || Array.isArray(f)) reject(`${at} must be a map`);
    const o = f as Record<string, unknown>;
    return {
      function: text(o.function, `${at}.function`),
      file: text(o.file, `${at}.file`),
      line: position(o.line, `${at}.line`),
      column: position(o.column, `${at}.column`),
    };
  });
}

function readBlockEvent(
  record: Record<string, unknown>,
  limits: DecodeLimits,
  where: Where,
): BlockEvent {
  const attrs = readAttributes(
    record.attributes,
    { maxAttributes: limits.maxAttributes, maxAttributeLength: EVENT_ATTRIBUTE_LENGTH },
    () => `${where()}.attributes`,
  );
  const fingerprint = attrs[A.fingerprint];
  if (typeof fingerprint !== 'string' || !/^[0-9a-f]{1,64}$/.test(fingerprint)) {
    reject(`${A.fingerprint} must be 1 to 64 lowercase hex digits`);
  }
  const timeNs =
    readUint64(record.timeUnixNano, () => `${where()}.timeUnixNano`) ||
    readUint64(record.observedTimeUnixNano, () => `${where()}.observedTimeUnixNano`);
  if (timeNs === 0) reject('the log record has neither timeUnixNano nor observedTimeUnixNano');
  return {
    timeMs: timeNs / 1e6,
    durationMs: number(attrs, A.durationMs, true)!,
    thresholdMs: number(attrs, A.thresholdMs, false) ?? 0,
    pauseMs: number(attrs, A.pauseMs, false),
    delayMs: number(attrs, A.delayMs, false),
    fingerprint,
    frames: frames(attrs[A.frames]),
    ...readStallContext(attrs, record),
  };
}

/** Walks an ExportLogsServiceRequest tree (protobufjs message or OTLP/JSON object). */
export function decodeLogs(request: unknown, limits: DecodeLimits): DecodedLogs {
  const out: DecodedLogs = { batches: [], accepted: 0, ignored: 0, rejections: new Rejections() };
  walkExport(request, LOGS_SHAPE, limits, ({ sender, senderError }) => {
    const events: BlockEvent[] = [];
    return {
      record(record, lAt) {
        if (readString(record.eventName, () => `${lAt()}.eventName`) !== BLOCK_EVENT.name) {
          out.ignored++;
          return;
        }
        try {
          if (senderError) throw senderError;
          events.push(readBlockEvent(record, limits, lAt));
        } catch (err) {
          if (!(err instanceof PointRejected)) throw err;
          out.rejections.add(err.reason, 1, `${lAt()}: ${err.message}`);
        }
      },
      end() {
        if (sender && events.length > 0) {
          out.batches.push({ sender, events });
          out.accepted += events.length;
        }
      },
    };
  });
  return out;
}

export function decodeLogsExport(
  body: Uint8Array,
  encoding: OtlpEncoding,
  limits: DecodeLimits,
): DecodedLogs {
  const tree =
    encoding === 'protobuf' ? parseProtobuf(ExportLogsServiceRequest, body) : parseJson(body);
  return decodeLogs(tree, limits);
}
