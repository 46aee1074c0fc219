import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { Transform, type Readable } from 'node:stream';
import { InputError } from '../errors.js';

/** A results file as a stream of decoded bytes (gunzipped when needed), with progress on the raw bytes. */
export interface ByteSource {
  readonly file: string;
  readonly gzip: boolean;
  /** Size of the file on disk. */
  readonly totalBytes: number;
  /** Bytes of the file read so far (compressed bytes for .gz). */
  bytesRead(): number;
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

/** Opens `file`; gzip is recognised by its magic bytes, not by the name. */
export async function openBytes(file: string): Promise<ByteSource> {
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
  return {
    file,
    gzip,
    totalBytes: size,
    bytesRead: () => read,
    stream,
    close() {
      raw.destroy();
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
export async function readAllText(file: string, maxBytes = 512 * 1024 * 1024): Promise<string> {
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

export async function openLines(file: string): Promise<LineReader> {
  const source = await openBytes(file);
  const rl = createInterface({ input: source.stream, crlfDelay: Infinity });
  let streamError: unknown;
  // readline does not reject its iterator on input errors; remember and report them.
  source.stream.on('error', (e) => {
    streamError ??= e;
    rl.close();
  });
  const it = rl[Symbol.asyncIterator]();
  let line = 0;
  return {
    source,
    async next() {
      let r: IteratorResult<string>;
      try {
        r = await it.next();
      } catch (err) {
        throw new InputError(file, line + 1, describeIoError(streamError ?? err));
      }
      if (streamError) throw new InputError(file, line + 1, describeIoError(streamError));
      if (r.done) return undefined;
      line++;
      return { text: line === 1 ? r.value.replace(/^\uFEFF/, '') : r.value, line };
    },
    close() {
      rl.close();
      source.close();
    },
  };
}
