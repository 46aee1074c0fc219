/**
 * Raw HTTP for the ingest tests: exact headers and bodies, and bodies
 * streamed in chunks so a test can see the server answer (413) before the
 * client has sent everything.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Body bytes the client managed to write before the answer. */
  written: number;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
  /** Stream `chunk` repeatedly up to `total` bytes (instead of `body`). */
  stream?: { chunk: Buffer; total: number };
  /** Send half of `body`, then the rest once this resolves (a slow client). */
  holdUntil?: Promise<void>;
}

export function raw(url: string, req: RawRequest = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    // A keep-alive client, as exporters are: a `Connection: close` request
    // makes the server close the socket right after answering, while the
    // client may still be writing the body.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const r = request(url, { method: req.method ?? 'POST', headers: req.headers, agent });
    r.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          written,
        }),
      );
      res.on('error', reject);
    });
    // The server may close the connection after answering a refused body.
    r.on('error', (err) => {
      agent.destroy();
      if (!answered) reject(err);
    });
    if (req.stream) {
      const { chunk, total } = req.stream;
      const pump = (): void => {
        while (!answered && !r.destroyed && written < total) {
          const n = Math.min(chunk.length, total - written);
          written += n;
          if (!r.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
            r.once('drain', pump);
            return;
          }
        }
        if (!answered && written >= total) r.end();
      };
      pump();
    } else if (req.body !== undefined && req.holdUntil) {
      const body = Buffer.from(req.body);
      const half = body.length >> 1;
      r.write(body.subarray(0, half));
      written = half;
      void req.holdUntil.then(() => {
        written = body.length;
        r.end(body.subarray(half));
      });
    } else {
      if (req.body !== undefined) written = Buffer.byteLength(req.body);
      r.end(req.body);
    }
  });
}
