/**
 * Reads a request body, inflating gzip/deflate, with the size limit applied
 * to the DECOMPRESSED bytes as they come out of zlib: a gzip bomb is cut
 * off at the limit instead of being inflated. On refusal the request stream
 * is left paused (not destroyed), so the error response can still be sent.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import type { BodyCompression } from './content-type.js';
import { IngestError } from './errors.js';

export function tooLarge(maxBytes: number, what: string): IngestError {
  return new IngestError(
    'LOOPSCOPE_TOO_LARGE',
    `${what} exceeds the limit of ${maxBytes} bytes (--max-body-bytes)`,
  );
}

/**
 * How long a body may take: `timeoutMs`, plus one second for every
 * `minBytesPerSecond` received. A client trickling a byte every few seconds
 * (slowloris) would otherwise hold an ingest slot forever; a large body on a
 * slow but honest link keeps earning time.
 */
export interface BodyDeadline {
  readonly timeoutMs: number;
  readonly minBytesPerSecond: number;
}

export function timedOut(deadline: BodyDeadline, received: number, elapsedMs: number): IngestError {
  return new IngestError(
    'LOOPSCOPE_TIMEOUT',
    `the body did not arrive in time: ${received} bytes in ${Math.round(elapsedMs)} ms (--request-timeout ${deadline.timeoutMs} ms, plus 1 s per --min-body-rate ${deadline.minBytesPerSecond} bytes)`,
  );
}

export function readBody(
  raw: Readable,
  compression: BodyCompression,
  maxBytes: number,
  deadline?: BodyDeadline,
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let size = 0;
    let settled = false;
    const zlib: Gunzip | Inflate | undefined =
      compression === 'gzip'
        ? createGunzip()
        : compression === 'deflate'
          ? createInflate()
          : undefined;

    const startedAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const allowedMs = (d: BodyDeadline): number =>
      d.timeoutMs + (received / d.minBytesPerSecond) * 1000;
    const check = (): void => {
      if (!deadline || settled) return;
      const elapsed = performance.now() - startedAt;
      const left = allowedMs(deadline) - elapsed;
      if (left <= 0) fail(timedOut(deadline, received, elapsed));
      else timer = setTimeout(check, left);
    };

    const cleanup = (): void => {
      clearTimeout(timer);
      raw.off('data', onRaw);
      raw.off('end', onRawEnd);
      raw.off('error', fail);
      raw.off('aborted', onAborted);
      raw.pause();
      zlib?.destroy();
    };
    function fail(err: unknown): void {
      if (settled) return;
      settled = true;
      cleanup();
      reject(err instanceof Error ? err : new Error(String(err)));
    }
    const onAborted = (): void => fail(new Error('the client aborted the request'));
    const keep = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        fail(tooLarge(maxBytes, compression === 'none' ? 'the body' : 'the decompressed body'));
        return;
      }
      chunks.push(chunk);
    };
    function onRaw(chunk: Buffer): void {
      received += chunk.length;
      if (received > maxBytes) {
        fail(tooLarge(maxBytes, 'the body'));
        return;
      }
      if (!zlib) keep(chunk);
      else if (!zlib.write(chunk)) {
        raw.pause();
        zlib.once('drain', () => {
          if (!settled) raw.resume();
        });
      }
    }
    function onRawEnd(): void {
      if (zlib) zlib.end();
      else finish();
    }
    function finish(): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      raw.off('aborted', onAborted);
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    }

    if (zlib) {
      zlib.on('data', keep);
      zlib.on('end', finish);
      zlib.on('error', (err) =>
        fail(
          new IngestError(
            'LOOPSCOPE_MALFORMED',
            `invalid ${compression} body after ${received} compressed bytes: ${err.message}`,
          ),
        ),
      );
    }
    raw.on('data', onRaw);
    raw.on('end', onRawEnd);
    raw.on('error', fail);
    raw.on('aborted', onAborted);
    raw.resume();
    check();
  });
}

/**
 * After refusing a request whose body has not all arrived, read and throw
 * away the rest (never inflated, never kept) so that a client still writing
 * reads the answer instead of a connection reset, and a keep-alive
 * connection stays usable. Reading stops beyond `capBytes`, and a body not
 * finished within `graceMs` gets its connection closed.
 */
export function discardRest(raw: IncomingMessage, capBytes: number, graceMs = 2000): void {
  if (raw.complete || raw.destroyed) return;
  const timer = setTimeout(() => raw.socket.destroy(), graceMs);
  timer.unref();
  let discarded = 0;
  const onData = (chunk: Buffer): void => {
    discarded += chunk.length;
    if (discarded <= capBytes) return;
    raw.off('data', onData);
    raw.pause();
  };
  raw.on('data', onData);
  raw.once('end', () => clearTimeout(timer));
  raw.resume();
}
