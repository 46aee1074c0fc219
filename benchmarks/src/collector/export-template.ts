/**
 * Exports shaped like one agent's: the agent's real samplers on an SDK
 * MeterProvider, collected once and encoded with the OpenTelemetry
 * exporter's own protobuf serializer. Senders and time then differ only in
 * fixed-width fields, which are patched in place of a copy (the instance
 * id's digits, and every end time, a fixed64), so a load generator can
 * send tens of thousands of distinct, ever newer exports without
 * re-serialising, and the collector still decodes every one in full.
 */
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerLoopscopeMetrics } from '@loopscope/agent';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { manualProvider } from '../sdk-reader.js';

export const JOB = 'bench-fleet';
const ID_PREFIX = 'sender-';
const ID_DIGITS = 9;

export interface Template {
  /** The serialized export of sender 0. */
  readonly body: Buffer;
  /** Offset of the instance id's digits. */
  readonly idOffset: number;
  /** Offsets of every occurrence of the collection's end time (fixed64, ns). */
  readonly timeOffsets: readonly number[];
  readonly timeNs: bigint;
  readonly points: number;
}

export const instanceId = (sender: number): string =>
  `${ID_PREFIX}${String(sender).padStart(ID_DIGITS, '0')}`;

function countPoints(rm: ResourceMetrics): number {
  return rm.scopeMetrics.reduce(
    (n, s) => n + s.metrics.reduce((m, x) => m + x.dataPoints.length, 0),
    0,
  );
}

function endTimeNs(rm: ResourceMetrics): bigint {
  const [s, ns] = rm.scopeMetrics[0]!.metrics[0]!.dataPoints[0]!.endTime;
  return BigInt(s) * 1_000_000_000n + BigInt(ns);
}

/** Short-lived garbage: young-generation GCs, as any app has. */
function churn(): void {
  let keep = 0;
  for (let i = 0; i < 200_000; i++) keep += [i, i + 1].length;
  if (keep < 0) throw new Error('unreachable');
}

function offsetsOf(body: Buffer, needle: Buffer): number[] {
  const out: number[] = [];
  for (let i = body.indexOf(needle); i !== -1; i = body.indexOf(needle, i + 1)) out.push(i);
  return out;
}

export async function buildTemplate(): Promise<Template> {
  const sdk = manualProvider({
    'service.name': JOB,
    'service.instance.id': instanceId(0),
    'process.pid': process.pid,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    'host.name': hostname(),
  });
  const metrics = registerLoopscopeMetrics(sdk.provider.getMeter('@loopscope/agent'));
  // Let the samplers tick, the pool probe return and a few GCs happen, so every
  // histogram an agent sends carries observations.
  for (let i = 0; i < 12; i++) {
    churn();
    await sleep(100);
  }
  const rm = await sdk.collect();
  await metrics.stop();
  await sdk.provider.shutdown();
  const bytes = ProtobufMetricsSerializer.serializeRequest(rm);
  if (!bytes) throw new Error('the OTLP serializer returned nothing');
  const body = Buffer.from(bytes);
  const timeNs = endTimeNs(rm);
  const time = Buffer.alloc(8);
  time.writeBigUInt64LE(timeNs);
  const ids = offsetsOf(body, Buffer.from(instanceId(0)));
  if (ids.length !== 1)
    throw new Error(`expected the instance id once in the export, found it ${ids.length} times`);
  return {
    body,
    idOffset: ids[0]! + ID_PREFIX.length,
    timeOffsets: offsetsOf(body, time),
    timeNs,
    points: countPoints(rm),
  };
}

/** The export of `sender` at `timeNs`, in a new buffer. */
export function exportOf(t: Template, sender: number, timeNs: bigint): Buffer {
  const body = Buffer.from(t.body);
  body.write(String(sender).padStart(ID_DIGITS, '0'), t.idOffset, 'latin1');
  for (const at of t.timeOffsets) body.writeBigUInt64LE(timeNs, at);
  return body;
}

/** JSON-safe form, for handing the template to the load generator's process. */
export function toJson(t: Template): string {
  return JSON.stringify({ ...t, body: t.body.toString('base64'), timeNs: String(t.timeNs) });
}

export function fromJson(text: string): Template {
  const raw = JSON.parse(text) as Omit<Template, 'body' | 'timeNs'> & {
    body: string;
    timeNs: string;
  };
  return { ...raw, body: Buffer.from(raw.body, 'base64'), timeNs: BigInt(raw.timeNs) };
}
