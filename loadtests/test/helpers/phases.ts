import { createWriteStream } from 'node:fs';
import autocannon from 'autocannon';
import { K6NdjsonWriter } from '../../src/autocannon/k6-ndjson.js';
import { recordAutocannon } from '../../src/autocannon/record.js';

/** One stream of a load phase: an endpoint at a fixed arrival rate (autocannon standing in for a k6 scenario). */
export interface Stream {
  name: string;
  path: string;
  rate: number;
  connections: number;
}

export interface PhaseResult {
  file: string;
  fromMs: number;
  toMs: number;
}

/**
 * Runs the streams side by side for `seconds`, recording every response in
 * k6's `--out json` schema (tags `name`, `scenario` = the phase, `testid`).
 * Bounded in time by autocannon's `duration` and in rate by `overallRate`.
 */
export async function runPhase(
  baseUrl: string,
  phase: string,
  streams: readonly Stream[],
  seconds: number,
  file: string,
): Promise<PhaseResult> {
  const out = createWriteStream(file);
  const writer = new K6NdjsonWriter(out);
  const fromMs = Date.now();
  await Promise.all(
    streams.map(async (s) => {
      let finished: (err: Error | null) => void = () => undefined;
      const done = new Promise((resolve, reject) => {
        finished = (err) => (err ? reject(err) : resolve(undefined));
      });
      // With a callback autocannon returns its event emitter (without one, a promise).
      const instance = autocannon(
        {
          url: baseUrl + s.path,
          connections: s.connections,
          overallRate: s.rate,
          duration: seconds,
        },
        (err: Error | null) => finished(err),
      );
      const stop = recordAutocannon(instance, writer, {
        tags: { name: s.name, scenario: phase, testid: 'e2e' },
        targetRate: s.rate,
        connections: s.connections,
      });
      try {
        await done;
      } finally {
        stop();
      }
    }),
  );
  await writer.end();
  return { file, fromMs, toMs: Date.now() };
}
