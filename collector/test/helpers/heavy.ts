/**
 * The heaviest requests of the malformed-request corpus, shared by the CLI
 * test (status, messages, RSS) and the in-process test (nothing retained).
 */
import { identicalPointsProtobuf } from '@loopscope/testkit';
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

/** One gauge with `n` identical points (shared with the `hostile` benchmark). */
export const millionPoints = identicalPointsProtobuf;

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
