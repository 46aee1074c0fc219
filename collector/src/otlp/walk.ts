/**
 * The one walk over an OTLP export that every signal shares: request ->
 * resource (its sender read once) -> scope -> record. The metrics decoder
 * (decode.ts) and the logs decoder (logs.ts) differ only in what they read
 * from each record, which they pass in as a visitor.
 *
 * Structure of the wrong type throws OtlpDecodeError (HTTP 400). A resource
 * whose identity is unusable does not stop the walk: its records are still
 * visited, with `senderError` set, so each is rejected and counted by reason.
 */
import type { DecodeLimits } from './decode.js';
import { OtlpDecodeError, PointRejected } from './errors.js';
import type { Sender } from './model.js';
import { readArray, readAttributes, readObject, type Where } from './values.js';

/** Field names of one signal's export request (lowerCamelCase, as protobufjs and OTLP/JSON share). */
export interface SignalShape {
  /** For the 400 when the body is not an object, e.g. ExportLogsServiceRequest. */
  readonly request: string;
  readonly resources: string;
  readonly scopes: string;
  readonly records: string;
}

export const METRICS_SHAPE: SignalShape = {
  request: 'ExportMetricsServiceRequest',
  resources: 'resourceMetrics',
  scopes: 'scopeMetrics',
  records: 'metrics',
};

export const LOGS_SHAPE: SignalShape = {
  request: 'ExportLogsServiceRequest',
  resources: 'resourceLogs',
  scopes: 'scopeLogs',
  records: 'logRecords',
};

export interface WalkedResource {
  /** undefined when the resource's identity was rejected (see senderError). */
  readonly sender: Sender | undefined;
  /** Why every record of this resource is rejected. */
  readonly senderError: PointRejected | undefined;
}

/** What a decoder does with one resource's records; end() runs after its last one. */
export interface ResourceVisitor {
  record(record: Record<string, unknown>, at: Where): void;
  end(): void;
}

export function walkExport(
  request: unknown,
  shape: SignalShape,
  limits: DecodeLimits,
  onResource: (resource: WalkedResource) => ResourceVisitor,
): void {
  const req = readObject(request, () => 'the request body');
  if (req === undefined) throw new OtlpDecodeError(`expected an ${shape.request} object`);
  const resources = readArray(req[shape.resources], () => shape.resources);
  for (let r = 0; r < resources.length; r++) {
    const rAt = (): string => `${shape.resources}[${r}]`;
    const res = readObject(resources[r], rAt);
    if (res === undefined) continue;
    const resource = readObject(res.resource, () => `${rAt()}.resource`);
    const scopes = readArray(res[shape.scopes], () => `${rAt()}.${shape.scopes}`);
    let sender: Sender | undefined;
    let senderError: PointRejected | undefined;
    try {
      sender = readSender(resource?.attributes, limits, () => `${rAt()}.resource.attributes`);
    } catch (err) {
      if (!(err instanceof PointRejected)) throw err;
      senderError = err;
    }
    const visitor = onResource({ sender, senderError });
    for (let s = 0; s < scopes.length; s++) {
      const sAt = (): string => `${rAt()}.${shape.scopes}[${s}]`;
      const scope = readObject(scopes[s], sAt);
      if (scope === undefined) continue;
      const records = readArray(scope[shape.records], () => `${sAt()}.${shape.records}`);
      for (let i = 0; i < records.length; i++) {
        const at = (): string => `${sAt()}.${shape.records}[${i}]`;
        const record = readObject(records[i], at);
        if (record !== undefined) visitor.record(record, at);
      }
    }
    visitor.end();
  }
}

const RESOURCE_IDENTITY = ['service.name', 'service.namespace', 'service.instance.id'];

/** job = service.namespace/service.name, instance = service.instance.id (the OTel Prometheus compatibility rules). */
export function readSender(list: unknown, limits: DecodeLimits, where: Where): Sender {
  // Resource attributes only feed target_info and promoted labels, so an
  // over-long one is dropped rather than rejecting the resource's points.
  const attributes = readAttributes(list, { ...limits, maxAttributeLength: Infinity }, where);
  for (const [k, v] of Object.entries(attributes)) {
    if (typeof v === 'string' && v.length > limits.maxAttributeLength) {
      if (RESOURCE_IDENTITY.includes(k)) {
        throw new PointRejected(
          `resource attribute ${k} is ${v.length} characters long, more than the limit of ${limits.maxAttributeLength}`,
          'too_large',
        );
      }
      delete attributes[k];
    }
  }
  const name = attributes['service.name'];
  const namespace = attributes['service.namespace'];
  const instance = attributes['service.instance.id'];
  const service = name === undefined || name === '' ? 'unknown_service' : String(name);
  return {
    job: namespace === undefined || namespace === '' ? service : `${String(namespace)}/${service}`,
    instance: instance === undefined ? '' : String(instance),
    attributes,
  };
}
