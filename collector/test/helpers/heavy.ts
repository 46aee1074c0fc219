/**
 * The heaviest requests of the malformed-request corpus, shared by the CLI
 * test (status, messages, RSS) and the in-process test (nothing retained).
 */
import protobuf from 'protobufjs';
import { ExportMetricsServiceRequest } from '../../src/otlp/proto.js';

/** 2023-11-14, as ns: every corpus point has this time. */
export const T = 1_700_000_000_000_000_000;

/** An export of one resource (`service.name` = service) with these metrics, as protobuf. */
export function request(metrics: object[], service = 'corpus'): Buffer {
  const message = ExportMetricsServiceRequest.fromObject({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeMetrics: [{ metrics }],
      },
    ],
  });
  return Buffer.from(ExportMetricsServiceRequest.encode(message).finish());
}

export const point = (value: number, attributes: object[] = []) => ({
  timeUnixNano: T,
  asDouble: value,
  attributes,
});

/** One gauge with `n` identical points, written with protobufjs's Writer without building n objects. */
export function millionPoints(n: number): Buffer {
  const one = protobuf.Writer.create()
    .uint32(0x0a)
    .fork()
    .uint32(0x19)
    .fixed64(T)
    .uint32(0x21)
    .double(1)
    .ldelim()
    .finish();
  const gauge = Buffer.alloc(one.length * n).fill(one);
  const metric = protobuf.Writer.create()
    .uint32(0x0a)
    .string('million')
    .uint32(0x2a)
    .bytes(gauge)
    .finish();
  const scope = protobuf.Writer.create().uint32(0x12).bytes(metric).finish();
  const resource = protobuf.Writer.create().uint32(0x12).bytes(scope).finish();
  return Buffer.from(protobuf.Writer.create().uint32(0x0a).bytes(resource).finish());
}

/** One gauge `users` with `n` points, each with its own `user` attribute value. */
export function distinctValues(n: number): Buffer {
  return request([
    {
      name: 'users',
      gauge: {
        dataPoints: Array.from({ length: n }, (_, i) =>
          point(1, [{ key: 'user', value: { stringValue: `u${i}` } }]),
        ),
      },
    },
  ]);
}
