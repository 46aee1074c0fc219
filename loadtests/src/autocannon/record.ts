import type { Instance } from 'autocannon';
import type { K6NdjsonWriter } from './k6-ndjson.js';

export interface RecordOptions {
  /** k6 tags for every sample: `name` and `scenario` at least, `testid` for the run. */
  tags: Readonly<Record<string, string>> & { name: string; scenario: string };
  method?: string;
  /** The arrival rate asked for (requests/s), to derive dropped iterations. */
  targetRate?: number;
  /** Connections = the most requests in flight (k6's maxVUs). */
  connections?: number;
}

/**
 * Records an autocannon run as k6 would have: every response becomes
 * http_reqs / http_req_duration / http_req_failed / iterations points at its
 * completion time. With a target rate, requests that could not start on
 * schedule because every connection was busy are counted as
 * dropped_iterations once a second, like an arrival-rate executor whose VUs
 * are all busy. Returns a function that stops the per-second accounting.
 */
export function recordAutocannon(
  instance: Instance,
  writer: K6NdjsonWriter,
  o: RecordOptions,
): () => void {
  const tags: Readonly<Record<string, string>> & { scenario: string } = {
    method: o.method ?? 'GET',
    ...o.tags,
  };
  let completed = 0;
  let dropped = 0;
  const started = Date.now();
  instance.on(
    'response',
    (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      completed++;
      writer.request(Date.now(), responseTime, statusCode, tags);
    },
  );
  instance.on('reqError', () => {
    completed++;
    writer.request(Date.now(), null, 0, tags);
  });
  let timer: NodeJS.Timeout | undefined;
  if (o.targetRate) {
    const rate = o.targetRate;
    const inFlight = o.connections ?? 1;
    timer = setInterval(() => {
      const now = Date.now();
      const due = Math.floor((rate * (now - started)) / 1000);
      const missing = Math.max(0, due - completed - inFlight) - dropped;
      if (missing > 0) {
        dropped += missing;
        writer.point('dropped_iterations', now, missing, {
          scenario: tags.scenario,
          ...(tags.testid ? { testid: tags.testid } : {}),
        });
      }
    }, 1000);
  }
  return () => {
    if (timer) clearInterval(timer);
  };
}
