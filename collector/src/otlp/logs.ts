/**
 * An OTLP/HTTP logs export (protobuf or JSON) -> the block and busy-loop
 * events it carries, per sender. Log records that are not loopscope events are
 * counted and ignored (the collector is not a log store); events that
 * cannot be used are rejected one by one, with the reason, for the
 * response's partial_success. A body that cannot be read at all throws
 * OtlpDecodeError (HTTP 400), as for metrics.
 */
import { BLOCK_EVENT, BUSY_EVENT } from '@loopscope/agent/names';
import type { DecodeLimits } from './decode.js';
import { LOGS_SHAPE, walkExport } from './walk.js';
import { PointRejected } from './errors.js';
import {
  EVENT_ATTRIBUTE_LENGTH,
  eventTimeMs,
  fingerprintOf,
  frames,
  number,
} from './event-attributes.js';
import { readAttributes, readString, type Where } from './values.js';
import { parseJson, parseProtobuf, type OtlpEncoding } from './wire.js';
import { Rejections } from '../rejections.js';
import { readStallContext } from './block-anatomy.js';
import type { BlockEvent, SenderBlocks } from './block-model.js';
import { ExportLogsServiceRequest } from './logs-proto.js';
import { readBusyEvent } from './busy.js';
import type { BusyEvent, SenderBusy } from './busy-model.js';

export interface DecodedLogs {
  readonly batches: SenderBlocks[];
  readonly busyBatches: SenderBusy[];
  /** Block and busy-loop events accepted. */
  accepted: number;
  /** Log records that are neither. */
  ignored: number;
  readonly rejections: Rejections;
}

const A = BLOCK_EVENT.attributes;

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
  const fingerprint = fingerprintOf(attrs[A.fingerprint], A.fingerprint);
  return {
    timeMs: eventTimeMs(record, where),
    durationMs: number(attrs, A.durationMs, true)!,
    thresholdMs: number(attrs, A.thresholdMs, false) ?? 0,
    pauseMs: number(attrs, A.pauseMs, false),
    delayMs: number(attrs, A.delayMs, false),
    fingerprint,
    frames: frames(attrs[A.frames], A.frames),
    ...readStallContext(attrs, record),
  };
}

/** Walks an ExportLogsServiceRequest tree (protobufjs message or OTLP/JSON object). */
export function decodeLogs(request: unknown, limits: DecodeLimits): DecodedLogs {
  const out: DecodedLogs = {
    batches: [],
    busyBatches: [],
    accepted: 0,
    ignored: 0,
    rejections: new Rejections(),
  };
  walkExport(request, LOGS_SHAPE, limits, ({ sender, senderError }) => {
    const events: BlockEvent[] = [];
    const busy: BusyEvent[] = [];
    return {
      record(record, lAt) {
        const name = readString(record.eventName, () => `${lAt()}.eventName`);
        if (name !== BLOCK_EVENT.name && name !== BUSY_EVENT.name) {
          out.ignored++;
          return;
        }
        try {
          if (senderError) throw senderError;
          if (name === BLOCK_EVENT.name) events.push(readBlockEvent(record, limits, lAt));
          else busy.push(readBusyEvent(record, limits, lAt));
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
        if (sender && busy.length > 0) {
          out.busyBatches.push({ sender, events: busy });
          out.accepted += busy.length;
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
