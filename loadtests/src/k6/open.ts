import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { Transform, type Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { DEFAULT_LIMITS, inflatedTooFar, lineTooLong, type InputLimits } from './limits.js';

/** A results file as a stream of decoded bytes (gunzipped when needed), with progress on the raw bytes. */
export interface ByteSource {
  readonly file: string;
  readonly gzip: boolean;
  /** Size of the file on disk. */
  readonly totalBytes: number;
  /** Bytes of the file read so far (compressed bytes for .gz). */
  bytesRead(): number;
  /** Decoded bytes delivered so far (at most the --max-input-bytes limit). */
  decodedBytes(): number;
  readonly stream: Readable;
  close(): void;
}

/** Words for the errors a user can act on; anything else keeps Node's message. */
export function describeIoError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EISDIR') return 'is a directory, not a file';
  if (e.code === 'EACCES') return 'permission denied';
  if (e.code === 'Z_BUF_ERROR' || e.code === 'Z_DATA_ERROR')
    return `the gzip stream is corrupt or truncated (${e.message})`;
  return e.message;
}

async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * Opens `file`; gzip is recognised by its magic bytes, not by the name. The
 * stream fails with an InputError once it delivered more than
 * `maxInputBytes` decoded bytes.
 */
export async function openBytes(
  file: string,
  maxInputBytes = DEFAULT_LIMITS.maxInputBytes,
): Promise<ByteSource> {
  let size: number;
  let gzip: boolean;
  try {
    const st = await stat(file);
    if (st.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    size = st.size;
    gzip = await isGzip(file);
  } catch (err) {
    throw new InputError(file, undefined, describeIoError(err));
  }
  let read = 0;
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      read += chunk.length;
      done(null, chunk);
    },
  });
  raw.on('error', (e) => counter.destroy(e));
  let stream: Readable = raw.pipe(counter);
  if (gzip) {
    const gunzip = createGunzip();
    counter.on('error', (e) => gunzip.destroy(e));
    stream = counter.pipe(gunzip);
  }
  let decoded = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      decoded += chunk.length;
      if (decoded > maxInputBytes)
        done(new InputError(file, undefined, inflatedTooFar(maxInputBytes)));
      else done(null, chunk);
    },
  });
  stream.on('error', (e) => cap.destroy(e));
  stream = stream.pipe(cap);
  return {
    file,
    gzip,
    totalBytes: size,
    bytesRead: () => read,
    decodedBytes: () => decoded,
    stream,
    close() {
      raw.destroy();
      counter.destroy();
      stream.destroy();
    },
  };
}

/** The first `limit` decoded characters of a file, to tell its format. */
export async function peekText(file: string, limit = 64 * 1024): Promise<string> {
  const src = await openBytes(file);
  let text = '';
  try {
    for await (const chunk of src.stream) {
      text += (chunk as Buffer).toString('utf8');
      if (text.length >= limit) break;
    }
  } catch (err) {
    // A corrupt gzip tail does not matter for a peek; an unreadable head does.
    if (text.length === 0) throw new InputError(file, undefined, describeIoError(err));
  } finally {
    src.close();
  }
  return text.replace(/^\uFEFF/, '');
}

/** The whole decoded file as one string (summary files are small). */
// Summary files are a few hundred kB; 64 MiB keeps one string well inside V8's limit.
export async function readAllText(file: string, maxBytes = 64 * 1024 * 1024): Promise<string> {
  const src = await openBytes(file);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of src.stream) {
      total += (chunk as Buffer).length;
      if (total > maxBytes)
        throw new InputError(
          file,
          undefined,
          `larger than ${maxBytes} bytes: not a k6 summary file`,
        );
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(file, undefined, describeIoError(err));
  } finally {
    src.close();
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
}

/** Line-by-line reading of a results file, 1-based line numbers. */
export interface LineReader {
  readonly source: ByteSource;
  next(): Promise<{ text: string; line: number } | undefined>;
  close(): void;
}

/**
 * Splits the decoded bytes into lines itself (not readline): a line longer
 * than `maxLineBytes` stops the read with its line number instead of growing
 * one string until V8 gives up, and runs of empty lines (a newline bomb) are
 * counted in a tight loop over the buffer without creating a string each.
 * Only non-empty lines are returned; `line` keeps counting the skipped ones.
 */
export async function openLines(
  file: string,
  limits: InputLimits = DEFAULT_LIMITS,
): Promise<LineReader> {
  const source = await openBytes(file, limits.maxInputBytes);
  const chunks = source.stream[Symbol.asyncIterator]();
  const ready: { text: string; line: number }[] = [];
  let head = 0;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let line = 0;
  let ended = false;
  const fail = (at: number, err: unknown): never => {
    if (err instanceof InputError) throw err;
    throw new InputError(file, at, describeIoError(err));
  };
  const emit = (buf: Buffer): void => {
    line++;
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 0x0d) end--;
    if (end === 0) return;
    const text = buf.toString('utf8', 0, end);
    ready.push({ text: line === 1 ? text.replace(/^\uFEFF/, '') : text, line });
  };
  const split = (chunk: Buffer): void => {
    let pos = 0;
    while (pos < chunk.length) {
      if (partBytes === 0) {
        // Empty lines: count them without slicing.
        while (pos < chunk.length && chunk[pos] === 0x0a) {
          line++;
          pos++;
        }
        if (pos >= chunk.length) break;
      }
      const nl = chunk.indexOf(0x0a, pos);
      const end = nl < 0 ? chunk.length : nl;
      if (partBytes + (end - pos) > limits.maxLineBytes)
        throw new InputError(file, line + 1, lineTooLong(limits.maxLineBytes));
      if (nl < 0) {
        parts.push(chunk.subarray(pos));
        partBytes += chunk.length - pos;
        break;
      }
      if (partBytes === 0) emit(chunk.subarray(pos, nl));
      else {
        parts.push(chunk.subarray(pos, nl));
        emit(Buffer.concat(parts));
        parts = [];
        partBytes = 0;
      }
      pos = nl + 1;
    }
  };
  return {
    source,
    async next() {
      while (head >= ready.length && !ended) {
        ready.length = 0;
        head = 0;
        let r: IteratorResult<unknown>;
        try {
          r = await chunks.next();
        } catch (err) {
          return fail(line + 1, err);
        }
        if (r.done) {
          ended = true;
          if (partBytes > 0) emit(Buffer.concat(parts));
          parts = [];
          partBytes = 0;
        } else split(r.value as Buffer);
      }
      if (head >= ready.length) return undefined;
      return ready[head++];
    },
    close() {
      source.close();
    },
  };
}
