import { createWriteStream } from 'node:fs';
import { K6NdjsonWriter } from '../../src/autocannon/k6-ndjson.js';

export interface SyntheticRun {
  /** Seconds of run. */
  seconds: number;
  /** Requests per second. */
  rps: number;
  /** Latency of request i in second s, ms. */
  latency: (s: number, i: number) => number;
  startMs?: number;
  names?: readonly string[];
}

/** Writes a k6 `--out json` file for a made-up run, through the same writer the autocannon bridge uses. */
export async function writeSyntheticRun(
  file: string,
  run: SyntheticRun,
): Promise<{ requests: number; bytes: number }> {
  const out = createWriteStream(file);
  const writer = new K6NdjsonWriter(out);
  const start = run.startMs ?? Date.parse('2025-06-02T10:00:00Z');
  const names = run.names ?? ['ok'];
  let requests = 0;
  for (let s = 0; s < run.seconds; s++) {
    for (let i = 0; i < run.rps; i++) {
      const name = names[i % names.length] ?? 'ok';
      writer.request(start + s * 1000 + (i * 1000) / run.rps, run.latency(s, i), 200, {
        name,
        scenario: 'steady',
        testid: 'synthetic',
        url: `http://127.0.0.1:3000/${name}`,
      });
      requests++;
    }
    await writer.flush();
  }
  await writer.end();
  return { requests, bytes: out.bytesWritten };
}
