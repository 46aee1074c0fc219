/**
 * A minimal Prometheus remote-write client (protobuf WriteRequest, snappy
 * block compression), standing in for k6's `experimental-prometheus-rw`
 * output, which cannot run here.
 */
import protobuf from 'protobufjs';
import { compress } from 'snappyjs';

const root = protobuf.Root.fromJSON({
  nested: {
    WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
    TimeSeries: {
      fields: {
        labels: { rule: 'repeated', type: 'Label', id: 1 },
        samples: { rule: 'repeated', type: 'Sample', id: 2 },
      },
    },
    Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
    Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
  },
});
const WriteRequest = root.lookupType('WriteRequest');

export interface RemoteSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** [milliseconds since the epoch, value], oldest first. */
  readonly samples: readonly (readonly [number, number])[];
}

export async function remoteWrite(
  prometheusUrl: string,
  series: readonly RemoteSeries[],
): Promise<void> {
  const timeseries = series.map((s) => ({
    // Prometheus wants labels sorted by name.
    labels: Object.entries({ __name__: s.name, ...s.labels })
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => ({ name, value })),
    samples: s.samples.map(([timestamp, value]) => ({ timestamp, value })),
  }));
  const body = compress(WriteRequest.encode(WriteRequest.create({ timeseries })).finish());
  const res = await fetch(`${prometheusUrl}/api/v1/write`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
    },
    body,
  });
  if (!res.ok) throw new Error(`remote write: ${res.status} ${await res.text()}`);
}
