/**
 * Hostile collector inputs of issue 15, shared by the collector's tests
 * (capped heap, slowloris) and the `hostile` benchmark, so both exercise the
 * same bytes: slow connections, block-event exports with many long frames,
 * OTLP metric exports with many points or many distinct attribute values.
 * Bodies are OTLP/JSON except `identicalPointsProtobuf` (the largest requests
 * come in protobuf, as agents send them).
 */
import { connect, type Socket } from 'node:net';
import protobuf from 'protobufjs';

type Value = string | number;

const kv = (key: string, value: Value) => ({
  key,
  value: typeof value === 'number' ? { doubleValue: value } : { stringValue: value },
});

function resource(service: string, instance: string) {
  return { attributes: [kv('service.name', service), kv('service.instance.id', instance)] };
}

/**
 * One /v1/logs body with `stacks` block events of `frames` long frames each
 * (~63 KB of frames per event at the defaults), distinct fingerprints and
 * files per instance: what grows the block store fastest.
 */
export function blockEventsExport(instance: number, stacks = 75, frames = 64): string {
  const now = String(Date.now() * 1e6);
  const records = Array.from({ length: stacks }, (_, s) => ({
    timeUnixNano: now,
    eventName: 'loopscope.eventloop.block',
    body: { stringValue: 'event loop blocked' },
    attributes: [
      kv('loopscope.block.duration_ms', 150 + s),
      kv('loopscope.block.threshold_ms', 100),
      kv('loopscope.block.fingerprint', (instance * 1000 + s).toString(16)),
      kv(
        'loopscope.block.frames',
        JSON.stringify(
          Array.from({ length: frames }, (_, f) => ({
            function: `handler${f}`,
            file: `/srv/app/${'deeply/nested/'.repeat(25)}i${instance}s${s}f${f}.js`,
            line: f + 1,
            column: 1,
          })),
        ),
      ),
    ],
  }));
  return JSON.stringify({
    resourceLogs: [
      { resource: resource('hostile', `i-${instance}`), scopeLogs: [{ logRecords: records }] },
    ],
  });
}

/**
 * One /v1/metrics body (OTLP/JSON): gauge `metric` with `n` points, each with
 * its own value of attribute `key` (prefix + index), from one sender.
 */
export function distinctValuesExport(
  metric: string,
  key: string,
  n: number,
  sender: { service: string; instance: string },
  prefix = 'v',
  /** Names the agent declares are reserved with their unit (e.g. `{resource}`). */
  unit = '',
): string {
  const now = String(Date.now() * 1e6);
  const dataPoints = Array.from({ length: n }, (_, i) => ({
    timeUnixNano: now,
    asDouble: 1,
    attributes: [kv(key, `${prefix}${i}`)],
  }));
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: resource(sender.service, sender.instance),
        scopeMetrics: [{ metrics: [{ name: metric, unit, gauge: { dataPoints } }] }],
      },
    ],
  });
}

/** One protobuf export of gauge `million` with `n` identical points, without building n objects (~20 bytes a point). */
export function identicalPointsProtobuf(n: number): Buffer {
  const T = 1_700_000_000_000_000_000;
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
  const resourceMetrics = protobuf.Writer.create().uint32(0x12).bytes(scope).finish();
  return Buffer.from(protobuf.Writer.create().uint32(0x0a).bytes(resourceMetrics).finish());
}

/**
 * A slowloris client: headers for a 10 kB JSON body to `path`, then one byte
 * every `everyMs`. `answer` resolves with what the server sent once the
 * connection closes.
 */
export function trickle(
  port: number,
  everyMs = 500,
  path = '/v1/metrics',
): { socket: Socket; answer: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString()));
  socket.on('error', () => {});
  socket.write(
    `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 10000\r\n\r\n{`,
  );
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write(' ');
  }, everyMs);
  const answer = new Promise<string>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve(received);
    }),
  );
  return { socket, answer };
}
