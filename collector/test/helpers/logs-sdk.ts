/**
 * Log records from the real OpenTelemetry logs SDK, serialized with the
 * exporters' own serializers, so the decoder is tested on the bytes real
 * exporters send. `blockEvent` builds what the agent's watchdog emits.
 */
import type { LogRecord } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { BLOCK_EVENT, BUSY_EVENT } from '@loopscope/agent/names';

const A = BLOCK_EVENT.attributes;

export interface TestFrame {
  function: string;
  file: string;
  line: number;
  column: number;
}

export const FRAMES: TestFrame[] = [
  { function: 'burnCpu', file: '/srv/app/src/burn.js', line: 12, column: 5 },
  { function: 'handler', file: '/srv/app/src/routes.js', line: 40, column: 3 },
  { function: 'listOnTimeout', file: 'node:internal/timers', line: 581, column: 17 },
];

export function blockEvent(
  over: { durationMs?: number; fingerprint?: string; frames?: unknown; timeMs?: number } = {},
  attributes: Record<string, unknown> = {},
): LogRecord {
  return {
    eventName: BLOCK_EVENT.name,
    timestamp: over.timeMs ?? Date.now(),
    severityNumber: 13,
    body: 'event loop blocked',
    attributes: {
      [A.durationMs]: over.durationMs ?? 300.5,
      [A.thresholdMs]: 100,
      [A.pauseMs]: 0.3,
      [A.delayMs]: 0.2,
      [A.fingerprint]: over.fingerprint ?? 'a1b2c3d4e5f60718',
      [A.frames]: (over.frames ?? FRAMES) as LogRecord['attributes'],
      ...(attributes as LogRecord['attributes']),
    },
  };
}

export function logsExport(
  resource: Record<string, string>,
  records: LogRecord[],
  encoding: 'protobuf' | 'json',
): Buffer {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(resource),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('@loopscope/agent');
  for (const record of records) logger.emit(record);
  const serializer = encoding === 'protobuf' ? ProtobufLogsSerializer : JsonLogsSerializer;
  const bytes = serializer.serializeRequest(exporter.getFinishedLogRecords());
  if (!bytes) throw new Error('serializer returned nothing');
  return Buffer.from(bytes);
}

export const RESOURCE = {
  'service.name': 'api',
  'service.namespace': 'shop',
  'service.instance.id': 'i-1',
};

/** A busy-loop event as the agent's watchdog/busy-event.ts emits it. */
export function busyEvent(
  over: { durationMs?: number; fingerprint?: string; label?: string; timeMs?: number } = {},
  attributes: Record<string, unknown> = {},
): LogRecord {
  const B = BUSY_EVENT.attributes;
  const fingerprint = over.fingerprint ?? 'b0b0c0c0d0d0e0e0';
  const label = over.label ?? '_key (bcryptjs/dist/bcrypt.js:1217)';
  return {
    eventName: BUSY_EVENT.name,
    timestamp: over.timeMs ?? Date.now(),
    severityNumber: 13,
    body: `event loop busy: saturated by ${label}`,
    attributes: {
      [B.durationMs]: over.durationMs ?? 6020,
      [B.utilization]: 0.98,
      [B.thresholdUtilization]: 0.9,
      [B.samples]: 8,
      [B.hottestSamples]: 7,
      [B.hottest]: [
        { fingerprint, label, samples: 7 },
        { fingerprint: 'ff', label: 'other (app.js:3)', samples: 1 },
      ],
      [B.fingerprint]: fingerprint,
      [B.label]: label,
      [B.caller]: 'verifyPassword (src/auth.js:12)',
      [B.frames]: FRAMES as unknown as LogRecord['attributes'],
      ...(attributes as LogRecord['attributes']),
    },
  };
}
