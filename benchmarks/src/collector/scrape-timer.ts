/**
 * Times GET /metrics to the last byte, as Prometheus would wait for it,
 * streaming the body (it reaches 100+ MB at 10,000 senders) and counting
 * the senders in it on the way.
 */
import { get } from 'node:http';

export interface Render {
  readonly ms: number;
  readonly bytes: number;
  /** Occurrences of the per-sender marker. */
  readonly senders: number;
}

function countIn(text: string, marker: string): number {
  let n = 0;
  for (let i = text.indexOf(marker); i !== -1; i = text.indexOf(marker, i + marker.length)) n++;
  return n;
}

export function renderOnce(url: string, marker: string, timeoutMs = 60_000): Promise<Render> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = get(`${url}/metrics`, { timeout: timeoutMs }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`GET ${url}/metrics: ${res.statusCode}`));
      }
      res.setEncoding('latin1');
      let bytes = 0;
      let senders = 0;
      // The last marker.length - 1 characters, so a marker split between two chunks is
      // counted (one wholly inside them cannot exist, so none is counted twice).
      let tail = '';
      res.on('data', (chunk: string) => {
        bytes += chunk.length;
        const text = tail + chunk;
        senders += countIn(text, marker);
        const keep = text.length - marker.length + 1;
        tail = keep > 0 ? text.slice(keep) : text;
      });
      res.on('end', () => resolve({ ms: performance.now() - start, bytes, senders }));
      res.on('error', reject);
    });
    req.on('timeout', () =>
      req.destroy(new Error(`GET ${url}/metrics timed out after ${timeoutMs} ms`)),
    );
    req.on('error', reject);
  });
}
